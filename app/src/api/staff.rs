//! Staff administration: who holds which role.

use crate::error::AppError;
use leptos::prelude::*;
use shared::auth::StaffMember;

#[server(prefix = "/api", endpoint = "staff")]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    Ok(services::identity::users::list_staff(&svc).await?)
}
