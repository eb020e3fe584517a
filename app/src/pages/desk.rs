//! The appeals officer's desk: the appeals of their bodies by time left, overdue first, with
//! filters (a GET form, so links and the back button keep them); and one appeal with every
//! action — triage, assign, answer (with files), forward, extend, consent, resolve — each a
//! plain form post, so the desk works on any browser, with or without JavaScript.

use crate::api::appeals::{get_desk, get_desk_case};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::appeals::{
    attachment_list, category_key, consent_role_key, date, error_key, kind_key, resolution_key, status_key,
    timeline,
};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::appeal::{Category, Resolution, Status};
use shared::time::format_date_time;

pub fn channel_key(channel: shared::appeal::Channel) -> Key {
    use shared::appeal::Channel;
    match channel {
        Channel::Web => Key::ChannelWeb,
        Channel::Telegram => Key::ChannelTelegram,
        Channel::PersonalReception => Key::ChannelPersonalReception,
        Channel::FieldReception => Key::ChannelFieldReception,
        Channel::VirtualReception => Key::ChannelVirtualReception,
        Channel::OtherSystem => Key::ChannelOtherSystem,
    }
}

#[component]
pub fn DeskPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let page = Resource::new(
        move || {
            (
                param("category"),
                param("body").parse::<i64>().unwrap_or(0),
                param("overdue") == "1",
                param("mine") == "1",
                param("after_at").parse::<i64>().ok(),
                param("after_id").parse::<i64>().ok(),
            )
        },
        |(category, body, overdue, mine, after_at, after_id)| {
            get_desk(category, body, overdue, mine, after_at, after_id)
        },
    );
    view! {
        <Title text=tr(locale, Key::DeskTitle) />
        <h1>{tr(locale, Key::DeskTitle)}</h1>
        <p><a href="/desk/receptions">{tr(locale, Key::DeskReceptionsLink)}" →"</a></p>
        <p><a href="/desk/reports">{tr(locale, Key::ReportsLink)}" →"</a></p>
        <p><a href="/desk/problems">{tr(locale, Key::ProblemsTitle)}" →"</a></p>
        <p><a href="/desk/proposals">{tr(locale, Key::ProposalsTitle)}" →"</a></p>
        <Instructions />
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let p = match page.await {
                    Ok(p) => p,
                    Err(error) => return failure_view(error),
                };
                let (category, body) = (param("category"), param("body"));
                let next = p.next.map(|(at, id)| {
                    let mut href = format!("/desk?after_at={at}&after_id={id}");
                    for k in ["category", "body", "overdue", "mine"] {
                        let v = param(k);
                        if !v.is_empty() {
                            href.push_str(&format!("&{k}={v}"));
                        }
                    }
                    view! { <p><a class="button secondary" href=href>{tr(locale, Key::InspectorMore)}</a></p> }
                });
                view! {
                    <form class="filters row" method="get" action="/desk">
                        <select name="category" aria-label=tr(locale, Key::AppealsCategory)>
                            <option value="">{tr(locale, Key::DeskAllCategories)}</option>
                            {Category::ALL.iter().map(|&c| view! {
                                <option value=c.code() selected=category == c.code()>{tr(locale, category_key(Some(c)))}</option>
                            }).collect_view()}
                        </select>
                        <select name="body" aria-label=tr(locale, Key::AppealsBody)>
                            <option value="">{tr(locale, Key::DeskAllBodies)}</option>
                            {p.bodies.iter().map(|b| {
                                let id = b.id.to_string();
                                view! { <option value=id.clone() selected=id == body>{"\u{a0}\u{a0}".repeat(b.depth)}{b.name.get(locale).to_string()}</option> }
                            }).collect_view()}
                        </select>
                        <label class="check"><input type="checkbox" name="overdue" value="1" checked=param("overdue") == "1" />" "{tr(locale, Key::DeskOverdueOnly)}</label>
                        <label class="check"><input type="checkbox" name="mine" value="1" checked=param("mine") == "1" />" "{tr(locale, Key::DeskMineOnly)}</label>
                        <button class="button secondary" type="submit">{tr(locale, Key::InspectorFilterApply)}</button>
                    </form>
                    // A head sees their officers' load: who has how many, how many overdue.
                    {(!p.load.is_empty()).then(|| view! {
                        <details class="officer-load">
                            <summary>{tr(locale, Key::DeskLoad)}</summary>
                            <table class="load">
                                <thead><tr>
                                    <th scope="col">{tr(locale, Key::DeskAssignee)}</th>
                                    <th scope="col">{tr(locale, Key::DeskLoadOpen)}</th>
                                    <th scope="col">{tr(locale, Key::DeskLoadOverdue)}</th>
                                </tr></thead>
                                <tbody>
                                    {p.load.iter().map(|l| view! {
                                        <tr class:overdue={l.overdue > 0}>
                                            <td>{l.officer.as_ref().map(|o| format!("{} · {}", tr(locale, crate::pages::profile::role_key(o.role)), o.name))
                                                .unwrap_or_else(|| tr(locale, Key::DeskLoadUnassigned).to_string())}</td>
                                            <td>{l.open.to_string()}</td>
                                            <td>{l.overdue.to_string()}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </details>
                    })}
                    {p.names_seven.then(|| view! { <p><a href="/desk/mahalla-seven">{tr(locale, Key::SevenLink)}" →"</a></p> })}
                    // A head chooses whether their officers' answers come to them first.
                    {(!p.reviewed.is_empty()).then(|| view! {
                        <details class="answer-review" open=query.read_untracked().get("review").is_some()>
                            <summary>{tr(locale, Key::DeskReviewTitle)}</summary>
                            {query.read_untracked().get("review").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::DeskReviewSaved)}</p> })}
                            <p class="muted">{tr(locale, Key::DeskReviewLead)}</p>
                            {p.reviewed.iter().map(|(id, name, on)| view! {
                                <form class="row" method="post" action=format!("/desk/bodies/{id}/review")>
                                    <label class="check"><input type="checkbox" name="on" value="yes" checked=*on />
                                        " "{name.get(locale).to_string()}" — "{tr(locale, Key::DeskReviewOn)}</label>
                                    <button class="button secondary" type="submit">{tr(locale, Key::DeskReviewSave)}</button>
                                </form>
                            }).collect_view()}
                        </details>
                    })}
                    {p.items.is_empty().then(|| view! { <p class="muted">{tr(locale, Key::DeskEmpty)}</p> })}
                    <ul class="list desk">
                        {p.items.into_iter().map(|a| view! {
                            <li class:overdue=a.overdue><a href=format!("/desk/appeals/{}", a.id)>
                                <strong>{a.number.clone()}" · "{a.subject.clone()}</strong>
                                <span class="muted">{a.body.get(locale).to_string()}" · "{tr(locale, kind_key(a.kind))}</span>
                                <span>
                                    {a.overdue.then(|| view! { <span class="badge overdue">{tr(locale, Key::DeskOverdue)}</span>" " })}
                                    {a.untriaged.then(|| view! { <span class="badge overdue">{tr(locale, Key::DeskUntriaged)}</span>" " })}
                                    {a.awaiting_review.then(|| view! { <span class="badge warning">{tr(locale, Key::DeskAwaitingReview)}</span>" " })}
                                    {a.repeat.then(|| view! { <span class="badge">{tr(locale, Key::DeskRepeat)}</span>" " })}
                                    {a.collective.then(|| view! { <span class="badge">{tr(locale, Key::DeskCollective)}</span>" " })}
                                    <span class="desk-category">{tr(locale, category_key(a.category))}</span>" · "
                                    <span class="desk-status">{tr(locale, status_key(a.status))}</span>" · "
                                    {trf(locale, Key::AppealsDue, &[("date", &date(&a.due_day))])}
                                </span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                    {next}
                }.into_any()
            })}
        </Suspense>
    }
}

/// The People's Reception's written instructions: a coordinator gives them to a body of the
/// region and sees whether each was acknowledged; a body's staff acknowledge theirs.
#[component]
fn Instructions() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let list = Resource::new(|| (), |_| crate::api::appeals::get_instructions());
    let kept = crate::api::kept::use_kept("instruction");
    let item = move |i: &shared::appeal::Instruction, acknowledge: bool| {
        let status = match &i.acknowledged {
            Some((at, who)) => trf(
                locale,
                Key::InstructionsAcknowledged,
                &[("when", &format_date_time(*at)), ("who", who)],
            ),
            None => tr(locale, Key::InstructionsWaiting).to_string(),
        };
        view! {
            <li class="instruction" class:waiting=i.acknowledged.is_none()>
                <strong>{i.body.get(locale).to_string()}" · "{format_date_time(i.given_at)}</strong>
                <span>{i.text.clone()}</span>
                <span class="muted">{status}</span>
                {(acknowledge && i.acknowledged.is_none()).then(|| view! {
                    <form method="post" action=format!("/desk/instructions/{}/acknowledge", i.id)>
                        <button class="button secondary" type="submit">{tr(locale, Key::InstructionsAcknowledge)}</button>
                    </form>
                })}
            </li>
        }
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let Ok(list) = list.await else { return ().into_any() };
                if list.bodies.is_empty() && list.given.is_empty() && list.received.is_empty() {
                    return ().into_any();
                }
                let kept = kept.await;
                let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
                let chosen = value("body");
                let notice = query.read_untracked().get("instruction").map(|done| {
                    let key = if done == "given" { Key::InstructionsGiven } else { Key::InstructionsDone };
                    view! { <p class="notice success" role="status">{tr(locale, key)}</p> }
                });
                let refused = query.read_untracked().get("error");
                view! {
                    <section class="instructions" id="instructions">
                        <h2>{tr(locale, Key::InstructionsTitle)}</h2>
                        {notice}
                        {(!list.received.is_empty()).then(|| view! {
                            <ul class="list compact">{list.received.iter().map(|i| item(i, true)).collect_view()}</ul>
                        })}
                        {(!list.bodies.is_empty()).then(|| view! {
                            <details class="give-instruction" open=refused.is_some()>
                                <summary>{tr(locale, Key::InstructionsGive)}</summary>
                                {refused.clone().map(|code| crate::pages::appeals::form_error("instruction-error", tr(locale, error_key(&code))))}
                                <form class="stack" method="post" action="/desk/instructions">
                                    <label for="instruction-body">{tr(locale, Key::InstructionsBody)}</label>
                                    <select id="instruction-body" name="body" required>
                                        {list.bodies.iter().map(|(id, n)| view! {
                                            <option value=id.to_string() selected=id.to_string() == chosen>{n.get(locale).to_string()}</option>
                                        }).collect_view()}
                                    </select>
                                    <label for="instruction-text">{tr(locale, Key::InstructionsText)}</label>
                                    <textarea id="instruction-text" name="text" rows="4" maxlength="10000" required>{value("text")}</textarea>
                                    <button class="button" type="submit">{tr(locale, Key::InstructionsSend)}</button>
                                </form>
                            </details>
                            {if list.given.is_empty() {
                                view! { <p class="muted">{tr(locale, Key::InstructionsNone)}</p> }.into_any()
                            } else {
                                view! { <ul class="list compact">{list.given.iter().map(|i| item(i, false)).collect_view()}</ul> }.into_any()
                            }}
                        })}
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn DeskCasePage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let case = Resource::new(route_id(), get_desk_case);
    let kept = crate::api::kept::use_kept("desk");
    let kept_reason = crate::api::kept::use_kept("send_back");
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match case.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                let a = &c.view;
                let s = &a.summary;
                let id = s.id;
                let action = format!("/desk/appeals/{id}");
                let open = s.status != Status::Resolved;
                // A refused action comes back with its text (kept on the server), its message
                // above the forms, the text field focused.
                let typed = kept.await.get("text").cloned().unwrap_or_default();
                let reason = kept_reason.await.get("reason").cloned().unwrap_or_default();
                let refused = query.read().get("error");
                let done = query.read().get("done");
                // Staff are named with their role in the reader's language.
                let staff_label = move |s: &shared::appeal::StaffChoice| format!("{} · {}", tr(locale, crate::pages::profile::role_key(s.role)), s.name);
                let assignee = c.assigned_to.and_then(|u| c.staff.iter().find(|s| s.id == u)).map(staff_label);
                view! {
                    <Title text=format!("{} · {}", s.number, s.subject) />
                    <p><a href="/desk">"← "{tr(locale, Key::DeskTitle)}</a></p>
                    {done.map(|action| {
                        let key = match action.as_str() {
                            "resolve" => Key::DeskDoneResolved,
                            "send_back" => Key::DeskSentBack,
                            _ => Key::DeskDone,
                        };
                        view! { <p class="notice success" role="status">{tr(locale, key)}</p> }
                    })}
                    <h1 class="appeal-number">{s.number.clone()}</h1>
                    <dl class="facts">
                        <dt>{tr(locale, Key::AppealsSubject)}</dt><dd>{s.subject.clone()}</dd>
                        <dt>{tr(locale, Key::AppealsKind)}</dt><dd>{tr(locale, kind_key(a.kind))}</dd>
                        <dt>{tr(locale, Key::DeskResident)}</dt>
                        <dd class="applicant">{c.applicant.name.clone()}<br />
                            <a href=format!("tel:{}", c.applicant.phone.replace(' ', ""))>{c.applicant.phone.clone()}</a><br />
                            {c.applicant.address.clone()}</dd>
                        <dt>{tr(locale, Key::AppealsBody)}</dt><dd class="appeal-body">{s.body.get(locale).to_string()}</dd>
                        <dt>{tr(locale, Key::AppealsCategory)}</dt><dd class="appeal-category">{tr(locale, category_key(s.category))}</dd>
                        <dt>{tr(locale, Key::InspectorStatus)}</dt><dd class="appeal-status">{tr(locale, status_key(s.status))}</dd>
                        <dt>{tr(locale, Key::DeskAssignee)}</dt><dd>{assignee.unwrap_or_else(|| "—".into())}</dd>
                        {a.resolution.map(|r| view! { <dt>{tr(locale, Key::DeskResolution)}</dt><dd class="appeal-resolution">{tr(locale, resolution_key(r))}</dd> })}
                        {a.repeat_of.clone().map(|n| view! { <dt>{tr(locale, Key::AppealsRepeatOf)}</dt><dd class="appeal-repeat">{n}</dd> })}
                        <dt>{tr(locale, Key::DeskChannel)}</dt><dd class="appeal-channel">{tr(locale, channel_key(c.channel))}</dd>
                        // Where it was first sent and where it has been since, with the dates.
                        <dt>{tr(locale, Key::DeskPassage)}</dt>
                        <dd class="appeal-passage"><ol class="compact">
                            {c.passage.iter().map(|stage| view! {
                                <li>{stage.body.get(locale).to_string()}" · "{shared::time::format_date(stage.since)}</li>
                            }).collect_view()}
                        </ol></dd>
                    </dl>
                    <p class="appeal-due"><strong>{trf(locale, Key::AppealsDue, &[("date", &date(&s.due_day))])}</strong></p>
                    <p class="appeal-text">{a.text.clone()}</p>
                    {attachment_list(id, a.attachments.clone())}
                    {a.collective.then(|| view! {
                        <section class="cosigners">
                            <h2>{tr(locale, Key::AppealsCosigners)}</h2>
                            <ul class="list compact">
                                {a.cosigners.iter().map(|co| view! {
                                    <li>{co.phone.clone()}" · "{tr(locale, if co.confirmed { Key::AppealsCosignerConfirmed } else { Key::AppealsCosignerWaiting })}</li>
                                }).collect_view()}
                            </ul>
                            <h2>{tr(locale, Key::DeskConsents)}</h2>
                            <ul class="list compact consents">
                                {c.consents.iter().map(|k| view! {
                                    <li>{k.person.clone()}" · "{tr(locale, consent_role_key(k.role))}" · "
                                        {tr(locale, if k.consent { Key::DeskConsentYes } else { Key::DeskConsentNo })}" · "
                                        <span class="muted">{format_date_time(k.at)}</span></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!c.ratings.is_empty()).then(|| view! {
                        <section class="ratings">
                            <h2>{tr(locale, Key::DeskRatings)}</h2>
                            <ul class="list compact">
                                {c.ratings.iter().map(|r| view! {
                                    <li class="rating"><strong>{format!("{} / 5", r.score)}</strong>" "{r.comment.clone()}
                                        " "<span class="muted">{format_date_time(r.at)}</span></li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {(!c.can_act).then(|| view! { <p class="notice">{tr(locale, Key::DeskReadOnly)}</p> })}
                    // The People's Reception of the appeal's region may send an answer back.
                    {c.can_send_back.then(|| view! {
                        <section class="send-back stack" id="send-back">
                            <h2>{tr(locale, Key::DeskSendBack)}</h2>
                            <p class="muted">{tr(locale, Key::DeskSendBackLead)}</p>
                            {(!c.can_act).then(|| refused.clone().map(|code| crate::pages::appeals::form_error("send-back-error", tr(locale, error_key(&code)))))}
                            <form class="stack" method="post" action=format!("/desk/appeals/{id}/send-back")>
                                <label for="send-back-reason">{tr(locale, Key::DeskSendBackReason)}</label>
                                <textarea id="send-back-reason" name="reason" rows="3" maxlength="10000" required>{reason.clone()}</textarea>
                                <button class="button" type="submit">{tr(locale, Key::DeskSendBack)}</button>
                            </form>
                        </section>
                    })}
                    {(open && c.can_act).then(|| view! {
                        <section class="desk-actions stack">
                            {refused.clone().map(|code| crate::pages::appeals::form_error("desk-error", tr(locale, error_key(&code))))}
                            // An officer's request to extend: a head decides it; the officer waits.
                            {c.extension_request.clone().map(|(reason, who)| {
                                let asked = trf(locale, Key::DeskExtensionRequest, &[("who", &who), ("reason", &reason)]);
                                if c.heads {
                                    view! {
                                        <div class="extension-request stack">
                                            <p class="notice">{asked}</p>
                                            <form method="post" action=action.clone() enctype="multipart/form-data">
                                                <input type="hidden" name="action" value="approve_extension" />
                                                <button class="button" type="submit">{tr(locale, Key::DeskApproveExtension)}</button>
                                            </form>
                                            <form class="stack" method="post" action=action.clone() enctype="multipart/form-data">
                                                <input type="hidden" name="action" value="refuse_extension" />
                                                <label for="refuse-reason">{tr(locale, Key::DeskRefuseReason)}</label>
                                                <textarea id="refuse-reason" name="text" rows="2" maxlength="10000" required></textarea>
                                                <button class="button secondary" type="submit">{tr(locale, Key::DeskRefuseExtension)}</button>
                                            </form>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! { <p class="notice">{tr(locale, Key::DeskExtensionWaiting)}</p> }.into_any()
                                }
                            })}
                            // An officer's answer waiting for a head: the head lets it go to
                            // the resident or sends it back; the officer waits.
                            {c.draft_answer.clone().map(|(text, who)| {
                                if c.heads {
                                    view! {
                                        <div class="draft-answer stack">
                                            <p class="notice">{trf(locale, Key::DeskDraftAnswer, &[("who", &who)])}</p>
                                            <blockquote class="draft-text">{text}</blockquote>
                                            <form method="post" action=action.clone() enctype="multipart/form-data">
                                                <input type="hidden" name="action" value="approve_answer" />
                                                <button class="button" type="submit">{tr(locale, Key::DeskApproveAnswer)}</button>
                                            </form>
                                            <form class="stack" method="post" action=action.clone() enctype="multipart/form-data">
                                                <input type="hidden" name="action" value="return_answer" />
                                                <label for="return-reason">{tr(locale, Key::DeskReturnReason)}</label>
                                                <textarea id="return-reason" name="text" rows="2" maxlength="10000" required></textarea>
                                                <button class="button secondary" type="submit">{tr(locale, Key::DeskReturnAnswer)}</button>
                                            </form>
                                        </div>
                                    }.into_any()
                                } else {
                                    view! {
                                        <p class="notice">{tr(locale, Key::DeskDraftWaiting)}</p>
                                        <blockquote class="draft-text">{text}</blockquote>
                                    }.into_any()
                                }
                            })}
                            // No answer is chosen for the officer: triage starts at "—".
                            <form class="row" method="post" action=action.clone() enctype="multipart/form-data">
                                <input type="hidden" name="action" value="triage" />
                                <select name="category" aria-label=tr(locale, Key::AppealsCategory) required>
                                    <option value="" selected>"—"</option>
                                    {Category::ALL.iter().map(|&cat| view! {
                                        <option value=cat.code()>{tr(locale, category_key(Some(cat)))}</option>
                                    }).collect_view()}
                                </select>
                                <button class="button secondary" type="submit">{tr(locale, Key::DeskTriage)}</button>
                            </form>
                            <form class="row" method="post" action=action.clone() enctype="multipart/form-data">
                                <input type="hidden" name="action" value="assign" />
                                <select name="assignee" aria-label=tr(locale, Key::DeskAssignee)>
                                    {c.staff.iter().map(|s| view! {
                                        <option value=s.id.to_string() selected=c.assigned_to == Some(s.id)>{staff_label(s)}</option>
                                    }).collect_view()}
                                </select>
                                <button class="button secondary" type="submit">{tr(locale, Key::DeskAssign)}</button>
                            </form>
                            <form class="stack" method="post" action=action.clone() enctype="multipart/form-data">
                                <label for="desk-text">{tr(locale, Key::DeskText)}</label>
                                <textarea id="desk-text" name="text" rows="5" maxlength="10000" autofocus=refused.is_some()>{typed}</textarea>
                                <label for="desk-files">{tr(locale, Key::AppealsFiles)}</label>
                                <input id="desk-files" name="files" type="file" multiple accept="image/jpeg,image/png,image/webp,application/pdf" />
                                <div class="row">
                                    <button class="button" type="submit" name="action" value="answer">{tr(locale, Key::DeskAnswer)}</button>
                                    {(!c.extended && c.extension_request.is_none()).then(|| view! {
                                        <button class="button secondary" type="submit" name="action" value="extend">{tr(locale, Key::DeskExtend)}</button>
                                    })}
                                </div>
                                {c.forward_until.clone().map(|until| view! {
                                    <label for="desk-to">{trf(locale, Key::DeskForwardUntil, &[("date", &date(&until))])}</label>
                                    <div class="row">
                                        <select id="desk-to" name="to">
                                            {c.bodies.iter().filter(|b| b.id != c.body_id).map(|b| view! {
                                                <option value=b.id.to_string()>{"\u{a0}\u{a0}".repeat(b.depth)}{b.name.get(locale).to_string()}</option>
                                            }).collect_view()}
                                        </select>
                                        <button class="button secondary" type="submit" name="action" value="forward">{tr(locale, Key::DeskForward)}</button>
                                    </div>
                                })}
                            </form>
                            // Closing has a form of its own: an outcome chosen (none is
                            // pre-chosen), its reason, and a tick that confirms it.
                            <form class="stack resolve-form" method="post" action=action.clone() enctype="multipart/form-data">
                                <input type="hidden" name="action" value="resolve" />
                                <label for="desk-resolution">{tr(locale, Key::DeskResolution)}</label>
                                <select id="desk-resolution" name="resolution" required>
                                    <option value="" selected>"—"</option>
                                    {Resolution::ALL.iter().map(|&r| view! {
                                        <option value=r.code()>{tr(locale, resolution_key(r))}</option>
                                    }).collect_view()}
                                </select>
                                <label for="resolve-text">{tr(locale, Key::DeskResolveReason)}</label>
                                <textarea id="resolve-text" name="text" rows="2" maxlength="10000"></textarea>
                                <label class="check"><input type="checkbox" name="confirm" value="yes" required />
                                    " "{tr(locale, Key::DeskResolveConfirm)}</label>
                                <button class="button danger" type="submit">{tr(locale, Key::DeskResolve)}</button>
                            </form>
                            // Consent to close is given by the people themselves, with an SMS
                            // code: the co-signers' representatives and the mahalla seven.
                            {a.collective.then(|| view! {
                                <p class="muted consent-note">{tr(locale, Key::DeskConsentBySelves)}</p>
                            })}
                        </section>
                    })}
                    {timeline(locale, id, a.events.clone())}
                }.into_any()
            })}
        </Suspense>
    }
}
