//! A resident's appeals: what the filing form offers, the list, one appeal with its timeline.
//! Filing itself is a form post (`POST /appeals`), so it works without JavaScript.

use crate::error::AppError;
use leptos::prelude::*;
use shared::appeal::{AppealChoices, AppealSummary, AppealView};

#[server(prefix = "/api", endpoint = "appeal_choices")]
pub async fn get_appeal_choices() -> Result<AppealChoices, AppError> {
    let (svc, _) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::choices(&svc).await?)
}

#[server(prefix = "/api", endpoint = "my_appeals")]
pub async fn my_appeals() -> Result<Vec<AppealSummary>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::mine(&svc, principal.user_id).await?)
}

#[server(prefix = "/api", endpoint = "appeal")]
pub async fn get_appeal(id: i64) -> Result<AppealView, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::appeals::view(&svc, principal.user_id, id).await?)
}
