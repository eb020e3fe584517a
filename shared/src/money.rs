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
    fn sums_and_checked_sums() {
        let total: Tiyin = [Tiyin::new(150), Tiyin::new(-50)].into_iter().sum();
        assert_eq!(total, Tiyin::new(100));
        assert_eq!(Tiyin::new(i64::MAX).checked_add(Tiyin::new(1)), None);
    }
}
