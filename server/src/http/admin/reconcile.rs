//! Administrators reconcile a day's payments with a provider's registry.

use crate::AppState;
use crate::http::guard::unavailable;
use crate::http::guard::{Administrator, Signed};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::payment::ReconcileProblem;

#[derive(Deserialize)]
pub struct ReconcileForm {
    from: String,
    to: String,
    statement: String,
}

/// Stores a reconciliation run of Payme's statement for a period and shows its result.
pub async fn reconcile(
    State(state): State<AppState>,
    Signed {
        principal: admin,
        caller,
        ..
    }: Signed<Administrator>,
    Form(form): Form<ReconcileForm>,
) -> Response {
    let (Some(from), Some(to)) = (
        shared::time::parse_tashkent_date(&form.from),
        shared::time::parse_tashkent_date(&form.to),
    ) else {
        return Redirect::to(&format!("/admin/reconcile?error={}", ReconcileProblem::Dates)).into_response();
    };
    // `to` is a whole day: up to its last millisecond.
    let to = to + 86_400_000 - 1;
    match services::payments::reconcile::run_payme(
        &state.services,
        from,
        to,
        &form.statement,
        Some(admin.user_id),
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/admin/reconcile/{id}")).into_response(),
        Err(services::payments::reconcile::ReconcileError::BadStatement(_)) => {
            Redirect::to(&format!("/admin/reconcile?error={}", ReconcileProblem::Statement)).into_response()
        }
        Err(services::payments::reconcile::ReconcileError::Service(error)) => {
            unavailable(caller.locale, "reconciliation failed", &error)
        }
    }
}
