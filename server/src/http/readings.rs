//! Meter readings over HTTP: the resident's upload (`POST /accounts/{id}/readings`, a
//! multipart form that works without JavaScript and answers JSON to the page's script),
//! the photos (`GET /readings/{id}/photo`), and the inspector's decision
//! (`POST /inspector/readings/{id}`).

use super::form::upload_limits;
use super::form::{self, Limits, ReadError};
use super::guard::{text, unavailable};
use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Inspector, Resident, Signed};
use crate::http::redirect::{refuse, wants_json};
use app::i18n::{Key, tr};
use app::pages::reading::problem_key;
use axum::Form;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use serde::Deserialize;
use services::readings::{DecideError, Decision, NewReading, SubmitError};
use shared::reading::{ReadingProblem, RejectReason};

/// A resident's reading (an upload), its photo, and the inspector's decision.
pub fn router() -> Area {
    Area::new()
        .route(
            "POST",
            "/accounts/{id}/readings",
            post(submit).layer(upload_limits(UPLOAD_LIMIT)),
        )
        .get("/readings/{id}/photo", photo)
        .post("/inspector/readings/{id}", decide)
}

/// The most a request to the upload route may carry: the photo and a few short fields.
pub const UPLOAD_LIMIT: usize = services::storage::photos::MAX_BYTES + 64 * 1024;

/// What the upload form carries.
#[derive(Default)]
struct Upload {
    mahalla: String,
    value: String,
    key: String,
    photo: Vec<u8>,
}

async fn read_upload(multipart: &mut Multipart) -> Result<Upload, ReadError> {
    let limits = Limits {
        text: 1024,
        file: services::storage::photos::MAX_BYTES,
        files: 2,
        file_fields: &["photo"],
    };
    let mut form = form::read(multipart, &limits).await?;
    // The form has two photo inputs (camera and gallery): the first one filled wins.
    let photo = form.files.drain(..).find(|f| f.field == "photo").map(|f| f.bytes);
    Ok(Upload {
        mahalla: form.get("mahalla").to_string(),
        value: form.get("value").to_string(),
        key: form.get("key").to_string(),
        photo: photo.unwrap_or_default(),
    })
}

/// The resident sends a reading with a photo. Everything is checked again here; on any
/// refusal nothing is stored. A retry with the same key answers with the same reading.
pub async fn submit(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(account_id): Path<i64>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let json = wants_json(&headers);
    let locale = caller.locale;
    // Refused: the page's script gets the message as JSON; a plain form goes back to the
    // account with it, what was typed kept on the server (never in the URL).
    let (state_ref, caller_ref) = (&state, &caller);
    let back = |status: StatusCode, problem: ReadingProblem, upload: &Upload| {
        let code = problem.code();
        let fields = [
            ("mahalla", upload.mahalla.clone()),
            ("value", upload.value.clone()),
        ];
        async move {
            if json {
                let message = tr(locale, problem_key(problem));
                let body = serde_json::json!({ "error": code, "message": message });
                (status, axum::Json(body)).into_response()
            } else {
                let to = format!("/accounts/{account_id}?reading_error={code}#reading-error");
                let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                refuse(state_ref, caller_ref, &to, "reading", &fields).await
            }
        }
    };
    // A declared size past the limit is refused before a byte of the body is read.
    if form::declared_too_large(&headers, UPLOAD_LIMIT) {
        return back(
            StatusCode::PAYLOAD_TOO_LARGE,
            ReadingProblem::PhotoTooLarge,
            &Upload::default(),
        )
        .await;
    }
    let upload = match read_upload(&mut multipart).await {
        Ok(u) => u,
        Err(ReadError::TooLarge) => {
            return back(
                StatusCode::PAYLOAD_TOO_LARGE,
                ReadingProblem::PhotoTooLarge,
                &Upload::default(),
            )
            .await;
        }
        Err(ReadError::Malformed) => {
            return back(
                StatusCode::BAD_REQUEST,
                ReadingProblem::Malformed,
                &Upload::default(),
            )
            .await;
        }
    };
    if upload.photo.is_empty() {
        return back(
            StatusCode::UNPROCESSABLE_ENTITY,
            ReadingProblem::PhotoMissing,
            &upload,
        )
        .await;
    }
    let result = services::readings::submit(
        &state.services,
        NewReading {
            user_id: principal.user_id,
            account_id,
            mahalla_code: upload.mahalla.trim(),
            value: &upload.value,
            photo: &upload.photo,
            idempotency_key: &upload.key,
        },
    )
    .await;
    match result {
        Ok(submitted) if json => axum::Json(submitted).into_response(),
        Ok(_) => Redirect::to(&format!("/accounts/{account_id}?reading=sent#readings")).into_response(),
        Err(SubmitError::Service(error)) => unavailable(locale, "storing a reading failed", &error),
        Err(error) => {
            let status = match &error {
                SubmitError::NotFound => StatusCode::NOT_FOUND,
                SubmitError::Photo(services::storage::photos::PhotoError::TooLarge) => {
                    StatusCode::PAYLOAD_TOO_LARGE
                }
                SubmitError::Photo(services::storage::photos::PhotoError::NotAPhoto) => {
                    StatusCode::UNSUPPORTED_MEDIA_TYPE
                }
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            back(status, error.problem(), &upload).await
        }
    }
}

#[derive(Deserialize)]
pub struct PhotoQuery {
    size: Option<String>,
}

/// A reading's photo, for the resident who sent it and inspectors of its district and service.
pub async fn photo(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(reading_id): Path<i64>,
    Query(query): Query<PhotoQuery>,
) -> Response {
    let thumb = query.size.as_deref() == Some("thumb");
    match services::readings::photo(&state.services, &principal, reading_id, thumb).await {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            bytes,
        )
            .into_response(),
        Err(services::Error::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(error) => unavailable(caller.locale, "loading a photo failed", &error),
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    action: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    reason_code: String,
}

/// The inspector's decision on one reading; back to the queue when done.
pub async fn decide(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Inspector>,
    Path(reading_id): Path<i64>,
    Form(form): Form<DecideForm>,
) -> Response {
    // Refused: back to the reading with its message; what was typed kept on the server.
    let back = |problem: ReadingProblem| {
        let (state, caller) = (&state, &caller);
        let fields = [("value", form.value.as_str()), ("reason", form.reason.as_str())];
        let to = format!("/inspector/readings/{reading_id}?error={problem}#decide-error");
        async move { refuse(state, caller, &to, "decide", &fields).await }
    };
    let decision = match form.action.as_str() {
        "confirm" => Decision::Confirm,
        "correct" => Decision::Correct {
            value: form.value.clone(),
            reason: form.reason.clone(),
        },
        "reject" => match RejectReason::parse(&form.reason_code) {
            Some(reason) => Decision::Reject {
                reason,
                text: form.reason.clone(),
            },
            None => return back(ReadingProblem::ReasonRequired).await,
        },
        _ => return back(ReadingProblem::Action).await,
    };
    match services::readings::decide(&state.services, &principal, reading_id, &decision).await {
        Ok(_) => Redirect::to(&format!("/inspector?done={reading_id}")).into_response(),
        Err(DecideError::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(DecideError::Taken { .. }) => back(ReadingProblem::Taken).await,
        Err(DecideError::Value(v)) => back(v.problem()).await,
        Err(DecideError::ReasonRequired) => back(ReadingProblem::ReasonRequired).await,
        Err(DecideError::Service(error)) => unavailable(caller.locale, "deciding a reading failed", &error),
    }
}
