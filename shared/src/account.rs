//! Personal account numbers of utility services, and the one-time sign-in code.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A utility personal account number (shaxsiy hisob raqami): 6 to 14 digits. Residents copy
/// it from a paper bill, so spaces and dashes between groups are accepted and dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AccountNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccountNumberError {
    Empty,
    NotDigits,
    WrongLength,
}

impl AccountNumber {
    pub const MIN_DIGITS: usize = 6;
    pub const MAX_DIGITS: usize = 14;

    pub fn parse(input: &str) -> Result<AccountNumber, AccountNumberError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(AccountNumberError::Empty);
        }
        let mut digits = String::with_capacity(trimmed.len());
        for c in trimmed.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{a0}' => {}
                _ => return Err(AccountNumberError::NotDigits),
            }
        }
        if !(Self::MIN_DIGITS..=Self::MAX_DIGITS).contains(&digits.len()) {
            return Err(AccountNumberError::WrongLength);
        }
        Ok(AccountNumber(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The six-digit code sent by SMS to sign in.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum OneTimeCodeError {
    /// Not exactly six digits (letters, too short, too long).
    Malformed,
}

impl OneTimeCode {
    pub const LEN: usize = 6;

    pub fn parse(input: &str) -> Result<OneTimeCode, OneTimeCodeError> {
        let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() == Self::LEN && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(OneTimeCode(code))
        } else {
            Err(OneTimeCodeError::Malformed)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for OneTimeCode {
    /// Never printed: a code in a log is a code anyone reading the log can use.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OneTimeCode(******)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_numbers_from_bills_keep_their_digits() {
        assert_eq!(
            AccountNumber::parse(" 1234 5678-90 ").unwrap().as_str(),
            "1234567890"
        );
        assert_eq!(AccountNumber::parse("123456").unwrap().as_str(), "123456");
    }

    #[test]
    fn account_numbers_of_the_wrong_shape_are_refused() {
        assert_eq!(AccountNumber::parse(""), Err(AccountNumberError::Empty));
        assert_eq!(
            AccountNumber::parse("12345"),
            Err(AccountNumberError::WrongLength)
        );
        assert_eq!(
            AccountNumber::parse("123456789012345"),
            Err(AccountNumberError::WrongLength)
        );
        assert_eq!(
            AccountNumber::parse("12345a7"),
            Err(AccountNumberError::NotDigits)
        );
        assert_eq!(
            AccountNumber::parse("1234567;DROP"),
            Err(AccountNumberError::NotDigits)
        );
    }

    #[test]
    fn codes_are_six_digits_and_never_printed() {
        assert_eq!(OneTimeCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        for bad in ["12345", "1234567", "12345a", "", "١٢٣٤٥٦"] {
            assert_eq!(OneTimeCode::parse(bad), Err(OneTimeCodeError::Malformed), "{bad}");
        }
        assert!(!format!("{:?}", OneTimeCode::parse("123456").unwrap()).contains("123"));
    }
}

/// Masks a holder's name to the first letter of each word: `Karimov Rustam` → `K*** R***`.
/// Enough for a resident to recognise their own account, not to learn a stranger's name.
pub fn mask_name(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .map(|first| format!("{first}***"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One linked account in the resident's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: i64,
    pub service_code: String,
    pub service: crate::geo::Names,
    pub number: String,
    pub district: crate::geo::Names,
    pub holder_masked: String,
    pub balance: crate::Tiyin,
}

crate::words! {
    /// What a ledger row is: a charge (negative), a payment (positive) or a correction (either).
    pub enum LedgerKind {
        Charge = "charge",
        Payment = "payment",
        Correction = "correction",
    }
}

/// A row of an account's ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub id: i64,
    pub kind: LedgerKind,
    pub amount: crate::Tiyin,
    pub occurred_at: i64,
    pub note: LedgerNote,
}

/// What a ledger row is for, as data, so that each page words it in its reader's language.
/// Stored as JSON in `ledger_entries.note`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerNote {
    /// The charge of a billing month, `YYYY-MM` (Tashkent).
    Month { period: String },
    /// The charge for the consumption between two confirmed readings (thousandths), shown
    /// with the meter's decimals.
    Reading {
        from_milli: i64,
        to_milli: i64,
        decimals: i64,
    },
    /// A payment, and the way it came.
    Paid { method: crate::payment::PayMethod },
    /// A payment its provider cancelled afterwards.
    Reversed { method: crate::payment::PayMethod },
    /// Written as text (rows from before notes were structured, imports).
    Text(String),
}

/// A meter reading and its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingRow {
    pub id: i64,
    pub value_milli: i64,
    pub status: crate::reading::ReadingStatus,
    pub submitted_at: i64,
    /// The value as the resident typed it, when an inspector corrected it.
    #[serde(default)]
    pub submitted_milli: Option<i64>,
    /// The inspector's reason (a rejection's code; a correction's is its text).
    #[serde(default)]
    pub reason_code: Option<crate::reading::RejectReason>,
    #[serde(default)]
    pub reason_text: Option<String>,
    /// The charge a confirmed or corrected reading made.
    #[serde(default)]
    pub charge: Option<crate::Tiyin>,
    /// Whether the resident sent a photo with it (readings sent through Fuqaro).
    #[serde(default)]
    pub has_photo: bool,
}

/// One page of a list, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: i64,
    pub has_more: bool,
}

/// Everything the account page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetails {
    pub summary: AccountSummary,
    pub address: String,
    pub region: crate::geo::Names,
    pub tariff: crate::geo::Names,
    pub unit_price: crate::Tiyin,
    /// The price list in effect today, tier by tier.
    #[serde(default)]
    pub tiers: Vec<crate::reading::Tier>,
    pub meter_unit: Option<String>,
    pub meter_decimals: i64,
    pub last_confirmed: Option<ReadingRow>,
    pub readings: Page<ReadingRow>,
    pub charges: Page<LedgerRow>,
    pub payments: Page<LedgerRow>,
}

/// Formats a reading kept in thousandths with the meter's number of decimals: `12345.6`.
pub fn format_reading(value_milli: i64, decimals: i64) -> String {
    let decimals = decimals.clamp(0, 3) as usize;
    let whole = value_milli / 1000;
    if decimals == 0 {
        return whole.to_string();
    }
    let fraction = format!("{:03}", (value_milli % 1000).abs());
    format!("{whole}.{}", &fraction[..decimals])
}

crate::words! {
    /// Why linking an account was refused: the code in the link page's `?error=`.
    pub enum LinkProblem {
        NumberEmpty = "number_empty",
        NumberDigits = "number_digits",
        NumberLength = "number_length",
        NotProven = "not_proven",
        RateLimited = "rate_limited",
        DistrictNotInRegion = "district_not_in_region",
        UnknownService = "unknown_service",
        /// Unlinking asked without the tick that confirms it.
        ConfirmUnlink = "confirm_unlink",
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn names_are_masked_to_initials() {
        assert_eq!(mask_name("Karimov Rustam Aliyevich"), "K*** R*** A***");
        assert_eq!(mask_name("  Ўринбоева   Дилноза "), "Ў*** Д***");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn readings_show_the_meters_decimals() {
        assert_eq!(format_reading(12_345_678, 0), "12345");
        assert_eq!(format_reading(12_345_678, 1), "12345.6");
        assert_eq!(format_reading(12_345_678, 3), "12345.678");
        assert_eq!(format_reading(5, 3), "0.005");
    }
}
