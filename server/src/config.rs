//! Layered configuration: defaults in code, then an optional `fuqaro.toml` (or the file
//! named by `FUQARO_CONFIG`), then `FUQARO_*` environment variables (`__` separates nested
//! keys). cargo-leptos's own `LEPTOS_SITE_ADDR` and `LEPTOS_SITE_ROOT` are honoured too, so
//! `cargo leptos watch` and `end-to-end` serve where they expect.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

/// A secret setting (a key, a password, the code pepper). `Debug` never prints it, and it may
/// be given as `file:/path/to/file` (a systemd credential, a mounted secret): the file's
/// contents, without the final newline, are the value.
#[derive(Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Replaces a `file:` value by the file's contents.
    fn resolve(&mut self, name: &str) -> Result<(), ConfigError> {
        if let Some(path) = self.0.strip_prefix("file:") {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                path: path.to_string(),
                reason: format!("{e} (named by {name})"),
            })?;
            self.0 = text.trim_end_matches(['\n', '\r']).to_string();
        }
        Ok(())
    }
}

impl std::ops::Deref for Secret {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "(empty)" } else { "***" })
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

/// Keys the built-in provider sandboxes present to our own callbacks: made at random when a
/// development server starts, so no key that is written down anywhere is ever accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SandboxKeys {
    pub payme_key: Secret,
    pub click_service_id: String,
    pub click_secret: Secret,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the server listens.
    pub listen: SocketAddr,
    /// The address residents use, e.g. `https://fuqaro.uz`; cookies are `Secure` when it is https.
    pub public_url: String,
    /// `sqlite://path?mode=rwc` (the default, a file under `data/`) or `postgres://…`.
    pub database_url: String,
    pub database_max_connections: u32,
    /// `production` (the default) or `development`, which serves the developer pages, the
    /// payment sandboxes and the demo people, and only on a loopback address.
    pub environment: Environment,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// Where the built site (WASM, JS, CSS, icons) lives.
    pub site_root: PathBuf,
    /// Seconds to let requests finish after a shutdown signal.
    pub shutdown_grace_seconds: u64,
    /// Load demo accounts, residents and staff on first start (development only).
    pub demo_data: bool,
    /// How many demo utility accounts to create.
    pub demo_accounts: usize,
    /// Trust the first address of `X-Forwarded-For` as the client's (behind a proxy only).
    pub trust_forwarded_for: bool,
    pub sms: SmsConfig,
    /// Where photos and attachments are kept.
    pub files: FilesConfig,
    /// The Telegram bot (off without a token).
    pub telegram: TelegramConfig,
    /// The Payme cash-desk key (set it through FUQARO_PAYME_KEY). Empty: in development the
    /// built-in sandbox key, in production every Payme call is refused.
    pub payme_key: Secret,
    /// Click's service id and secret key (FUQARO_CLICK_SECRET_KEY). Empty: the built-in
    /// sandbox's in development, every Click call refused in production.
    pub click_service_id: String,
    pub click_secret_key: Secret,
    /// Payme's merchant (cash desk) id and checkout address, for the pay button in
    /// production. Required with `payme_key`.
    pub payme_merchant_id: String,
    pub payme_checkout_url: String,
    /// Click's merchant id and checkout address (the CLICK-Button link). Required with
    /// `click_secret_key`.
    pub click_merchant_id: String,
    pub click_checkout_url: String,
    /// Who charges cards: `none` (the default: no cards in production, the in-app sandbox in
    /// development) or `payme` (Payme's Subscribe API at `payme_subscribe_url`, with the cash
    /// desk's `payme_merchant_id` and `payme_key`).
    pub card_processor: CardProcessorKind,
    pub payme_subscribe_url: String,
    /// The secret keyed hashes of one-time codes and receipt checks are made with
    /// (FUQARO_CODE_PEPPER, or `file:/path`). Required in production, at least 32 characters;
    /// in development, when empty, one is made and kept in the database.
    pub code_pepper: Secret,
    /// The bearer token the monitoring system presents to `GET /metrics`
    /// (FUQARO_METRICS_TOKEN). Empty: only this machine may scrape, and not through a proxy.
    pub metrics_token: Secret,
    /// A PEM file of certificate authorities trusted for outbound https besides the system's
    /// (a private CA in front of the SMS gateway or the object store; tests use their own).
    pub tls_ca_file: Option<PathBuf>,
    /// Made when a development server starts without provider credentials; never read from
    /// the configuration.
    #[serde(skip)]
    pub sandbox: Option<SandboxKeys>,
}

/// The Telegram bot: off while `token` is empty (FUQARO_TELEGRAM__TOKEN, or `file:/path`). In
/// production it takes updates by webhook at `{public_url}/telegram/webhook`, where Telegram
/// must present `webhook_secret` (FUQARO_TELEGRAM__WEBHOOK_SECRET: 1–256 of `A-Z a-z 0-9 _ -`);
/// in development it long-polls. `api_url` is the Bot API's address (tests point it at a fake).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct TelegramConfig {
    pub token: Secret,
    pub webhook_secret: Secret,
    pub api_url: String,
    /// The bot's @username, for the profile's link to it (`t.me/<username>`).
    pub bot_username: String,
    /// Messages a second to every chat together (Telegram allows about 30).
    pub messages_per_second: usize,
    /// Milliseconds between two messages to one chat (Telegram allows about one a second).
    pub chat_interval_ms: u64,
}

impl Default for TelegramConfig {
    fn default() -> Self {
        TelegramConfig {
            token: Secret::default(),
            webhook_secret: Secret::default(),
            api_url: "https://api.telegram.org".into(),
            bot_username: String::new(),
            messages_per_second: 30,
            chat_interval_ms: 1000,
        }
    }
}

impl TelegramConfig {
    pub fn enabled(&self) -> bool {
        !self.token.is_empty()
    }

    /// The bot, when a token is set.
    pub fn bot(
        &self,
        outbound: &services::outbound::Outbound,
    ) -> Result<Option<services::telegram::Telegram>, ConfigError> {
        if !self.enabled() {
            return Ok(None);
        }
        // Long polling holds a request open for up to 25 s.
        let client = outbound.client(std::time::Duration::from_secs(40));
        let mut bot =
            services::telegram::Telegram::new(&self.token, &self.api_url, client, &self.webhook_secret)
                .map_err(ConfigError::Invalid)?;
        bot.username = Some(self.bot_username.trim_start_matches('@').to_string()).filter(|u| !u.is_empty());
        bot.pace = services::telegram::outbox::Pace {
            per_second: self.messages_per_second.max(1),
            per_chat: std::time::Duration::from_millis(self.chat_interval_ms),
        };
        Ok(Some(bot))
    }

    /// Telegram's rule for a webhook's secret token.
    fn secret_is_valid(&self) -> bool {
        (1..=256).contains(&self.webhook_secret.len())
            && self
                .webhook_secret
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    }
}

/// Where SMS go: `outbox` (the default; kept in the database, shown on /dev/sms) or
/// `eskiz` (an Eskiz-style HTTP gateway; set the password through FUQARO_SMS__ESKIZ_PASSWORD).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub gateway: SmsGatewayKind,
    pub eskiz_url: String,
    pub eskiz_email: String,
    pub eskiz_password: Secret,
    pub sender: String,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmsGatewayKind {
    Outbox,
    Eskiz,
}

/// The file store: `local` (a directory outside the site root, the default) or `s3` (an
/// S3-compatible bucket; set the secret through FUQARO_FILES__S3_SECRET_KEY).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct FilesConfig {
    pub store: FileStoreKind,
    pub dir: PathBuf,
    pub s3_endpoint: String,
    pub s3_region: String,
    pub s3_bucket: String,
    pub s3_access_key: String,
    pub s3_secret_key: Secret,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum FileStoreKind {
    Local,
    S3,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            store: FileStoreKind::Local,
            dir: PathBuf::from("data/files"),
            s3_endpoint: String::new(),
            s3_region: "us-east-1".into(),
            s3_bucket: String::new(),
            s3_access_key: String::new(),
            s3_secret_key: Secret::default(),
        }
    }
}

impl FilesConfig {
    pub fn store(
        &self,
        outbound: &services::outbound::Outbound,
    ) -> Result<services::storage::files::FileStore, ConfigError> {
        Ok(match self.store {
            FileStoreKind::Local => services::storage::files::FileStore::Local {
                root: self.dir.clone(),
            },
            FileStoreKind::S3 => services::storage::files::FileStore::S3(
                services::storage::s3::Bucket::new(
                    &self.s3_endpoint,
                    &self.s3_region,
                    &self.s3_bucket,
                    &self.s3_access_key,
                    &self.s3_secret_key,
                    outbound,
                )
                .map_err(|e| ConfigError::Invalid(format!("{e} (check files.s3_*)")))?,
            ),
        })
    }
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            gateway: SmsGatewayKind::Outbox,
            eskiz_url: "https://notify.eskiz.uz".into(),
            eskiz_email: String::new(),
            eskiz_password: Secret::default(),
            sender: "4546".into(),
        }
    }
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CardProcessorKind {
    None,
    Payme,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: "http://127.0.0.1:3000".into(),
            database_url: "sqlite://data/fuqaro.db?mode=rwc".into(),
            database_max_connections: 8,
            environment: Environment::Production,
            log_format: LogFormat::Pretty,
            site_root: PathBuf::from("target/site"),
            shutdown_grace_seconds: 10,
            demo_data: true,
            demo_accounts: 3000,
            trust_forwarded_for: false,
            sms: SmsConfig::default(),
            files: FilesConfig::default(),
            telegram: TelegramConfig::default(),
            payme_key: Secret::default(),
            click_service_id: String::new(),
            click_secret_key: Secret::default(),
            payme_merchant_id: String::new(),
            payme_checkout_url: "https://checkout.paycom.uz".into(),
            click_merchant_id: String::new(),
            click_checkout_url: "https://my.click.uz/services/pay".into(),
            card_processor: CardProcessorKind::None,
            payme_subscribe_url: "https://checkout.paycom.uz/api".into(),
            code_pepper: Secret::default(),
            metrics_token: Secret::default(),
            tls_ca_file: None,
            sandbox: None,
        }
    }
}

/// Why the configuration could not be read, in one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("invalid configuration: {0} (check fuqaro.toml and the FUQARO_* environment variables)")]
    Invalid(String),
}

impl Config {
    /// Reads the layers from the process environment and the working directory.
    pub fn load() -> Result<Config, ConfigError> {
        let file = std::env::var("FUQARO_CONFIG").ok();
        let explicit = file.is_some();
        let path = PathBuf::from(file.unwrap_or_else(|| "fuqaro.toml".into()));
        Config::load_from(
            &path,
            explicit,
            Env::prefixed("FUQARO_").split("__").ignore(&["config"]),
        )
    }

    /// The layers with an explicit file (which must exist when `required`) and env provider.
    pub fn load_from(path: &std::path::Path, required: bool, env: Env) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        // cargo-leptos tells the server where to listen and where the site is.
        if let Ok(addr) = std::env::var("LEPTOS_SITE_ADDR") {
            figment = figment.merge(Serialized::default("listen", addr));
        }
        if let Ok(root) = std::env::var("LEPTOS_SITE_ROOT") {
            figment = figment.merge(Serialized::default("site_root", root));
        }
        if path.exists() {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            // Parse here first: figment's own message for a bad file lacks the line.
            if let Err(e) = text.parse::<toml::Table>() {
                return Err(ConfigError::File {
                    path: path.display().to_string(),
                    reason: e
                        .to_string()
                        .lines()
                        .next()
                        .unwrap_or("not valid TOML")
                        .to_string(),
                });
            }
            figment = figment.merge(Toml::string(&text));
        } else if required {
            return Err(ConfigError::File {
                path: path.display().to_string(),
                reason: "no such file (named by FUQARO_CONFIG)".into(),
            });
        }
        let mut config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        config.payme_key.resolve("payme_key")?;
        config.click_secret_key.resolve("click_secret_key")?;
        config.code_pepper.resolve("code_pepper")?;
        config.metrics_token.resolve("metrics_token")?;
        config.sms.eskiz_password.resolve("sms.eskiz_password")?;
        config.files.s3_secret_key.resolve("files.s3_secret_key")?;
        config.telegram.token.resolve("telegram.token")?;
        config
            .telegram
            .webhook_secret
            .resolve("telegram.webhook_secret")?;
        config.check()?;
        Ok(config)
    }

    /// Settings that only make sense together, and what production and development each
    /// require. [`crate::Application::build`] checks again, so a configuration made in code
    /// (tests, tools) meets the same rules as one read from the environment.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.files.store == FileStoreKind::S3
            && (self.files.s3_endpoint.is_empty() || self.files.s3_bucket.is_empty())
        {
            return Err(ConfigError::Invalid(
                "files.store is s3 but files.s3_endpoint or files.s3_bucket is not set".into(),
            ));
        }
        if !self.payme_key.is_empty() && self.payme_merchant_id.is_empty() {
            return Err(ConfigError::Invalid(
                "payme_key is set but payme_merchant_id is not".into(),
            ));
        }
        if !self.click_secret_key.is_empty()
            && (self.click_service_id.is_empty() || self.click_merchant_id.is_empty())
        {
            return Err(ConfigError::Invalid(
                "click_secret_key is set but click_service_id or click_merchant_id is not".into(),
            ));
        }
        if self.card_processor == CardProcessorKind::Payme
            && (self.payme_key.is_empty() || self.payme_merchant_id.is_empty())
        {
            return Err(ConfigError::Invalid(
                "card_processor is payme but payme_key or payme_merchant_id is not set".into(),
            ));
        }
        match self.environment {
            Environment::Development => self.check_development(),
            Environment::Production => self.check_production(),
        }
    }

    /// The card processor this configuration names (none: the caller decides, the sandbox
    /// in development).
    pub fn card_processor(
        &self,
        outbound: &services::outbound::Outbound,
    ) -> Option<std::sync::Arc<dyn services::payments::card::CardProcessor>> {
        match self.card_processor {
            CardProcessorKind::None => None,
            CardProcessorKind::Payme => Some(std::sync::Arc::new(
                services::payments::payme_cards::PaymeCards::new(
                    &self.payme_subscribe_url,
                    &self.payme_merchant_id,
                    &self.payme_key,
                    outbound,
                ),
            )),
        }
    }

    /// How outbound clients are made: the system's roots, and `tls_ca_file`'s when set.
    pub fn outbound(&self) -> Result<services::outbound::Outbound, ConfigError> {
        let Some(path) = &self.tls_ca_file else {
            return Ok(services::outbound::Outbound::default());
        };
        let file_error = |reason: String| ConfigError::File {
            path: path.display().to_string(),
            reason: format!("{reason} (named by tls_ca_file)"),
        };
        let pem = std::fs::read(path).map_err(|e| file_error(e.to_string()))?;
        services::outbound::Outbound::with_roots_pem(&pem).map_err(file_error)
    }

    /// Development serves the developer pages and sandboxes: only on this machine.
    fn check_development(&self) -> Result<(), ConfigError> {
        if !self.listen.ip().is_loopback() {
            return Err(ConfigError::Invalid(format!(
                "environment is development, which serves only loopback addresses, but listen is {}; \
                 use 127.0.0.1 (FUQARO_LISTEN) or environment = production",
                self.listen
            )));
        }
        if !url_is_loopback(&self.public_url) {
            return Err(ConfigError::Invalid(format!(
                "environment is development, but public_url {:?} is not this machine; development serves only http://127.0.0.1 or localhost",
                self.public_url
            )));
        }
        Ok(())
    }

    /// What a real deployment must have; each refusal names its setting.
    fn check_production(&self) -> Result<(), ConfigError> {
        let refuse = |message: String| Err(ConfigError::Invalid(message));
        if !self.public_url.starts_with("https://") {
            return refuse(format!(
                "public_url must be https in production (it is {:?}): cookies are Secure and HSTS is sent only then; set FUQARO_PUBLIC_URL",
                self.public_url
            ));
        }
        if self.sms.gateway == SmsGatewayKind::Outbox {
            return refuse(
                "sms.gateway is outbox, which delivers nothing: in production set sms.gateway = \"eskiz\" (FUQARO_SMS__GATEWAY)"
                    .into(),
            );
        }
        if self.sms.gateway == SmsGatewayKind::Eskiz {
            if !self.sms.eskiz_url.starts_with("https://") {
                return refuse("sms.eskiz_url must be https in production".into());
            }
            if self.sms.eskiz_email.is_empty() || self.sms.eskiz_password.is_empty() {
                return refuse(
                    "sms.eskiz_email and sms.eskiz_password must be set (FUQARO_SMS__ESKIZ_PASSWORD)".into(),
                );
            }
        }
        if self.code_pepper.len() < 32 {
            return refuse(
                "code_pepper must be set to a random secret of at least 32 characters in production \
                 (FUQARO_CODE_PEPPER, or file:/path); e.g. `openssl rand -base64 48`"
                    .into(),
            );
        }
        if self.card_processor == CardProcessorKind::Payme
            && !self.payme_subscribe_url.starts_with("https://")
        {
            return refuse("payme_subscribe_url must be https in production".into());
        }
        if self.files.store == FileStoreKind::S3 && !self.files.s3_endpoint.starts_with("https://") {
            return refuse("files.s3_endpoint must be https in production".into());
        }
        if self.telegram.enabled() {
            if !self.telegram.secret_is_valid() {
                return refuse(
                    "telegram.token is set but telegram.webhook_secret is not a valid secret (1–256 of A-Z a-z 0-9 _ -): \
                     without it anyone could post updates to /telegram/webhook; set FUQARO_TELEGRAM__WEBHOOK_SECRET"
                        .into(),
                );
            }
            if !self.telegram.api_url.starts_with("https://") {
                return refuse("telegram.api_url must be https in production".into());
            }
        }
        Ok(())
    }

    /// In development without provider credentials: fresh random keys for the sandboxes.
    pub fn make_sandbox_keys(&mut self) {
        if self.development() && (self.payme_key.is_empty() || self.click_secret_key.is_empty()) {
            self.sandbox = Some(SandboxKeys {
                payme_key: services::secret::token().into(),
                click_service_id: "90001".into(),
                click_secret: services::secret::token().into(),
            });
        } else {
            self.sandbox = None;
        }
    }

    /// Whether the built-in sandbox plays `provider` (`payme`, `click`): development only,
    /// and only while that provider has no credentials of its own.
    pub fn sandbox_plays(&self, provider: &str) -> bool {
        self.sandbox.is_some()
            && match provider {
                "payme" => self.payme_key.is_empty(),
                "click" => self.click_secret_key.is_empty(),
                _ => false,
            }
    }

    /// The providers' checkout pages: production ones where credentials are set; otherwise
    /// none, and the built-in sandbox plays the provider (in development).
    pub fn checkout(&self) -> services::payments::checkout::Checkout {
        use services::payments::checkout::{Checkout, ClickCheckout, PaymeCheckout};
        Checkout {
            payme: (!self.payme_key.is_empty()).then(|| PaymeCheckout {
                merchant_id: self.payme_merchant_id.clone(),
                url: self.payme_checkout_url.clone(),
            }),
            click: (!self.click_secret_key.is_empty()).then(|| ClickCheckout {
                service_id: self.click_service_id.clone(),
                merchant_id: self.click_merchant_id.clone(),
                url: self.click_checkout_url.clone(),
            }),
        }
    }

    /// The key Payme must present: the cash desk's, or the sandbox's in development; empty
    /// (every call refused) otherwise.
    pub fn effective_payme_key(&self) -> &str {
        match &self.sandbox {
            Some(sandbox) if self.sandbox_plays("payme") => &sandbox.payme_key,
            _ => &self.payme_key,
        }
    }

    /// Click's service id and secret key, the same way.
    pub fn effective_click(&self) -> (&str, &str) {
        match &self.sandbox {
            Some(sandbox) if self.sandbox_plays("click") => {
                (&sandbox.click_service_id, &sandbox.click_secret)
            }
            _ => (&self.click_service_id, &self.click_secret_key),
        }
    }

    pub fn development(&self) -> bool {
        self.environment == Environment::Development
    }

    /// Cookies get `Secure` unless the site is plain http (development on localhost).
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// Whether a URL's host is this machine (`127.x.x.x`, `[::1]`, `localhost`).
fn url_is_loopback(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn one_line(error: &figment::Error) -> String {
    error.to_string().replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_environment_is_production() {
        assert_eq!(Config::default().environment, Environment::Production);
    }

    #[test]
    fn loopback_urls_are_recognised() {
        for url in [
            "http://127.0.0.1:3000",
            "http://localhost:3000/",
            "http://[::1]:3000",
            "http://127.0.0.2",
        ] {
            assert!(url_is_loopback(url), "{url}");
        }
        for url in [
            "https://fuqaro.uz",
            "http://10.0.0.1:3000",
            "http://127.0.0.1.evil.example",
            "http://localhost.evil.example",
        ] {
            assert!(!url_is_loopback(url), "{url}");
        }
    }

    #[test]
    fn secrets_are_never_printed() {
        let config = Config {
            payme_key: "very-secret-key".into(),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("very-secret-key"));
    }
}
