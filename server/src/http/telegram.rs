//! Telegram's webhook: updates posted by Telegram, with the secret it was given in
//! `setWebhook` (`X-Telegram-Bot-Api-Secret-Token`); never a session. Only when a bot token is
//! configured.

use crate::AppState;
use crate::http::area::Area;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

pub const PATH: &str = "/telegram/webhook";

pub fn router() -> Area {
    Area::new().post(PATH, webhook)
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
