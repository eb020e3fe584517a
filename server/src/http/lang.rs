//! `POST /lang`: the language switcher's form. Stores the choice in a cookie for a year and
//! sends the resident back to the page they were on.

use crate::AppState;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::Locale;
use shared::locale::LOCALE_COOKIE;

#[derive(Deserialize)]
pub struct LangForm {
    lang: String,
    #[serde(default)]
    back: String,
}

pub async fn switch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LangForm>,
) -> Response {
    let Some(locale) = Locale::from_tag(&form.lang).filter(|l| l.tag() == form.lang) else {
        let locale = app::i18n::locale_of_request(&headers);
        return (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            app::i18n::tr(locale, app::i18n::Key::ErrorBadRequest),
        )
            .into_response();
    };
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.tag()
    );
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to(&local_path(&form.back)),
    )
        .into_response()
}

/// Only a path on this site: an absolute or scheme-relative address (`//evil.example`) or
/// a backslash trick becomes the home page, so the form cannot be used to send people away.
fn local_path(back: &str) -> String {
    let ok = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    if ok { back.to_string() } else { "/".to_string() }
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/regions/1703?x=1"), "/regions/1703?x=1");
        assert_eq!(local_path("//evil.example/x"), "/");
        assert_eq!(local_path("https://evil.example"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
        assert_eq!(local_path("/a\r\nSet-Cookie: x"), "/");
        assert_eq!(local_path(""), "/");
    }
}
