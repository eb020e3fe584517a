//! Telling a resident something (a reading's decision, a payment, their appeal's step): in
//! their linked Telegram chat unless they chose SMS on their profile — the SMS then goes only
//! when Telegram cannot deliver — else by SMS. Sign-in and payment codes never come here:
//! they go by SMS alone.

use crate::{Result, Services};
use shared::{Locale, Phone};

/// The person's linked chat and its language, when the bot is on and they want notices there.
pub async fn chat_of(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
) -> Result<Option<(i64, Locale)>> {
    if svc.telegram.is_none() {
        return Ok(None);
    }
    let chat: Option<(i64, String)> = sqlx::query_as(
        "SELECT c.chat_id, c.locale FROM telegram_chats c JOIN users u ON u.id = c.user_id \
         WHERE c.user_id = $1 AND u.notify_by = 'telegram' ORDER BY c.linked_at DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(chat.map(|(chat, locale)| (chat, Locale::from_tag(&locale).unwrap_or_default())))
}

/// Queues `text` (already in the person's language) to `user_id`, inside the caller's
/// transaction: to their chat, with the SMS as its fallback, or by SMS to `phone`.
pub async fn person(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    (phone, locale): (&Phone, Locale),
    text: &str,
    purpose: &str,
    now: i64,
) -> Result<()> {
    match chat_of(svc, conn, user_id).await? {
        Some((chat, _)) => {
            let fallback = crate::telegram::outbox::Fallback { user_id, text };
            let message = crate::telegram::outbox::Outgoing::plain(text);
            crate::telegram::outbox::enqueue(&mut *conn, chat, &message, purpose, Some(fallback), now)
                .await?;
        }
        None => {
            crate::sms::enqueue(&mut *conn, phone, text, locale, purpose, now).await?;
        }
    }
    Ok(())
}

/// Wakes the senders after a commit that queued a notice.
pub fn wake(svc: &Services) {
    svc.sms_wakeup.notify_one();
    if let Some(telegram) = &svc.telegram {
        telegram.wakeup.notify_one();
    }
}
