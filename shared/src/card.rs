//! Bank cards of Uzbekistan's domestic schemes, as a payer types them.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scheme {
    Uzcard,
    Humo,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Uzcard => "Uzcard",
            Scheme::Humo => "Humo",
        }
    }
}

/// A 16-digit Uzcard (8600, 5614) or Humo (9860) number that passes the Luhn check.
#[derive(Clone, PartialEq, Eq)]
pub struct CardNumber {
    digits: String,
    pub scheme: Scheme,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CardError {
    NumberMalformed,
    NumberChecksum,
    UnknownScheme,
    ExpiryMalformed,
    Expired,
}

impl CardNumber {
    pub fn parse(input: &str) -> Result<CardNumber, CardError> {
        let mut digits = String::with_capacity(16);
        for c in input.trim().chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '\u{a0}' => {}
                _ => return Err(CardError::NumberMalformed),
            }
        }
        if digits.len() != 16 {
            return Err(CardError::NumberMalformed);
        }
        if !luhn(&digits) {
            return Err(CardError::NumberChecksum);
        }
        let scheme = match &digits[..4] {
            "8600" | "5614" => Scheme::Uzcard,
            "9860" => Scheme::Humo,
            _ => return Err(CardError::UnknownScheme),
        };
        Ok(CardNumber { digits, scheme })
    }

    /// `8600 **** **** 6311`: what receipts and logs may show.
    /// The sixteen digits, for the processor alone (never stored, never logged).
    pub fn digits(&self) -> &str {
        &self.digits
    }

    pub fn masked(&self) -> String {
        format!("{} **** **** {}", &self.digits[..4], &self.digits[12..])
    }
}

impl std::fmt::Debug for CardNumber {
    /// Never the full number, not even in a debug print.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber({})", self.masked())
    }
}

fn luhn(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let twice = d * 2;
                if twice > 9 { twice - 9 } else { twice }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A card's expiry, `MM/YY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub month: u32,
    pub year: i64,
}

impl Expiry {
    /// Reads `MM/YY` (also `MMYY` and `MM / YY`) and refuses a card whose month has ended,
    /// given today's year and month.
    pub fn parse(input: &str, today: (i64, u32)) -> Result<Expiry, CardError> {
        let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '/')).collect();
        if digits.len() != 4
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || input.chars().filter(|c| *c == '/').count() > 1
        {
            return Err(CardError::ExpiryMalformed);
        }
        let month: u32 = digits[..2].parse().map_err(|_| CardError::ExpiryMalformed)?;
        let year: i64 = 2000
            + digits[2..]
                .parse::<i64>()
                .map_err(|_| CardError::ExpiryMalformed)?;
        if !(1..=12).contains(&month) {
            return Err(CardError::ExpiryMalformed);
        }
        if (year, month) < today {
            return Err(CardError::Expired);
        }
        Ok(Expiry { month, year })
    }

    /// `MMYY`, as processors take it (`0399`).
    pub fn mmyy(self) -> String {
        format!("{:02}{:02}", self.month, self.year.rem_euclid(100))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uzcard_and_humo_numbers_pass_and_are_masked() {
        let card = CardNumber::parse("8600 0691 9540 6311").unwrap();
        assert_eq!(card.scheme, Scheme::Uzcard);
        assert_eq!(card.masked(), "8600 **** **** 6311");
        assert!(!format!("{card:?}").contains("0691"));
        assert_eq!(
            CardNumber::parse("9860-0000-0000-0000").map(|c| c.scheme),
            Ok(Scheme::Humo)
        );
    }

    #[test]
    fn wrong_numbers_are_refused_with_the_reason() {
        assert_eq!(
            CardNumber::parse("8600 0691 9540 6312"),
            Err(CardError::NumberChecksum)
        );
        assert_eq!(
            CardNumber::parse("8600 0691 9540"),
            Err(CardError::NumberMalformed)
        );
        assert_eq!(
            CardNumber::parse("8600 0691 9540 631a"),
            Err(CardError::NumberMalformed)
        );
        assert_eq!(
            CardNumber::parse("4111 1111 1111 1111"),
            Err(CardError::UnknownScheme)
        );
    }

    #[test]
    fn an_expiry_in_the_past_is_refused() {
        assert_eq!(
            Expiry::parse("03/99", (2026, 11)),
            Ok(Expiry { month: 3, year: 2099 })
        );
        assert_eq!(
            Expiry::parse("11/26", (2026, 11)).map(|e| e.month),
            Ok(11),
            "valid through its month"
        );
        assert_eq!(Expiry::parse("10/26", (2026, 11)), Err(CardError::Expired));
        assert_eq!(
            Expiry::parse("13/30", (2026, 11)),
            Err(CardError::ExpiryMalformed)
        );
        assert_eq!(Expiry::parse("1/30", (2026, 11)), Err(CardError::ExpiryMalformed));
        assert_eq!(
            Expiry::parse("ab/cd", (2026, 11)),
            Err(CardError::ExpiryMalformed)
        );
    }
}
