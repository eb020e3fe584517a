//! The communal-utility services a resident can hold an account with.

use serde::{Deserialize, Serialize};

/// A utility service type. The code is what the database and URLs store.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ServiceType {
    Electricity,
    NaturalGas,
    ColdWater,
    HotWater,
    Heating,
    WasteCollection,
}

impl ServiceType {
    pub const ALL: [ServiceType; 6] = [
        ServiceType::Electricity,
        ServiceType::NaturalGas,
        ServiceType::ColdWater,
        ServiceType::HotWater,
        ServiceType::Heating,
        ServiceType::WasteCollection,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ServiceType::Electricity => "electricity",
            ServiceType::NaturalGas => "gas",
            ServiceType::ColdWater => "cold_water",
            ServiceType::HotWater => "hot_water",
            ServiceType::Heating => "heating",
            ServiceType::WasteCollection => "waste",
        }
    }

    pub fn from_code(code: &str) -> Option<ServiceType> {
        ServiceType::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The unit a meter of this service counts in, or `None` where there is no meter
    /// (waste collection is charged per resident).
    pub fn meter_unit(self) -> Option<&'static str> {
        match self {
            ServiceType::Electricity => Some("kWh"),
            ServiceType::NaturalGas | ServiceType::ColdWater | ServiceType::HotWater => Some("m³"),
            ServiceType::Heating => Some("Gcal"),
            ServiceType::WasteCollection => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for s in ServiceType::ALL {
            assert_eq!(ServiceType::from_code(s.code()), Some(s));
        }
        let mut codes: Vec<_> = ServiceType::ALL.iter().map(|s| s.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 6);
    }

    #[test]
    fn waste_collection_has_no_meter() {
        assert_eq!(ServiceType::WasteCollection.meter_unit(), None);
        assert_eq!(ServiceType::Electricity.meter_unit(), Some("kWh"));
    }
}

/// A service type as the database describes it, for lists and pickers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceTypeInfo {
    pub code: String,
    pub meter_unit: Option<String>,
    pub names: crate::geo::Names,
}
