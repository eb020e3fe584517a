//! Telegram's webhook: updates posted by Telegram, with the secret it was given in
//! `setWebhook` (`X-Telegram-Bot-Api-Secret-Token`); never a session. Only when a bot token is
//! configured.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Resident, Signed, unavailable};
use axum::Form;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub const PATH: &str = "/telegram/webhook";

pub fn router() -> Area {
    Area::new().post(PATH, webhook)
}

/// The profile's Telegram forms (there whether or not a bot is configured: the choice of
/// SMS is kept either way).
pub fn profile() -> Area {
    Area::new()
        .post("/profile/notices", notices)
        .post("/profile/telegram/unlink", unlink)
}

#[derive(serde::Deserialize)]
pub struct NoticesForm {
    #[serde(default)]
    by: String,
}

/// A person chooses where notices go: their Telegram chat (SMS when it fails) or SMS only.
async fn notices(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Form(form): Form<NoticesForm>,
) -> Response {
    let by_sms = match form.by.as_str() {
        "sms" => true,
        "telegram" => false,
        _ => return Redirect::to("/profile#telegram").into_response(),
    };
    match services::telegram::chats::set_notify_by(&state.services, principal.user_id, by_sms).await {
        Ok(()) => Redirect::to("/profile?done=notices#telegram").into_response(),
        Err(error) => unavailable(caller.locale, "saving the notices' channel failed", &error),
    }
}

/// A person unlinks their Telegram chats from the web; each chat is told.
async fn unlink(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
) -> Response {
    match services::telegram::chats::unlink_person(&state.services, principal.user_id).await {
        Ok(_) => Redirect::to("/profile?done=telegram_unlinked#telegram").into_response(),
        Err(error) => unavailable(caller.locale, "unlinking Telegram failed", &error),
    }
}

async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let Some(telegram) = &state.services.telegram else {
        return StatusCode::NOT_FOUND;
    };
    let presented = headers
        .get("x-telegram-bot-api-secret-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !telegram.secret_ok(presented) {
        tracing::warn!("Telegram webhook call without the secret refused");
        return StatusCode::UNAUTHORIZED;
    }
    let update: teloxide_core::types::Update = match serde_json::from_slice(&body) {
        Ok(update) => update,
        Err(error) => {
            tracing::warn!(%error, "Telegram webhook: not an update");
            return StatusCode::BAD_REQUEST;
        }
    };
    match services::telegram::handle(&state.services, telegram, &update).await {
        Ok(_) => StatusCode::OK,
        // Telegram posts the update again later; it was not taken.
        Err(error) => {
            tracing::error!(%error, "Telegram update not taken");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
