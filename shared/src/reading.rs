//! Meter readings: the value a resident types, the checks on it, the warnings an inspector
//! sees, the reasons for a rejection, and the charge by a tiered tariff. No I/O.

use crate::Tiyin;
use serde::{Deserialize, Serialize};

/// Why a typed value was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueError {
    Empty,
    /// Letters or other characters that are not part of a number.
    NotANumber,
    /// More digits after the decimal point than the meter shows.
    TooPrecise,
    TooLarge,
    /// Below the last confirmed reading: only an inspector can record a meter replacement.
    BelowLast,
}

impl ValueError {
    pub fn problem(self) -> ReadingProblem {
        match self {
            ValueError::Empty => ReadingProblem::ValueEmpty,
            ValueError::NotANumber => ReadingProblem::ValueNotNumber,
            ValueError::TooPrecise => ReadingProblem::ValueTooPrecise,
            ValueError::TooLarge => ReadingProblem::ValueTooLarge,
            ValueError::BelowLast => ReadingProblem::ValueBelowLast,
        }
    }
}

/// Reads a meter value typed by a person: digits, an optional decimal comma or point, and
/// spaces between groups. `decimals` is how many digits the meter shows after the point.
/// The result is in thousandths of the unit.
pub fn parse_value(text: &str, decimals: i64) -> Result<i64, ValueError> {
    let text: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if text.is_empty() {
        return Err(ValueError::Empty);
    }
    let (whole, fraction) = match text.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (text.as_str(), ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(fraction) {
        return Err(ValueError::NotANumber);
    }
    if fraction.len() as i64 > decimals.clamp(0, 3) {
        return Err(ValueError::TooPrecise);
    }
    if whole.len() > 9 {
        return Err(ValueError::TooLarge);
    }
    let whole: i64 = whole.parse().map_err(|_| ValueError::NotANumber)?;
    let mut milli = format!("{fraction:0<3}");
    milli.truncate(3);
    Ok(whole * 1000 + milli.parse::<i64>().unwrap_or(0))
}

crate::words! {
    /// Warnings shown to the inspector next to a reading: consumption more than three times
    /// the account's usual, or under a fifth of it (or none at all).
    pub enum Flag {
        High = "high",
        Low = "low",
    }
}

/// Whether a consumption is far from the usual: the mean of the account's recent
/// consumptions between confirmed readings (oldest first, at least three of them).
pub fn flags(consumption_milli: i64, history_milli: &[i64]) -> Vec<Flag> {
    if history_milli.len() < 3 {
        return Vec::new();
    }
    let usual = history_milli.iter().sum::<i64>() / history_milli.len() as i64;
    if usual <= 0 {
        return Vec::new();
    }
    if consumption_milli > usual * 3 {
        vec![Flag::High]
    } else if consumption_milli * 5 < usual {
        vec![Flag::Low]
    } else {
        Vec::new()
    }
}

crate::words! {
    /// Why an inspector rejects a reading (plus free text).
    pub enum RejectReason {
        PhotoUnreadable = "photo_unreadable",
        NotAMeter = "not_a_meter",
        WrongMeter = "wrong_meter",
        ValueMismatch = "value_mismatch",
        Other = "other",
    }
}

crate::words! {
    /// Where a reading stands.
    pub enum ReadingStatus {
        Pending = "pending",
        Confirmed = "confirmed",
        Corrected = "corrected",
        Rejected = "rejected",
    }
}

crate::words! {
    /// A step of a reading's history.
    pub enum ReadingEventKind {
        Submitted = "submitted",
        Confirmed = "confirmed",
        Corrected = "corrected",
        Rejected = "rejected",
    }
}

crate::words! {
    /// Why a reading or an inspector's decision was refused: the code in the upload's JSON
    /// answer and in the redirect's `?error=`.
    pub enum ReadingProblem {
        NotFound = "not_found",
        NoMeter = "no_meter",
        Mahalla = "mahalla",
        RetryKey = "retry_key",
        ValueEmpty = "value_empty",
        ValueNotNumber = "value_not_number",
        ValueTooPrecise = "value_too_precise",
        ValueTooLarge = "value_too_large",
        ValueBelowLast = "value_below_last",
        PhotoTooLarge = "photo_too_large",
        PhotoNotImage = "photo_not_image",
        PhotoHeic = "photo_heic",
        PhotoTooManyPixels = "photo_too_many_pixels",
        PhotoDamaged = "photo_damaged",
        PhotoMissing = "photo_missing",
        Malformed = "malformed",
        Taken = "taken",
        ReasonRequired = "reason_required",
        Action = "action",
        Unavailable = "unavailable",
    }
}

/// One tier of a price list: the price per unit for the units up to `up_to_units` of a
/// month's consumption (`None`: every unit beyond the previous tier).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub up_to_units: Option<i64>,
    pub unit_price: Tiyin,
}

/// The charge for a consumption (in thousandths of a unit) by a tiered price list, sorted by
/// bound with the unbounded tier last. Rounded to the nearest tiyin once, at the end.
pub fn charge(consumption_milli: i64, tiers: &[Tier]) -> Tiyin {
    let mut remaining = consumption_milli.max(0) as i128;
    let mut lower = 0i128;
    let mut total_milli_tiyin = 0i128;
    for tier in tiers {
        if remaining == 0 {
            break;
        }
        let width = match tier.up_to_units {
            Some(bound) => ((bound as i128) * 1000 - lower).max(0),
            None => remaining,
        };
        let used = remaining.min(width);
        total_milli_tiyin += used * tier.unit_price.get() as i128;
        remaining -= used;
        lower += used;
    }
    Tiyin::new(((total_milli_tiyin + 500) / 1000) as i64)
}

/// A tariff with its price lists (effective from, tiers), newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffInfo {
    pub code: String,
    pub service_code: String,
    pub name: crate::geo::Names,
    pub price_lists: Vec<(i64, Vec<Tier>)>,
}

/// Why a price list typed by an administrator was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TierError {
    Empty,
    /// A tier is not `bound price` (or just `price` for the last).
    Malformed,
    /// Bounds must grow, and only the last tier may be unbounded.
    Order,
}

impl TierError {
    pub fn problem(self) -> TariffProblem {
        match self {
            TierError::Empty => TariffProblem::TiersEmpty,
            TierError::Malformed => TariffProblem::TiersMalformed,
            TierError::Order => TariffProblem::TiersOrder,
        }
    }
}

/// Reads a price list written as tiers separated by `;` or new lines: `200 600; 1000` is
/// 600 soʻm a unit up to 200 units a month and 1,000 soʻm beyond; `2800` is one flat price.
pub fn parse_tiers(text: &str) -> Result<Vec<Tier>, TierError> {
    let parts: Vec<&str> = text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        return Err(TierError::Empty);
    }
    let mut tiers = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let words: Vec<&str> = part.split_whitespace().collect();
        let last = i + 1 == parts.len();
        let (bound, price) = match words.as_slice() {
            [price] => (None, *price),
            [bound, price] => (
                Some(bound.parse::<i64>().map_err(|_| TierError::Malformed)?),
                *price,
            ),
            _ => return Err(TierError::Malformed),
        };
        let price = crate::Tiyin::parse_som(price).map_err(|_| TierError::Malformed)?;
        if bound.is_none() != last {
            return Err(TierError::Order);
        }
        let previous = tiers.last().and_then(|t: &Tier| t.up_to_units);
        if let (Some(b), Some(prev)) = (bound, previous)
            && b <= prev
        {
            return Err(TierError::Order);
        }
        if bound.is_some_and(|b| b <= 0) {
            return Err(TierError::Order);
        }
        tiers.push(Tier {
            up_to_units: bound,
            unit_price: price,
        });
    }
    Ok(tiers)
}

/// Folds a name for search so that Uzbek Latin and Cyrillic spellings meet: lower case, the
/// Cyrillic letters written the Latin way, apostrophes and hyphens dropped.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let latin = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'ё' => "yo",
            'ж' => "j",
            'з' => "z",
            'и' | 'ы' => "i",
            'й' => "y",
            'к' => "k",
            'қ' => "q",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' | 'ў' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "x",
            'ҳ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' | 'щ' => "sh",
            'ю' => "yu",
            'я' => "ya",
            'ъ' | 'ь' | '\'' | 'ʻ' | 'ʼ' | '‘' | '’' | '`' | '-' => "",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(latin);
    }
    out
}

/// Whether `name` matches what was typed, in either script.
pub fn matches(name: &str, typed: &str) -> bool {
    fold(name).contains(&fold(typed))
}

/// A reading in the inspector's queue or on its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectorReading {
    pub id: i64,
    pub account_id: i64,
    pub account_number: String,
    pub service_code: String,
    pub service: crate::geo::Names,
    pub district: crate::geo::Names,
    pub mahalla: Option<crate::geo::Names>,
    pub meter_unit: Option<String>,
    pub meter_decimals: i64,
    pub value_milli: i64,
    pub previous_milli: Option<i64>,
    pub flags: Vec<Flag>,
    pub status: ReadingStatus,
    pub submitted_at: i64,
    pub has_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<InspectorReading>,
    pub next: Option<(i64, i64)>,
}

/// One step of a reading's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingEvent {
    pub kind: ReadingEventKind,
    pub actor: Option<String>,
    pub value_milli: Option<i64>,
    pub reason_code: Option<RejectReason>,
    pub reason_text: Option<String>,
    pub charge: Option<Tiyin>,
    pub at: i64,
}

/// Everything the inspector sees to decide.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadingCase {
    pub reading: InspectorReading,
    /// Earlier confirmed readings, newest first: (submitted_at, value, consumption since the one before).
    pub history: Vec<(i64, i64, Option<i64>)>,
    pub events: Vec<ReadingEvent>,
}

crate::words! {
    /// Why adding a price list was refused: the code in the tariffs page's `?error=`.
    pub enum TariffProblem {
        Date = "date",
        Tariff = "tariff",
        Past = "past",
        Exists = "exists",
        TiersEmpty = "tiers_empty",
        TiersMalformed = "tiers_malformed",
        TiersOrder = "tiers_order",
    }
}

impl ReadingProblem {
    /// The message for why a reading or a decision was refused.
    pub fn key(self) -> crate::i18n::Key {
        match self {
            ReadingProblem::NotFound => crate::i18n::Key::ReadingErrorNotFound,
            ReadingProblem::NoMeter => crate::i18n::Key::ReadingErrorNoMeter,
            ReadingProblem::Mahalla => crate::i18n::Key::ReadingErrorMahalla,
            ReadingProblem::RetryKey => crate::i18n::Key::ReadingErrorRetryKey,
            ReadingProblem::ValueEmpty => crate::i18n::Key::ReadingErrorValueEmpty,
            ReadingProblem::ValueNotNumber => crate::i18n::Key::ReadingErrorValueNotNumber,
            ReadingProblem::ValueTooPrecise => crate::i18n::Key::ReadingErrorValueTooPrecise,
            ReadingProblem::ValueTooLarge => crate::i18n::Key::ReadingErrorValueTooLarge,
            ReadingProblem::ValueBelowLast => crate::i18n::Key::ReadingErrorValueBelowLast,
            ReadingProblem::PhotoTooLarge => crate::i18n::Key::ReadingErrorPhotoTooLarge,
            ReadingProblem::PhotoNotImage => crate::i18n::Key::ReadingErrorPhotoNotImage,
            ReadingProblem::PhotoHeic => crate::i18n::Key::ReadingErrorPhotoHeic,
            ReadingProblem::PhotoTooManyPixels => crate::i18n::Key::ReadingErrorPhotoTooManyPixels,
            ReadingProblem::PhotoDamaged => crate::i18n::Key::ReadingErrorPhotoDamaged,
            ReadingProblem::PhotoMissing => crate::i18n::Key::ReadingErrorPhotoMissing,
            ReadingProblem::Malformed => crate::i18n::Key::ReadingErrorMalformed,
            ReadingProblem::Taken => crate::i18n::Key::InspectorErrorTaken,
            ReadingProblem::ReasonRequired => crate::i18n::Key::InspectorErrorReasonRequired,
            ReadingProblem::Action => crate::i18n::Key::InspectorErrorAction,
            ReadingProblem::Unavailable => crate::i18n::Key::ReadingErrorUnavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_with_the_meters_precision() {
        assert_eq!(parse_value("12345", 0), Ok(12_345_000));
        assert_eq!(parse_value(" 12 345,6 ", 1), Ok(12_345_600));
        assert_eq!(parse_value("12345.67", 2), Ok(12_345_670));
        assert_eq!(parse_value("0", 0), Ok(0));
        assert_eq!(parse_value("12345,6", 0), Err(ValueError::TooPrecise));
        assert_eq!(parse_value("12a45", 0), Err(ValueError::NotANumber));
        assert_eq!(parse_value("abc", 0), Err(ValueError::NotANumber));
        assert_eq!(parse_value("-5", 0), Err(ValueError::NotANumber));
        assert_eq!(parse_value(",5", 1), Err(ValueError::NotANumber));
        assert_eq!(parse_value("1,2,3", 3), Err(ValueError::NotANumber));
        assert_eq!(parse_value("", 0), Err(ValueError::Empty));
        assert_eq!(parse_value("1234567890", 0), Err(ValueError::TooLarge));
    }

    #[test]
    fn far_from_usual_is_flagged() {
        let usual = [100_000, 120_000, 110_000];
        assert_eq!(flags(110_000, &usual), vec![]);
        assert_eq!(flags(400_000, &usual), vec![Flag::High]);
        assert_eq!(flags(10_000, &usual), vec![Flag::Low]);
        assert_eq!(flags(400_000, &usual[..2]), vec![], "too little history");
    }

    #[test]
    fn tiers_price_each_part_of_the_consumption() {
        let tiers = [
            Tier {
                up_to_units: Some(200),
                unit_price: Tiyin::new(60_000),
            },
            Tier {
                up_to_units: None,
                unit_price: Tiyin::new(100_000),
            },
        ];
        assert_eq!(charge(150_000, &tiers), Tiyin::new(150 * 60_000));
        assert_eq!(charge(200_000, &tiers), Tiyin::new(200 * 60_000));
        assert_eq!(
            charge(250_500, &tiers),
            Tiyin::new(200 * 60_000 + 50 * 100_000 + 50_000)
        );
        assert_eq!(charge(0, &tiers), Tiyin::new(0));
        let flat = [Tier {
            up_to_units: None,
            unit_price: Tiyin::new(285),
        }];
        assert_eq!(
            charge(1_234, &flat),
            Tiyin::new(352),
            "1.234 x 285 = 351.69, rounded once"
        );
    }

    #[test]
    fn price_lists_are_read_as_tiers() {
        let tiers = parse_tiers("200 600; 1000").unwrap();
        assert_eq!(
            tiers,
            vec![
                Tier {
                    up_to_units: Some(200),
                    unit_price: Tiyin::new(60_000)
                },
                Tier {
                    up_to_units: None,
                    unit_price: Tiyin::new(100_000)
                },
            ]
        );
        assert_eq!(parse_tiers("2800,50").unwrap()[0].unit_price, Tiyin::new(280_050));
        assert_eq!(parse_tiers(" "), Err(TierError::Empty));
        assert_eq!(
            parse_tiers("200 600"),
            Err(TierError::Order),
            "the last tier is unbounded"
        );
        assert_eq!(parse_tiers("300 600; 200 800; 1000"), Err(TierError::Order));
        assert_eq!(parse_tiers("600; 1000"), Err(TierError::Order));
        assert_eq!(parse_tiers("two hundred"), Err(TierError::Malformed));
        assert_eq!(parse_tiers("200 600 7; 1000"), Err(TierError::Malformed));
    }

    #[test]
    fn latin_and_cyrillic_spellings_meet() {
        assert!(matches("Oʻzbekiston MFY", "ўзбек"));
        assert!(matches("Ўзбекистон МФЙ", "ozbek"));
        assert!(matches("Gʻalaba", "ғалаба"));
        assert!(matches("Чорсу", "chor"));
        assert!(!matches("Navoiy", "bobur"));
    }
}
