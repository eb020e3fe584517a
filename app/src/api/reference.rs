//! Reference data for every visitor: service types, regions, districts. Public by design:
//! the same lists are printed on paper bills.

use crate::error::AppError;
use leptos::prelude::*;
use shared::geo::{District, Region};
use shared::service::ServiceTypeInfo;

#[server(prefix = "/api", endpoint = "service_types")]
pub async fn list_service_types() -> Result<Vec<ServiceTypeInfo>, AppError> {
    let services = super::services()?;
    Ok(services::reference::service_types(&services.db).await?)
}

#[server(prefix = "/api", endpoint = "regions")]
pub async fn list_regions() -> Result<Vec<Region>, AppError> {
    let services = super::services()?;
    Ok(services::reference::regions(&services.db).await?)
}

#[server(prefix = "/api", endpoint = "region")]
pub async fn get_region(soato: String) -> Result<(Region, Vec<District>), AppError> {
    if soato.len() != 4 || !soato.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::NotFound);
    }
    let services = super::services()?;
    Ok(services::reference::region_with_districts(&services.db, &soato).await?)
}

/// How many regions, districts, mahallas and service types the database holds.
#[server(prefix = "/api", endpoint = "reference_counts")]
pub async fn reference_counts() -> Result<[i64; 4], AppError> {
    let services = super::services()?;
    let (r, d, m, s) = services::reference::counts(&services.db).await?;
    Ok([r, d, m, s])
}
