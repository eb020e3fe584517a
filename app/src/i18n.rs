//! The page's language. The strings themselves, with their completeness check, are in
//! `shared::i18n` (one set of tables for pages and SMS texts).

use leptos::prelude::*;
pub use shared::Locale;
pub use shared::i18n::{Key, tr, trf};

/// A meter's unit (as the reference data writes it: `kWh`, `m³`, `Gcal`) in the reader's
/// language and script.
pub fn unit(locale: Locale, unit: &str) -> String {
    match unit {
        "kWh" => tr(locale, Key::UnitKwh).to_string(),
        "m³" => tr(locale, Key::UnitM3).to_string(),
        "Gcal" => tr(locale, Key::UnitGcal).to_string(),
        other => other.to_string(),
    }
}

/// The locale of the page being rendered.
pub fn use_locale() -> Locale {
    use_context::<Locale>().unwrap_or_default()
}

/// The locale of the current request: on the server from the resident's cookie or
/// `Accept-Language`; in the browser from `<html lang>`, which the server rendered.
pub fn detect_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| locale_of_request(&parts.headers))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        leptos::prelude::document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Locale::default()
    }
}

/// The locale a request asks for: the `lang` cookie, else `Accept-Language`, else `uz`.
#[cfg(feature = "ssr")]
pub fn locale_of_request(headers: &http::HeaderMap) -> Locale {
    let cookie = shared::cookies::value(
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok()),
        shared::locale::LOCALE_COOKIE,
    );
    let accept = headers
        .get(http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Locale::negotiate(cookie, accept)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_beats_accept_language() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::ACCEPT_LANGUAGE, "ru-RU,ru;q=0.9".parse().unwrap());
        assert_eq!(locale_of_request(&headers), Locale::Ru);
        headers.insert(http::header::COOKIE, "a=b; lang=uz-Cyrl".parse().unwrap());
        assert_eq!(locale_of_request(&headers), Locale::UzCyrl);
    }
}
