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
        assert_eq!(AccountNumber::parse(" 1234 5678-90 ").unwrap().as_str(), "1234567890");
        assert_eq!(AccountNumber::parse("123456").unwrap().as_str(), "123456");
    }

    #[test]
    fn account_numbers_of_the_wrong_shape_are_refused() {
        assert_eq!(AccountNumber::parse(""), Err(AccountNumberError::Empty));
        assert_eq!(AccountNumber::parse("12345"), Err(AccountNumberError::WrongLength));
        assert_eq!(AccountNumber::parse("123456789012345"), Err(AccountNumberError::WrongLength));
        assert_eq!(AccountNumber::parse("12345a7"), Err(AccountNumberError::NotDigits));
        assert_eq!(AccountNumber::parse("1234567;DROP"), Err(AccountNumberError::NotDigits));
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
