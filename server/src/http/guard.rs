//! Who is calling: the session cookie, the client address, the language. Every form route
//! asks `services::auth` (the one guard) with what it needs, through [`Caller::require`].

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use services::auth::Guarded;
use shared::Locale;
use shared::auth::{Denied, Need, Principal};
use std::net::SocketAddr;

pub struct Caller {
    pub token: Option<String>,
    pub client: String,
    pub locale: Locale,
    pub user_agent: Option<String>,
    pub sign_in_phone: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let cookies = || {
            parts
                .headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
        };
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_string());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(Caller {
            token: shared::cookies::value(cookies(), shared::cookies::SESSION).map(str::to_string),
            sign_in_phone: shared::cookies::value(cookies(), shared::cookies::SIGN_IN_PHONE)
                .map(str::to_string),
            client: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
            locale: app::i18n::locale_of_request(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

impl Caller {
    /// The guard for a form route: the principal, or the answer to give instead (the
    /// sign-in page for someone not signed in, 403 for someone without the right).
    pub async fn require(&self, state: &AppState, need: &Need) -> Result<Principal, Response> {
        services::auth::require(&state.services, self.token.as_deref(), need)
            .await
            .map_err(|e| refusal(e, self.locale))
    }
}

pub fn refusal(error: Guarded, locale: Locale) -> Response {
    match error {
        Guarded::Denied(Denied::SignInRequired) => Redirect::to("/sign-in").into_response(),
        Guarded::Denied(Denied::Forbidden) => {
            text(StatusCode::FORBIDDEN, locale, app::i18n::Key::ErrorForbidden)
        }
        Guarded::Service(error) => unavailable(locale, "guard failed", &error),
    }
}

/// The answer when a service failed: the error logged with what was being done, 503 and a
/// short apology in the caller's language, nothing internal.
pub fn unavailable(locale: Locale, what: &str, error: &dyn std::fmt::Display) -> Response {
    tracing::error!(%error, "{what}");
    text(
        StatusCode::SERVICE_UNAVAILABLE,
        locale,
        app::i18n::Key::ErrorUnavailable,
    )
}

/// A short answer in the caller's language.
pub fn text(status: StatusCode, locale: Locale, key: app::i18n::Key) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        app::i18n::tr(locale, key),
    )
        .into_response()
}
