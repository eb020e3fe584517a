//! Payment orders: what a resident asks to pay on one of their accounts, before any
//! provider is involved. Providers pay an order, never an account directly.

use crate::{Error, Result, Services, accounts};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Method {
    Card,
    Payme,
    Click,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::Card => "card",
            Method::Payme => "payme",
            Method::Click => "click",
        }
    }
}

/// Creates a pending order on one of the resident's own accounts. Any positive amount.
pub async fn create(
    svc: &Services,
    user_id: i64,
    account_id: i64,
    amount_tiyin: i64,
    method: Method,
) -> Result<i64> {
    if amount_tiyin <= 0 {
        return Err(Error::NotFound);
    }
    if !accounts::is_linked(&svc.db, user_id, account_id).await? {
        return Err(Error::NotFound);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO payment_orders (account_id, user_id, amount_tiyin, method, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(account_id)
    .bind(user_id)
    .bind(amount_tiyin)
    .bind(method.code())
    .bind(svc.clock.now_ms())
    .fetch_one(&svc.db.pool)
    .await?)
}
