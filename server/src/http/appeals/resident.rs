//! What the resident does about an answer (return it to control, rate it), and attachments
//! downloaded by the resident or the officers who handle the appeal.

use crate::AppState;
use crate::http::guard::{Caller, text, unavailable};
use crate::http::guard::{Resident, Signed};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::appeals::attachments::{self};
use services::appeals::return_to_control::{self as control, ResidentError};
use services::url::encode as urlencode;

#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    reason: String,
}

/// The resident returns the last answer to control.
pub async fn return_to_control(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<ReturnForm>,
) -> Response {
    let result = control::return_to_control(&state.services, principal.user_id, id, &form.reason).await;
    let kept = Kept {
        form: "return",
        fields: &[("reason", &form.reason)],
    };
    resident_answer(&state, &caller, id, result.map(|_| "returned"), kept).await
}

#[derive(Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

/// The resident rates the last answer.
pub async fn rate(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<RatingForm>,
) -> Response {
    let kept = Kept {
        form: "rating",
        fields: &[("score", &form.score), ("comment", &form.comment)],
    };
    let Ok(score) = form.score.trim().parse::<i16>() else {
        return resident_answer(&state, &caller, id, Err(ResidentError::Score), kept).await;
    };
    let result = control::rate(&state.services, principal.user_id, id, score, &form.comment).await;
    resident_answer(&state, &caller, id, result.map(|_| "rated"), kept).await
}

/// A resident's form and what to keep of it if it is refused.
struct Kept<'a> {
    form: &'a str,
    fields: &'a [(&'a str, &'a str)],
}

async fn resident_answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    result: Result<&str, ResidentError>,
    kept: Kept<'_>,
) -> Response {
    match result {
        Ok(done) => redirect(&format!("/appeals/{id}?done={done}")),
        Err(ResidentError::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(ResidentError::Service(error)) => {
            unavailable(caller.locale, "a resident's appeal action failed", &error)
        }
        Err(e) => {
            let to = format!(
                "/appeals/{id}?error={}&form={}#{}-error",
                e.problem(),
                kept.form,
                kept.form
            );
            refuse(state, caller, &to, kept.form, kept.fields).await
        }
    }
}

/// An attachment, for the resident and the body's officers. PDFs download rather than open
/// inside the app's origin.
pub async fn attachment(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path((appeal, file)): Path<(i64, i64)>,
) -> Response {
    match attachments::get(&state.services, &principal, appeal, file).await {
        Ok((content_type, name, bytes)) => {
            let disposition = if content_type == "application/pdf" {
                "attachment"
            } else {
                "inline"
            };
            let ascii: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "{disposition}; filename=\"{ascii}\"; filename*=UTF-8''{}",
                            urlencode(&name)
                        ),
                    ),
                    (header::CACHE_CONTROL, "private, no-store".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(services::Error::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(error) => unavailable(caller.locale, "loading an attachment failed", &error),
    }
}
