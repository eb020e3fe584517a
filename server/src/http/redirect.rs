//! How form routes answer: a redirect to the page; or, when the form was refused, back to it
//! with the problem's code in the query, and what was typed kept on the server
//! (`services::kept`) for the page to fill in again — never in the URL.

use crate::AppState;
use crate::http::guard::Caller;
use axum::http::header;
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};

/// Whether the caller is a page's script asking for JSON rather than a plain form expecting a
/// redirect.
pub fn wants_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Back to a refused form at `to` (its page, `?error=code` and the anchor of the message),
/// with `fields` kept under this browser's token for `form`. If they cannot be kept (the
/// database is down), the page still says what was wrong.
pub async fn refuse(
    state: &AppState,
    caller: &Caller,
    to: &str,
    form: &str,
    fields: &[(&str, &str)],
) -> Response {
    let now = state.services.clock.now_ms();
    match services::kept::keep(&state.services.db, caller.kept.as_deref(), form, fields, now).await {
        Ok(token) => {
            let seconds = services::kept::KEPT_FOR_MS / 1000;
            let cookie = shared::cookies::set(
                shared::cookies::KEPT,
                &token,
                seconds,
                state.config.secure_cookies(),
            );
            (AppendHeaders([(header::SET_COOKIE, cookie)]), Redirect::to(to)).into_response()
        }
        Err(error) => {
            tracing::warn!(%error, form, "a refused form could not be kept");
            redirect(to)
        }
    }
}
