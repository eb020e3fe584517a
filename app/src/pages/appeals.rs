//! A resident's appeals: the list, the filing form (a plain form post), and one appeal with
//! its category, term and timeline.

use crate::api::appeals::{get_appeal, get_appeal_choices, my_appeals};
use crate::components::error_box::Loading;
use crate::i18n::{Key, tr, trf, use_locale};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::time::format_date_time;

fn status_key(status: &str) -> Key {
    match status {
        "in_progress" => Key::AppealsStatusInProgress,
        "answered" => Key::AppealsStatusAnswered,
        "resolved" => Key::AppealsStatusResolved,
        _ => Key::AppealsStatusRegistered,
    }
}

fn category_key(category: Option<&str>) -> Key {
    match category {
        Some("urgent") => Key::AppealsCategoryUrgent,
        Some("ordinary") => Key::AppealsCategoryOrdinary,
        Some("consultation") => Key::AppealsCategoryConsultation,
        _ => Key::AppealsCategoryNone,
    }
}

fn event_key(kind: &str) -> Key {
    match kind {
        "triaged" => Key::AppealsEventTriaged,
        "assigned" => Key::AppealsEventAssigned,
        "answered" => Key::AppealsEventAnswered,
        "forwarded" => Key::AppealsEventForwarded,
        "extended" => Key::AppealsEventExtended,
        "resolved" => Key::AppealsEventResolved,
        "escalated" => Key::AppealsEventEscalated,
        "repeat" => Key::AppealsEventRepeat,
        _ => Key::AppealsEventRegistered,
    }
}

fn error_key(code: &str) -> Key {
    match code {
        "topic" => Key::AppealsErrorTopic,
        "kind" => Key::AppealsErrorKind,
        "subject_empty" => Key::AppealsErrorSubjectEmpty,
        "subject_too_long" => Key::AppealsErrorSubjectTooLong,
        "text_empty" => Key::AppealsErrorTextEmpty,
        "text_too_long" => Key::AppealsErrorTextTooLong,
        "place" => Key::AppealsErrorPlace,
        _ => Key::AppealsErrorBody,
    }
}

/// `2026-12-07` as `07.12.2026`.
fn date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

#[component]
pub fn AppealsPage() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| my_appeals());
    view! {
        <Title text=tr(locale, Key::AppealsTitle) />
        <h1>{tr(locale, Key::AppealsTitle)}</h1>
        <p><a class="button" href="/appeals/new">{tr(locale, Key::AppealsNew)}</a></p>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let items = match list.await {
                    Ok(items) => items,
                    Err(error) => return failure_view(error),
                };
                if items.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::AppealsNone)}</p> }.into_any();
                }
                view! {
                    <ul class="list appeals">
                        {items.into_iter().map(|a| view! {
                            <li><a href=format!("/appeals/{}", a.id)>
                                <strong>{a.number.clone()}" · "{a.subject.clone()}</strong>
                                <span class="muted">{a.body.get(locale).to_string()}</span>
                                <span class="muted"><span class="appeal-status">{tr(locale, status_key(&a.status))}</span>" · "
                                    {trf(locale, Key::AppealsDue, &[("date", &date(&a.due_day))])}</span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn NewAppealPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let choices = Resource::new(|| (), |_| get_appeal_choices());
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    view! {
        <Title text=tr(locale, Key::AppealsNew) />
        <h1>{tr(locale, Key::AppealsNew)}</h1>
        {move || query.read().get("error").map(|code| view! { <p class="notice error" role="alert">{tr(locale, error_key(&code))}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match choices.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                let (body, topic, kind, district) = (param("body"), param("topic"), param("kind"), param("district"));
                view! {
                    <form class="stack" method="post" action="/appeals">
                        <label for="appeal-body">{tr(locale, Key::AppealsBody)}</label>
                        <select id="appeal-body" name="body" required>
                            {c.bodies.iter().map(|b| {
                                let indent = "\u{a0}\u{a0}".repeat(b.depth);
                                view! { <option value=b.id.to_string() selected=b.id.to_string() == body>{indent}{b.name.get(locale).to_string()}</option> }
                            }).collect_view()}
                        </select>
                        <label for="appeal-topic">{tr(locale, Key::AppealsTopic)}</label>
                        <select id="appeal-topic" name="topic" required>
                            {c.topics.iter().map(|(code, n)| view! {
                                <option value=code.clone() selected=*code == topic>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <fieldset class="methods">
                            <legend>{tr(locale, Key::AppealsKind)}</legend>
                            {[("application", Key::AppealsKindApplication), ("proposal", Key::AppealsKindProposal), ("complaint", Key::AppealsKindComplaint)]
                                .into_iter()
                                .map(|(code, key)| view! {
                                    <label><input type="radio" name="kind" value=code checked=kind == code || (kind.is_empty() && code == "application") />" "{tr(locale, key)}</label>
                                }).collect_view()}
                        </fieldset>
                        <label for="appeal-district">{tr(locale, Key::AppealsDistrict)}</label>
                        <select id="appeal-district" name="district" required>
                            {c.districts.iter().map(|(code, n)| view! {
                                <option value=code.clone() selected=*code == district>{n.get(locale).to_string()}</option>
                            }).collect_view()}
                        </select>
                        <label for="appeal-subject">{tr(locale, Key::AppealsSubject)}</label>
                        <input id="appeal-subject" name="subject" type="text" maxlength="200" required value=param("subject") />
                        <label for="appeal-text">{tr(locale, Key::AppealsText)}</label>
                        <textarea id="appeal-text" name="text" rows="8" maxlength="10000" required>{param("text")}</textarea>
                        <button class="button" type="submit">{tr(locale, Key::AppealsSubmit)}</button>
                    </form>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AppealPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let appeal = Resource::new(route_id(), get_appeal);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let a = match appeal.await {
                    Ok(a) => a,
                    Err(error) => return failure_view(error),
                };
                let s = &a.summary;
                view! {
                    <Title text=format!("{} · {}", s.number, s.subject) />
                    {query.read().get("filed").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::AppealsFiled)}</p> })}
                    <h1 class="appeal-number">{s.number.clone()}</h1>
                    <dl class="facts">
                        <dt>{tr(locale, Key::AppealsSubject)}</dt><dd>{s.subject.clone()}</dd>
                        <dt>{tr(locale, Key::AppealsBody)}</dt><dd class="appeal-body">{s.body.get(locale).to_string()}</dd>
                        <dt>{tr(locale, Key::AppealsCategory)}</dt><dd class="appeal-category">{tr(locale, category_key(s.category.as_deref()))}</dd>
                        <dt>{tr(locale, Key::InspectorStatus)}</dt><dd class="appeal-status">{tr(locale, status_key(&s.status))}</dd>
                    </dl>
                    <p class="appeal-due"><strong>{trf(locale, Key::AppealsDue, &[("date", &date(&s.due_day))])}</strong></p>
                    <p class="appeal-text">{a.text.clone()}</p>
                    <section class="history timeline">
                        <h2>{tr(locale, Key::AppealsTimeline)}</h2>
                        <ul class="list compact">
                            {a.events.into_iter().rev().map(|e| view! {
                                <li class=format!("event {}", e.kind)>
                                    <span>{tr(locale, event_key(&e.kind))}{e.body.map(|b| format!(" · {}", b.get(locale)))}</span>
                                    <span class="muted">{format_date_time(e.at)}
                                        {e.due_day.as_deref().map(|d| format!(" · {}", trf(locale, Key::AppealsDue, &[("date", &date(d))])))}</span>
                                    {(!e.detail.is_empty()).then(|| view! { <span class="event-detail">{e.detail.clone()}</span> })}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}
