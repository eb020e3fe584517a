//! A resident's appeals: the list, the filing form (a plain multipart form post, with a draft
//! kept on the phone), one appeal with its category, term, timeline and what the resident can
//! do about the answer, and the co-signers' page. The list and the appeal page follow the live
//! stream and change by themselves; without JavaScript each load shows the current state.

use crate::api::appeals::{get_appeal, get_appeal_choices, my_appeals};
use crate::components::error_box::Loading;
use crate::components::mahalla_select::MahallaSelect;
use crate::error::AppError;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use crate::pages::{failure_view, route_id};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::appeal::{
    AppealEvent, AppealKind, Attachment, Category, ConsentRole, Detail, EventKind, Problem, Resolution,
    Status,
};
use shared::time::format_date_time;

pub fn status_key(status: Status) -> Key {
    status.key()
}

pub fn category_key(category: Option<Category>) -> Key {
    match category {
        Some(Category::Urgent) => Key::AppealsCategoryUrgent,
        Some(Category::Ordinary) => Key::AppealsCategoryOrdinary,
        Some(Category::Consultation) => Key::AppealsCategoryConsultation,
        None => Key::AppealsCategoryNone,
    }
}

pub fn resolution_key(resolution: Resolution) -> Key {
    match resolution {
        Resolution::Satisfied => Key::DeskResolutionSatisfied,
        Resolution::Explained => Key::DeskResolutionExplained,
        Resolution::Rejected => Key::DeskResolutionRejected,
    }
}

pub fn kind_key(kind: AppealKind) -> Key {
    kind.key()
}

/// The name of a role whose consent closes a collective appeal.
pub fn consent_role_key(role: ConsentRole) -> Key {
    match role {
        ConsentRole::Representative => Key::ConsentRepresentative,
        ConsentRole::MahallaChair => Key::ConsentMahallaChair,
        ConsentRole::HokimAssistant => Key::ConsentHokimAssistant,
        ConsentRole::YouthLeader => Key::ConsentYouthLeader,
        ConsentRole::WomensActivist => Key::ConsentWomensActivist,
        ConsentRole::PreventionInspector => Key::ConsentPreventionInspector,
        ConsentRole::TaxInspector => Key::ConsentTaxInspector,
        ConsentRole::SocialWorker => Key::ConsentSocialWorker,
    }
}

/// What a timeline step says beyond its kind, in the reader's language.
fn detail_text(locale: Locale, detail: &Detail) -> Option<String> {
    match detail {
        Detail::Nothing | Detail::Escalated { .. } | Detail::RepeatOf(_) => None,
        Detail::Note(text) | Detail::Forwarded { reason: text, .. } | Detail::Cosigner(text) => {
            Some(text.clone())
        }
        Detail::Category(category) => Some(tr(locale, category_key(Some(*category))).to_string()),
        Detail::Assigned { name, .. } => Some(name.clone()),
        Detail::Resolved { resolution, reason } => Some(match reason.as_str() {
            "" => tr(locale, resolution_key(*resolution)).to_string(),
            reason => format!("{}: {reason}", tr(locale, resolution_key(*resolution))),
        }),
        Detail::Score(score) => Some(format!("{score}/5")),
        Detail::Consent {
            role,
            consent,
            person,
        } => Some(format!(
            "{}: {} · {person}",
            tr(
                locale,
                if *consent {
                    Key::DeskConsentYes
                } else {
                    Key::DeskConsentNo
                }
            ),
            tr(locale, consent_role_key(*role)),
        )),
    }
    .filter(|text| !text.is_empty())
}

pub fn event_key(kind: EventKind) -> Key {
    kind.key()
}

/// The message for why an appeal form or action was refused.
pub fn problem_key(problem: Problem) -> Key {
    problem.key()
}

/// The message for the `?error=` code of an appeal page; a code no server wrote is a bad
/// request.
pub fn error_key(code: &str) -> Key {
    Problem::parse(code).map_or(Key::ErrorBadRequest, problem_key)
}

/// `2026-12-07` as `07.12.2026`.
pub fn date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => iso.to_string(),
    }
}

/// Follows the live stream once the resource has loaded (the stream starts after the newest
/// event the page shows), refetching it on every event; closed when the page is left.
fn follow_live<T>(resource: Resource<Result<T, AppError>>, url: impl Fn(&T) -> String + 'static)
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    let stream = StoredValue::new(None::<u64>);
    Effect::new(move |_| {
        let loaded = resource.get();
        #[cfg(feature = "hydrate")]
        if stream.get_value().is_none()
            && let Some(Ok(value)) = loaded
        {
            let id = crate::browser::live::follow(&url(&value), move || resource.refetch());
            stream.set_value(id);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (loaded, &url, stream);
    });
    on_cleanup(move || {
        #[cfg(feature = "hydrate")]
        if let Some(Some(id)) = stream.try_get_value() {
            crate::browser::live::unfollow(id);
        }
    });
}

#[component]
pub fn AppealsPage() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| my_appeals());
    follow_live(list, |l| format!("/api/appeals/events?after={}", l.last_event));
    view! {
        <Title text=tr(locale, Key::AppealsTitle) />
        <h1>{tr(locale, Key::AppealsTitle)}</h1>
        <p class="row">
            <a class="button" href="/appeals/new">{tr(locale, Key::AppealsNew)}</a>
            <a href="/appeals/cosign">{tr(locale, Key::CosignTitle)}</a>
        </p>
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let list = match list.await {
                    Ok(list) => list,
                    Err(error) => return failure_view(error),
                };
                if list.items.is_empty() {
                    return view! { <p class="muted">{tr(locale, Key::AppealsNone)}</p> }.into_any();
                }
                view! {
                    <ul class="list appeals">
                        {list.items.into_iter().map(|a| view! {
                            <li><a href=format!("/appeals/{}", a.id)>
                                <strong>{a.number.clone()}" · "{a.subject.clone()}</strong>
                                <span class="muted">{a.body.get(locale).to_string()}</span>
                                <span class="muted"><span class="appeal-status">{tr(locale, status_key(a.status))}</span>" · "
                                    {trf(locale, Key::AppealsDue, &[("date", &date(&a.due_day))])}</span>
                            </a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            })}
        </Transition>
    }
}

pub use shared::appeal::suggested_body;

/// Which field of the appeal form a refusal is about: its message is shown just above it and
/// it takes the focus. `None`: the form as a whole (the message heads the form).
fn appeal_field(problem: Problem) -> Option<&'static str> {
    match problem {
        Problem::Body => Some("body"),
        Problem::Topic => Some("topic"),
        Problem::Kind => Some("kind"),
        Problem::SubjectEmpty | Problem::SubjectTooLong => Some("subject"),
        Problem::TextEmpty | Problem::TextTooLong | Problem::TooLong => Some("text"),
        Problem::Place => Some("district"),
        Problem::NameRequired | Problem::NameTooLong => Some("applicant"),
        Problem::AddressEmpty | Problem::AddressTooLong => Some("address"),
        Problem::CosignerPhone | Problem::CosignersTooMany => Some("cosigners"),
        Problem::MahallaRequired => Some("mahalla"),
        Problem::About => Some("about"),
        Problem::FilesTooMany
        | Problem::FileTooLarge
        | Problem::FileType
        | Problem::PdfDamaged
        | Problem::PhotoDamaged
        | Problem::PhotoHeic
        | Problem::PhotoTooManyPixels => Some("files"),
        _ => None,
    }
}

/// A refused form's message with the anchor (`id`) the server's redirect points at, so the
/// page opens with it in view below the sticky bar.
pub fn form_error(id: &'static str, message: &'static str) -> impl IntoView {
    view! { <p class="notice error" role="alert" id=id tabindex="-1">{message}</p> }
}

#[component]
pub fn NewAppealPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let choices = Resource::new(|| (), |_| get_appeal_choices());
    let kept = crate::api::kept::use_kept("appeal");
    let problem = move || {
        query
            .read_untracked()
            .get("error")
            .and_then(|code| Problem::parse(&code))
    };
    let restored = RwSignal::new(false);
    // The draft: kept on the phone as it is typed, restored when the form is opened again
    // (after a dropped connection, a closed tab, a failed send), cleared once it is filed.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if query.read_untracked().get("error").is_none() && crate::browser::draft::restore("appeal-form") {
            restored.set(true);
        }
    });
    view! {
        <Title text=tr(locale, Key::AppealsNew) />
        <h1>{tr(locale, Key::AppealsNew)}</h1>
        {move || {
            let code = query.read().get("error")?;
            // A code no server wrote, or one about the form as a whole, heads the form.
            Problem::parse(&code)
                .and_then(appeal_field)
                .is_none()
                .then(|| form_error("appeal-error", tr(locale, error_key(&code))))
        }}
        {move || restored.get().then(|| view! { <p class="notice draft-restored" role="status">{tr(locale, Key::AppealsDraftRestored)}</p> })}
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                let c = match choices.await {
                    Ok(c) => c,
                    Err(error) => return failure_view(error),
                };
                let kept = kept.await;
                view! { <AppealForm choices=c kept problem=problem() /> }.into_any()
            })}
        </Suspense>
    }
}

/// The filing form, filled with what a refused filing kept (`kept`), the refusal's message
/// above the field at fault.
#[component]
fn AppealForm(
    choices: shared::appeal::AppealChoices,
    kept: std::collections::BTreeMap<String, String>,
    problem: Option<Problem>,
) -> impl IntoView {
    let locale = use_locale();
    let c = choices;
    let value = move |name: &str| kept.get(name).cloned().unwrap_or_default();
    let at_fault = problem.and_then(appeal_field);
    let error_at = move |field: &'static str| {
        (at_fault == Some(field)).then(|| {
            form_error(
                "appeal-error",
                tr(locale, problem_key(problem.unwrap_or(Problem::Malformed))),
            )
        })
    };
    let focus = move |field: &'static str| at_fault == Some(field);
    // The place: as a refused filing kept it, else where this resident usually writes from.
    let (usual_district, usual_mahalla) = c.usual.clone().unwrap_or_default();
    let district = RwSignal::new(
        Some(value("district"))
            .filter(|d| !d.is_empty())
            .unwrap_or(usual_district),
    );
    let topic = RwSignal::new(value("topic"));
    let body = RwSignal::new(value("body"));
    let kind = RwSignal::new(match value("kind") {
        k if k.is_empty() => "application".to_string(),
        k => k,
    });
    let chosen_mahalla = Some(value("mahalla"))
        .filter(|m| !m.is_empty())
        .or(usual_mahalla)
        .unwrap_or_default();
    let chosen_about = value("about");
    let save_draft = move |_| {
        #[cfg(feature = "hydrate")]
        crate::browser::draft::save("appeal-form");
    };
    let bodies = c.bodies.clone();
    let suggest_from = bodies.clone();
    let pick_topic = move |ev| {
        let t = event_target_value(&ev);
        if let Some(b) = suggested_body(&suggest_from, &t, &district.get_untracked()) {
            body.set(b.id.to_string());
        }
        topic.set(t);
    };
    let suggestion = move || {
        let b = suggested_body(&bodies, &topic.get(), &district.get())?;
        Some(
            view! { <p class="muted body-suggestion">{trf(locale, Key::AppealsSuggested, &[("body", b.name.get(locale))])}</p> },
        )
    };
    let earlier = c.earlier.clone();
    view! {
        <form id="appeal-form" class="stack" method="post" action="/appeals" enctype="multipart/form-data"
            on:input=save_draft on:change=save_draft>
            // Who writes and where they live: the law on appeals asks for both. The name is
            // kept on the profile once given.
            {error_at("applicant")}
            <label for="appeal-applicant">{tr(locale, Key::AppealsApplicant)}</label>
            <input id="appeal-applicant" name="applicant" type="text" maxlength="200" required autocomplete="name"
                value=Some(value("applicant")).filter(|n| !n.is_empty()).or(c.applicant.clone()).unwrap_or_default()
                autofocus=focus("applicant") />
            {error_at("district")}
            <label for="appeal-district">{tr(locale, Key::AppealsDistrict)}</label>
            <select id="appeal-district" name="district" required autofocus=focus("district")
                on:change=move |ev| district.set(event_target_value(&ev))>
                <option value="" selected=district.get_untracked().is_empty()>"—"</option>
                // Grouped by region: 208 districts are found by their region first.
                {c.regions.iter().map(|(region, rn)| view! {
                    <optgroup label=rn.get(locale).to_string()>
                        {c.districts.iter().filter(|(code, _)| code.starts_with(region.as_str())).map(|(code, n)| view! {
                            <option value=code.clone() selected=*code == district.get_untracked()>{n.get(locale).to_string()}</option>
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            {error_at("mahalla")}
            <label for="appeal-mahalla">{tr(locale, Key::ReadingMahalla)}</label>
            <MahallaSelect id="appeal-mahalla" district=district chosen=chosen_mahalla autofocus=focus("mahalla") />
            {error_at("address")}
            <label for="appeal-address">{tr(locale, Key::AppealsAddress)}</label>
            <input id="appeal-address" name="address" type="text" maxlength="300" required autocomplete="street-address"
                value=value("address") autofocus=focus("address") />
            {error_at("topic")}
            <label for="appeal-topic">{tr(locale, Key::AppealsTopic)}</label>
            <select id="appeal-topic" name="topic" required on:change=pick_topic autofocus=focus("topic")>
                <option value="" selected=topic.get_untracked().is_empty()>"—"</option>
                {c.topics.iter().map(|(code, n)| view! {
                    <option value=code.clone() selected=*code == topic.get_untracked()>{n.get(locale).to_string()}</option>
                }).collect_view()}
            </select>
            {error_at("body")}
            <label for="appeal-body">{tr(locale, Key::AppealsBody)}</label>
            <select id="appeal-body" name="body" required prop:value=move || body.get() autofocus=focus("body")
                on:change=move |ev| body.set(event_target_value(&ev))>
                <option value="" selected=body.get_untracked().is_empty()>"—"</option>
                {c.bodies.iter().map(|b| {
                    let indent = "\u{a0}\u{a0}".repeat(b.depth);
                    let id = b.id.to_string();
                    view! { <option value=id.clone() selected=id == body.get_untracked()>{indent}{b.name.get(locale).to_string()}</option> }
                }).collect_view()}
            </select>
            {suggestion}
            {error_at("kind")}
            <fieldset class="methods">
                <legend>{tr(locale, Key::AppealsKind)}</legend>
                {AppealKind::ALL
                    .iter()
                    .map(|&k| (k.code(), kind_key(k)))
                    .map(|(code, key)| view! {
                        <label><input type="radio" name="kind" value=code checked=kind.get_untracked() == code
                            on:change=move |_| kind.set(code.to_string()) />" "{tr(locale, key)}</label>
                    }).collect_view()}
            </fieldset>
            {(!earlier.is_empty()).then(|| view! {
                {error_at("about")}
                <label for="appeal-about">{tr(locale, Key::AppealsAbout)}</label>
                <select id="appeal-about" name="about" autofocus=focus("about")>
                    <option value="">"—"</option>
                    {earlier.iter().map(|(id, label)| view! {
                        <option value=id.to_string() selected=id.to_string() == chosen_about>{label.clone()}</option>
                    }).collect_view()}
                </select>
            })}
            {error_at("subject")}
            <label for="appeal-subject">{tr(locale, Key::AppealsSubject)}</label>
            <input id="appeal-subject" name="subject" type="text" maxlength="200" required value=value("subject")
                autofocus=focus("subject") />
            {error_at("text")}
            <label for="appeal-text">{tr(locale, Key::AppealsText)}</label>
            <textarea id="appeal-text" name="text" rows="8" maxlength="10000" required autofocus=focus("text")>{value("text")}</textarea>
            {error_at("files")}
            <label for="appeal-files">{tr(locale, Key::AppealsFiles)}</label>
            <input id="appeal-files" name="files" type="file" multiple accept="image/jpeg,image/png,image/webp,application/pdf"
                autofocus=focus("files") />
            <p class="muted">{tr(locale, Key::AppealsFilesHint)}</p>
            {error_at("cosigners")}
            <label for="appeal-cosigners">{tr(locale, Key::AppealsCosigners)}</label>
            <textarea id="appeal-cosigners" name="cosigners" rows="2" inputmode="tel" autofocus=focus("cosigners")>{value("cosigners")}</textarea>
            <p class="muted">{tr(locale, Key::AppealsCosignersHint)}</p>
            <button class="button" type="submit">{tr(locale, Key::AppealsSubmit)}</button>
        </form>
    }
}

/// Links to files, photos as thumbnails.
pub fn attachment_list(appeal: i64, files: Vec<Attachment>) -> impl IntoView {
    (!files.is_empty()).then(|| {
        view! {
            <ul class="attachments">
                {files.into_iter().map(|f| {
                    let href = format!("/appeals/{appeal}/files/{}", f.id);
                    let size = format!(" ({} KB)", (f.bytes + 1023) / 1024);
                    if f.content_type.starts_with("image/") {
                        let src = href.clone();
                        view! { <li><a href=href><img src=src alt=f.name.clone() loading="lazy" width="96" /></a></li> }.into_any()
                    } else {
                        view! { <li><a href=href download=f.name.clone()>{f.name.clone()}{size}</a></li> }.into_any()
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// An appeal's timeline, newest first.
pub fn timeline(locale: Locale, appeal: i64, events: Vec<AppealEvent>) -> impl IntoView {
    view! {
        <section class="history timeline">
            <h2>{tr(locale, Key::AppealsTimeline)}</h2>
            <ul class="list compact">
                {events.into_iter().rev().map(|e| view! {
                    <li class=format!("event {}", e.kind)>
                        <span>{tr(locale, event_key(e.kind))}{e.body.map(|b| format!(" · {}", b.get(locale)))}
                            {e.actor.map(|a| view! { <span class="event-actor">" · "{a}</span> })}</span>
                        <span class="muted">{format_date_time(e.at)}
                            {e.due_day.as_deref().map(|d| format!(" · {}", trf(locale, Key::AppealsDue, &[("date", &date(d))])))}</span>
                        {detail_text(locale, &e.detail).map(|text| view! { <span class="event-detail">{text}</span> })}
                        {attachment_list(appeal, e.attachments)}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
pub fn AppealPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let id = route_id();
    let appeal = Resource::new(id, get_appeal);
    let kept = Resource::new(
        move || query.read().get("form"),
        |form| async move {
            match form.as_deref() {
                Some(form @ ("return" | "rating")) => crate::api::kept::kept_form(form.to_string())
                    .await
                    .unwrap_or_default(),
                _ => Default::default(),
            }
        },
    );
    follow_live(appeal, move |a| {
        format!(
            "/api/appeals/events?appeal={}&after={}",
            a.summary.id, a.last_event
        )
    });
    // Filed: the draft on the phone has served.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if query.read_untracked().get("filed").is_some() {
            crate::browser::draft::clear("appeal-form");
        }
    });
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let a = match appeal.await {
                    Ok(a) => a,
                    Err(error) => return failure_view(error),
                };
                let s = &a.summary;
                let appeal_id = s.id;
                let notice = query.read().get("done").map(|done| {
                    let key = if done == "returned" { Key::AppealsReturnedNotice } else { Key::AppealsRatedNotice };
                    view! { <p class="notice success" role="status">{tr(locale, key)}</p> }
                });
                // A refused return or rating shows its message in its own form (`?form=`), with
                // what was typed kept on the server; anything else heads the answer.
                let error_code = query.read().get("error");
                let refused_form = query.read().get("form").filter(|_| error_code.is_some());
                let general_error = refused_form.is_none().then(|| error_code.clone()).flatten()
                    .map(|code| form_error("answer-error", tr(locale, error_key(&code))));
                let kept = kept.await;
                let kept_reason = kept.get("reason").cloned().unwrap_or_default();
                let kept_comment = kept.get("comment").cloned().unwrap_or_default();
                view! {
                    <Title text=format!("{} · {}", s.number, s.subject) />
                    {query.read().get("filed").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::AppealsFiled)}</p> })}
                    {notice}
                    <h1 class="appeal-number">{s.number.clone()}</h1>
                    <dl class="facts">
                        <dt>{tr(locale, Key::AppealsSubject)}</dt><dd>{s.subject.clone()}</dd>
                        <dt>{tr(locale, Key::AppealsKind)}</dt><dd>{tr(locale, kind_key(a.kind))}</dd>
                        <dt>{tr(locale, Key::AppealsBody)}</dt><dd class="appeal-body">{s.body.get(locale).to_string()}</dd>
                        <dt>{tr(locale, Key::AppealsCategory)}</dt><dd class="appeal-category">{tr(locale, category_key(s.category))}</dd>
                        <dt>{tr(locale, Key::InspectorStatus)}</dt><dd class="appeal-status">{tr(locale, status_key(s.status))}</dd>
                        {a.resolution.map(|r| view! { <dt>{tr(locale, Key::DeskResolution)}</dt><dd class="appeal-resolution">{tr(locale, resolution_key(r))}</dd> })}
                        {a.repeat_of.clone().map(|n| view! { <dt>{tr(locale, Key::AppealsRepeatOf)}</dt><dd class="appeal-repeat">{n}</dd> })}
                    </dl>
                    <p class="appeal-due"><strong>{trf(locale, Key::AppealsDue, &[("date", &date(&s.due_day))])}</strong></p>
                    <p class="appeal-text">{a.text.clone()}</p>
                    {attachment_list(appeal_id, a.attachments.clone())}
                    {a.collective.then(|| view! {
                        <section class="cosigners">
                            <h2>{tr(locale, Key::AppealsCosigners)}</h2>
                            <ul class="list compact">
                                {a.cosigners.iter().map(|c| view! {
                                    <li>{c.phone.clone()}" · "{tr(locale, if c.confirmed { Key::AppealsCosignerConfirmed } else { Key::AppealsCosignerWaiting })}</li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    {general_error}
                    {a.answer.clone().map(|ans| {
                        // The answer itself first, then what the resident may do about it.
                        let answered = a.events.iter().find(|e| e.id == ans.event_id).cloned();
                        let return_refused = refused_form.as_deref() == Some("return");
                        let rating_refused = refused_form.as_deref() == Some("rating");
                        let error_code = error_code.clone();
                        let error_in = move |form: &'static str| {
                            let refused = if form == "return" { return_refused } else { rating_refused };
                            refused
                                .then(|| error_code.clone())
                                .flatten()
                                .map(|code| form_error(if form == "return" { "return-error" } else { "rating-error" }, tr(locale, error_key(&code))))
                        };
                        view! {
                        <section id="answer" class="answer stack">
                            <h2>{tr(locale, Key::AppealsAnswer)}</h2>
                            <p class="muted">{format_date_time(ans.at)}</p>
                            {answered.map(|e| view! {
                                {detail_text(locale, &e.detail).map(|text| view! { <p class="answer-text">{text}</p> })}
                                {attachment_list(appeal_id, e.attachments)}
                            })}
                        </section>
                        <section class="answer-actions stack">
                            {ans.rating.clone().map(|r| view! {
                                <p class="my-rating">{trf(locale, Key::AppealsYourRating, &[("score", &r.score.to_string())])}</p>
                            })}
                            <form class="stack" method="post" action=format!("/appeals/{appeal_id}/rating")>
                                {error_in("rating")}
                                <fieldset class="methods rating">
                                    <legend>{tr(locale, Key::AppealsRate)}</legend>
                                    <p class="muted">{tr(locale, Key::AppealsRateScale)}</p>
                                    {(1..=5).map(|n| view! {
                                        <label><input type="radio" name="score" value=n.to_string() required
                                            autofocus=rating_refused && n == 1
                                            checked=ans.rating.as_ref().is_some_and(|r| r.score == n) />" "{n.to_string()}</label>
                                    }).collect_view()}
                                </fieldset>
                                <label for="rating-comment">{tr(locale, Key::AppealsRatingComment)}</label>
                                <textarea id="rating-comment" name="comment" rows="2" maxlength="10000">{kept_comment.clone()}</textarea>
                                <button class="button secondary" type="submit">{tr(locale, Key::AppealsRateSubmit)}</button>
                            </form>
                            {ans.returnable.then(|| view! {
                                <form class="stack" method="post" action=format!("/appeals/{appeal_id}/return")>
                                    {error_in("return")}
                                    <label for="return-reason">{tr(locale, Key::AppealsReturnReason)}</label>
                                    <textarea id="return-reason" name="reason" rows="3" maxlength="10000" required
                                        autofocus=return_refused>{kept_reason.clone()}</textarea>
                                    <button class="button secondary" type="submit">{tr(locale, Key::AppealsReturn)}</button>
                                </form>
                            })}
                            {ans.returned.then(|| view! { <p class="muted">{tr(locale, Key::AppealsReturnedAlready)}</p> })}
                        </section>
                        }
                    })}
                    {timeline(locale, appeal_id, a.events.clone())}
                }.into_any()
            })}
        </Transition>
    }
}

/// A co-signer confirms with the code from their SMS (no sign-in: the code proves the phone).
#[component]
pub fn CosignPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    view! {
        <Title text=tr(locale, Key::CosignTitle) />
        <h1>{tr(locale, Key::CosignTitle)}</h1>
        {move || query.read().get("error").map(|code| view! { <p class="notice error" role="alert">{tr(locale, error_key(&code))}</p> })}
        {move || query.read().get("done").map(|_| view! { <p class="notice success" role="status">{tr(locale, Key::CosignDone)}</p> })}
        <p class="muted">{tr(locale, Key::CosignHint)}</p>
        <form class="stack" method="post" action="/appeals/cosign">
            <label for="cosign-number">{tr(locale, Key::CosignNumber)}</label>
            <input id="cosign-number" name="number" type="text" required value=move || param("number") placeholder="M-2026-000001" />
            <label for="cosign-phone">{tr(locale, Key::SigninPhone)}</label>
            <input id="cosign-phone" name="phone" type="tel" required autocomplete="tel" value=move || param("phone") />
            <label for="cosign-code">{tr(locale, Key::SigninCode)}</label>
            <input id="cosign-code" name="code" type="text" inputmode="numeric" pattern="[0-9]{6}" maxlength="6" required autocomplete="one-time-code" />
            <button class="button" type="submit">{tr(locale, Key::CosignSubmit)}</button>
        </form>
    }
}
