//! Regions (viloyat), districts and cities (tuman, shahar) and mahallas of Uzbekistan.

use crate::Locale;
use serde::{Deserialize, Serialize};

/// A place name in each of the app's languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Names {
    pub uz: String,
    pub uz_cyrl: String,
    pub ru: String,
}

impl Names {
    pub fn get(&self, locale: Locale) -> &str {
        match locale {
            Locale::Uz => &self.uz,
            Locale::UzCyrl => &self.uz_cyrl,
            Locale::Ru => &self.ru,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// The 4-digit SOATO code.
    pub soato: String,
    pub names: Names,
    pub district_count: i64,
    pub mahalla_count: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DistrictKind {
    /// A tuman.
    District,
    /// A city of regional subordination (shahar).
    City,
}

impl DistrictKind {
    pub fn code(self) -> &'static str {
        match self {
            DistrictKind::District => "district",
            DistrictKind::City => "city",
        }
    }

    pub fn from_code(code: &str) -> Option<DistrictKind> {
        match code {
            "district" => Some(DistrictKind::District),
            "city" => Some(DistrictKind::City),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct District {
    /// The 7-digit SOATO code (10 digits for the two tumans inside Namangan city).
    pub soato: String,
    pub region_soato: String,
    pub kind: DistrictKind,
    pub names: Names,
    pub mahalla_count: i64,
}

/// Folds the apostrophe look-alikes people type for the Uzbek oʻ/gʻ mark and the tutuq
/// belgisi into one, and lowercases, so that searches match however the name was typed.
pub fn fold_for_search(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\'' | '‘' | '’' | '`' | 'ʻ' | 'ʼ' => '\'',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_apostrophe_variant_folds_to_one() {
        assert_eq!(
            fold_for_search("Oʻrta Chirchiq"),
            fold_for_search("O'rta chirchiq")
        );
        assert_eq!(fold_for_search("G‘ALLAOROL"), fold_for_search("gʻallaorol"));
        assert_eq!(fold_for_search("Ellikqalʼa"), "ellikqal'a");
    }

    #[test]
    fn names_pick_the_locale() {
        let n = Names {
            uz: "a".into(),
            uz_cyrl: "б".into(),
            ru: "в".into(),
        };
        assert_eq!(n.get(Locale::Uz), "a");
        assert_eq!(n.get(Locale::UzCyrl), "б");
        assert_eq!(n.get(Locale::Ru), "в");
    }

    #[test]
    fn district_kinds_round_trip() {
        for k in [DistrictKind::District, DistrictKind::City] {
            assert_eq!(DistrictKind::from_code(k.code()), Some(k));
        }
        assert_eq!(DistrictKind::from_code("village"), None);
    }
}
