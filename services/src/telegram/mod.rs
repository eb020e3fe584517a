//! The Telegram channel (issue 16, ADR 0017): the seed's @mibuzbot flows — sign-in with one's
//! own contact, accounts, meter photos, paying, appeals — on the same services as the web.
//!
//! Updates reach [`handle`] from the webhook route (production) or the long-polling job
//! (development); each is taken once (`telegram_updates`), and the chat's conversation is kept
//! in `telegram_chats` (so a restart or another instance carries it on). Everything the bot
//! says goes through the paced [`outbox`].

pub mod chats;
pub mod outbox;
mod talk;

use crate::{Result, Services};
use std::sync::Arc;
use teloxide_core::types::{Update, UpdateKind};

pub use talk::State;
pub(crate) use talk::appeal_event_words;

/// The bot, when a token is configured; cheap to clone.
#[derive(Clone)]
pub struct Telegram {
    pub bot: teloxide_core::Bot,
    /// What Telegram must present in `X-Telegram-Bot-Api-Secret-Token` on the webhook.
    pub webhook_secret: Arc<str>,
    /// Wakes the outbox's sender when a message is queued.
    pub wakeup: Arc<tokio::sync::Notify>,
    /// Messages a second to every chat together, and the least time between two to one chat.
    pub pace: outbox::Pace,
    /// The bot's @username, when configured (the profile links to it).
    pub username: Option<String>,
}

impl std::fmt::Debug for Telegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telegram")
            .field("api_url", &self.bot.api_url().as_str())
            .finish_non_exhaustive()
    }
}

impl Telegram {
    /// A bot with `token`, talking to the Bot API at `api_url` through `client` (the
    /// installation's outbound client: its roots, its timeouts).
    pub fn new(
        token: &str,
        api_url: &str,
        client: reqwest::Client,
        webhook_secret: &str,
    ) -> Result<Telegram, String> {
        let url = reqwest::Url::parse(api_url).map_err(|e| format!("telegram.api_url: {e}"))?;
        Ok(Telegram {
            bot: teloxide_core::Bot::with_client(token, client).set_api_url(url),
            webhook_secret: webhook_secret.into(),
            wakeup: Arc::new(tokio::sync::Notify::new()),
            pace: outbox::Pace::default(),
            username: None,
        })
    }

    /// Whether `presented` is the webhook's secret (compared in constant time; an empty
    /// configured secret accepts nothing).
    pub fn secret_ok(&self, presented: &str) -> bool {
        !self.webhook_secret.is_empty() && crate::secret::constant_time_eq(&self.webhook_secret, presented)
    }
}

/// The largest file the bot takes (Telegram's own limit for bots downloading is 20 MB; a
/// meter photo is refused past the photo checks' limit before it is fetched).
pub const MAX_FILE_BYTES: u32 = crate::storage::photos::MAX_BYTES as u32;

/// What arrived, reduced to what the conversation needs.
#[derive(Debug, Clone)]
pub(crate) enum Input {
    /// A command (`/start`, `/stop`), without the slash and any bot name.
    Command(String),
    Text(String),
    /// A shared contact: its phone and whose it is.
    Contact {
        phone: String,
        owner: Option<u64>,
    },
    /// A photo or a file: Telegram's id for it and its size.
    File {
        id: String,
        size: u32,
    },
    /// A button under a message was pressed.
    Button {
        query: String,
        data: String,
    },
    /// Anything else (a sticker, a location…).
    Other,
}

/// One update as the conversation sees it.
#[derive(Debug, Clone)]
pub(crate) struct Incoming {
    pub update_id: u32,
    pub chat_id: i64,
    /// The Telegram user who sent it.
    pub sender: Option<u64>,
    /// Their Telegram interface language, for the first greeting.
    pub language: Option<String>,
    pub input: Input,
}

fn incoming(update: &Update) -> Option<Incoming> {
    let chat = update.chat()?;
    // Only private chats: the bot speaks to one person at a time.
    if !chat.is_private() {
        return None;
    }
    let sender = update.from();
    let input = match &update.kind {
        UpdateKind::Message(message) => {
            if let Some(contact) = message.contact() {
                Input::Contact {
                    phone: contact.phone_number.clone(),
                    owner: contact.user_id.map(|id| id.0),
                }
            } else if let Some(sizes) = message.photo() {
                // The largest size Telegram made is the last.
                let best = sizes.last()?;
                Input::File {
                    id: best.file.id.0.clone(),
                    size: best.file.size,
                }
            } else if let Some(document) = message.document() {
                Input::File {
                    id: document.file.id.0.clone(),
                    size: document.file.size,
                }
            } else if let Some(text) = message.text() {
                match text.strip_prefix('/') {
                    Some(command) => Input::Command(
                        command
                            .split([' ', '@'])
                            .next()
                            .unwrap_or_default()
                            .to_ascii_lowercase(),
                    ),
                    None => Input::Text(text.to_string()),
                }
            } else {
                Input::Other
            }
        }
        UpdateKind::CallbackQuery(query) => Input::Button {
            query: query.id.0.clone(),
            data: query.data.clone().unwrap_or_default(),
        },
        _ => return None,
    };
    Some(Incoming {
        update_id: update.id.0,
        chat_id: chat.id.0,
        sender: sender.map(|user| user.id.0),
        language: sender.and_then(|user| user.language_code.clone()),
        input,
    })
}

/// Takes one update: once (a replayed update id is ignored), from a private chat, through the
/// chat's conversation. Returns whether it was new.
pub async fn handle(svc: &Services, telegram: &Telegram, update: &Update) -> Result<bool> {
    let now = svc.clock.now_ms();
    let fresh = sqlx::query(
        "INSERT INTO telegram_updates (update_id, at) VALUES ($1, $2) ON CONFLICT (update_id) DO NOTHING",
    )
    .bind(i64::from(update.id.0))
    .bind(now)
    .execute(&svc.db.pool)
    .await?
    .rows_affected()
        == 1;
    if !fresh {
        tracing::info!(update = update.id.0, "Telegram update seen before; ignored");
        return Ok(false);
    }
    let Some(incoming) = incoming(update) else {
        return Ok(true);
    };
    if let Input::Button { query, .. } = &incoming.input {
        // Telegram shows a spinner on the button until it is answered; the answer is not a
        // message to the chat, so it is not paced.
        use teloxide_core::requests::Requester;
        let answer = telegram
            .bot
            .answer_callback_query(teloxide_core::types::CallbackQueryId(query.clone()));
        if let Err(error) = std::future::IntoFuture::into_future(answer).await {
            tracing::warn!(%error, "answerCallbackQuery failed");
        }
    }
    if let Err(error) = talk::take(svc, telegram, incoming).await {
        // Not taken: forget the id, so that Telegram's retry of the update is taken.
        sqlx::query("DELETE FROM telegram_updates WHERE update_id = $1")
            .bind(i64::from(update.id.0))
            .execute(&svc.db.pool)
            .await?;
        return Err(error);
    }
    telegram.wakeup.notify_one();
    Ok(true)
}

/// Forgets update ids older than a day (Telegram resends an update for at most a day).
pub async fn purge_old(svc: &Services, now: i64) -> Result<u64> {
    let removed = sqlx::query("DELETE FROM telegram_updates WHERE at < $1")
        .bind(now - crate::clock::DAY_MS)
        .execute(&svc.db.pool)
        .await?
        .rows_affected();
    let sent =
        sqlx::query("DELETE FROM telegram_outbox WHERE status IN ('sent', 'failed') AND created_at < $1")
            .bind(now - 30 * crate::clock::DAY_MS)
            .execute(&svc.db.pool)
            .await?
            .rows_affected();
    Ok(removed + sent)
}
