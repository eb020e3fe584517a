//! Receptions: the public list and page (anyone), and the staff's list and register.

use crate::error::AppError;
use leptos::prelude::*;
use shared::reception::{DeskReception, DeskReceptions, ReceptionChoices, ReceptionSummary, ReceptionView};

/// Upcoming receptions, narrowed by region, district and body (empty or 0: any).
#[server(prefix = "/api", endpoint = "receptions")]
pub async fn list_receptions(
    region: String,
    district: String,
    body: i64,
) -> Result<Vec<ReceptionSummary>, AppError> {
    let (svc, _) = super::guard(&shared::auth::Need::Anyone).await?;
    let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let filter = shared::reception::ReceptionFilter {
        region: some(region),
        district: some(district),
        body: Some(body).filter(|b| *b > 0),
    };
    Ok(services::receptions::upcoming(&svc, &filter, 200).await?)
}

/// What the public list's filter offers.
#[server(prefix = "/api", endpoint = "reception_choices")]
pub async fn get_reception_choices() -> Result<ReceptionChoices, AppError> {
    let (svc, _) = super::guard(&shared::auth::Need::Anyone).await?;
    Ok(services::receptions::public_choices(&svc).await?)
}

/// One reception, with the looker's booking when they are signed in.
#[server(prefix = "/api", endpoint = "reception")]
pub async fn get_reception(id: i64) -> Result<ReceptionView, AppError> {
    let (svc, principal) = super::guard(&shared::auth::Need::Anyone).await?;
    Ok(services::receptions::reception(&svc, id, principal.map(|p| p.user_id)).await?)
}

/// The receptions of the bodies the person handles or the region they coordinate, and what a
/// new one can name.
#[server(prefix = "/api", endpoint = "desk_receptions")]
pub async fn get_desk_receptions() -> Result<DeskReceptions, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::receptions::desk_receptions(&svc, &principal).await?)
}

/// One reception of a body the person handles or of the region they coordinate, with who is
/// booked.
#[server(prefix = "/api", endpoint = "desk_reception")]
pub async fn get_desk_reception(id: i64) -> Result<DeskReception, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SeesAppeals).await?;
    Ok(services::receptions::desk_reception(&svc, &principal, id).await?)
}
