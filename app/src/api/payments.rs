//! A resident's payment orders and receipts; the public check of a receipt.

use crate::error::AppError;
use leptos::prelude::*;
use shared::payment::{OrderView, PayMethod, Receipt, ReceiptCheck};

#[server(prefix = "/api", endpoint = "order")]
pub async fn get_order(id: i64) -> Result<OrderView, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    let mut order = services::payments::orders::view(&svc, principal.user_id, id).await?;
    if order.status == shared::payment::OrderStatus::Pending {
        let locale = crate::i18n::detect_locale();
        order.checkout_url = svc.checkout.url(&order, &svc.public_url, locale);
        order.sandbox = svc.development && order.checkout_url.is_none();
    }
    Ok(order)
}

/// The ways to pay this installation offers (`payme`, `click`, `card`); the same for everyone.
#[server(prefix = "/api", endpoint = "payment_methods")]
pub async fn payment_methods() -> Result<Vec<PayMethod>, AppError> {
    let (svc, _) = super::guard(&shared::auth::Need::Anyone).await?;
    Ok(svc.payment_methods())
}

/// The payment history of one of the resident's accounts.
#[server(prefix = "/api", endpoint = "account_orders")]
pub async fn account_orders(account_id: i64) -> Result<Vec<OrderView>, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::payments::orders::of_account(&svc, principal.user_id, account_id).await?)
}

#[server(prefix = "/api", endpoint = "receipt")]
pub async fn get_receipt(id: i64) -> Result<Receipt, AppError> {
    let (svc, principal) = super::guard_signed_in(&shared::auth::Need::SignedIn).await?;
    Ok(services::payments::orders::receipt(&svc, principal.user_id, id).await?)
}

/// Anyone holding a receipt's link may check it; the answer carries nothing personal.
#[server(prefix = "/api", endpoint = "check_receipt")]
pub async fn check_receipt(code: String) -> Result<ReceiptCheck, AppError> {
    let (svc, _) = super::guard(&shared::auth::Need::Anyone).await?;
    Ok(services::payments::orders::check_receipt(&svc, &code).await?)
}
