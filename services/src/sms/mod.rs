//! SMS: messages are written to an outbox table in the same transaction as the change they
//! tell about, then delivered by a background job through a [`SmsGateway`], with retries.
//! Two gateways: [`OutboxOnly`] (the default: messages stay in the outbox, readable on the
//! development page `/dev/sms` and in tests) and [`Eskiz`] (an Eskiz-style REST API).

pub mod gateway;
pub mod texts;

pub use gateway::{Eskiz, Gateway, OutboxOnly, SmsError, SmsGateway};
pub use texts::text;

use crate::{Db, Result};
use shared::{Locale, Phone};
use sqlx::Row;

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
