//! Appeals as the resident's pages show them.

use crate::geo::Names;
use serde::{Deserialize, Serialize};

/// A body the filing form offers, with its depth in the tree for indentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyChoice {
    pub id: i64,
    pub parent: Option<i64>,
    /// ministry, regional, district or institution.
    pub kind: String,
    /// The region and district it serves, if it serves one.
    pub region: Option<String>,
    pub district: Option<String>,
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
    /// The resident's answered appeals a complaint can be about: id, number and subject.
    pub earlier: Vec<(i64, String)>,
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
    pub id: i64,
    pub kind: String,
    pub detail: String,
    pub due_day: Option<String>,
    pub body: Option<Names>,
    pub at: i64,
    /// Files attached to this step (an answer's).
    pub attachments: Vec<Attachment>,
    /// Who took the step (officers' view only: name, or the phone masked).
    pub actor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealView {
    pub summary: AppealSummary,
    pub kind: String,
    pub text: String,
    pub resolution: Option<String>,
    pub events: Vec<AppealEvent>,
    /// Files the resident attached when filing.
    pub attachments: Vec<Attachment>,
    pub collective: bool,
    pub cosigners: Vec<Cosigner>,
    /// The number of the earlier appeal this one repeats, if it does.
    pub repeat_of: Option<String>,
    pub answer: Option<LastAnswer>,
    /// The newest event shown; the live stream starts after it.
    pub last_event: i64,
}

/// A file attached to an appeal or to an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub bytes: i64,
}

/// A co-signer of a collective appeal (the phone masked) and whether they confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cosigner {
    pub phone: String,
    pub confirmed: bool,
}

/// A recorded consent or refusal to close a collective appeal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub person: String,
    pub role: String,
    pub consent: bool,
    pub at: i64,
}

/// The resident's rating of an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub score: i16,
    pub comment: String,
    pub at: i64,
}

/// The last answer (or resolution) and what the resident may still do about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastAnswer {
    pub event_id: i64,
    pub at: i64,
    /// Not yet returned to control, and within 30 days.
    pub returnable: bool,
    pub returned: bool,
    pub rating: Option<Rating>,
}

/// The resident's appeals and the newest event id they include (the live stream starts after).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppealList {
    pub items: Vec<AppealSummary>,
    pub last_event: i64,
}

/// One line of the officer's desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskItem {
    pub id: i64,
    pub number: String,
    pub body: Names,
    pub kind: String,
    pub subject: String,
    pub category: Option<String>,
    pub status: String,
    pub due_day: String,
    pub due_at: i64,
    pub overdue: bool,
    pub assigned: bool,
    pub repeat: bool,
    pub collective: bool,
}

/// One appeal as an officer handling it sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskCase {
    pub view: AppealView,
    pub body_id: i64,
    /// The resident's phone, masked.
    pub resident: String,
    pub assigned_to: Option<i64>,
    pub extended: bool,
    /// The last day it may still be forwarded, if that day has not passed.
    pub forward_until: Option<String>,
    /// Who it can be assigned to.
    pub staff: Vec<(i64, String)>,
    /// Where it can be forwarded.
    pub bodies: Vec<BodyChoice>,
    pub consents: Vec<Consent>,
    pub ratings: Vec<Rating>,
}

/// A page of the officer's desk, the bodies it can be narrowed to, and where the next page
/// starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskPage {
    pub items: Vec<DeskItem>,
    pub bodies: Vec<BodyChoice>,
    pub next: Option<(i64, i64)>,
}

/// A day of the working-day calendar that differs from the five-day week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: String,
    /// `off` or `working`.
    pub kind: String,
    pub name: String,
}
