//! What the bot says, queued in the same transaction as the change it tells about and
//! delivered by one sender at a time, paced to Telegram's published limits: about 30 messages
//! a second in all, one a second to a chat. A 429 is waited out for as long as Telegram says
//! (`retry_after`); other failures are retried with back-off; a chat that blocked the bot is
//! unlinked, and a message that cannot reach its chat falls back to the SMS it carries.

use super::Telegram;
use crate::{Result, Services};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use teloxide_core::RequestError;
use teloxide_core::types::{ChatId, ReplyMarkup};

/// A message to a chat: its text and the buttons under it (or the keyboard it sets).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outgoing {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markup: Option<ReplyMarkup>,
}

impl Outgoing {
    pub fn plain(text: impl Into<String>) -> Outgoing {
        Outgoing {
            text: text.into(),
            markup: None,
        }
    }

    pub fn with(mut self, markup: impl Into<ReplyMarkup>) -> Outgoing {
        self.markup = Some(markup.into());
        self
    }

    /// Takes away a reply keyboard left from an earlier question (the contact button).
    pub fn without_keyboard(self) -> Outgoing {
        self.with(ReplyMarkup::kb_remove())
    }
}

/// The rates the sender keeps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    /// Messages a second to every chat together.
    pub per_second: usize,
    /// The least time between two messages to one chat.
    pub per_chat: Duration,
}

impl Default for Pace {
    /// Telegram's published limits for bots (core.telegram.org/bots/faq#broadcasting-to-users).
    fn default() -> Pace {
        Pace {
            per_second: 30,
            per_chat: Duration::from_secs(1),
        }
    }
}

/// An SMS to send instead when the message cannot reach its chat.
pub struct Fallback<'a> {
    pub user_id: i64,
    pub text: &'a str,
}

/// Queues a message to `chat_id`, inside the caller's transaction when there is one.
pub async fn enqueue<'e, E>(
    executor: E,
    chat_id: i64,
    message: &Outgoing,
    purpose: &str,
    fallback: Option<Fallback<'_>>,
    now: i64,
) -> Result<i64>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let json = serde_json::to_string(message).map_err(|e| crate::Error::Corrupt(e.to_string()))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO telegram_outbox (chat_id, message, purpose, user_id, fallback, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(chat_id)
    .bind(json)
    .bind(purpose)
    .bind(fallback.as_ref().map(|f| f.user_id))
    .bind(fallback.as_ref().map(|f| f.text))
    .bind(now)
    .fetch_one(executor)
    .await?)
}

/// After this many failed attempts (429s aside) a message is failed and its SMS sent.
pub const MAX_ATTEMPTS: i16 = 6;
const LEASE_MS: i64 = 30_000;

/// The sender's memory of its own pace: when it sent its last messages, and until when
/// Telegram asked it to wait.
#[derive(Debug, Default)]
pub struct Sender {
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
}

impl Sender {
    /// Waits until one more message keeps within the overall rate and any `retry_after`.
    async fn wait_turn(&mut self, pace: Pace) {
        if let Some(until) = self.paused_until.take() {
            tokio::time::sleep_until(until.into()).await;
        }
        if self.sent.len() >= pace.per_second
            && let Some(oldest) = self.sent.pop_front()
        {
            tokio::time::sleep_until((oldest + Duration::from_secs(1)).into()).await;
        }
    }

    fn sent_now(&mut self) {
        self.sent.push_back(Instant::now());
    }
}

/// Whether Telegram's answer means the chat is gone for the bot (blocked, deactivated, kicked,
/// never started): the chat is unlinked and the message falls back to SMS.
fn chat_gone(error: &RequestError) -> bool {
    use teloxide_core::ApiError;
    matches!(
        error,
        RequestError::Api(
            ApiError::BotBlocked
                | ApiError::UserDeactivated
                | ApiError::ChatNotFound
                | ApiError::BotKicked
                | ApiError::CantInitiateConversation
        )
    )
}

/// Sends up to `batch` due messages, paced, the oldest first and one at a time to a chat.
/// Returns how many were taken from the queue.
pub async fn deliver_due(
    svc: &Services,
    telegram: &Telegram,
    sender: &mut Sender,
    batch: i64,
) -> Result<usize> {
    use teloxide_core::payloads::SendMessageSetters;
    use teloxide_core::requests::Requester;
    let now = svc.clock.now_ms();
    let leased = sqlx::query(
        "UPDATE telegram_outbox SET lease_until = $1 WHERE id IN (\
           SELECT o.id FROM telegram_outbox o JOIN telegram_chats c ON c.chat_id = o.chat_id \
           WHERE o.status = 'pending' AND o.next_attempt_at <= $2 \
             AND (o.lease_until IS NULL OR o.lease_until < $2) AND c.next_send_at <= $2 \
             AND NOT EXISTS (SELECT 1 FROM telegram_outbox p WHERE p.chat_id = o.chat_id \
                             AND p.status = 'pending' AND p.id < o.id) \
           ORDER BY o.id LIMIT $3) \
         AND status = 'pending' \
         RETURNING id, chat_id, message, user_id, fallback, attempts",
    )
    .bind(now + LEASE_MS)
    .bind(now)
    .bind(batch)
    .fetch_all(&svc.db.pool)
    .await?;
    let mut leased: Vec<_> = leased
        .iter()
        .map(|row| -> Result<_> {
            Ok((
                row.try_get::<i64, _>("id")?,
                row.try_get::<i64, _>("chat_id")?,
                row.try_get::<String, _>("message")?,
                row.try_get::<Option<i64>, _>("user_id")?,
                row.try_get::<Option<String>, _>("fallback")?,
                row.try_get::<i16, _>("attempts")?,
            ))
        })
        .collect::<Result<_>>()?;
    leased.sort_by_key(|m| m.0);
    let count = leased.len();
    for (id, chat_id, message, user_id, fallback, attempts) in leased {
        let Ok(message) = serde_json::from_str::<Outgoing>(&message) else {
            finish(svc, id, "failed", attempts, Some("unreadable message")).await?;
            continue;
        };
        sender.wait_turn(telegram.pace).await;
        let mut request = telegram.bot.send_message(ChatId(chat_id), message.text);
        if let Some(markup) = message.markup {
            request = request.reply_markup(markup);
        }
        let result = std::future::IntoFuture::into_future(request).await;
        sender.sent_now();
        let now = svc.clock.now_ms();
        match result {
            Ok(_) => {
                finish(svc, id, "sent", attempts + 1, None).await?;
                pace_chat(svc, chat_id, now + telegram.pace.per_chat.as_millis() as i64).await?;
            }
            Err(RequestError::RetryAfter(wait)) => {
                let wait_ms = i64::from(wait.seconds().max(1)) * 1000;
                tracing::warn!(
                    telegram = id,
                    seconds = wait.seconds(),
                    "Telegram asked to wait (429)"
                );
                sender.paused_until = Some(Instant::now() + Duration::from_millis(wait_ms as u64));
                retry(svc, id, attempts, now + wait_ms, "429 retry_after").await?;
                pace_chat(svc, chat_id, now + wait_ms).await?;
            }
            Err(error) if chat_gone(&error) => {
                tracing::info!(chat = chat_id, %error, "Telegram chat gone; unlinked");
                chats_gone(svc, chat_id, now).await?;
                finish(svc, id, "failed", attempts + 1, Some(&error.to_string())).await?;
                fall_back(svc, user_id, fallback.as_deref(), now).await?;
            }
            Err(error) => {
                let attempts = attempts + 1;
                tracing::warn!(telegram = id, attempts, %error, "Telegram message not delivered");
                if attempts >= MAX_ATTEMPTS {
                    finish(svc, id, "failed", attempts, Some(&error.to_string())).await?;
                    fall_back(svc, user_id, fallback.as_deref(), now).await?;
                } else {
                    retry(
                        svc,
                        id,
                        attempts,
                        now + crate::sms::backoff_ms(attempts),
                        &error.to_string(),
                    )
                    .await?;
                }
            }
        }
    }
    Ok(count)
}

async fn finish(svc: &Services, id: i64, status: &str, attempts: i16, error: Option<&str>) -> Result<()> {
    sqlx::query(
        "UPDATE telegram_outbox SET status = $2, attempts = $3, last_error = $4, lease_until = NULL, \
         sent_at = CASE WHEN $2 = 'sent' THEN $5 ELSE NULL END WHERE id = $1",
    )
    .bind(id)
    .bind(status)
    .bind(attempts)
    .bind(error)
    .bind(svc.clock.now_ms())
    .execute(&svc.db.pool)
    .await?;
    Ok(())
}

async fn retry(svc: &Services, id: i64, attempts: i16, at: i64, error: &str) -> Result<()> {
    sqlx::query(
        "UPDATE telegram_outbox SET attempts = $2, next_attempt_at = $3, last_error = $4, lease_until = NULL WHERE id = $1",
    )
    .bind(id)
    .bind(attempts)
    .bind(at)
    .bind(error)
    .execute(&svc.db.pool)
    .await?;
    Ok(())
}

async fn pace_chat(svc: &Services, chat_id: i64, next: i64) -> Result<()> {
    sqlx::query("UPDATE telegram_chats SET next_send_at = $2 WHERE chat_id = $1")
        .bind(chat_id)
        .bind(next)
        .execute(&svc.db.pool)
        .await?;
    Ok(())
}

/// The chat blocked the bot: unlinked, and what was still queued for it goes by SMS.
async fn chats_gone(svc: &Services, chat_id: i64, now: i64) -> Result<()> {
    super::chats::unlink_chat(&svc.db.pool, chat_id, Some(now)).await?;
    let queued: Vec<(i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "UPDATE telegram_outbox SET status = 'failed', last_error = 'chat gone' \
         WHERE chat_id = $1 AND status = 'pending' AND (lease_until IS NULL OR lease_until < $2) \
         RETURNING id, user_id, fallback",
    )
    .bind(chat_id)
    .bind(now)
    .fetch_all(&svc.db.pool)
    .await?;
    for (_, user_id, fallback) in queued {
        fall_back(svc, user_id, fallback.as_deref(), now).await?;
    }
    Ok(())
}

async fn fall_back(svc: &Services, user_id: Option<i64>, text: Option<&str>, now: i64) -> Result<()> {
    let (Some(user_id), Some(text)) = (user_id, text) else {
        return Ok(());
    };
    let mut conn = svc.db.pool.acquire().await?;
    if let Some((phone, locale)) = crate::identity::users::contact(&mut conn, user_id).await? {
        crate::sms::enqueue(&mut *conn, &phone, text, locale, "telegram_fallback", now).await?;
        svc.sms_wakeup.notify_one();
    }
    Ok(())
}

/// Takes or renews the lease on a job only one instance runs at a time; true while held.
pub async fn hold_lease(svc: &Services, name: &str, holder: &str, ttl_ms: i64) -> Result<bool> {
    let now = svc.clock.now_ms();
    let taken = sqlx::query(
        "INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
         WHERE job_leases.holder = excluded.holder OR job_leases.until < $4",
    )
    .bind(name)
    .bind(holder)
    .bind(now + ttl_ms)
    .bind(now)
    .execute(&svc.db.pool)
    .await?
    .rows_affected();
    Ok(taken == 1)
}
