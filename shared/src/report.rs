//! Reports on appeals (issue 15): a quarter of a body (with the bodies below it), a district,
//! a region or the country, each figure beside the quarter before. The quarter and the scope
//! cross to the browser as words (`2026-Q4`, `body:4`, `region:1726`); the figures as codes
//! the page names.

use serde::{Deserialize, Serialize};

/// A calendar quarter, Tashkent time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u32,
}

impl Quarter {
    /// `2026-Q4`.
    pub fn parse(text: &str) -> Option<Quarter> {
        let (year, q) = text.trim().split_once("-Q")?;
        let year: i32 = year.parse().ok()?;
        let q: u32 = q.parse().ok()?;
        ((1..=4).contains(&q) && (2000..=2999).contains(&year)).then_some(Quarter { year, q })
    }

    /// The quarter an instant falls in.
    pub fn of(ms: i64) -> Quarter {
        let (year, month, ..) = crate::time::tashkent(ms);
        Quarter {
            year: year as i32,
            q: (month - 1) / 3 + 1,
        }
    }

    pub fn previous(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The first millisecond of the quarter (UTC ms), and the first of the next.
    pub fn bounds(self) -> (i64, i64) {
        let start = |year: i32, month: u32| {
            let day = crate::calendar::parse_day(&format!("{year:04}-{month:02}-01")).unwrap_or_default();
            crate::calendar::start_of(day)
        };
        let first = start(self.year, (self.q - 1) * 3 + 1);
        let next = if self.q == 4 {
            start(self.year + 1, 1)
        } else {
            start(self.year, self.q * 3 + 1)
        };
        (first, next)
    }
}

impl std::fmt::Display for Quarter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-Q{}", self.year, self.q)
    }
}

/// Where a report looks: a body and the bodies below it, a district, a region, the country.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportScope {
    Body(i64),
    District(String),
    Region(String),
    Country,
}

impl ReportScope {
    /// `body:4`, `district:1726266`, `region:1726`, `country`.
    pub fn parse(text: &str) -> Option<ReportScope> {
        let text = text.trim();
        if text == "country" {
            return Some(ReportScope::Country);
        }
        let (kind, value) = text.split_once(':')?;
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        match kind {
            "body" => value.parse().ok().map(ReportScope::Body),
            "district" if digits && value.len() == 7 => Some(ReportScope::District(value.into())),
            "region" if digits && value.len() == 4 => Some(ReportScope::Region(value.into())),
            _ => None,
        }
    }

    pub fn code(&self) -> String {
        match self {
            ReportScope::Body(id) => format!("body:{id}"),
            ReportScope::District(d) => format!("district:{d}"),
            ReportScope::Region(r) => format!("region:{r}"),
            ReportScope::Country => "country".into(),
        }
    }
}

crate::words! {
    /// A group of figures in a report.
    pub enum Section {
        Received = "received",
        Channel = "channel",
        Kind = "kind",
        Category = "category",
        Topic = "topic",
        Resolved = "resolved",
        Terms = "terms",
        Control = "control",
        Scores = "scores",
    }
}

crate::words! {
    /// Why a report was refused.
    pub enum ReportProblem {
        Period = "period",
        Future = "future",
        Scope = "scope",
        Figure = "figure",
        Unavailable = "unavailable",
    }
}

/// One figure: what it counts (a code the page names: a channel, a kind, `total`, …), this
/// quarter's value and the quarter before's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    pub code: String,
    pub now: i64,
    pub before: i64,
}

/// A quarter's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub scope: ReportScope,
    /// The scope's name.
    pub name: crate::geo::Names,
    pub quarter: Quarter,
    pub sections: Vec<(Section, Vec<Figure>)>,
    /// Topics' names by code (the topic section's codes).
    pub topics: Vec<(String, crate::geo::Names)>,
    /// For a head reading their body's report: each officer's figures (codes in
    /// `OFFICER_FIGURES`), by name.
    pub officers: Vec<(String, Vec<Figure>)>,
}

/// An officer's figures: appeals they closed in the quarter; the terms that ended in it of
/// appeals they answered first (or, unanswered, are assigned to), kept, late or passed;
/// residents' scores of their answers (how many, the average in tenths).
pub const OFFICER_FIGURES: [&str; 6] = ["closed", "on_time", "late", "overdue", "scores", "average"];

impl Report {
    pub fn section(&self, section: Section) -> &[Figure] {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .map(|(_, f)| f.as_slice())
            .unwrap_or_default()
    }

    /// One figure's value now, by section and code (0 when absent).
    pub fn value(&self, section: Section, code: &str) -> i64 {
        self.section(section)
            .iter()
            .find(|f| f.code == code)
            .map(|f| f.now)
            .unwrap_or(0)
    }
}

/// The appeals behind a figure of a report: how many, and the newest of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureAppeals {
    pub scope: ReportScope,
    pub name: crate::geo::Names,
    pub quarter: Quarter,
    pub section: Section,
    pub code: String,
    pub total: i64,
    pub appeals: Vec<crate::appeal::AppealSummary>,
    /// Topics' names by code (to name a topic's figure).
    pub topics: Vec<(String, crate::geo::Names)>,
}

/// What the report page offers the person: the scopes they may read, and the quarters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportChoices {
    pub scopes: Vec<(String, crate::geo::Names)>,
    pub quarters: Vec<String>,
}

/// A report heard: when, who took part, and the decisions taken (issue 15, point 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hearing {
    pub id: i64,
    pub scope: ReportScope,
    pub quarter: Quarter,
    /// `YYYY-MM-DD`, Tashkent.
    pub held_day: String,
    pub participants: String,
    pub decisions: Vec<Decision>,
}

/// A decision taken at a hearing, followed up like an appeal: an owner, a due day, a
/// reminder the day before, done with what was done.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub id: i64,
    pub hearing: i64,
    /// What the report it was taken at was of, and its quarter (for the owner's list).
    pub scope_name: crate::geo::Names,
    pub quarter: Quarter,
    pub text: String,
    pub owner_name: String,
    /// `YYYY-MM-DD`, Tashkent.
    pub due_day: String,
    pub status: DecisionStatus,
    pub done_note: Option<String>,
    /// Whether the reader may mark it done (its owner, whoever may record the hearing).
    pub can_close: bool,
}

crate::words! {
    pub enum DecisionStatus {
        Open = "open",
        Overdue = "overdue",
        Done = "done",
        DoneLate = "done_late",
    }
}

/// A report's hearing as its page shows it: the hearing if recorded, and whether the reader
/// may record it or add decisions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingView {
    pub hearing: Option<Hearing>,
    pub can_record: bool,
}

/// One quarter's proposals of a body to the Cabinet of Ministers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: i64,
    pub body: i64,
    pub body_name: crate::geo::Names,
    pub quarter: Quarter,
    /// `YYYY-MM-DD`, Tashkent: the quarter's last day.
    pub due_day: String,
    pub status: DecisionStatus,
    pub text: Option<String>,
    /// When they were sent (UTC ms).
    pub submitted_at: Option<i64>,
    pub can_submit: bool,
}

crate::words! {
    /// Why a hearing, a decision or a proposal was refused.
    pub enum HearingProblem {
        Scope = "scope",
        Period = "period",
        Future = "future",
        Day = "day",
        Participants = "participants",
        Recorded = "recorded",
        NotRecorded = "not_recorded",
        Text = "text",
        Owner = "owner",
        Phone = "phone",
        Due = "due",
        Note = "note",
        Closed = "closed",
        NotFound = "not_found",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_read_and_follow_each_other() {
        let q = Quarter::parse("2026-Q1").unwrap();
        assert_eq!(q.previous().to_string(), "2025-Q4");
        assert_eq!(
            Quarter::parse("2026-Q4").unwrap().previous().to_string(),
            "2026-Q3"
        );
        for bad in ["2026-Q5", "2026-Q0", "26-Q1", "2026Q1", "", "x-Q1"] {
            assert_eq!(Quarter::parse(bad), None, "{bad}");
        }
        let (start, end) = Quarter::parse("2026-Q2").unwrap().bounds();
        assert_eq!(crate::time::format_iso_date(start), "2026-04-01");
        assert_eq!(crate::time::format_iso_date(end - 1), "2026-06-30");
        assert_eq!(Quarter::of(start), Quarter::parse("2026-Q2").unwrap());
        assert_eq!(Quarter::of(start - 1), Quarter::parse("2026-Q1").unwrap());
        let (start, end) = Quarter::parse("2026-Q4").unwrap().bounds();
        assert_eq!(crate::time::format_iso_date(end), "2027-01-01");
        assert_eq!(end - start, 92 * 86_400_000);
    }

    #[test]
    fn scopes_read_back() {
        for text in ["body:4", "district:1726266", "region:1726", "country"] {
            assert_eq!(ReportScope::parse(text).unwrap().code(), text);
        }
        for bad in ["body:x", "district:12", "region:17a6", "town:1", ""] {
            assert_eq!(ReportScope::parse(bad), None, "{bad}");
        }
    }
}
