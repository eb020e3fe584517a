//! The administrators' forms: staff and their roles, reconciliation, price lists, the
//! calendar of working days and the tree of bodies. Each asks for a recent sign-in.

mod appeals;
mod reconcile;
mod staff;
mod tariffs;

use crate::AppState;
use axum::Router;
use axum::routing::post;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/staff", post(staff::grant))
        .route("/admin/staff/{id}/revoke", post(staff::revoke))
        .route("/admin/reconcile", post(reconcile::reconcile))
        .route("/admin/tariffs", post(tariffs::add_price_list))
        .route("/admin/calendar", post(appeals::calendar_day))
        .route("/admin/bodies", post(appeals::save_body))
}
