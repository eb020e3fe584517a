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

use crate::http::area::Area;

/// The providers' callbacks.
pub fn provider_callbacks() -> Area {
    Area::new()
        .post("/payments/payme", provider_callbacks::payme)
        .post("/payments/click/prepare", provider_callbacks::click_prepare)
        .post("/payments/click/complete", provider_callbacks::click_complete)
}

/// The resident's orders, receipts and card payments.
pub fn resident() -> Area {
    Area::new()
        .post("/payments/orders", orders::create_order)
        .get("/receipts/{order}/pdf", orders::receipt_pdf)
        .post("/pay/{order}/card", card::card_start)
        .post("/pay/{order}/card/code", card::card_confirm)
}

/// The providers' sandbox checkout (development only).
pub fn sandbox() -> Area {
    Area::new().post("/sandbox/checkout/{order}", sandbox::sandbox_checkout)
}
