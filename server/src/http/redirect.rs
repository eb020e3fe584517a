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
        url.push_str(&format!("&{k}={}", services::url::encode(v)));
    }
    redirect(&url)
}
