//! The three languages of the app and how a request picks one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A language the app speaks. Uzbek in Latin script comes first and is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Locale {
    /// Uzbek, Latin script (`uz`).
    #[default]
    Uz,
    /// Uzbek, Cyrillic script (`uz-Cyrl`).
    UzCyrl,
    /// Russian (`ru`).
    Ru,
}

/// Name of the cookie that holds the resident's explicit choice.
pub const LOCALE_COOKIE: &str = "lang";

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::Uz, Locale::UzCyrl, Locale::Ru];

    /// The BCP 47 tag used in `<html lang>`, cookies and URLs.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Uz => "uz",
            Locale::UzCyrl => "uz-Cyrl",
            Locale::Ru => "ru",
        }
    }

    /// The language's own name, as shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Uz => "Oʻzbekcha",
            Locale::UzCyrl => "Ўзбекча",
            Locale::Ru => "Русский",
        }
    }

    /// Position in [`Locale::ALL`]; translation tables are laid out in this order.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Reads a tag as this app understands it, case-insensitively; `None` for anything else.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim();
        let mut parts = tag.split(['-', '_']);
        let language = parts.next()?.to_ascii_lowercase();
        let rest: Vec<String> = parts.map(|p| p.to_ascii_lowercase()).collect();
        match language.as_str() {
            // A script subtag decides, wherever it stands (`uz-Cyrl`, `uz-Cyrl-UZ`, `uz-UZ-Cyrl`
            // are all seen); without one, Uzbek is Latin, the official script.
            "uz" if rest.iter().any(|p| p == "cyrl") => Some(Locale::UzCyrl),
            "uz" => Some(Locale::Uz),
            "ru" => Some(Locale::Ru),
            _ => None,
        }
    }

    /// Picks the best locale from an `Accept-Language` header value: the highest quality
    /// range this app speaks wins, ties go to the earlier entry; `None` if nothing matches.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(u16, Locale)> = None;
        for item in header.split(',') {
            let mut pieces = item.split(';');
            let Some(range) = pieces.next() else { continue };
            let quality = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .map(parse_quality)
                .next()
                .unwrap_or(1000);
            if quality == 0 {
                continue;
            }
            if let Some(locale) = Locale::from_tag(range)
                && best.is_none_or(|(q, _)| quality > q)
            {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, locale)| locale)
    }

    /// The locale for a request: the resident's saved choice, else the browser's languages,
    /// else Uzbek (Latin).
    pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Locale {
        cookie
            .and_then(Locale::from_tag)
            .or_else(|| accept_language.and_then(Locale::from_accept_language))
            .unwrap_or_default()
    }
}

/// A q-value in thousandths; malformed values count as 0 (not acceptable), per RFC 9110.
fn parse_quality(q: &str) -> u16 {
    let q = q.trim();
    match q.parse::<f32>() {
        Ok(v) if (0.0..=1.0).contains(&v) => (v * 1000.0).round() as u16,
        _ => 0,
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.tag()), Some(locale));
        }
    }

    #[test]
    fn plain_uzbek_and_regional_uzbek_are_latin() {
        assert_eq!(Locale::from_tag("uz"), Some(Locale::Uz));
        assert_eq!(Locale::from_tag("uz-UZ"), Some(Locale::Uz));
        assert_eq!(Locale::from_tag("uz-Latn-UZ"), Some(Locale::Uz));
    }

    #[test]
    fn a_cyrillic_script_subtag_anywhere_means_cyrillic() {
        assert_eq!(Locale::from_tag("uz-Cyrl"), Some(Locale::UzCyrl));
        assert_eq!(Locale::from_tag("uz-cyrl-uz"), Some(Locale::UzCyrl));
        assert_eq!(Locale::from_tag("uz_UZ_Cyrl"), Some(Locale::UzCyrl));
    }

    #[test]
    fn unknown_languages_are_not_guessed() {
        assert_eq!(Locale::from_tag("en-US"), None);
        assert_eq!(Locale::from_tag(""), None);
        assert_eq!(Locale::from_tag("uzb"), None);
    }

    #[test]
    fn accept_language_takes_the_best_quality_we_speak() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,ru;q=0.8,uz;q=0.7"),
            Some(Locale::Ru)
        );
        assert_eq!(
            Locale::from_accept_language("ru;q=0.5, uz-Cyrl-UZ;q=0.9"),
            Some(Locale::UzCyrl)
        );
        assert_eq!(Locale::from_accept_language("uz-UZ, ru;q=0.9"), Some(Locale::Uz));
    }

    #[test]
    fn accept_language_ties_go_to_the_first_entry() {
        assert_eq!(Locale::from_accept_language("ru, uz"), Some(Locale::Ru));
    }

    #[test]
    fn accept_language_ignores_refused_and_malformed_ranges() {
        assert_eq!(Locale::from_accept_language("ru;q=0, en"), None);
        assert_eq!(Locale::from_accept_language("ru;q=abc"), None);
        assert_eq!(Locale::from_accept_language(""), None);
        assert_eq!(Locale::from_accept_language(",,;;"), None);
    }

    #[test]
    fn the_cookie_wins_over_the_browser_and_uzbek_latin_is_the_default() {
        assert_eq!(Locale::negotiate(Some("ru"), Some("uz")), Locale::Ru);
        assert_eq!(Locale::negotiate(Some("xx"), Some("uz-Cyrl")), Locale::UzCyrl);
        assert_eq!(Locale::negotiate(None, Some("en, fr")), Locale::Uz);
        assert_eq!(Locale::negotiate(None, None), Locale::Uz);
    }
}
