//! Appeals as the resident's pages show them.

use crate::geo::Names;
use serde::{Deserialize, Serialize};

/// A body the filing form offers, with its depth in the tree for indentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyChoice {
    pub id: i64,
    pub depth: usize,
    pub name: Names,
    pub topics: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealChoices {
    pub bodies: Vec<BodyChoice>,
    pub topics: Vec<(String, Names)>,
    /// Every district and city, by region.
    pub districts: Vec<(String, Names)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealSummary {
    pub id: i64,
    pub number: String,
    pub subject: String,
    pub status: String,
    pub category: Option<String>,
    pub due_day: String,
    pub body: Names,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealEvent {
    pub kind: String,
    pub detail: String,
    pub due_day: Option<String>,
    pub body: Option<Names>,
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub summary: AppealSummary,
    pub kind: String,
    pub text: String,
    pub resolution: Option<String>,
    pub events: Vec<AppealEvent>,
}
