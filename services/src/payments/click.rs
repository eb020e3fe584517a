//! Click SHOP API: Click calls us with form-encoded Prepare (`action=0`) and Complete
//! (`action=1`); we answer JSON with `error` 0 or -1…-9. The signature is MD5 over the raw
//! received strings (never re-formatted). Our decisions (docs/research/payments.md):
//! the amount must equal the order's exactly; a Complete, or a cancel, of an already
//! confirmed payment is -4; a payment cancelled before confirming is -9.

use crate::{Result, Services, payments::orders, secret};
use md5::{Digest, Md5};
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::HashMap;

const PROVIDER: &str = "click";

fn note(error: i32) -> &'static str {
    match error {
        0 => "Success",
        -1 => "SIGN CHECK FAILED!",
        -2 => "Incorrect parameter amount",
        -3 => "Action not found",
        -4 => "Already paid",
        -5 => "User does not exist",
        -6 => "Transaction does not exist",
        -7 => "Failed to update user",
        -8 => "Error in request from click",
        -9 => "Transaction cancelled",
        _ => "Unknown error",
    }
}

/// The signature Click sends, computed from the raw strings.
pub fn sign(fields: &HashMap<String, String>, secret: &str, action: &str) -> String {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let prepare_id = if action == "1" {
        get("merchant_prepare_id")
    } else {
        ""
    };
    let text = format!(
        "{}{}{secret}{}{prepare_id}{}{action}{}",
        get("click_trans_id"),
        get("service_id"),
        get("merchant_trans_id"),
        get("amount"),
        get("sign_time"),
    );
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// So'm as Click writes them (`1000`, `1000.0`, `1000.50`) to tiyin, exactly; anything else
/// (a comma, an exponent, a sign, more than two decimals) is `None`.
pub fn som_to_tiyin(text: &str) -> Option<i64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 15 {
        return None;
    }
    if fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().ok()?
    };
    whole.checked_mul(100)?.checked_add(cents)
}

/// Answers one Prepare or Complete. `endpoint_action` is the action the URL stands for.
pub async fn handle(
    svc: &Services,
    service_id: &str,
    secret_key: &str,
    endpoint_action: &str,
    fields: &HashMap<String, String>,
) -> Value {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let answer = |error: i32, extra: Value| {
        let mut body = json!({
            "click_trans_id": get("click_trans_id").parse::<i64>().map(Value::from).unwrap_or(Value::Null),
            "merchant_trans_id": get("merchant_trans_id"),
            "error": error,
            "error_note": note(error),
        });
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    let mut required = vec![
        "click_trans_id",
        "service_id",
        "click_paydoc_id",
        "merchant_trans_id",
        "amount",
        "action",
        "error",
        "sign_time",
        "sign_string",
    ];
    if endpoint_action == "1" {
        required.push("merchant_prepare_id");
    }
    if required.iter().any(|k| get(k).is_empty()) || get("error").parse::<i64>().is_err() {
        return answer(-8, json!({}));
    }
    let action = get("action");
    if secret_key.is_empty()
        || get("service_id") != service_id
        || !secret::constant_time_eq(
            &sign(fields, secret_key, action),
            &get("sign_string").to_ascii_lowercase(),
        )
    {
        tracing::warn!("Click callback refused: wrong service id or signature");
        return answer(-1, json!({}));
    }
    if action != endpoint_action {
        return answer(-3, json!({}));
    }
    let result = match action {
        "0" => prepare(svc, fields).await,
        _ => complete(svc, fields).await,
    };
    match result {
        Ok((error, extra)) => answer(error, extra),
        Err(error) => {
            tracing::error!(%error, "Click call failed");
            answer(-7, json!({}))
        }
    }
}

async fn order(svc: &Services, merchant_trans_id: &str) -> Result<Option<(i64, i64, String)>> {
    let Ok(id) = merchant_trans_id.parse::<i64>() else {
        return Ok(None);
    };
    let row =
        sqlx::query("SELECT id, amount_tiyin, status FROM payment_orders WHERE id = $1 AND method = 'click'")
            .bind(id)
            .fetch_optional(&svc.db.pool)
            .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("amount_tiyin")?, r.try_get("status")?)))
        .transpose()
}

async fn prepare(svc: &Services, fields: &HashMap<String, String>) -> Result<(i32, Value)> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let Some((order_id, order_amount, status)) = order(svc, get("merchant_trans_id")).await? else {
        return Ok((-5, json!({})));
    };
    if som_to_tiyin(get("amount")) != Some(order_amount) {
        return Ok((-2, json!({})));
    }
    let existing: Option<(i64, i16)> = sqlx::query_as(
        "SELECT id, state FROM provider_transactions WHERE provider = $1 AND external_id = $2",
    )
    .bind(PROVIDER)
    .bind(get("click_trans_id"))
    .fetch_optional(&svc.db.pool)
    .await?;
    match existing {
        // A repeated Prepare gets the same reservation.
        Some((id, 1)) => return Ok((0, json!({"merchant_prepare_id": id}))),
        Some((_, 2)) => return Ok((-4, json!({}))),
        Some(_) => return Ok((-9, json!({}))),
        None => {}
    }
    match status.as_str() {
        "paid" => return Ok((-4, json!({}))),
        "cancelled" => return Ok((-9, json!({}))),
        _ => {}
    }
    let now = svc.clock.now_ms();
    let mut db = svc.db.pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO provider_transactions (provider, external_id, order_id, amount_tiyin, state, provider_time, create_time) \
         VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id",
    )
    .bind(PROVIDER)
    .bind(get("click_trans_id"))
    .bind(order_id)
    .bind(order_amount)
    .bind(now)
    .fetch_one(&mut *db)
    .await;
    match inserted {
        Ok(id) => {
            orders::record_event(&mut db, id, 1, None, now).await?;
            db.commit().await?;
            Ok((0, json!({"merchant_prepare_id": id})))
        }
        // Another payment of this order is in progress or done.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok((-4, json!({}))),
        Err(e) => Err(e.into()),
    }
}

async fn complete(svc: &Services, fields: &HashMap<String, String>) -> Result<(i32, Value)> {
    let get = |k: &str| fields.get(k).map(String::as_str).unwrap_or("");
    let Some((order_id, order_amount, _)) = order(svc, get("merchant_trans_id")).await? else {
        return Ok((-5, json!({})));
    };
    let Ok(prepare_id) = get("merchant_prepare_id").parse::<i64>() else {
        return Ok((-6, json!({})));
    };
    let tx: Option<(i16, i64)> = sqlx::query_as(
        "SELECT state, order_id FROM provider_transactions WHERE id = $1 AND provider = $2 AND external_id = $3",
    )
    .bind(prepare_id)
    .bind(PROVIDER)
    .bind(get("click_trans_id"))
    .fetch_optional(&svc.db.pool)
    .await?;
    let Some((state, tx_order)) = tx.filter(|(_, o)| *o == order_id) else {
        return Ok((-6, json!({})));
    };
    let _ = tx_order;
    match state {
        2 => return Ok((-4, json!({}))),
        s if s < 0 => return Ok((-9, json!({}))),
        _ => {}
    }
    if som_to_tiyin(get("amount")) != Some(order_amount) {
        return Ok((-2, json!({})));
    }
    if get("error").parse::<i64>().unwrap_or(0) < 0 {
        // Click could not take the money: release the order.
        orders::cancel(svc, prepare_id, PROVIDER, None, "Click: toʻlov bekor qilindi").await?;
        return Ok((-9, json!({})));
    }
    orders::perform(svc, prepare_id, PROVIDER, "Click orqali toʻlov").await?;
    let state: i16 = sqlx::query_scalar("SELECT state FROM provider_transactions WHERE id = $1")
        .bind(prepare_id)
        .fetch_one(&svc.db.pool)
        .await?;
    Ok(match state {
        2 => (0, json!({"merchant_confirm_id": prepare_id})),
        _ => (-9, json!({})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(som_to_tiyin("1000"), Some(100_000));
        assert_eq!(som_to_tiyin("1000.0"), Some(100_000));
        assert_eq!(som_to_tiyin("1000.5"), Some(100_050));
        assert_eq!(som_to_tiyin("1000.05"), Some(100_005));
        for bad in ["1000,00", "1e3", "-1000", "1000.", ".5", "1000.005", " 1000", ""] {
            assert_eq!(som_to_tiyin(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_signature_follows_the_documented_concatenation() {
        let fields: HashMap<String, String> = [
            ("click_trans_id", "1"),
            ("service_id", "2"),
            ("merchant_trans_id", "3"),
            ("amount", "1000.00"),
            ("sign_time", "2026-11-22 10:00:00"),
            ("merchant_prepare_id", "4"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let expected: String = Md5::digest(b"12secret31000.0002026-11-22 10:00:00")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sign(&fields, "secret", "0"), expected);
        let expected: String = Md5::digest(b"12secret341000.0012026-11-22 10:00:00")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sign(&fields, "secret", "1"), expected);
    }
}
