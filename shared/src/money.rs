//! Money. Every amount is an integer number of tiyin (1 soʻm = 100 tiyin); floats never touch it.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Neg, Sub};

/// An amount of money in tiyin. Signed: ledger rows are charges (negative for the
/// resident) and payments (positive); a balance below zero is a debt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tiyin(i64);

impl Tiyin {
    pub const ZERO: Tiyin = Tiyin(0);

    pub const fn new(tiyin: i64) -> Tiyin {
        Tiyin(tiyin)
    }

    pub const fn from_som(som: i64) -> Tiyin {
        Tiyin(som * 100)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Tiyin) -> Option<Tiyin> {
        self.0.checked_add(other.0).map(Tiyin)
    }

    /// Formats as soʻm with thin groups and two decimals: `1 234 567,89`, the way amounts
    /// are written in Uzbekistan (a no-break space between groups, a comma before tiyin).
    pub fn format_som(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3 * 2);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push('\u{a0}');
            }
            grouped.push(digit);
        }
        format!("{sign}{grouped},{:02}", abs % 100)
    }
}

/// Why a typed amount is not a payable amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountError {
    Empty,
    Malformed,
    NotPositive,
    TooLarge,
}

impl Tiyin {
    /// The largest single payment accepted: 1 billion soʻm.
    pub const MAX_PAYMENT: Tiyin = Tiyin(100_000_000_000);

    /// Reads a soʻm amount as residents type it: `12345`, `12 345`, `12345,50`, `12345.5`.
    /// Exact decimal arithmetic; at most two decimals; must be positive.
    pub fn parse_som(input: &str) -> Result<Tiyin, AmountError> {
        let compact: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        if compact.is_empty() {
            return Err(AmountError::Empty);
        }
        let compact = compact.replace(',', ".");
        let (whole, fraction) = compact.split_once('.').unwrap_or((&compact, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 2
            || compact.ends_with('.')
        {
            return Err(AmountError::Malformed);
        }
        if whole.len() > 12 {
            return Err(AmountError::TooLarge);
        }
        let whole: i64 = whole.parse().map_err(|_| AmountError::Malformed)?;
        let cents: i64 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<2}")
                .parse()
                .map_err(|_| AmountError::Malformed)?
        };
        let tiyin = Tiyin(whole * 100 + cents);
        if tiyin <= Tiyin::ZERO {
            return Err(AmountError::NotPositive);
        }
        if tiyin > Tiyin::MAX_PAYMENT {
            return Err(AmountError::TooLarge);
        }
        Ok(tiyin)
    }

    /// The amount as a plain decimal for an input field: `12345.50`.
    pub fn to_decimal_string(self) -> String {
        format!("{}.{:02}", self.0 / 100, (self.0 % 100).abs())
    }
}

impl Add for Tiyin {
    type Output = Tiyin;
    fn add(self, other: Tiyin) -> Tiyin {
        Tiyin(self.0 + other.0)
    }
}

impl Sub for Tiyin {
    type Output = Tiyin;
    fn sub(self, other: Tiyin) -> Tiyin {
        Tiyin(self.0 - other.0)
    }
}

impl Neg for Tiyin {
    type Output = Tiyin;
    fn neg(self) -> Tiyin {
        Tiyin(-self.0)
    }
}

impl std::iter::Sum for Tiyin {
    fn sum<I: Iterator<Item = Tiyin>>(iter: I) -> Tiyin {
        iter.fold(Tiyin::ZERO, Add::add)
    }
}

impl fmt::Display for Tiyin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format_som())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn som_are_hundred_tiyin() {
        assert_eq!(Tiyin::from_som(12).get(), 1200);
    }

    #[test]
    fn amounts_are_grouped_by_thousands_with_tiyin_after_a_comma() {
        assert_eq!(Tiyin::new(0).format_som(), "0,00");
        assert_eq!(Tiyin::new(5).format_som(), "0,05");
        assert_eq!(Tiyin::new(99_999).format_som(), "999,99");
        assert_eq!(Tiyin::new(123_456_789).format_som(), "1\u{a0}234\u{a0}567,89");
        assert_eq!(Tiyin::new(-100_000).format_som(), "-1\u{a0}000,00");
    }

    #[test]
    fn the_most_negative_amount_formats_without_overflow() {
        assert!(Tiyin::new(i64::MIN).format_som().starts_with('-'));
    }

    #[test]
    fn typed_amounts_are_read_exactly() {
        assert_eq!(Tiyin::parse_som("12345"), Ok(Tiyin::new(1_234_500)));
        assert_eq!(Tiyin::parse_som("12 345,5"), Ok(Tiyin::new(1_234_550)));
        assert_eq!(Tiyin::parse_som("12345.05"), Ok(Tiyin::new(1_234_505)));
        assert_eq!(Tiyin::parse_som(""), Err(AmountError::Empty));
        assert_eq!(Tiyin::parse_som("0"), Err(AmountError::NotPositive));
        assert_eq!(Tiyin::parse_som("-5"), Err(AmountError::Malformed));
        assert_eq!(Tiyin::parse_som("1.234"), Err(AmountError::Malformed));
        assert_eq!(Tiyin::parse_som("12a"), Err(AmountError::Malformed));
        assert_eq!(Tiyin::parse_som("1e5"), Err(AmountError::Malformed));
        assert_eq!(Tiyin::parse_som("10."), Err(AmountError::Malformed));
        assert_eq!(Tiyin::parse_som("9999999999999"), Err(AmountError::TooLarge));
        assert_eq!(Tiyin::new(1_234_505).to_decimal_string(), "12345.05");
    }

    #[test]
    fn sums_and_checked_sums() {
        let total: Tiyin = [Tiyin::new(150), Tiyin::new(-50)].into_iter().sum();
        assert_eq!(total, Tiyin::new(100));
        assert_eq!(Tiyin::new(i64::MAX).checked_add(Tiyin::new(1)), None);
    }
}
