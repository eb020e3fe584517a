//! Appeals as the resident's pages show them.

use crate::calendar::Term;
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

/// How an appeal is sorted on arrival; the term follows (docs/research/appeals.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Category {
    Urgent,
    Ordinary,
    Consultation,
}

impl Category {
    pub fn code(self) -> &'static str {
        match self {
            Category::Urgent => "urgent",
            Category::Ordinary => "ordinary",
            Category::Consultation => "consultation",
        }
    }
    pub fn parse(code: &str) -> Option<Category> {
        match code {
            "urgent" => Some(Category::Urgent),
            "ordinary" => Some(Category::Ordinary),
            "consultation" => Some(Category::Consultation),
            _ => None,
        }
    }
    /// Urgent: 3 working days; ordinary and consultation: 15 calendar days.
    pub fn term(self) -> Term {
        match self {
            Category::Urgent => Term::WorkingDays(3),
            Category::Ordinary | Category::Consultation => Term::CalendarDays(15),
        }
    }
}

/// How an appeal ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolution {
    Satisfied,
    Explained,
    Rejected,
}

impl Resolution {
    pub fn code(self) -> &'static str {
        match self {
            Resolution::Satisfied => "satisfied",
            Resolution::Explained => "explained",
            Resolution::Rejected => "rejected",
        }
    }
}

/// Who gives consent to close a collective appeal: a representative of the co-signers, or a
/// member of the mahalla seven (mahalla yettiligi).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentRole {
    Representative,
    MahallaChair,
    HokimAssistant,
    YouthLeader,
    WomensActivist,
    PreventionInspector,
    TaxInspector,
    SocialWorker,
}

impl ConsentRole {
    pub const ALL: [ConsentRole; 8] = [
        ConsentRole::Representative,
        ConsentRole::MahallaChair,
        ConsentRole::HokimAssistant,
        ConsentRole::YouthLeader,
        ConsentRole::WomensActivist,
        ConsentRole::PreventionInspector,
        ConsentRole::TaxInspector,
        ConsentRole::SocialWorker,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ConsentRole::Representative => "representative",
            ConsentRole::MahallaChair => "mahalla_chair",
            ConsentRole::HokimAssistant => "hokim_assistant",
            ConsentRole::YouthLeader => "youth_leader",
            ConsentRole::WomensActivist => "womens_activist",
            ConsentRole::PreventionInspector => "prevention_inspector",
            ConsentRole::TaxInspector => "tax_inspector",
            ConsentRole::SocialWorker => "social_worker",
        }
    }
    pub fn parse(code: &str) -> Option<ConsentRole> {
        ConsentRole::ALL.into_iter().find(|r| r.code() == code)
    }
    pub fn of_mahalla_seven(self) -> bool {
        self != ConsentRole::Representative
    }
}

/// What is missing before a collective appeal may close.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsentGap {
    /// No representative of the co-signers has consented.
    Representative,
    /// No member of the mahalla seven has consented.
    MahallaSeven,
    /// Someone refused (their last word counts).
    Refused,
}

/// Whether the recorded consent lets a collective appeal close: the last word of each named
/// person counts; at least one representative and one of the mahalla seven consent, and
/// nobody refuses.
pub fn consent_gap(records: &[(String, ConsentRole, bool)]) -> Option<ConsentGap> {
    let mut last: Vec<(&str, ConsentRole, bool)> = Vec::new();
    for (person, role, consent) in records {
        let key = person.trim();
        match last
            .iter_mut()
            .find(|(p, r, _)| p.eq_ignore_ascii_case(key) && r == role)
        {
            Some(entry) => entry.2 = *consent,
            None => last.push((key, *role, *consent)),
        }
    }
    if last.iter().any(|(_, _, c)| !c) {
        Some(ConsentGap::Refused)
    } else if !last.iter().any(|(_, r, _)| !r.of_mahalla_seven()) {
        Some(ConsentGap::Representative)
    } else if !last.iter().any(|(_, r, _)| r.of_mahalla_seven()) {
        Some(ConsentGap::MahallaSeven)
    } else {
        None
    }
}
