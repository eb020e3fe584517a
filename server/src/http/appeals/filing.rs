//! The filing form (a multipart post with files) and the co-signer's confirmation.

use crate::AppState;
use crate::http::form::{self, Limits, ReadError};
use crate::http::guard::{Caller, unavailable};
use crate::http::guard::{Resident, Signed};
use crate::http::redirect::{redirect, refuse};
use axum::Form;
use axum::extract::State;
use axum::extract::multipart::Multipart;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use services::appeals::attachments::{self, MAX_FILES};
use services::appeals::collective::{self, ConfirmError};
use services::appeals::{FileError, NewAppeal};
use services::url::encode as urlencode;
use shared::Phone;
use shared::appeal::Problem;

/// The most a filing or an answer may carry: five files at the photo limit and the text.
pub const FORM_LIMIT: usize = MAX_FILES * services::storage::photos::MAX_BYTES + 1024 * 1024;

/// Reads a form with files (a filing or an officer's action); a form too large or broken
/// sends the person back to `page` with its message.
pub(super) async fn read_files_form(
    headers: &HeaderMap,
    multipart: &mut Multipart,
    page: &str,
) -> Result<form::FormData, Response> {
    let limits = Limits {
        // Room for a text past the limit, so that it is refused as too long, not as too large.
        text: 512 * 1024,
        file: services::storage::photos::MAX_BYTES,
        files: MAX_FILES,
        file_fields: &["files"],
    };
    if form::declared_too_large(headers, FORM_LIMIT) {
        return Err(redirect(&format!("{page}?error={}", Problem::FileTooLarge)));
    }
    form::read(multipart, &limits).await.map_err(|e| match e {
        ReadError::TooLarge => redirect(&format!("{page}?error={}", Problem::FileTooLarge)),
        ReadError::Malformed => redirect(&format!("{page}?error={}", Problem::Malformed)),
    })
}

/// A resident files an appeal. Nothing is stored unless everything passes; what was typed
/// comes back with the message (the page's script also keeps a draft on the phone).
pub async fn file(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let form = match read_files_form(&headers, &mut multipart, "/appeals/new").await {
        Ok(f) => f,
        Err(back) => return back,
    };
    // Refused: back to the form with its message, and everything typed kept on the server
    // (files cannot be: the browser asks for them again).
    let back = |problem: Problem| {
        let keep = [
            "applicant",
            "address",
            "body",
            "topic",
            "kind",
            "subject",
            "text",
            "district",
            "mahalla",
            "cosigners",
            "about",
        ];
        let fields: Vec<(&str, &str)> = keep.iter().map(|k| (*k, form.get(k))).collect();
        let (state, caller) = (&state, &caller);
        async move {
            let to = format!("/appeals/new?error={problem}#appeal-error");
            refuse(state, caller, &to, "appeal", &fields).await
        }
    };
    let Ok(body_id) = form.get("body").trim().parse::<i64>() else {
        return back(Problem::Body).await;
    };
    let filer = match services::identity::users::phone_of(&state.services, principal.user_id).await {
        Ok(p) => p,
        Err(error) => return unavailable(caller.locale, "filing an appeal failed", &error),
    };
    let cosigners = match collective::parse_phones(form.get("cosigners"), &filer) {
        Ok(c) => c,
        Err(_) => return back(Problem::CosignerPhone).await,
    };
    let about = match form.get("about").trim() {
        "" => None,
        id => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return back(Problem::About).await,
        },
    };
    let files = match attachments::check_all_off_runtime(form.files_of("files")).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return back(e.problem()).await,
        Err(error) => return unavailable(caller.locale, "checking attachments failed", &error),
    };
    // A district's SOATO code starts with its region's four digits.
    let district = form.get("district").trim();
    let mahalla = form.get("mahalla").trim();
    let new = NewAppeal {
        user_id: principal.user_id,
        body_id,
        topic: form.get("topic"),
        kind: form.get("kind"),
        subject: form.get("subject"),
        text: form.get("text"),
        region: district.get(..4).unwrap_or_default(),
        district,
        mahalla: (!mahalla.is_empty()).then_some(mahalla),
        applicant: form.get("applicant"),
        address: form.get("address"),
        cosigners: &cosigners,
        files: &files,
        about,
        locale: caller.locale,
        channel: shared::appeal::Channel::Web,
    };
    match services::appeals::file(&state.services, &new).await {
        Ok(registered) => redirect(&format!("/appeals/{}?filed=1", registered.id)),
        Err(FileError::Service(error)) => unavailable(caller.locale, "filing an appeal failed", &error),
        Err(error) => back(error.problem()).await,
    }
}

#[derive(Deserialize)]
pub struct CosignForm {
    number: String,
    phone: String,
    code: String,
}

/// Co-signing attempts one client may make in an hour.
const COSIGN_TRIES_PER_CLIENT_PER_HOUR: i64 = 30;

/// A co-signer confirms with the code sent to their phone (the code is the proof; no
/// session is needed, and five wrong codes end the tries for that phone).
pub async fn cosign(State(state): State<AppState>, caller: Caller, Form(form): Form<CosignForm>) -> Response {
    let fields = [("number", form.number.as_str()), ("phone", form.phone.as_str())];
    let Ok(phone) = Phone::parse(&form.phone) else {
        return refuse(
            &state,
            &caller,
            &format!("/appeals/cosign?error={}#cosign-error", Problem::Phone),
            "cosign",
            &fields,
        )
        .await;
    };
    // Guesses are limited per client as well as per co-signer (five tries each).
    let now = state.services.clock.now_ms();
    match services::rate::allow(
        &state.services.db,
        &format!("cosign:client:{}", caller.client),
        COSIGN_TRIES_PER_CLIENT_PER_HOUR,
        services::clock::HOUR_MS,
        now,
    )
    .await
    {
        Ok(true) => {}
        Ok(false) => {
            return refuse(
                &state,
                &caller,
                &format!("/appeals/cosign?error={}#cosign-error", Problem::RateLimited),
                "cosign",
                &fields,
            )
            .await;
        }
        Err(error) => return unavailable(caller.locale, "co-signing failed", &error),
    }
    match collective::confirm(&state.services, &form.number, &phone, &form.code).await {
        Ok(_) => redirect(&format!(
            "/appeals/cosign?done=1&number={}",
            urlencode(form.number.trim())
        )),
        Err(ConfirmError::Cosign(e)) => {
            refuse(
                &state,
                &caller,
                &format!("/appeals/cosign?error={}#cosign-error", e.problem()),
                "cosign",
                &fields,
            )
            .await
        }
        Err(ConfirmError::Service(error)) => unavailable(caller.locale, "co-signing failed", &error),
    }
}
