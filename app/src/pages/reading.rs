//! Sending a meter reading from the account page: the mahalla (searchable in either script),
//! the photo (live viewfinder, the phone's camera, or the gallery), the value. Without
//! JavaScript it is a plain multipart form; with it, the photo is downscaled on the phone
//! and uploaded with progress, retried with the same key when the connection drops.

use crate::api::readings::get_reading_form;
use crate::i18n::{Key, Locale, tr, trf, use_locale};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::account::{ReadingRow, format_reading};
use shared::reading::{ReadingProblem, ReadingStatus, RejectReason};
use shared::time::format_date_time;

/// The message for why a reading or a decision was refused.
pub fn problem_key(problem: ReadingProblem) -> Key {
    problem.key()
}

/// The message for the code of a refused upload or decision; a code no server wrote says the
/// service is unavailable, as before.
pub fn submit_error_key(code: &str) -> Key {
    ReadingProblem::parse(code).map_or(Key::ReadingErrorUnavailable, problem_key)
}

/// The label of a rejection reason.
pub fn reason_key(reason: RejectReason) -> Key {
    match reason {
        RejectReason::PhotoUnreadable => Key::ReadingReasonPhotoUnreadable,
        RejectReason::NotAMeter => Key::ReadingReasonNotAMeter,
        RejectReason::WrongMeter => Key::ReadingReasonWrongMeter,
        RejectReason::ValueMismatch => Key::ReadingReasonValueMismatch,
        RejectReason::Other => Key::ReadingReasonOther,
    }
}

pub fn status_key(status: ReadingStatus) -> Key {
    match status {
        ReadingStatus::Pending => Key::AccountStatusPending,
        ReadingStatus::Confirmed => Key::AccountStatusConfirmed,
        ReadingStatus::Corrected => Key::AccountStatusCorrected,
        ReadingStatus::Rejected => Key::AccountStatusRejected,
    }
}

/// One row of the account's reading history, with the inspector's decision.
pub fn reading_item(locale: Locale, r: ReadingRow, decimals: i64, unit: String) -> impl IntoView {
    let mut notes = Vec::new();
    if let Some(typed) = r.submitted_milli {
        notes.push(trf(
            locale,
            Key::ReadingTyped,
            &[("value", &format_reading(typed, decimals))],
        ));
    }
    match (r.reason_code, r.reason_text.as_deref()) {
        (Some(code), Some(text)) => notes.push(trf(
            locale,
            Key::ReadingReason,
            &[("reason", &format!("{}: {text}", tr(locale, reason_key(code))))],
        )),
        (Some(code), None) => notes.push(trf(
            locale,
            Key::ReadingReason,
            &[("reason", tr(locale, reason_key(code)))],
        )),
        (None, Some(text)) => notes.push(trf(locale, Key::ReadingReason, &[("reason", text)])),
        (None, None) => {}
    }
    if let Some(charge) = r.charge {
        notes.push(trf(
            locale,
            Key::ReadingCharge,
            &[("amount", &charge.format_som())],
        ));
    }
    let photo = r
        .has_photo
        .then(|| view! { <img class="thumb" src=format!("/readings/{}/photo?size=thumb", r.id) alt="" width="48" height="48" loading="lazy" /> });
    view! {
        <li class=format!("reading {}", r.status)>
            {photo}
            <span>{format_reading(r.value_milli, decimals)}" "{unit}</span>
            <span class="muted">{format_date_time(r.submitted_at)}" · "<span class="reading-status">{tr(locale, status_key(r.status))}</span></span>
            {(!notes.is_empty()).then(|| view! { <span class="reading-notes">{notes.join(" · ")}</span> })}
        </li>
    }
}

/// Where the upload stands, as the page shows it (only the browser moves it on).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Clone, Debug, PartialEq)]
enum Upload {
    Idle,
    Preparing,
    Sending(u32),
    Retrying,
    Offline,
    Refused(String),
}

#[component]
pub fn ReadingSection(account_id: i64, decimals: i64, unit: String, last: Option<i64>) -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let form = Resource::new(move || account_id, get_reading_form);
    let error = move || {
        query
            .read()
            .get("reading_error")
            .map(|code| tr(locale, submit_error_key(&code)))
    };
    let sent = move || query.read().get("reading").as_deref() == Some("sent");
    // A refused form (without the page's script): its message above the field at fault, which
    // takes the focus; what was typed kept on the server.
    let kept = crate::api::kept::use_kept_after("reading", "reading_error");
    let at_fault = move || {
        let problem = ReadingProblem::parse(&query.read_untracked().get("reading_error")?);
        Some(match problem {
            Some(ReadingProblem::Mahalla) => "mahalla",
            Some(
                ReadingProblem::ValueEmpty
                | ReadingProblem::ValueNotNumber
                | ReadingProblem::ValueTooPrecise
                | ReadingProblem::ValueTooLarge
                | ReadingProblem::ValueBelowLast,
            ) => "value",
            Some(
                ReadingProblem::PhotoTooLarge
                | ReadingProblem::PhotoNotImage
                | ReadingProblem::PhotoHeic
                | ReadingProblem::PhotoTooManyPixels
                | ReadingProblem::PhotoDamaged
                | ReadingProblem::PhotoMissing,
            ) => "photo",
            _ => "form",
        })
    };
    let error_at = move |field: &'static str| {
        (at_fault() == Some(field)).then(|| {
            error().map(|message| view! { <p class="notice error" role="alert" id="reading-error" tabindex="-1">{message}</p> })
        })
    };

    // The browser's part: only after hydration (before it, and without JavaScript, the plain
    // form does everything).
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let search = RwSignal::new(String::new());
    let camera_on = RwSignal::new(false);
    let camera_failed = RwSignal::new(false);
    let photo_size = RwSignal::new(None::<f64>);
    let upload = RwSignal::new(Upload::Idle);
    let video = NodeRef::<leptos::html::Video>::new();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    on_cleanup(move || {
        #[cfg(feature = "hydrate")]
        crate::browser::camera::stop_camera();
    });

    let open_camera = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(video) = video.get_untracked() else {
                return;
            };
            match crate::browser::camera::open_camera(&video).await {
                Ok(()) => {
                    camera_failed.set(false);
                    camera_on.set(true);
                }
                Err(_) => camera_failed.set(true),
            }
        });
    };
    let shoot = move |_| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let Some(video) = video.get_untracked() else {
                return;
            };
            upload.set(Upload::Preparing);
            match crate::browser::camera::shoot(&video).await {
                Ok(size) => {
                    photo_size.set(Some(size));
                    camera_on.set(false);
                    upload.set(Upload::Idle);
                }
                Err(_) => upload.set(Upload::Idle),
            }
        });
    };
    let picked = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let input: web_sys::HtmlInputElement = event_target(&ev);
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            leptos::task::spawn_local(async move {
                upload.set(Upload::Preparing);
                match crate::browser::camera::take_file(file.unchecked_ref()).await {
                    Ok(size) => photo_size.set(Some(size)),
                    // Not decodable here (HEIC on most Android browsers): send it as it is and
                    // let the server say what it is.
                    Err(_) => {
                        crate::browser::camera::clear_photo();
                        photo_size.set(None);
                    }
                }
                upload.set(Upload::Idle);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            send(account_id, form_ref, upload);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let retry = move |_| {
        #[cfg(feature = "hydrate")]
        send(account_id, form_ref, upload);
    };
    let busy = move || {
        matches!(
            upload.get(),
            Upload::Preparing | Upload::Sending(_) | Upload::Retrying
        )
    };
    let value_label = trf(locale, Key::ReadingValue, &[("unit", &unit)]);
    let last_hint = last.map(|l| {
        trf(
            locale,
            Key::ReadingValueHint,
            &[("last", &format_reading(l, decimals))],
        )
    });

    view! {
        <section class="reading-form" id="reading">
            <h2>{tr(locale, Key::ReadingTitle)}</h2>
            {move || sent().then(|| view! { <p class="notice success" role="status">{tr(locale, Key::ReadingSent)}</p> })}
            <Suspense fallback=|| ()>
                {move || {
                let value_label = value_label.clone();
                let last_hint = last_hint.clone();
                Suspend::new(async move {
                    let f = match form.await {
                        Ok(f) => f,
                        Err(_) => return ().into_any(),
                    };
                    let kept = kept.await;
                    let chosen = kept.get("mahalla").cloned().or(f.mahalla.clone()).unwrap_or_default();
                    let typed_value = kept.get("value").cloned().unwrap_or_default();
                    let mahallas = f.mahallas.clone();
                    view! {
                        <form class="stack" method="post" enctype="multipart/form-data" node_ref=form_ref
                            action=format!("/accounts/{account_id}/readings") on:submit=submit>
                            <input type="hidden" name="key" value=f.key.clone() />
                            {error_at("form")}
                            {error_at("mahalla")}
                            <label for="mahalla">{tr(locale, Key::ReadingMahalla)}</label>
                            {move || hydrated.get().then(|| view! {
                                <input id="mahalla-search" type="search" autocomplete="off"
                                    placeholder=tr(locale, Key::ReadingMahallaSearch)
                                    aria-label=tr(locale, Key::ReadingMahallaSearch)
                                    on:input=move |ev| search.set(event_target_value(&ev)) />
                            })}
                            <select id="mahalla" name="mahalla" required autofocus=at_fault() == Some("mahalla")>
                                {move || {
                                    let typed = search.get();
                                    mahallas.iter()
                                        .filter(|(_, n)| typed.is_empty()
                                            || shared::reading::matches(&n.uz, &typed)
                                            || shared::reading::matches(&n.uz_cyrl, &typed))
                                        .map(|(code, n)| {
                                            let name = if locale == Locale::Uz { n.uz.clone() } else { n.uz_cyrl.clone() };
                                            view! { <option value=code.clone() selected=*code == chosen>{name}</option> }
                                        })
                                        .collect_view()
                                }}
                            </select>

                            {error_at("photo")}
                            <fieldset class="photo">
                                <legend>{tr(locale, Key::ReadingPhoto)}</legend>
                                {move || hydrated.get().then(|| view! {
                                    <button class="button secondary" type="button" on:click=open_camera
                                        class:hidden=move || camera_on.get()>{tr(locale, Key::ReadingViewfinderOpen)}</button>
                                })}
                                <video class="viewfinder" node_ref=video playsinline=true muted=true
                                    class:hidden=move || !camera_on.get()></video>
                                {move || camera_on.get().then(|| view! {
                                    <button class="button" type="button" on:click=shoot>{tr(locale, Key::ReadingViewfinderShoot)}</button>
                                })}
                                {move || camera_failed.get().then(|| view! { <p class="muted">{tr(locale, Key::ReadingCameraDenied)}</p> })}
                                {move || photo_size.get().map(|bytes| view! {
                                    <p class="photo-ready" data-bytes=bytes.to_string()>
                                        {trf(locale, Key::ReadingPhotoReady, &[("size", &((bytes / 1024.0).round() as u64).to_string())])}
                                    </p>
                                })}
                                <label for="photo-camera">{tr(locale, Key::ReadingPhotoCamera)}</label>
                                <input id="photo-camera" name="photo" type="file" accept="image/*" capture="environment" on:change=picked
                                    autofocus=at_fault() == Some("photo") />
                                <label for="photo-gallery">{tr(locale, Key::ReadingPhotoGallery)}</label>
                                <input id="photo-gallery" name="photo" type="file" accept="image/jpeg,image/png,image/webp,image/heic" on:change=picked />
                            </fieldset>

                            {error_at("value")}
                            <label for="reading-value">{value_label}</label>
                            <input id="reading-value" name="value" type="text" inputmode="decimal" autocomplete="off" required value=typed_value
                                autofocus=at_fault() == Some("value") />
                            {last_hint.map(|hint| view! { <p class="muted">{hint}</p> })}
                            {move || match upload.get() {
                                Upload::Preparing => Some(view! { <p class="muted" role="status">{tr(locale, Key::ReadingPreparing)}</p> }.into_any()),
                                Upload::Sending(percent) => Some(view! {
                                    <p role="status">{trf(locale, Key::ReadingSending, &[("percent", &percent.to_string())])}</p>
                                    <progress max="100" value=percent></progress>
                                }.into_any()),
                                Upload::Retrying => Some(view! { <p class="muted" role="status">{tr(locale, Key::ReadingRetrying)}</p> }.into_any()),
                                _ => None,
                            }}
                            // Where the thumb is: a refusal of the sent form (with the page's
                            // script) or a lost connection, just above the button, focused.
                            {move || match upload.get() {
                                Upload::Refused(message) => Some(view! {
                                    <p class="notice error" role="alert" id="reading-error" tabindex="-1">{message}</p>
                                }.into_any()),
                                Upload::Offline => Some(view! {
                                    <p class="notice error" role="alert" id="reading-error" tabindex="-1">{tr(locale, Key::ReadingOffline)}" "
                                        <button class="link-button" type="button" on:click=retry>{tr(locale, Key::ReadingRetry)}</button></p>
                                }.into_any()),
                                _ => None,
                            }}
                            <button class="button" type="submit" disabled=busy>{tr(locale, Key::ReadingSubmit)}</button>
                        </form>
                    }.into_any()
                })}}
            </Suspense>
        </section>
    }
}

/// Uploads the form with the prepared photo; retries a dropped connection with the same key
/// (the server answers a repeat with the same reading), then offers a retry button.
#[cfg(feature = "hydrate")]
fn send(account_id: i64, form: NodeRef<leptos::html::Form>, upload: RwSignal<Upload>) {
    use crate::browser::upload::{self, Sent};
    use crate::browser::{camera, nav};
    let Some(form) = form.get_untracked() else { return };
    let Ok(data) = camera::form_data(&form) else {
        return;
    };
    let locale = use_locale();
    leptos::task::spawn_local(async move {
        let url = format!("/accounts/{account_id}/readings");
        for attempt in 0..4 {
            if attempt > 0 {
                upload.set(Upload::Retrying);
                nav::sleep(1000 << attempt).await;
            }
            upload.set(Upload::Sending(0));
            match upload::send(&url, &data, move |p| upload.set(Upload::Sending(p))).await {
                Sent::Answered(200, _) => {
                    camera::clear_photo();
                    nav::go(&format!("/accounts/{account_id}?reading=sent#readings"));
                    return;
                }
                Sent::Answered(401, _) => {
                    nav::go("/sign-in");
                    return;
                }
                Sent::Answered(0, _) | Sent::Lost => continue,
                Sent::Answered(status, body) if status >= 500 => {
                    let _ = body;
                    continue;
                }
                Sent::Answered(_, body) => {
                    let code = refusal_code(&body);
                    upload.set(Upload::Refused(tr(locale, submit_error_key(&code)).to_string()));
                    nav::focus("reading-error");
                    return;
                }
            }
        }
        upload.set(Upload::Offline);
        nav::focus("reading-error");
    });
}

/// The `error` field of the upload route's JSON answer (`unavailable` when there is none).
#[cfg(feature = "hydrate")]
fn refusal_code(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Refusal {
        error: String,
    }
    serde_json::from_str::<Refusal>(body).map_or_else(|_| "unavailable".to_string(), |r| r.error)
}
