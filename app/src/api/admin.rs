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
