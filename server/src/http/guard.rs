//! Who is calling: the session cookie, the client address, the language. Every form route
//! that needs someone signed in takes a [`Signed`] extractor naming what it needs, which asks
//! `services::identity::auth` (the one guard) before the handler runs and answers for it
//! otherwise: the sign-in page for someone not signed in, 403 for someone without the right.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use services::identity::auth::Guarded;
use shared::Locale;
use shared::auth::{Denied, Need, Principal, Role};
use std::marker::PhantomData;
use std::net::{IpAddr, SocketAddr};

pub struct Caller {
    pub token: Option<String>,
    pub client: String,
    pub locale: Locale,
    pub user_agent: Option<String>,
    pub sign_in_phone: Option<String>,
    /// The token of the form this browser last had refused (`http::redirect::refuse`).
    pub kept: Option<String>,
    /// The page to return to once signed in (a path on this site).
    pub sign_in_next: Option<String>,
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
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(Caller {
            token: shared::cookies::value(cookies(), shared::cookies::SESSION).map(str::to_string),
            sign_in_phone: shared::cookies::value(cookies(), shared::cookies::SIGN_IN_PHONE)
                .map(str::to_string),
            kept: shared::cookies::value(cookies(), shared::cookies::KEPT).map(str::to_string),
            sign_in_next: shared::cookies::value(cookies(), shared::cookies::SIGN_IN_NEXT)
                .and_then(shared::url::local_path)
                .map(str::to_string),
            client: client_address(forwarded, peer),
            locale: app::i18n::locale_of_request(&parts.headers),
            user_agent: parts
                .headers
                .get(header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        })
    }
}

/// What a route needs of its caller, as a type: [`Resident`], [`Inspector`], [`AppealsStaff`],
/// [`Coordinator`] or [`Administrator`].
pub trait Requirement: Send + Sync + 'static {
    fn need() -> Need;
    /// Whether the sign-in must be recent (an administrator's action).
    const RECENT_SIGN_IN: bool = false;
}

/// Anyone signed in, acting on their own things (ownership is checked against the object).
pub struct Resident;
impl Requirement for Resident {
    fn need() -> Need {
        Need::SignedIn
    }
}

/// An inspector (the scope is checked against the reading).
pub struct Inspector;
impl Requirement for Inspector {
    fn need() -> Need {
        Need::Role(Role::Inspector)
    }
}

/// An appeals officer or head of a body (the body is checked against the appeal).
pub struct AppealsStaff;
impl Requirement for AppealsStaff {
    fn need() -> Need {
        Need::HandlesAppeals
    }
}

/// Anyone who reads appeals: their bodies' staff, or a People's Reception for its region
/// (the body or region is checked against the object).
pub struct AppealsReader;
impl Requirement for AppealsReader {
    fn need() -> Need {
        Need::SeesAppeals
    }
}

/// A People's Reception coordinator (the region is checked against the appeal or body).
pub struct Coordinator;
impl Requirement for Coordinator {
    fn need() -> Need {
        Need::Role(Role::ReceptionCoordinator)
    }
}

/// An administrator who signed in with an SMS code within the last minutes.
pub struct Administrator;
impl Requirement for Administrator {
    fn need() -> Need {
        Need::Role(Role::Administrator)
    }
    const RECENT_SIGN_IN: bool = true;
}

/// A caller who passed the guard for `N`, with who they are; a handler that takes it never
/// runs for anyone else.
pub struct Signed<N> {
    pub principal: Principal,
    pub caller: Caller,
    need: PhantomData<N>,
}

impl<N: Requirement> FromRequestParts<AppState> for Signed<N> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Ok(caller) = Caller::from_request_parts(parts, state).await;
        let principal = if N::RECENT_SIGN_IN {
            caller.require_recent(state, &N::need()).await?
        } else {
            caller.require(state, &N::need()).await?
        };
        Ok(Signed {
            principal,
            caller,
            need: PhantomData,
        })
    }
}

/// The client a request's limits count against. Behind a proxy (`trust_forwarded_for`), the
/// address the proxy itself appended: the last entry of `X-Forwarded-For`, never the first,
/// which the client writes. IPv6 clients count by their /64 (one subscriber's network), and
/// anything that is not an address counts as the peer.
pub fn client_address(forwarded: Option<&str>, peer: Option<IpAddr>) -> String {
    let address = forwarded
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok())
        .or(peer)
        // An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is that IPv4 address.
        .map(|ip| ip.to_canonical());
    match address {
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(v4) => v4.to_string(),
        None => "unknown".into(),
    }
}

impl Caller {
    /// The guard for an administrator's action: [`Caller::require`], and a sign-in with an
    /// SMS code within the last minutes; otherwise the sign-in page asks for a fresh one.
    pub async fn require_recent(&self, state: &AppState, need: &Need) -> Result<Principal, Response> {
        let principal = self.require(state, need).await?;
        let token = self.token.as_deref().unwrap_or_default();
        match services::identity::auth::signed_in_recently(&state.services, token).await {
            Ok(true) => Ok(principal),
            Ok(false) => {
                tracing::info!(
                    user = principal.user_id,
                    "administrator action: fresh sign-in asked"
                );
                Err(
                    Redirect::to(&format!("/sign-in?error={}", shared::auth::SignInProblem::Again))
                        .into_response(),
                )
            }
            Err(error) => Err(unavailable(self.locale, "checking the sign-in failed", &error)),
        }
    }

    /// The guard for a form route: the principal, or the answer to give instead (the
    /// sign-in page for someone not signed in, 403 for someone without the right).
    pub async fn require(&self, state: &AppState, need: &Need) -> Result<Principal, Response> {
        services::identity::auth::require(&state.services, self.token.as_deref(), need)
            .await
            .map_err(|e| refusal(e, self.locale))
    }
}

pub fn refusal(error: Guarded, locale: Locale) -> Response {
    match error {
        Guarded::Denied(Denied::SignInRequired) => Redirect::to("/sign-in").into_response(),
        Guarded::Denied(Denied::Forbidden) => {
            tracing::warn!("access refused: the caller's roles do not allow it");
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

#[cfg(test)]
mod tests {
    use super::client_address;

    #[test]
    fn the_client_is_the_address_the_proxy_appended() {
        let peer = Some("127.0.0.1".parse().unwrap());
        assert_eq!(
            client_address(Some("203.0.113.9, 198.51.100.7"), peer),
            "198.51.100.7"
        );
        assert_eq!(client_address(Some("198.51.100.7"), peer), "198.51.100.7");
        assert_eq!(client_address(Some("not-an-address"), peer), "127.0.0.1");
        assert_eq!(client_address(None, peer), "127.0.0.1");
        assert_eq!(client_address(None, None), "unknown");
    }

    #[test]
    fn ipv6_clients_count_by_their_network() {
        let a = client_address(Some("2001:db8:1:2:aaaa::1"), None);
        let b = client_address(Some("2001:db8:1:2:bbbb::9"), None);
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_ne!(a, client_address(Some("2001:db8:1:3::1"), None));
        assert_eq!(client_address(Some("::ffff:192.0.2.1"), None), "192.0.2.1");
    }
}
