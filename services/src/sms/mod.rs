//! SMS: messages are written to an outbox table in the same transaction as the change they
//! tell about, then delivered by a background job through a [`SmsGateway`], with retries.
//! Two gateways: [`OutboxOnly`] (the default: messages stay in the outbox, readable on the
//! development page `/dev/sms` and in tests) and [`Eskiz`] (an Eskiz-style REST API).

use crate::{Db, Result};
use serde::Deserialize;
use shared::{Locale, Phone};
use sqlx::Row;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::Mutex;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A way to hand a message to the phone network.
pub trait SmsGateway: Send + Sync + std::fmt::Debug {
    /// Sends one message; returns the gateway's id for it.
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SmsError>>;
    /// Whether messages really leave this machine.
    fn is_external(&self) -> bool;
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SmsError {
    #[error("the gateway refused our credentials")]
    Unauthorized,
    #[error("the gateway refused the message: {0}")]
    Rejected(String),
    #[error("the gateway could not be reached: {0}")]
    Unreachable(String),
}

/// The default gateway: delivery is recording. Messages stay readable in the outbox.
#[derive(Debug, Default)]
pub struct OutboxOnly;

impl SmsGateway for OutboxOnly {
    fn send<'a>(&'a self, _phone: &'a str, _text: &'a str) -> BoxFuture<'a, Result<String, SmsError>> {
        Box::pin(async { Ok(format!("outbox-{}", crate::secret::token())) })
    }
    fn is_external(&self) -> bool {
        false
    }
}

/// An Eskiz-style gateway: `POST /api/auth/login` (email, password) gives a bearer token;
/// `POST /api/message/sms/send` (mobile_phone, message, from) sends; a 401 means the token
/// expired, so we log in again once and retry.
pub struct Eskiz {
    base_url: String,
    email: String,
    password: String,
    sender: String,
    http: reqwest::Client,
    token: Mutex<Option<String>>,
}

impl std::fmt::Debug for Eskiz {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Eskiz")
            .field("base_url", &self.base_url)
            .field("email", &self.email)
            .field("sender", &self.sender)
            .finish_non_exhaustive()
    }
}

impl Eskiz {
    pub fn new(
        base_url: &str,
        email: &str,
        password: &str,
        sender: &str,
        outbound: &crate::outbound::Outbound,
    ) -> Eskiz {
        Eskiz {
            base_url: base_url.trim_end_matches('/').to_string(),
            email: email.into(),
            password: password.into(),
            sender: sender.into(),
            http: outbound.client(std::time::Duration::from_secs(10)),
            token: Mutex::new(None),
        }
    }

    async fn login(&self) -> Result<String, SmsError> {
        #[derive(Deserialize)]
        struct Login {
            data: LoginData,
        }
        #[derive(Deserialize)]
        struct LoginData {
            token: String,
        }
        let response = self
            .http
            .post(format!("{}/api/auth/login", self.base_url))
            .form(&[
                ("email", self.email.as_str()),
                ("password", self.password.as_str()),
            ])
            .send()
            .await
            .map_err(|e| SmsError::Unreachable(e.to_string()))?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED {
            return Err(SmsError::Unauthorized);
        }
        let body: Login = response
            .error_for_status()
            .map_err(|e| SmsError::Unreachable(e.to_string()))?
            .json()
            .await
            .map_err(|e| SmsError::Rejected(format!("unreadable login answer: {e}")))?;
        Ok(body.data.token)
    }

    async fn send_with(&self, token: &str, phone: &str, text: &str) -> Result<Option<String>, SmsError> {
        #[derive(Deserialize)]
        struct Sent {
            id: serde_json::Value,
        }
        let response = self
            .http
            .post(format!("{}/api/message/sms/send", self.base_url))
            .bearer_auth(token)
            .form(&[
                ("mobile_phone", phone),
                ("message", text),
                ("from", self.sender.as_str()),
            ])
            .send()
            .await
            .map_err(|e| SmsError::Unreachable(e.to_string()))?;
        match response.status() {
            reqwest::StatusCode::UNAUTHORIZED => Ok(None),
            status if status.is_success() => {
                let sent: Sent = response
                    .json()
                    .await
                    .map_err(|e| SmsError::Rejected(format!("unreadable send answer: {e}")))?;
                Ok(Some(match sent.id {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                }))
            }
            status if status.is_server_error() => Err(SmsError::Unreachable(format!("HTTP {status}"))),
            // Not the gateway's body: it may echo the message, and a code with it.
            status => Err(SmsError::Rejected(format!("HTTP {status}"))),
        }
    }

    /// The gateway's delivery status of a message (`DELIVRD`, `UNDELIV`, `waiting`, …).
    pub async fn status(&self, id: &str) -> Result<String, SmsError> {
        let token = self.current_token().await?;
        let value: serde_json::Value = self
            .http
            .get(format!("{}/api/message/sms/status_by_id/{id}", self.base_url))
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| SmsError::Unreachable(e.to_string()))?
            .error_for_status()
            .map_err(|e| SmsError::Rejected(e.to_string()))?
            .json()
            .await
            .map_err(|e| SmsError::Rejected(e.to_string()))?;
        value["data"]["status"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| SmsError::Rejected(format!("no status in {value}")))
    }

    async fn current_token(&self) -> Result<String, SmsError> {
        let mut slot = self.token.lock().await;
        if let Some(token) = slot.as_ref() {
            return Ok(token.clone());
        }
        let token = self.login().await?;
        *slot = Some(token.clone());
        Ok(token)
    }
}

impl SmsGateway for Eskiz {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> BoxFuture<'a, Result<String, SmsError>> {
        Box::pin(async move {
            let token = self.current_token().await?;
            if let Some(id) = self.send_with(&token, phone, text).await? {
                return Ok(id);
            }
            // The token expired: one fresh login, one retry.
            let fresh = self.login().await?;
            *self.token.lock().await = Some(fresh.clone());
            self.send_with(&fresh, phone, text)
                .await?
                .ok_or(SmsError::Unauthorized)
        })
    }
    fn is_external(&self) -> bool {
        true
    }
}

/// Puts a message in the outbox, inside the caller's transaction when there is one.
pub async fn enqueue<'e, E>(
    executor: E,
    phone: &Phone,
    body: &str,
    locale: Locale,
    purpose: &str,
    now: i64,
) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO sms_outbox (phone, body, locale, purpose, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(phone.e164())
    .bind(body)
    .bind(locale.tag())
    .bind(purpose)
    .bind(now)
    .fetch_one(executor)
    .await?;
    Ok(id)
}

/// A message as the development page and tests see it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct OutboxMessage {
    pub id: i64,
    pub phone: String,
    pub body: String,
    pub locale: String,
    pub purpose: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
}

/// The newest messages, optionally for one phone.
pub async fn recent(db: &Db, phone: Option<&Phone>, limit: i64) -> Result<Vec<OutboxMessage>> {
    let rows = sqlx::query(
        "SELECT id, phone, body, locale, purpose, status, attempts, created_at FROM sms_outbox \
         WHERE ($1 = '' OR phone = $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(phone.map(Phone::e164).unwrap_or_default())
    .bind(limit)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxMessage {
                id: r.try_get("id")?,
                phone: r.try_get("phone")?,
                body: r.try_get("body")?,
                locale: r.try_get("locale")?,
                purpose: r.try_get("purpose")?,
                status: r.try_get("status")?,
                attempts: i64::from(r.try_get::<i16, _>("attempts")?),
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}

/// After this many failed attempts a message is marked failed and left for an operator.
pub const MAX_ATTEMPTS: i16 = 8;
const LEASE_MS: i64 = 30_000;

/// Delivers up to `batch` due messages. Safe with several server instances: each message is
/// leased before sending, and the lease is re-checked by the update itself.
pub async fn deliver_due(db: &Db, gateway: &dyn SmsGateway, now: i64, batch: i64) -> Result<usize> {
    let leased = sqlx::query(
        "UPDATE sms_outbox SET lease_until = $1 \
         WHERE id IN (SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= $2 \
                      AND (lease_until IS NULL OR lease_until < $2) ORDER BY id LIMIT $3) \
           AND status = 'pending' AND (lease_until IS NULL OR lease_until < $2) \
         RETURNING id, phone, body, purpose, attempts",
    )
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(batch)
    .fetch_all(&db.pool)
    .await?;
    for row in &leased {
        let id: i64 = row.try_get("id")?;
        let phone: String = row.try_get("phone")?;
        let body: String = row.try_get("body")?;
        let purpose: String = row.try_get("purpose")?;
        let attempts: i16 = row.try_get::<i16, _>("attempts")? + 1;
        let digits = phone.trim_start_matches('+');
        match gateway.send(digits, &body).await {
            Ok(gateway_id) => {
                // Once a code has left for the phone, the outbox keeps no readable copy.
                let kept = if gateway.is_external() && CODE_PURPOSES.contains(&purpose.as_str()) {
                    redact_codes(&body)
                } else {
                    body
                };
                sqlx::query(
                    "UPDATE sms_outbox SET status = 'sent', attempts = $2, gateway_id = $3, sent_at = $4, \
                     lease_until = NULL, last_error = NULL, body = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(attempts)
                .bind(gateway_id)
                .bind(now)
                .bind(kept)
                .execute(&db.pool)
                .await?;
            }
            Err(error) => {
                let status = if attempts >= MAX_ATTEMPTS {
                    "failed"
                } else {
                    "pending"
                };
                tracing::warn!(sms = id, attempts, %error, "SMS not delivered");
                sqlx::query(
                    "UPDATE sms_outbox SET status = $2, attempts = $3, next_attempt_at = $4, \
                     lease_until = NULL, last_error = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(status)
                .bind(attempts)
                .bind(now + backoff_ms(attempts))
                .bind(error.to_string())
                .execute(&db.pool)
                .await?;
            }
        }
    }
    Ok(leased.len())
}

/// The messages that carry a one-time code: sign-in, card payment, co-signing.
pub const CODE_PURPOSES: [&str; 3] = ["sign_in", "card", "cosign"];

/// The text with every six-digit code starred out (`123456` → `******`). An appeal's number
/// (`M-2026-000123`) is not a code: a run after a hyphen stays.
pub fn redact_codes(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let after_hyphen = start > 0 && chars[start - 1] == '-';
            if i - start == 6 && !after_hyphen {
                out.push_str("******");
            } else {
                out.extend(&chars[start..i]);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Removes what is no longer needed: delivered messages after 30 days, codes and sessions
/// that have ended, rate-limit events past every window. Returns the rows removed.
pub async fn purge_old(db: &Db, now: i64) -> Result<u64> {
    let day = crate::clock::DAY_MS;
    let mut removed = 0;
    for (sql, before) in [
        (
            "DELETE FROM sms_outbox WHERE status IN ('sent', 'failed') AND created_at < $1",
            now - 30 * day,
        ),
        ("DELETE FROM login_codes WHERE expires_at < $1", now - day),
        ("DELETE FROM sessions WHERE expires_at < $1", now),
        ("DELETE FROM rate_events WHERE at < $1", now - 2 * day),
    ] {
        removed += sqlx::query(sql)
            .bind(before)
            .execute(&db.pool)
            .await?
            .rows_affected();
    }
    Ok(removed)
}

/// 5 s, 10 s, 20 s … capped at 10 minutes.
pub fn backoff_ms(attempts: i16) -> i64 {
    let exp = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    (5_000i64 << exp).min(600_000)
}

/// The texts of the messages, in the resident's language.
pub mod text {
    use shared::Locale;

    pub fn sign_in_code(locale: Locale, code: &str) -> String {
        match locale {
            Locale::Uz => {
                format!("Fuqaro: kirish kodi {code}. Uni hech kimga aytmang. Kod 5 daqiqa amal qiladi.")
            }
            Locale::UzCyrl => {
                format!("Fuqaro: кириш коди {code}. Уни ҳеч кимга айтманг. Код 5 дақиқа амал қилади.")
            }
            Locale::Ru => {
                format!("Fuqaro: код для входа {code}. Никому его не сообщайте. Код действует 5 минут.")
            }
        }
    }

    pub fn staff_welcome(locale: Locale) -> String {
        match locale {
            Locale::Uz => "Fuqaro: sizga xodim huquqi berildi. Telefon raqamingiz bilan kiring.".into(),
            Locale::UzCyrl => "Fuqaro: сизга ходим ҳуқуқи берилди. Телефон рақамингиз билан киринг.".into(),
            Locale::Ru => "Fuqaro: вам выданы права сотрудника. Войдите по своему номеру телефона.".into(),
        }
    }
}

/// The gateway a server uses, shared by every clone of the services.
pub type Gateway = Arc<dyn SmsGateway>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff_ms(1), 5_000);
        assert_eq!(backoff_ms(2), 10_000);
        assert_eq!(backoff_ms(4), 40_000);
        assert_eq!(backoff_ms(12), 600_000);
    }

    #[test]
    fn codes_are_starred_out_and_appeal_numbers_kept() {
        assert_eq!(
            redact_codes("Fuqaro: kirish kodi 123456. Kod 5 daqiqa amal qiladi."),
            "Fuqaro: kirish kodi ******. Kod 5 daqiqa amal qiladi."
        );
        assert_eq!(
            redact_codes("M-2026-000123 Kod: 654321. https://x/appeals/cosign?number=M-2026-000123"),
            "M-2026-000123 Kod: ******. https://x/appeals/cosign?number=M-2026-000123"
        );
        assert_eq!(
            redact_codes("8600 **** **** 6311, 1 000 000 soʻm"),
            "8600 **** **** 6311, 1 000 000 soʻm"
        );
    }

    #[test]
    fn every_language_gets_the_code() {
        for locale in Locale::ALL {
            assert!(text::sign_in_code(locale, "123456").contains("123456"));
        }
    }
}
