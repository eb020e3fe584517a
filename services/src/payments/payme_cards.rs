//! Card payments through Payme's Subscribe API, the seed's "card number, expiry, SMS code"
//! flow with a processor that charges real cards:
//!
//! 1. `cards.create` with the number and expiry gives a card token (the number is not kept:
//!    only its masked form);
//! 2. `cards.get_verify_code` makes Payme send a code to the phone the card is registered to;
//! 3. `cards.verify` with the code the payer types;
//! 4. `receipts.create` for the order's amount, with the order as the account;
//! 5. `receipts.pay` with the verified token. Payme pays the receipt through our Merchant API
//!    (`CheckPerformTransaction`, `CreateTransaction`, `PerformTransaction` on the order), which
//!    credits the account exactly once; the receipt comes back paid (state 4).
//!
//! JSON-RPC over https; `X-Auth: <merchant id>` for the card methods, `<merchant id>:<key>`
//! for the receipts (`docs/research/payments.md` §3.4).

use crate::BoxFuture;
use crate::outbound::Outbound;
use crate::payments::card::{
    CODE_TTL_MS, CardError, CardFailure, CardProcessor, Charged, MAX_WRONG_CODES, NewCard,
};
use crate::{Error, Services};
use serde_json::{Value, json};
use shared::Locale;
use shared::account::OneTimeCode;
use sqlx::Row;
use std::sync::atomic::{AtomicU64, Ordering};

/// Payme's receipt state once paid.
const PAID: i64 = 4;

/// The Subscribe API of one cash desk.
pub struct PaymeCards {
    url: String,
    merchant_id: String,
    key: String,
    http: reqwest::Client,
    next_id: AtomicU64,
}

impl std::fmt::Debug for PaymeCards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaymeCards")
            .field("url", &self.url)
            .field("merchant_id", &self.merchant_id)
            .finish_non_exhaustive()
    }
}

/// An answer of the API: its result, or its error's code and message.
enum Answer {
    Result(Value),
    Error(i64, String),
}

impl PaymeCards {
    /// `url` is the API's address (`https://checkout.paycom.uz/api`).
    pub fn new(url: &str, merchant_id: &str, key: &str, outbound: &Outbound) -> PaymeCards {
        PaymeCards {
            url: url.to_string(),
            merchant_id: merchant_id.to_string(),
            key: key.to_string(),
            // receipts.pay waits while Payme calls our callbacks and debits the card.
            http: outbound.client(std::time::Duration::from_secs(45)),
            next_id: AtomicU64::new(1),
        }
    }

    async fn call(&self, method: &str, params: Value, with_key: bool) -> Result<Answer, Error> {
        let auth = if with_key {
            format!("{}:{}", self.merchant_id, self.key)
        } else {
            self.merchant_id.clone()
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let response = self
            .http
            .post(&self.url)
            .header("X-Auth", auth)
            .json(&json!({"id": id, "method": method, "params": params}))
            .send()
            .await
            .map_err(|e| Error::Outside(format!("Payme {method}: {e}")))?;
        let body: Value = response
            .json()
            .await
            .map_err(|e| Error::Outside(format!("Payme {method}: unreadable answer: {e}")))?;
        if let Some(error) = body.get("error").filter(|e| !e.is_null()) {
            let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
            let message = match error.get("message") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Object(m)) => m
                    .get("ru")
                    .or_else(|| m.get("uz"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                _ => String::new(),
            };
            return Ok(Answer::Error(code, message));
        }
        body.get("result")
            .cloned()
            .map(Answer::Result)
            .ok_or_else(|| Error::Outside(format!("Payme {method}: no result and no error")))
    }

    /// The call's result; an error of the API is the card's refusal, logged with its reason.
    async fn result(&self, method: &str, params: Value, with_key: bool) -> Result<Value, CardError> {
        match self.call(method, params, with_key).await? {
            Answer::Result(value) => Ok(value),
            Answer::Error(code, message) => {
                tracing::warn!(method, code, message, "Payme refused");
                Err(CardFailure::Refused.into())
            }
        }
    }
}

fn text<'v>(value: &'v Value, path: &[&str]) -> Option<&'v str> {
    path.iter().try_fold(value, |v, key| v.get(key))?.as_str()
}

impl CardProcessor for PaymeCards {
    fn start<'a>(
        &'a self,
        svc: &'a Services,
        order_id: i64,
        new: &'a NewCard<'a>,
        _locale: Locale,
    ) -> BoxFuture<'a, Result<i64, CardError>> {
        Box::pin(async move {
            let card = new.number;
            let created = self
                .result(
                    "cards.create",
                    json!({"card": {"number": card.digits(), "expire": new.expiry.mmyy()}, "save": false}),
                    false,
                )
                .await?;
            let token = text(&created, &["card", "token"])
                .ok_or_else(|| Error::Outside("Payme cards.create: no token".into()))?
                .to_string();
            let sent = self
                .result("cards.get_verify_code", json!({"token": token}), false)
                .await?;
            if sent.get("sent").and_then(Value::as_bool) != Some(true) {
                tracing::warn!(order = order_id, "Payme did not send the code");
                return Err(CardFailure::Refused.into());
            }
            let phone = text(&sent, &["phone"]).unwrap_or_default().to_string();
            let wait = sent.get("wait").and_then(Value::as_i64).unwrap_or(CODE_TTL_MS);
            let now = svc.clock.now_ms();
            let mut tx = svc.db.pool.begin().await?;
            sqlx::query(
                "UPDATE card_charges SET state = 'failed' WHERE order_id = $1 AND state = 'awaiting_code'",
            )
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO card_charges (order_id, card_masked, scheme, phone, code_hash, expires_at, created_at, \
                 processor, processor_token) VALUES ($1, $2, $3, $4, '', $5, $6, 'payme', $7) RETURNING id",
            )
            .bind(order_id)
            .bind(card.masked())
            .bind(card.scheme.name())
            .bind(phone)
            .bind(now + wait.clamp(30_000, CODE_TTL_MS))
            .bind(now)
            .bind(token)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    fn confirm<'a>(
        &'a self,
        svc: &'a Services,
        charge_id: i64,
        code: &'a OneTimeCode,
    ) -> BoxFuture<'a, Result<Charged, CardError>> {
        Box::pin(async move {
            let now = svc.clock.now_ms();
            let row = sqlx::query(
                "SELECT c.order_id, c.processor_token, c.expires_at, o.amount_tiyin FROM card_charges c \
                 JOIN payment_orders o ON o.id = c.order_id \
                 WHERE c.id = $1 AND c.state = 'awaiting_code' AND c.processor = 'payme'",
            )
            .bind(charge_id)
            .fetch_optional(&svc.db.pool)
            .await?
            .ok_or(CardFailure::NoCharge)?;
            let order_id: i64 = row.try_get("order_id")?;
            if now > row.try_get::<i64, _>("expires_at")? {
                return Err(CardFailure::CodeExpired.into());
            }
            let attempts = crate::payments::card::spend_try(svc, charge_id).await?;
            let token: String = row
                .try_get::<Option<String>, _>("processor_token")?
                .unwrap_or_default();
            let verified = match self
                .call(
                    "cards.verify",
                    json!({"token": token, "code": code.as_str()}),
                    false,
                )
                .await?
            {
                Answer::Result(value) => value,
                Answer::Error(code, message) => {
                    tracing::info!(order = order_id, code, message, "Payme refused the card's code");
                    let left = MAX_WRONG_CODES - attempts;
                    if left == 0 {
                        crate::payments::card::fail(svc, charge_id).await?;
                        return Err(CardFailure::TooManyTries.into());
                    }
                    return Err(CardFailure::WrongCode(left).into());
                }
            };
            // The token may change on verification: the returned one is used from now on.
            let token = text(&verified, &["card", "token"]).unwrap_or(&token).to_string();
            let amount: i64 = row.try_get("amount_tiyin")?;
            let receipt = self
                .result(
                    "receipts.create",
                    json!({"amount": amount, "account": {"order_id": order_id.to_string()}}),
                    true,
                )
                .await;
            let receipt = match receipt {
                Ok(r) => r,
                Err(error) => {
                    crate::payments::card::fail(svc, charge_id).await?;
                    return Err(error);
                }
            };
            let receipt_id = text(&receipt, &["receipt", "_id"])
                .ok_or_else(|| Error::Outside("Payme receipts.create: no receipt id".into()))?
                .to_string();
            sqlx::query("UPDATE card_charges SET receipt_id = $2 WHERE id = $1")
                .bind(charge_id)
                .bind(&receipt_id)
                .execute(&svc.db.pool)
                .await?;
            let paid = self
                .result("receipts.pay", json!({"id": receipt_id, "token": token}), true)
                .await;
            let state = paid
                .as_ref()
                .ok()
                .and_then(|p| p.get("receipt"))
                .and_then(|r| r.get("state"))
                .and_then(Value::as_i64);
            // The answer may be lost after Payme has paid through our callbacks: the order
            // itself says whether the money came.
            let order_paid = || async {
                sqlx::query_scalar::<_, String>("SELECT status FROM payment_orders WHERE id = $1")
                    .bind(order_id)
                    .fetch_one(&svc.db.pool)
                    .await
                    .map(|status| status == "paid")
            };
            if state != Some(PAID) && !order_paid().await? {
                tracing::warn!(order = order_id, ?state, "Payme's receipt is not paid");
                crate::payments::card::fail(svc, charge_id).await?;
                return Err(paid.err().unwrap_or(CardFailure::Refused.into()));
            }
            sqlx::query(
                "UPDATE card_charges SET state = 'succeeded' WHERE id = $1 AND state = 'awaiting_code'",
            )
            .bind(charge_id)
            .execute(&svc.db.pool)
            .await?;
            Ok(Charged::ThroughCallbacks)
        })
    }

    fn asks_phone(&self) -> bool {
        false
    }

    fn pays_through_payme(&self) -> bool {
        true
    }
}
