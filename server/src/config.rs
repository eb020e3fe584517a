//! Layered configuration: defaults in code, then an optional `fuqaro.toml` (or the file
//! named by `FUQARO_CONFIG`), then `FUQARO_*` environment variables (`__` separates nested
//! keys). cargo-leptos's own `LEPTOS_SITE_ADDR` and `LEPTOS_SITE_ROOT` are honoured too, so
//! `cargo leptos watch` and `end-to-end` serve where they expect.

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;

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
    /// `development` turns on developer pages; `production` turns them off.
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
    /// The Payme cash-desk key (set it through FUQARO_PAYME_KEY). Empty: in development the
    /// built-in sandbox key, in production every Payme call is refused.
    pub payme_key: String,
    /// Click's service id and secret key (FUQARO_CLICK_SECRET_KEY). Empty: the built-in
    /// sandbox's in development, every Click call refused in production.
    pub click_service_id: String,
    pub click_secret_key: String,
    /// Payme's merchant (cash desk) id and checkout address, for the pay button in
    /// production. Required with `payme_key`.
    pub payme_merchant_id: String,
    pub payme_checkout_url: String,
    /// Click's merchant id and checkout address (the CLICK-Button link). Required with
    /// `click_secret_key`.
    pub click_merchant_id: String,
    pub click_checkout_url: String,
}

/// Where SMS go: `outbox` (the default; kept in the database, shown on /dev/sms) or
/// `eskiz` (an Eskiz-style HTTP gateway; set the password through FUQARO_SMS__ESKIZ_PASSWORD).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmsConfig {
    pub gateway: SmsGatewayKind,
    pub eskiz_url: String,
    pub eskiz_email: String,
    pub eskiz_password: String,
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
    pub s3_secret_key: String,
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
            s3_secret_key: String::new(),
        }
    }
}

impl FilesConfig {
    pub fn store(&self) -> services::files::FileStore {
        match self.store {
            FileStoreKind::Local => services::files::FileStore::Local {
                root: self.dir.clone(),
            },
            FileStoreKind::S3 => services::files::FileStore::S3(services::s3::Bucket::new(
                &self.s3_endpoint,
                &self.s3_region,
                &self.s3_bucket,
                &self.s3_access_key,
                &self.s3_secret_key,
            )),
        }
    }
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            gateway: SmsGatewayKind::Outbox,
            eskiz_url: "https://notify.eskiz.uz".into(),
            eskiz_email: String::new(),
            eskiz_password: String::new(),
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
            environment: Environment::Development,
            log_format: LogFormat::Pretty,
            site_root: PathBuf::from("target/site"),
            shutdown_grace_seconds: 10,
            demo_data: true,
            demo_accounts: 3000,
            trust_forwarded_for: false,
            sms: SmsConfig::default(),
            files: FilesConfig::default(),
            payme_key: String::new(),
            click_service_id: String::new(),
            click_secret_key: String::new(),
            payme_merchant_id: String::new(),
            payme_checkout_url: "https://checkout.paycom.uz".into(),
            click_merchant_id: String::new(),
            click_checkout_url: "https://my.click.uz/services/pay".into(),
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
        let config: Config = figment
            .merge(env)
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        config.check()?;
        Ok(config)
    }

    /// Settings that only make sense together.
    fn check(&self) -> Result<(), ConfigError> {
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
        Ok(())
    }

    /// The providers' checkout pages: production ones where credentials are set; otherwise
    /// none, and the built-in sandbox plays the provider (in development).
    pub fn checkout(&self) -> services::checkout::Checkout {
        use services::checkout::{Checkout, ClickCheckout, PaymeCheckout};
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

    /// The key Payme must present.
    pub fn effective_payme_key(&self) -> &str {
        if self.payme_key.is_empty() && self.development() {
            services::payme::SANDBOX_KEY
        } else {
            &self.payme_key
        }
    }

    /// Click's service id and secret key.
    pub fn effective_click(&self) -> (&str, &str) {
        if self.click_secret_key.is_empty() && self.development() {
            (
                services::click::SANDBOX_SERVICE_ID,
                services::click::SANDBOX_SECRET,
            )
        } else {
            (&self.click_service_id, &self.click_secret_key)
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

fn one_line(error: &figment::Error) -> String {
    error.to_string().replace('\n', " ")
}
