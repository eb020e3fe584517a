//! Meter readings: the resident's form, the inspector's queue and cases. The upload itself
//! and the decisions are form posts (server/src/http/readings.rs), so they work without
//! JavaScript and can stream a photo.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use shared::geo::Names;
use shared::reading::{QueuePage, ReadingCase};

/// What the resident's reading form needs: the mahallas of the account's district, the one
/// to pre-select, and a fresh key for this submission (a retry of it is then recognised as the
/// same reading).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingForm {
    pub mahallas: Vec<(String, Names)>,
    /// The account's own mahalla, else the one of its last reading.
    pub mahalla: Option<String>,
    pub key: String,
}

#[server(prefix = "/api", endpoint = "reading_form")]
pub async fn get_reading_form(account_id: i64) -> Result<ReadingForm, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    let mahallas = services::readings::mahallas_for(&svc, principal.user_id, account_id).await?;
    Ok(ReadingForm {
        mahallas,
        mahalla: services::readings::usual_mahalla(&svc, account_id).await?,
        key: services::secret::token(),
    })
}

/// The places and services an inspector may filter by: their scope, with names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectorScope {
    pub districts: Vec<(String, Names)>,
    pub services: Vec<(String, Names)>,
}

#[server(prefix = "/api", endpoint = "inspector_scope")]
pub async fn get_inspector_scope() -> Result<InspectorScope, AppError> {
    use shared::auth::{Need, Role};
    let (svc, principal) = super::guard_signed_in(&Need::Role(Role::Inspector)).await?;
    let (districts, services) = services::readings::scope_names(&svc, &principal).await?;
    Ok(InspectorScope { districts, services })
}

/// Pending readings in the inspector's scope, oldest first, a page at a time.
#[server(prefix = "/api", endpoint = "inspector_queue")]
pub async fn inspector_queue(
    district: Option<String>,
    service: Option<String>,
    flagged: bool,
    after_at: Option<i64>,
    after_id: Option<i64>,
) -> Result<QueuePage, AppError> {
    use shared::auth::{Need, Role};
    let (svc, principal) = super::guard_signed_in(&Need::Role(Role::Inspector)).await?;
    let filter = services::readings::QueueFilter {
        district: district.filter(|d| !d.is_empty()),
        service: service.filter(|s| !s.is_empty()),
        flagged_only: flagged,
        after: after_at.zip(after_id),
    };
    Ok(services::readings::queue(&svc, &principal, &filter).await?)
}

/// One reading with what the inspector needs to decide; "not found" outside their scope.
#[server(prefix = "/api", endpoint = "reading_case")]
pub async fn get_reading_case(id: i64) -> Result<ReadingCase, AppError> {
    use shared::auth::{Need, Role};
    let (svc, principal) = super::guard_signed_in(&Need::Role(Role::Inspector)).await?;
    Ok(services::readings::case(&svc, &principal, id).await?)
}
