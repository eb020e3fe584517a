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
    /// (kind, provider transaction id, detail)
    pub mismatches: Vec<(String, String, String)>,
}

#[server(prefix = "/api", endpoint = "reconciliation")]
pub async fn get_reconciliation(id: i64) -> Result<RunView, AppError> {
    use services::payments::reconcile::{Mismatch, ReconcileError};
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    let run = match services::payments::reconcile::load(&svc, id).await {
        Ok(run) => run,
        Err(ReconcileError::Service(e)) => return Err(e.into()),
        Err(ReconcileError::BadStatement(e)) => return Err(AppError::BadRequest(e)),
    };
    let mismatches = run
        .mismatches
        .into_iter()
        .map(|m| match m {
            Mismatch::MissingHere { id, amount, state } => (
                "missing_here".into(),
                id,
                format!("amount {amount}, state {state}"),
            ),
            Mismatch::MissingThere { id, amount, state } => (
                "missing_there".into(),
                id,
                format!("amount {amount}, state {state}"),
            ),
            Mismatch::Differs {
                id,
                field,
                ours,
                theirs,
            } => ("differs".into(), id, format!("{field}: {ours} ≠ {theirs}")),
        })
        .collect();
    Ok(RunView {
        id: run.id,
        from: run.from,
        to: run.to,
        ours: run.ours,
        theirs: run.theirs,
        mismatches,
    })
}

/// Every tariff with its price lists, for the administrator's tariff page.
#[server(prefix = "/api", endpoint = "tariffs")]
pub async fn list_tariffs() -> Result<Vec<shared::reading::TariffInfo>, AppError> {
    use shared::auth::{Need, Role};
    let (svc, _) = super::guard(&Need::Role(Role::Administrator)).await?;
    Ok(services::accounts::tariffs::list(&svc).await?)
}
