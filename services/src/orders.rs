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

/// Moves a provider transaction from created (1) to performed (2), credits the account
/// once (the ledger reference `<provider>:<external id>` is unique) and marks the order paid,
/// in one database transaction. Returns false when another call got there first.
pub(crate) async fn perform(svc: &Services, tx_id: i64, provider: &str, description: &str) -> Result<bool> {
    let now = svc.clock.now_ms();
    let mut db = svc.db.pool.begin().await?;
    let won = sqlx::query(
        "UPDATE provider_transactions SET state = 2, perform_time = $2 WHERE id = $1 AND state = 1",
    )
    .bind(tx_id)
    .bind(now)
    .execute(&mut *db)
    .await?
    .rows_affected()
        == 1;
    if !won {
        return Ok(false);
    }
    let (order_id, amount, external_id): (i64, i64, String) =
        sqlx::query_as("SELECT order_id, amount_tiyin, external_id FROM provider_transactions WHERE id = $1")
            .bind(tx_id)
            .fetch_one(&mut *db)
            .await?;
    record_event(&mut db, tx_id, 2, None, now).await?;
    let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM payment_orders WHERE id = $1")
        .bind(order_id)
        .fetch_one(&mut *db)
        .await?;
    let reference = format!("{provider}:{external_id}");
    accounts::append(
        &mut *db,
        &accounts::NewEntry {
            account_id,
            kind: "payment",
            amount: shared::Tiyin::new(amount),
            occurred_at: now,
            description,
            reference: Some(&reference),
        },
        now,
    )
    .await?;
    sqlx::query("UPDATE payment_orders SET status = 'paid', paid_at = $2 WHERE id = $1")
        .bind(order_id)
        .bind(now)
        .execute(&mut *db)
        .await?;
    db.commit().await?;
    Ok(true)
}

/// Cancels a provider transaction: created (1) becomes -1 and the order is payable again;
/// performed (2) becomes -2, the credit is reversed by a new ledger row and the order is
/// cancelled. Returns false when the transaction was no longer in `from_state`.
pub(crate) async fn cancel(
    svc: &Services,
    tx_id: i64,
    provider: &str,
    reason: Option<i16>,
    description: &str,
) -> Result<bool> {
    let now = svc.clock.now_ms();
    let mut db = svc.db.pool.begin().await?;
    let row: Option<(i16, i64, i64, String)> = sqlx::query_as(
        "SELECT state, order_id, amount_tiyin, external_id FROM provider_transactions WHERE id = $1",
    )
    .bind(tx_id)
    .fetch_optional(&mut *db)
    .await?;
    let Some((state, order_id, amount, external_id)) = row.filter(|(s, ..)| *s > 0) else {
        return Ok(false);
    };
    let to = -state;
    let done = sqlx::query(
        "UPDATE provider_transactions SET state = $2, cancel_time = $3, reason = $4 WHERE id = $1 AND state = $5",
    )
    .bind(tx_id)
    .bind(to)
    .bind(now)
    .bind(reason)
    .bind(state)
    .execute(&mut *db)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    record_event(&mut db, tx_id, to, reason, now).await?;
    if to == -2 {
        let account_id: i64 = sqlx::query_scalar("SELECT account_id FROM payment_orders WHERE id = $1")
            .bind(order_id)
            .fetch_one(&mut *db)
            .await?;
        let reference = format!("{provider}:{external_id}:cancel");
        accounts::append(
            &mut *db,
            &accounts::NewEntry {
                account_id,
                kind: "correction",
                amount: -shared::Tiyin::new(amount),
                occurred_at: now,
                description,
                reference: Some(&reference),
            },
            now,
        )
        .await?;
        sqlx::query("UPDATE payment_orders SET status = 'cancelled' WHERE id = $1")
            .bind(order_id)
            .execute(&mut *db)
            .await?;
    }
    db.commit().await?;
    Ok(true)
}

/// Every transition is an event row.
pub(crate) async fn record_event(
    db: &mut sqlx::Transaction<'static, sqlx::Any>,
    tx_id: i64,
    state: i16,
    reason: Option<i16>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO payment_events (transaction_id, state, reason, at) VALUES ($1, $2, $3, $4)")
        .bind(tx_id)
        .bind(state)
        .bind(reason)
        .bind(now)
        .execute(&mut **db)
        .await?;
    Ok(())
}
