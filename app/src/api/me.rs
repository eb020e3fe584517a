//! Who is signed in, and the state of a sign-in in progress.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::auth::Role;

/// The signed-in person as the pages show them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub phone: String,
    pub name: Option<String>,
    pub roles: Vec<Role>,
    pub sessions: i64,
}

#[server(prefix = "/api", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    let (svc, principal) = super::guard(&shared::auth::Need::Anyone).await?;
    let Some(principal) = principal else {
        return Ok(None);
    };
    let (phone, name) = services::identity::users::profile(&svc, principal.user_id).await?;
    let sessions = services::identity::auth::session_count(&svc, principal.user_id).await?;
    let phone = shared::Phone::parse(&phone)
        .map(|p| p.to_string())
        .unwrap_or(phone);
    Ok(Some(Me {
        phone,
        name,
        roles: principal.roles(),
        sessions,
    }))
}

/// The mahalla whose field receptions the person is told of by SMS.
#[server(prefix = "/api", endpoint = "field_notices")]
pub async fn get_field_notices() -> Result<Option<shared::reception::NoticesFor>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::identity::users::field_notices(&svc, principal.user_id).await?)
}

/// Whether the person is linked to the Telegram bot and where they want notices (`None`
/// when the installation has no bot).
#[server(prefix = "/api", endpoint = "telegram_link")]
pub async fn get_telegram_link() -> Result<Option<shared::auth::TelegramLink>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::telegram::chats::linked(&svc, principal.user_id).await?)
}

/// The number a sign-in code was sent to, masked; `None` when no sign-in is in progress.
#[server(prefix = "/api", endpoint = "sign_in_phone")]
pub async fn sign_in_phone() -> Result<Option<String>, AppError> {
    super::guard(&shared::auth::Need::Anyone).await?;
    Ok(super::request_cookie(shared::cookies::SIGN_IN_PHONE)
        .and_then(|p| shared::Phone::parse(&p).ok())
        .map(|p| p.masked()))
}
