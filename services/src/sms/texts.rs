//! The sign-in code's and the staff welcome's SMS (the words are in shared/locales).

/// The texts of the messages, in the resident's language.
pub mod text {
    use shared::Locale;
    use shared::i18n::{Sms, sms};

    pub fn sign_in_code(locale: Locale, code: &str) -> String {
        sms(locale, Sms::SignInCode, &[("code", code)])
    }

    pub fn staff_welcome(locale: Locale) -> String {
        sms(locale, Sms::StaffWelcome, &[])
    }
}

#[cfg(test)]
mod tests {
    use shared::reading::RejectReason;
    use shared::{Locale, Tiyin};

    #[test]
    fn every_sms_fills_its_placeholders_in_every_language() {
        for locale in Locale::ALL {
            let amount = Tiyin::from_som(12_500);
            let mut texts = vec![
                super::text::sign_in_code(locale, "123456"),
                super::text::staff_welcome(locale),
                crate::payments::card::text::card_code(locale, "123456", amount, "8600 **** 0004"),
                crate::payments::orders::text::paid(locale, "10000003", amount, "FQ-00000001"),
                crate::readings::text::confirmed(locale, "10000003", "123.4", amount),
                crate::readings::text::corrected(locale, "10000003", "123.4", "typo", amount),
                crate::appeals::notify::text::changed(locale, "M-2026-000001"),
                crate::appeals::notify::text::escalated(locale, "M-2026-000001", "2026-12-07"),
                crate::appeals::notify::text::returned_to_officer(locale, "M-2026-000001", "2026-12-07"),
                crate::appeals::notify::text::escalated_to_officer(locale, "M-2026-000001", "2026-12-07"),
                crate::appeals::collective::text::invitation(locale, "M-2026-000001", "123456", "https://x"),
            ];
            for &reason in RejectReason::ALL {
                texts.push(crate::readings::text::rejected(locale, "10000003", reason, ""));
            }
            for text in texts {
                assert!(!text.contains('{') && !text.contains('}'), "{text}");
                assert!(text.starts_with("Fuqaro: "), "{text}");
            }
        }
    }
}
