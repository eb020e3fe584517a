//! Translations. The strings live in app/locales/*.txt; build.rs turns them into [`Key`]
//! and checks that every language has every key with the same placeholders.

use leptos::prelude::*;
pub use shared::Locale;

include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// The string for `key` in `locale`.
pub fn tr(locale: Locale, key: Key) -> &'static str {
    STRINGS[locale.index()][key as usize]
}

/// The string for `key` with each `{name}` replaced by its value.
pub fn trf(locale: Locale, key: Key, args: &[(&str, &str)]) -> String {
    let mut text = tr(locale, key).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_non_empty_string_in_every_language() {
        for locale in Locale::ALL {
            for key in Key::ALL {
                assert!(!tr(locale, key).trim().is_empty(), "{} in {locale}", key.name());
            }
        }
    }

    #[test]
    fn the_cyrillic_and_russian_tables_are_not_latin_copies() {
        // Brand names are the same in every language; everything else must be translated.
        let brands = [Key::AppName, Key::PayMethodPayme, Key::PayMethodClick];
        for key in Key::ALL.into_iter().filter(|k| !brands.contains(k)) {
            for locale in [Locale::UzCyrl, Locale::Ru] {
                assert_ne!(
                    tr(Locale::Uz, key),
                    tr(locale, key),
                    "{} is not translated into {locale}",
                    key.name()
                );
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        let text = trf(Locale::Ru, Key::RegionMahallas, &[("count", "42")]);
        assert!(text.contains("42") && !text.contains('{'), "{text}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_cookie_beats_accept_language() {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::ACCEPT_LANGUAGE, "ru-RU,ru;q=0.9".parse().unwrap());
        assert_eq!(locale_of_request(&headers), Locale::Ru);
        headers.insert(http::header::COOKIE, "a=b; lang=uz-Cyrl".parse().unwrap());
        assert_eq!(locale_of_request(&headers), Locale::UzCyrl);
    }
}
