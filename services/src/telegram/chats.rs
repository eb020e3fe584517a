//! Chats with the bot: the language, the conversation's state, and the person linked.

use super::State;
use crate::{Error, Result, Services};
use shared::Locale;
use sqlx::Row;

/// A chat as the conversation reads it.
#[derive(Debug, Clone)]
pub struct Chat {
    pub chat_id: i64,
    pub user_id: Option<i64>,
    pub locale: Locale,
    pub state: State,
}

/// The chat, made on its first update (in the sender's Telegram language when it is one of
/// ours, else Uzbek).
pub async fn load(svc: &Services, chat_id: i64, language: Option<&str>) -> Result<Chat> {
    let locale = match language.unwrap_or_default() {
        "ru" => Locale::Ru,
        _ => Locale::Uz,
    };
    sqlx::query(
        "INSERT INTO telegram_chats (chat_id, locale, updated_at) VALUES ($1, $2, $3) ON CONFLICT (chat_id) DO NOTHING",
    )
    .bind(chat_id)
    .bind(locale.tag())
    .bind(svc.clock.now_ms())
    .execute(&svc.db.pool)
    .await?;
    let row = sqlx::query("SELECT user_id, locale, state FROM telegram_chats WHERE chat_id = $1")
        .bind(chat_id)
        .fetch_one(&svc.db.pool)
        .await?;
    let state: String = row.try_get("state")?;
    Ok(Chat {
        chat_id,
        user_id: row.try_get("user_id")?,
        locale: Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default(),
        // A state written by an older version that no longer parses starts over.
        state: serde_json::from_str(&state).unwrap_or_default(),
    })
}

/// Keeps where the conversation stands, and the chat's language.
pub async fn save(svc: &Services, chat: &Chat) -> Result<()> {
    let state = serde_json::to_string(&chat.state).map_err(|e| Error::Corrupt(e.to_string()))?;
    sqlx::query("UPDATE telegram_chats SET state = $2, locale = $3, updated_at = $4 WHERE chat_id = $1")
        .bind(chat.chat_id)
        .bind(state)
        .bind(chat.locale.tag())
        .bind(svc.clock.now_ms())
        .execute(&svc.db.pool)
        .await?;
    Ok(())
}

/// Links the chat to a person (their own contact was shared).
pub async fn link(svc: &Services, chat_id: i64, user_id: i64) -> Result<()> {
    let now = svc.clock.now_ms();
    sqlx::query(
        "UPDATE telegram_chats SET user_id = $2, linked_at = $3, blocked_at = NULL, updated_at = $3 WHERE chat_id = $1",
    )
    .bind(chat_id)
    .bind(user_id)
    .bind(now)
    .execute(&svc.db.pool)
    .await?;
    tracing::info!(chat = chat_id, user = user_id, "Telegram chat linked");
    Ok(())
}

/// Unlinks one chat (`/stop`, or the bot was blocked): the person's notices go by SMS again.
pub async fn unlink_chat<'e, E>(executor: E, chat_id: i64, blocked_at: Option<i64>) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE telegram_chats SET user_id = NULL, linked_at = NULL, blocked_at = $2, state = '\"Start\"' WHERE chat_id = $1",
    )
    .bind(chat_id)
    .bind(blocked_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Unlinks every chat of a person (from the web profile); each chat is told. Returns how many.
pub async fn unlink_person(svc: &Services, user_id: i64) -> Result<usize> {
    let chats: Vec<(i64, String)> =
        sqlx::query_as("SELECT chat_id, locale FROM telegram_chats WHERE user_id = $1")
            .bind(user_id)
            .fetch_all(&svc.db.pool)
            .await?;
    let now = svc.clock.now_ms();
    for (chat_id, locale) in &chats {
        unlink_chat(&svc.db.pool, *chat_id, None).await?;
        let locale = Locale::from_tag(locale).unwrap_or_default();
        let text = shared::i18n::bot(locale, shared::i18n::Bot::Unlinked, &[]);
        super::outbox::enqueue(
            &svc.db.pool,
            *chat_id,
            &super::outbox::Outgoing::plain(text).without_keyboard(),
            "unlinked",
            None,
            now,
        )
        .await?;
    }
    if let Some(telegram) = &svc.telegram {
        telegram.wakeup.notify_one();
    }
    Ok(chats.len())
}

/// The profile's view of the channel: `None` when the installation has no bot.
pub async fn linked(svc: &Services, user_id: i64) -> Result<Option<shared::auth::TelegramLink>> {
    let Some(telegram) = &svc.telegram else {
        return Ok(None);
    };
    let row = sqlx::query(
        "SELECT u.notify_by, (SELECT COUNT(*) FROM telegram_chats c WHERE c.user_id = u.id) AS chats \
         FROM users u WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(Some(shared::auth::TelegramLink {
        chats: row.try_get("chats")?,
        by_sms: row.try_get::<String, _>("notify_by")? == "sms",
        bot: telegram.username.as_ref().map(|u| format!("https://t.me/{u}")),
    }))
}

/// Where a person wants notices: Telegram (when linked) or SMS.
pub async fn set_notify_by(svc: &Services, user_id: i64, by_sms: bool) -> Result<()> {
    sqlx::query("UPDATE users SET notify_by = $2 WHERE id = $1")
        .bind(user_id)
        .bind(if by_sms { "sms" } else { "telegram" })
        .execute(&svc.db.pool)
        .await?;
    Ok(())
}
