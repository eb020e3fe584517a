//! How form routes answer: a redirect to the page, or back to the form with a message code
//! (and what was typed) in the query, each value percent-encoded.

use axum::response::{IntoResponse, Redirect, Response};

pub fn redirect(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// `/path?error=code` plus the fields given, each encoded.
pub fn with_error(path: &str, error: &str, fields: &[(&str, &str)]) -> Response {
    let mut url = format!("{path}?error={error}");
    for (k, v) in fields {
        url.push_str(&format!("&{k}={}", urlencode(v)));
    }
    redirect(&url)
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
