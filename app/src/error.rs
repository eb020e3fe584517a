//! The error every server function returns. It crosses the wire as JSON, so the page can
//! show a message in the resident's language instead of a server string.

use crate::i18n::Key;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("sign in first")]
    SignInRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("temporarily unavailable")]
    Unavailable,
    #[error("{0}")]
    ServerFn(ServerFnErrorErr),
}

impl AppError {
    /// The message to show for this error.
    pub fn message_key(&self) -> Key {
        match self {
            AppError::NotFound => Key::ErrorNotFound,
            AppError::BadRequest(_) => Key::ErrorBadRequest,
            AppError::SignInRequired => Key::ErrorSignInRequired,
            AppError::Forbidden => Key::ErrorForbidden,
            AppError::Unavailable | AppError::ServerFn(_) => Key::ErrorUnavailable,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::ServerFn(value)
    }
}

#[cfg(feature = "ssr")]
impl From<services::Error> for AppError {
    fn from(error: services::Error) -> Self {
        use crate::error::set_status;
        match error {
            services::Error::NotFound => {
                set_status(404);
                AppError::NotFound
            }
            other => {
                tracing::error!(error = %other, "service failed");
                set_status(503);
                AppError::Unavailable
            }
        }
    }
}

/// Sets the HTTP status of the page being rendered on the server; nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}
