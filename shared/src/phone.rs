//! Uzbek mobile phone numbers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A mobile number of Uzbekistan, kept as its nine national digits (`901234567`).
/// Only [`Phone::parse`] makes one, so every `Phone` is valid.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

/// Why a typed number is not an Uzbek mobile number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PhoneError {
    /// Nothing typed.
    Empty,
    /// Letters or symbols that are not part of any way of writing a number.
    InvalidCharacters,
    /// Not +998 and nine digits.
    WrongLength,
    /// Nine digits, but not a mobile operator's code (a landline, or a typo).
    NotMobile,
}

/// Mobile network codes in use in Uzbekistan (the two digits after +998).
const MOBILE_CODES: [&str; 14] = [
    "20", "33", "50", "55", "77", "88", "90", "91", "93", "94", "95", "97", "98", "99",
];

impl Phone {
    /// Accepts every common way of writing a number — `+998 90 123-45-67`, `998901234567`,
    /// `(90) 123 45 67`, `90 123 45 67`, `+998(90)1234567` — that is, a leading `+`, digits,
    /// and spaces, dashes, dots or parentheses between them.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(12);
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' | '\u{a0}' => {}
                _ => return Err(PhoneError::InvalidCharacters),
            }
        }
        let national = match digits.len() {
            12 if digits.starts_with("998") => &digits[3..],
            9 => &digits[..],
            _ => return Err(PhoneError::WrongLength),
        };
        if !MOBILE_CODES.contains(&&national[..2]) {
            return Err(PhoneError::NotMobile);
        }
        Ok(Phone(national.to_string()))
    }

    /// `+998901234567`: the form stored and sent to SMS gateways.
    pub fn e164(&self) -> String {
        format!("+998{}", self.0)
    }

    /// `998901234567`: digits only, as Eskiz and the payment providers want it.
    pub fn digits(&self) -> String {
        format!("998{}", self.0)
    }

    /// `+998 90 *** ** 67`: enough to recognise one's own number, not to read someone's.
    pub fn masked(&self) -> String {
        format!("+998 {} *** ** {}", &self.0[..2], &self.0[7..])
    }
}

impl fmt::Display for Phone {
    /// `+998 90 123 45 67`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "+998 {} {} {} {}", &d[..2], &d[2..5], &d[5..7], &d[7..])
    }
}

impl TryFrom<String> for Phone {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Phone::parse(&value).map_err(|e| format!("{e:?}"))
    }
}

impl From<Phone> for String {
    fn from(phone: Phone) -> String {
        phone.e164()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_common_spelling_normalizes_to_one_number() {
        for input in [
            "+998901234567",
            "998901234567",
            "+998 90 123 45 67",
            "+998 (90) 123-45-67",
            "90 123 45 67",
            "901234567",
            " (90) 123.45.67 ",
            "+998\u{a0}90\u{a0}1234567",
        ] {
            assert_eq!(
                Phone::parse(input).map(|p| p.e164()),
                Ok("+998901234567".into()),
                "{input}"
            );
        }
    }

    #[test]
    fn malformed_numbers_are_refused_with_the_reason() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("   "), Err(PhoneError::Empty));
        assert_eq!(
            Phone::parse("+998 90 123 45 6a"),
            Err(PhoneError::InvalidCharacters)
        );
        assert_eq!(Phone::parse("90+1234567"), Err(PhoneError::InvalidCharacters));
        assert_eq!(Phone::parse("+998 90 123 45 6"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("+7 901 234 56 78"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("+997901234567"), Err(PhoneError::WrongLength));
        assert_eq!(
            Phone::parse("+998 71 123 45 67"),
            Err(PhoneError::NotMobile),
            "a Tashkent landline"
        );
    }

    #[test]
    fn numbers_print_grouped_and_masked() {
        let p = Phone::parse("998931112233").unwrap();
        assert_eq!(p.to_string(), "+998 93 111 22 33");
        assert_eq!(p.masked(), "+998 93 *** ** 33");
        assert_eq!(p.digits(), "998931112233");
    }

    #[test]
    fn serde_goes_through_parse() {
        let p: Phone = serde_json::from_str("\"+998 90 123 45 67\"").unwrap();
        assert_eq!(p.e164(), "+998901234567");
        assert!(serde_json::from_str::<Phone>("\"12345\"").is_err());
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+998901234567\"");
    }
}
