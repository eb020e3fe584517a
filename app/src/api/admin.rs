//! Administrators' tools: reconciliation runs.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A reconciliation run as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i64,
    pub from: i64,
    pub to: i64,
    pub ours: usize,
    pub theirs: usize,
    pub mismatches: Vec<shared::payment::Mismatch>,
}

#[server(prefix = "/api", endpoint = "reconciliation")]
pub async fn get_reconciliation(id: i64) -> Result<RunView, AppError> {
    use services::payments::reconcile::ReconcileError;
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    let run = match services::payments::reconcile::load(&svc, id).await {
        Ok(run) => run,
        Err(ReconcileError::Service(e)) => return Err(e.into()),
        Err(ReconcileError::BadStatement(e)) => return Err(AppError::BadRequest(e)),
    };
    Ok(RunView {
        id: run.id,
        from: run.from,
        to: run.to,
        ours: run.ours,
        theirs: run.theirs,
        mismatches: run.mismatches,
    })
}

/// Every tariff with its price lists, for the administrator's tariff page.
#[server(prefix = "/api", endpoint = "tariffs")]
pub async fn list_tariffs() -> Result<Vec<shared::reading::TariffInfo>, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    Ok(services::accounts::tariffs::list(&svc).await?)
}

/// Every Open311 key, and the one this browser just issued (read once: `services::kept::take`).
#[server(prefix = "/api", endpoint = "api_keys")]
pub async fn api_keys() -> Result<shared::auth::ApiKeys, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    let keys = services::open311::keys::list(&svc).await?;
    let issued = match super::request_cookie(shared::cookies::KEPT) {
        Some(token) => {
            services::kept::take(&svc.db, &token, shared::auth::API_KEY_ISSUED, svc.clock.now_ms())
                .await?
                .and_then(|f| Some((f.get("party")?.clone(), f.get("key")?.clone())))
        }
        None => None,
    };
    Ok(shared::auth::ApiKeys { keys, issued })
}
