//! Payme Merchant API: Payme calls us with JSON-RPC 2.0 (`POST /payments/payme`, Basic auth
//! `Paycom:<key>`), and we always answer HTTP 200. The rules and our decisions are in
//! docs/research/payments.md; the short version:
//!
//! - a payment is a Fuqaro payment order; `account = {"order_id": "<id>"}`, the amount must
//!   equal the order's exactly (-31001);
//! - one live transaction per order: another one while one is created or performed is -31008
//!   (the database enforces it with a partial unique index, whatever arrives concurrently);
//! - a transaction not performed within 12 hours of Payme's `time` is cancelled with reason 4
//!   (checked on every call and by a background job);
//! - Perform credits the account's ledger once (a unique ledger reference); Cancel after
//!   Perform adds a reversing entry; every repeat gets the identical answer.

use crate::{Error, Result, Services, payments::orders, secret};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;

pub const TIMEOUT_MS: i64 = 43_200_000;
const PROVIDER: &str = "payme";
const CANCELLED: &str = "Payme: toʻlov bekor qilindi";

/// A protocol error: code, localized message, and the field it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i32,
    pub data: Option<String>,
}

impl RpcError {
    fn new(code: i32) -> RpcError {
        RpcError { code, data: None }
    }
    fn about(code: i32, field: &str) -> RpcError {
        RpcError {
            code,
            data: Some(field.into()),
        }
    }
    fn message(&self) -> Value {
        let (ru, uz, en) = match self.code {
            -32504 => (
                "Недостаточно привилегий для выполнения метода",
                "Usulni bajarish uchun huquq yetarli emas",
                "Insufficient privileges",
            ),
            -32700 => ("Ошибка разбора JSON", "JSON tahlilida xato", "JSON parse error"),
            -32600 => ("Неверный запрос", "Notoʻgʻri soʻrov", "Invalid request"),
            -32601 => ("Метод не найден", "Usul topilmadi", "Method not found"),
            -31001 => ("Неверная сумма", "Notoʻgʻri summa", "Invalid amount"),
            -31003 => (
                "Транзакция не найдена",
                "Tranzaksiya topilmadi",
                "Transaction not found",
            ),
            -31007 => (
                "Невозможно отменить транзакцию",
                "Tranzaksiyani bekor qilib boʻlmaydi",
                "Unable to cancel transaction",
            ),
            -31008 => (
                "Невозможно выполнить операцию",
                "Amalni bajarib boʻlmaydi",
                "Unable to perform operation",
            ),
            -31050 => ("Заказ не найден", "Buyurtma topilmadi", "Order not found"),
            -31051 => (
                "Заказ уже оплачен или отменён",
                "Buyurtma allaqachon toʻlangan yoki bekor qilingan",
                "Order is already paid or cancelled",
            ),
            _ => ("Системная ошибка", "Tizim xatosi", "System error"),
        };
        json!({"ru": ru, "uz": uz, "en": en})
    }
}

/// Answers one request body. Never fails: every problem is a JSON-RPC error in the body.
pub async fn handle(svc: &Services, key: &str, authorization: Option<&str>, body: &[u8]) -> Value {
    let request: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return reply(Value::Null, Err(RpcError::new(-32700))),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    if !authorized(key, authorization) {
        tracing::warn!("Payme callback refused: wrong or missing credentials");
        return reply(id, Err(RpcError::new(-32504)));
    }
    let (Some(method), Some(params)) = (
        request.get("method").and_then(Value::as_str),
        request.get("params").and_then(Value::as_object),
    ) else {
        return reply(id, Err(RpcError::new(-32600)));
    };
    let result = match method {
        "CheckPerformTransaction" => check_perform(svc, params).await,
        "CreateTransaction" => create(svc, params).await,
        "PerformTransaction" => perform(svc, params).await,
        "CancelTransaction" => cancel(svc, params).await,
        "CheckTransaction" => check(svc, params).await,
        "GetStatement" => statement(svc, params).await,
        other => Err(Failure::Rpc(RpcError::about(-32601, other))),
    };
    match result {
        Ok(value) => reply(id, Ok(value)),
        Err(Failure::Rpc(error)) => reply(id, Err(error)),
        Err(Failure::Internal(error)) => {
            tracing::error!(%error, method, "Payme call failed");
            reply(id, Err(RpcError::new(-32400)))
        }
    }
}

fn reply(id: Value, result: Result<Value, RpcError>) -> Value {
    match result {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(error) => {
            let mut body = json!({"code": error.code, "message": error.message()});
            if let Some(data) = error.data {
                body["data"] = Value::String(data);
            }
            json!({"jsonrpc": "2.0", "id": id, "result": Value::Null, "error": body})
        }
    }
}

/// `Basic base64("Paycom:<key>")`, compared in constant time. An empty key refuses all.
fn authorized(key: &str, authorization: Option<&str>) -> bool {
    let Some(encoded) = authorization.and_then(|h| h.strip_prefix("Basic ")) else {
        return false;
    };
    let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let Ok(decoded) = String::from_utf8(decoded) else {
        return false;
    };
    !key.is_empty() && secret::constant_time_eq(&decoded, &format!("Paycom:{key}"))
}

enum Failure {
    Rpc(RpcError),
    Internal(Error),
}

impl From<sqlx::Error> for Failure {
    fn from(e: sqlx::Error) -> Self {
        Failure::Internal(e.into())
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Internal(e)
    }
}

type Params = serde_json::Map<String, Value>;

fn rpc(code: i32) -> Failure {
    Failure::Rpc(RpcError::new(code))
}

/// A positive integer amount in tiyin; a string, a float or a missing amount is malformed.
fn amount(params: &Params) -> Result<i64, Failure> {
    let value = params.get("amount").ok_or_else(|| rpc(-32600))?;
    let amount = value
        .as_i64()
        .filter(|_| value.is_i64() || value.is_u64())
        .ok_or_else(|| rpc(-32600))?;
    if amount <= 0 {
        return Err(rpc(-31001));
    }
    Ok(amount)
}

fn text<'a>(params: &'a Params, field: &str) -> Result<&'a str, Failure> {
    params
        .get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| rpc(-32600))
}

fn integer(params: &Params, field: &str) -> Result<i64, Failure> {
    let value = params.get(field).ok_or_else(|| rpc(-32600))?;
    value
        .as_i64()
        .filter(|_| value.is_i64() || value.is_u64())
        .ok_or_else(|| rpc(-32600))
}

/// The pending order an `account` names, with its amount checked.
async fn payable_order(svc: &Services, params: &Params, amount: i64) -> Result<i64, Failure> {
    let order_id = params
        .get("account")
        .and_then(|a| a.get("order_id"))
        .and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_i64().map(|n| n.to_string()))
        })
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| Failure::Rpc(RpcError::about(-31050, "order_id")))?;
    // Card orders too when cards are charged through Payme's Subscribe API, whose receipts
    // Payme pays through these same callbacks.
    let sql = if svc.card.as_ref().is_some_and(|c| c.pays_through_payme()) {
        "SELECT amount_tiyin, status FROM payment_orders WHERE id = $1 AND method IN ('payme', 'card')"
    } else {
        "SELECT amount_tiyin, status FROM payment_orders WHERE id = $1 AND method = 'payme'"
    };
    let row = sqlx::query(sql)
        .bind(order_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or_else(|| Failure::Rpc(RpcError::about(-31050, "order_id")))?;
    let status: String = row.try_get("status")?;
    if status != "pending" {
        return Err(Failure::Rpc(RpcError::about(-31051, "order_id")));
    }
    if row.try_get::<i64, _>("amount_tiyin")? != amount {
        return Err(rpc(-31001));
    }
    Ok(order_id)
}

async fn has_live_transaction(svc: &Services, order_id: i64) -> Result<bool, Failure> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM provider_transactions WHERE order_id = $1 AND state IN (1, 2)")
            .bind(order_id)
            .fetch_optional(&svc.db.pool)
            .await?;
    Ok(found.is_some())
}

async fn check_perform(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let amount = amount(params)?;
    let order_id = payable_order(svc, params, amount).await?;
    if has_live_transaction(svc, order_id).await? {
        return Err(rpc(-31008));
    }
    Ok(json!({"allow": true}))
}

struct Tx {
    id: i64,
    order_id: i64,
    state: i16,
    provider_time: i64,
    create_time: i64,
    perform_time: i64,
    cancel_time: i64,
    reason: Option<i16>,
    amount: i64,
    external_id: String,
}

const TX_COLUMNS: &str = "id, order_id, state, provider_time, create_time, perform_time, cancel_time, reason, \
                          amount_tiyin, external_id";

fn tx(row: &AnyRow) -> Result<Tx, sqlx::Error> {
    Ok(Tx {
        id: row.try_get("id")?,
        order_id: row.try_get("order_id")?,
        state: row.try_get("state")?,
        provider_time: row.try_get("provider_time")?,
        create_time: row.try_get("create_time")?,
        perform_time: row.try_get("perform_time")?,
        cancel_time: row.try_get("cancel_time")?,
        reason: row.try_get("reason")?,
        amount: row.try_get("amount_tiyin")?,
        external_id: row.try_get("external_id")?,
    })
}

async fn find(svc: &Services, external_id: &str) -> Result<Option<Tx>, Failure> {
    let row = sqlx::query(&format!(
        "SELECT {TX_COLUMNS} FROM provider_transactions WHERE provider = $1 AND external_id = $2"
    ))
    .bind(PROVIDER)
    .bind(external_id)
    .fetch_optional(&svc.db.pool)
    .await?;
    Ok(row.as_ref().map(tx).transpose()?)
}

/// Cancels a created transaction whose 12 hours have passed (reason 4). Returns whether it did.
async fn expire_if_due(svc: &Services, t: &Tx, now: i64) -> Result<bool, Failure> {
    if t.state != 1 || now - t.provider_time <= TIMEOUT_MS {
        return Ok(false);
    }
    Ok(orders::cancel(svc, t.id, PROVIDER, Some(4), CANCELLED).await?)
}

async fn create(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let external_id = text(params, "id")?;
    let time = integer(params, "time")?;
    let amount = amount(params)?;
    let now = svc.clock.now_ms();
    if let Some(t) = find(svc, external_id).await? {
        if expire_if_due(svc, &t, now).await? {
            return Err(rpc(-31008));
        }
        return repeat_of_create(&t);
    }
    let order_id = match payable_order(svc, params, amount).await {
        Ok(order_id) => order_id,
        // The same id may have been created, even performed, by a concurrent call since we
        // looked: then this is a repeat, answered from the stored state.
        Err(error) => {
            return match find(svc, external_id).await? {
                Some(t) => repeat_of_create(&t),
                None => Err(error),
            };
        }
    };
    if now - time > TIMEOUT_MS {
        return Err(rpc(-31008));
    }
    let mut db = svc.db.pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO provider_transactions (provider, external_id, order_id, amount_tiyin, state, provider_time, create_time) \
         VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id",
    )
    .bind(PROVIDER)
    .bind(external_id)
    .bind(order_id)
    .bind(amount)
    .bind(time)
    .bind(now)
    .fetch_one(&mut *db)
    .await;
    match inserted {
        Ok(id) => {
            orders::record_event(&mut db, id, 1, None, now).await?;
            db.commit().await?;
            Ok(
                json!({"create_time": now, "transaction": id.to_string(), "state": 1, "receivers": Value::Null}),
            )
        }
        // A unique index refused it: the same id arrived concurrently (answer as a repeat),
        // or the order already has a live transaction (-31008).
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            drop(db);
            match find(svc, external_id).await? {
                Some(t) => repeat_of_create(&t),
                None => Err(rpc(-31008)),
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// A CreateTransaction for an id we already hold: the stored answer while it is created,
/// -31008 once it has moved on.
fn repeat_of_create(t: &Tx) -> Result<Value, Failure> {
    if t.state != 1 {
        return Err(rpc(-31008));
    }
    Ok(
        json!({"create_time": t.create_time, "transaction": t.id.to_string(), "state": 1, "receivers": Value::Null}),
    )
}

async fn perform(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let external_id = text(params, "id")?;
    let now = svc.clock.now_ms();
    let t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    if t.state == 1 {
        if expire_if_due(svc, &t, now).await? {
            return Err(rpc(-31008));
        }
        orders::perform(svc, t.id, PROVIDER, "Payme orqali toʻlov").await?;
    }
    // Whoever performed it, the answer is the stored one.
    let t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    match t.state {
        2 => Ok(json!({"transaction": t.id.to_string(), "perform_time": t.perform_time, "state": 2})),
        _ => Err(rpc(-31008)),
    }
}

async fn cancel(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let external_id = text(params, "id")?;
    let reason = i16::try_from(integer(params, "reason")?).map_err(|_| rpc(-32600))?;
    let t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    if t.state > 0 {
        orders::cancel(svc, t.id, PROVIDER, Some(reason), CANCELLED).await?;
    }
    let t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    if t.state > 0 {
        // A concurrent Perform moved it on; Payme will cancel again.
        return Err(rpc(-31007));
    }
    Ok(json!({"transaction": t.id.to_string(), "cancel_time": t.cancel_time, "state": t.state}))
}

async fn check(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let external_id = text(params, "id")?;
    let now = svc.clock.now_ms();
    let mut t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    if expire_if_due(svc, &t, now).await? {
        t = find(svc, external_id).await?.ok_or_else(|| rpc(-31003))?;
    }
    Ok(json!({
        "create_time": t.create_time,
        "perform_time": t.perform_time,
        "cancel_time": t.cancel_time,
        "transaction": t.id.to_string(),
        "state": t.state,
        "reason": t.reason,
    }))
}

async fn statement(svc: &Services, params: &Params) -> Result<Value, Failure> {
    let from = integer(params, "from")?;
    let to = integer(params, "to")?;
    let entries = statement_entries(svc, from, to).await?;
    Ok(json!({"transactions": entries}))
}

/// Our Payme transactions created (by Payme's `time`) within `from..=to`, oldest first, in
/// the shape of GetStatement's `transactions`: what Payme asks us for, and what
/// reconciliation compares with Payme's own statement.
pub async fn statement_entries(svc: &Services, from: i64, to: i64) -> Result<Vec<Value>> {
    let rows = sqlx::query(&format!(
        "SELECT {TX_COLUMNS} FROM provider_transactions WHERE provider = $1 AND provider_time >= $2 AND provider_time <= $3 \
         ORDER BY provider_time, id"
    ))
    .bind(PROVIDER)
    .bind(from)
    .bind(to)
    .fetch_all(&svc.db.pool)
    .await?;
    rows.iter()
        .map(|row| {
            let t = tx(row)?;
            Ok(json!({
                "id": t.external_id,
                "time": t.provider_time,
                "amount": t.amount,
                "account": {"order_id": t.order_id.to_string()},
                "create_time": t.create_time,
                "perform_time": t.perform_time,
                "cancel_time": t.cancel_time,
                "transaction": t.id.to_string(),
                "state": t.state,
                "reason": t.reason,
                "receivers": Value::Null,
            }))
        })
        .collect()
}

/// The background half of the 12-hour rule: cancels every created transaction whose time is up.
pub async fn expire_overdue(svc: &Services) -> Result<usize> {
    let now = svc.clock.now_ms();
    let rows = sqlx::query(&format!(
        "SELECT {TX_COLUMNS} FROM provider_transactions WHERE provider = $1 AND state = 1 AND provider_time < $2"
    ))
    .bind(PROVIDER)
    .bind(now - TIMEOUT_MS)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut cancelled = 0;
    for row in &rows {
        let t = tx(row)?;
        if matches!(expire_if_due(svc, &t, now).await, Ok(true)) {
            cancelled += 1;
        }
    }
    Ok(cancelled)
}
