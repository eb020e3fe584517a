//! Security layers: response headers, the same-origin check for writes, the request span
//! and the answer to a panic.

use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::any::Any;

/// The policy of every response that is not a page: it loads nothing and cannot be framed.
const FALLBACK_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The nonce of the page this request renders: made here, given to Leptos as its nonce
/// (it puts it on the inline hydration scripts, `http::router`'s context), and named in the
/// page's policy by this layer. The policy is decided here rather than from inside the
/// render because Leptos can drop headers a page sets when it also preloads lazy routes.
#[derive(Clone)]
pub struct PageNonce(pub leptos::nonce::Nonce);

/// A strict policy for pages: scripts only from this origin or carrying this response's
/// nonce, WebAssembly allowed, no framing.
fn page_policy(nonce: &leptos::nonce::Nonce, state: &AppState) -> String {
    // `cargo leptos watch` reloads the page over a websocket on the reload port.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        let options = &state.leptos_options;
        format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port)
    } else {
        String::new()
    };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; \
         connect-src 'self'{reload}; font-src 'self'; manifest-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub async fn headers(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    request.extensions_mut().insert(PageNonce(nonce.clone()));
    let signed_in = has_session(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A signed-in person's pages and data stay out of every cache (a shared phone's too);
    // the site's static files keep theirs.
    let personal = headers.get(header::CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"text/html") || v.as_bytes().starts_with(b"application/json")
    });
    if signed_in && personal && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    let is_page = headers
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let policy = if is_page {
        HeaderValue::from_str(&page_policy(&nonce, &state)).ok()
    } else {
        None
    };
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(FALLBACK_CSP)),
    );
    if state.config.secure_cookies() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// Refuses a state-changing request that may come from another site: one a browser marks
/// cross-site, one whose `Origin` is neither this site's (`public_url`) nor the `Host` it was
/// sent to, and one that carries a session cookie but says nowhere where it came from (no
/// `Origin`, no `Sec-Fetch-Site`, no `Referer` of ours), as only a stripped or very old
/// browser would send. Requests without a session cookie and without those headers pass:
/// servers calling our callbacks authenticate otherwise.
pub async fn same_origin_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let value = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let host = value(header::HOST);
    let ours = |origin: &str| {
        origin.trim_end_matches('/') == site_origin(&state.config.public_url) || origin_host(origin) == host
    };
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = value(header::ORIGIN);
    let refused = if fetch_site == Some("cross-site") {
        true
    } else if let Some(origin) = origin {
        !ours(origin)
    } else if fetch_site.is_some() {
        false
    } else {
        has_session(headers) && !value(header::REFERER).is_some_and(|referer| ours(&site_origin(referer)))
    };
    if refused {
        tracing::warn!(
            origin = ?origin,
            host = ?host,
            fetch_site = ?fetch_site,
            path = %request.uri().path(),
            "refused a write that may come from another site"
        );
        let locale = app::i18n::locale_of_request(headers);
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            app::i18n::tr(locale, app::i18n::Key::ErrorForbidden),
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether a request carries a session cookie (whether or not the session is live).
fn has_session(headers: &axum::http::HeaderMap) -> bool {
    let cookies = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok());
    shared::cookies::value(cookies, shared::cookies::SESSION).is_some()
}

/// `https://example.uz:8443/path?q` → `https://example.uz:8443`.
fn site_origin(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!(
                "{}://{}",
                scheme.to_ascii_lowercase(),
                authority.to_ascii_lowercase()
            )
        }
        None => url.to_string(),
    }
}

/// `https://example.uz:8443` → `example.uz:8443`; `null` (sandboxed frames) → `null`.
fn origin_host(origin: &str) -> Option<&str> {
    Some(origin.split_once("://").map_or(origin, |(_, rest)| rest))
}

pub fn request_span(request: &Request<Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(super::REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
}

/// A bug must not take the server down or show a trace: log it, answer 500.
pub fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown");
    tracing::error!(panic = detail, "a request handler panicked");
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Xatolik yuz berdi. · Хатолик юз берди. · Произошла ошибка.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{origin_host, site_origin};

    #[test]
    fn a_site_is_its_scheme_host_and_port() {
        assert_eq!(site_origin("https://Fuqaro.uz/accounts?x=1"), "https://fuqaro.uz");
        assert_eq!(site_origin("http://127.0.0.1:3000/"), "http://127.0.0.1:3000");
        assert_ne!(
            site_origin("https://fuqaro.uz.evil.example/"),
            "https://fuqaro.uz"
        );
    }

    #[test]
    fn origins_are_compared_by_host_and_port() {
        assert_eq!(origin_host("http://127.0.0.1:3000"), Some("127.0.0.1:3000"));
        assert_eq!(origin_host("https://fuqaro.uz"), Some("fuqaro.uz"));
        assert_eq!(origin_host("null"), Some("null"));
    }
}
