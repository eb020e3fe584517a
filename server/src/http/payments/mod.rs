//! Payments over HTTP, in two kinds that must never be mixed up:
//!
//! - `provider_callbacks`: Payme's and Click's server-to-server calls (`/payments/payme`,
//!   `/payments/click/*`), authorized by the provider's credentials, never by a session;
//! - the resident's own pages: an order and its receipt (`orders`), a card payment (`card`),
//!   and in development the providers' sandbox checkout (`sandbox`), each behind the guard.

mod card;
mod orders;
mod provider_callbacks;
mod sandbox;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The providers' callbacks.
pub fn provider_callbacks() -> Router<AppState> {
    Router::new()
        .route("/payments/payme", post(provider_callbacks::payme))
        .route("/payments/click/prepare", post(provider_callbacks::click_prepare))
        .route(
            "/payments/click/complete",
            post(provider_callbacks::click_complete),
        )
}

/// The resident's orders, receipts and card payments.
pub fn resident() -> Router<AppState> {
    Router::new()
        .route("/payments/orders", post(orders::create_order))
        .route("/receipts/{order}/pdf", get(orders::receipt_pdf))
        .route("/pay/{order}/card", post(card::card_start))
        .route("/pay/{order}/card/code", post(card::card_confirm))
}

/// The providers' sandbox checkout (development only).
pub fn sandbox() -> Router<AppState> {
    Router::new().route("/sandbox/checkout/{order}", post(sandbox::sandbox_checkout))
}
