//! Server-side services: the logic behind server functions and HTTP edges, with the SQL
//! next to the service that owns each table. No HTTP and no Leptos here.

// The platform every domain uses.
pub mod clock;
pub mod db;
pub mod error;
pub mod kept;
pub mod outbound;
pub mod pdf;
pub mod rate;
pub mod secret;
pub mod sheet;
/// Percent-encoding, shared with the pages.
pub use shared::url;

// The domains, a folder each.
pub mod accounts;
pub mod appeals;
pub mod identity;
pub mod live;
pub mod notify;
pub mod open311;
pub mod payments;
pub mod readings;
pub mod receptions;
pub mod reference;
pub mod reports;
pub mod sms;
pub mod storage;
pub mod telegram;

// Demo people, accounts and bodies (development only).
pub mod demo;

pub use clock::Clock;
pub use db::{Backend, Db};
pub use error::{Error, Result};
use payments::{card, checkout, orders};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use storage::files;

/// A boxed future, for the traits at the edge of the world (an SMS gateway, a card processor).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Everything a request handler or server function may call, cheap to clone.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Db,
    pub clock: Clock,
    /// The gateway the SMS job delivers through.
    pub sms: sms::Gateway,
    /// Wakes the SMS job when a message is queued, so codes go out at once.
    pub sms_wakeup: Arc<tokio::sync::Notify>,
    /// The installation's secret for keyed hashes of sign-in codes.
    pub pepper: Arc<[u8]>,
    /// Development mode: developer pages exist and the clock can be moved.
    pub development: bool,
    /// The address residents use (links in receipts and QR codes).
    pub public_url: String,
    /// The card processor: none unless one is configured (the in-app sandbox in
    /// development); without one, cards are not offered.
    pub card: Option<Arc<dyn card::CardProcessor>>,
    /// The providers' production checkout pages (none: their sandboxes).
    pub checkout: checkout::Checkout,
    /// Where photos and attachments are kept.
    pub files: files::FileStore,
    /// Live appeal events for the open streams.
    pub live: live::Live,
    /// The Telegram bot, when a token is configured.
    pub telegram: Option<telegram::Telegram>,
}

impl Services {
    /// `pepper` is the configured secret for keyed hashes; when it is empty (development
    /// only: production refuses to start without one) one is made and kept in the database.
    pub async fn new(
        db: Db,
        sms: sms::Gateway,
        development: bool,
        public_url: &str,
        pepper: &str,
    ) -> Result<Services> {
        let pepper = if pepper.is_empty() {
            installation_secret(&db, "code_pepper").await?
        } else {
            pepper.to_string()
        };
        let services = Services {
            db,
            clock: Clock::default(),
            sms,
            sms_wakeup: Arc::new(tokio::sync::Notify::new()),
            pepper: pepper.into_bytes().into(),
            development,
            public_url: public_url.trim_end_matches('/').to_string(),
            card: development.then(|| Arc::new(card::Sandbox) as Arc<dyn card::CardProcessor>),
            checkout: checkout::Checkout::default(),
            files: files::FileStore::Local {
                root: std::path::PathBuf::from("data/files"),
            },
            live: live::Live::default(),
            telegram: None,
        };
        reports::counts::ensure_built(&services.db, services.clock.now_ms()).await?;
        Ok(services)
    }
}

impl Services {
    /// The ways to pay this installation offers: a provider with its credentials (or, in
    /// development, its sandbox), and cards when a processor is configured.
    pub fn payment_methods(&self) -> Vec<orders::Method> {
        let mut methods = Vec::new();
        if self.checkout.payme.is_some() || self.development {
            methods.push(orders::Method::Payme);
        }
        if self.checkout.click.is_some() || self.development {
            methods.push(orders::Method::Click);
        }
        if self.card.is_some() {
            methods.push(orders::Method::Card);
        }
        methods
    }
}

/// A random secret made once per development installation and kept in the database, so that
/// every server instance shares it and it survives restarts. The first writer wins.
async fn installation_secret(db: &Db, key: &str) -> Result<String> {
    sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(secret::token())
        .execute(&db.pool)
        .await?;
    Ok(sqlx::query_scalar("SELECT value FROM app_meta WHERE key = $1")
        .bind(key)
        .fetch_one(&db.pool)
        .await?)
}
