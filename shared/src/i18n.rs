//! Every string a person reads, in three languages, from one set of tables
//! (shared/locales/*.txt): page strings as [`Key`], and on the server SMS texts as [`Sms`].
//! build.rs checks that every language has every key with the same placeholders.

use crate::Locale;

include!(concat!(env!("OUT_DIR"), "/i18n_keys.rs"));

/// The string for `key` in `locale`.
pub fn tr(locale: Locale, key: Key) -> &'static str {
    STRINGS[locale.index()][key as usize]
}

/// The string for `key` with each `{name}` replaced by its value.
pub fn trf(locale: Locale, key: Key, args: &[(&str, &str)]) -> String {
    fill(tr(locale, key), args)
}

fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = template.to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// SMS texts: compiled for the server only, so they cost the browser nothing.
#[cfg(not(target_arch = "wasm32"))]
mod sms {
    use crate::Locale;

    include!(concat!(env!("OUT_DIR"), "/i18n_sms.rs"));

    /// The text of SMS `key` in `locale`, each `{name}` replaced by its value.
    pub fn sms(locale: Locale, key: Sms, args: &[(&str, &str)]) -> String {
        super::fill(SMS_STRINGS[locale.index()][key as usize], args)
    }
}
#[cfg(not(target_arch = "wasm32"))]
pub use sms::{Sms, sms};

/// The Telegram bot's words: compiled for the server only, like the SMS texts.
#[cfg(not(target_arch = "wasm32"))]
mod bot {
    use crate::Locale;

    include!(concat!(env!("OUT_DIR"), "/i18n_bot.rs"));

    /// The bot's text `key` in `locale`, each `{name}` replaced by its value.
    pub fn bot(locale: Locale, key: Bot, args: &[(&str, &str)]) -> String {
        super::fill(BOT_STRINGS[locale.index()][key as usize], args)
    }
}
#[cfg(not(target_arch = "wasm32"))]
pub use bot::{Bot, bot};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_non_empty_string_in_every_language() {
        for locale in Locale::ALL {
            for key in Key::ALL {
                assert!(!tr(locale, key).trim().is_empty(), "{} in {locale}", key.name());
            }
            for key in Sms::ALL {
                assert!(
                    !sms(locale, key, &[]).trim().is_empty(),
                    "{} in {locale}",
                    key.name()
                );
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
        for key in Sms::ALL {
            for locale in [Locale::UzCyrl, Locale::Ru] {
                assert_ne!(
                    sms(Locale::Uz, key, &[]),
                    sms(locale, key, &[]),
                    "sms.{} is not translated into {locale}",
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
}
