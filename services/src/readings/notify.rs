//! The SMS a resident gets about a reading (the words are in shared/locales).

/// The resident's messages about a decision.
pub mod text {
    use shared::i18n::{Sms, sms};
    use shared::reading::RejectReason;
    use shared::{Locale, Tiyin};

    pub fn confirmed(locale: Locale, account: &str, value: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        sms(
            locale,
            Sms::ReadingConfirmed,
            &[("account", account), ("value", value), ("charge", &charge)],
        )
    }

    pub fn corrected(locale: Locale, account: &str, value: &str, reason: &str, charge: Tiyin) -> String {
        let charge = charge.format_som();
        sms(
            locale,
            Sms::ReadingCorrected,
            &[
                ("account", account),
                ("value", value),
                ("reason", reason),
                ("charge", &charge),
            ],
        )
    }

    pub fn rejected(locale: Locale, account: &str, reason: RejectReason, text: &str) -> String {
        let why = reason_label(locale, reason);
        let why = if text.is_empty() {
            why
        } else {
            format!("{why}: {text}")
        };
        sms(
            locale,
            Sms::ReadingRejected,
            &[("account", account), ("why", &why)],
        )
    }

    pub fn reason_label(locale: Locale, reason: RejectReason) -> String {
        let key = match reason {
            RejectReason::PhotoUnreadable => Sms::ReasonPhotoUnreadable,
            RejectReason::NotAMeter => Sms::ReasonNotAMeter,
            RejectReason::WrongMeter => Sms::ReasonWrongMeter,
            RejectReason::ValueMismatch => Sms::ReasonValueMismatch,
            RejectReason::Other => Sms::ReasonOther,
        };
        sms(locale, key, &[])
    }
}
