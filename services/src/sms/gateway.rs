//! The ways a message leaves: the [`SmsGateway`] trait, [`OutboxOnly`] (messages stay in the
//! outbox) and [`Eskiz`] (Eskiz's REST API over https, with its token kept and renewed).

use crate::{BoxFuture, Result};
use serde::Deserialize;
use std::sync::Arc;
use tokio::sync::Mutex;

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

/// The gateway a server uses, shared by every clone of the services.
pub type Gateway = Arc<dyn SmsGateway>;
