//! Systemic problems (issue 15, point 3): for a quarter and a place, where appeals come from
//! by topic (a heat table), the topics that grow against the quarter before, and clusters of
//! appeals on one topic from one mahalla; and the problems a working group has taken up, with
//! its plan and how it was closed.

use crate::geo::Names;
use crate::report::{Quarter, ReportScope};
use serde::{Deserialize, Serialize};

/// The least number of appeals on one topic from one mahalla in a quarter that make a
/// cluster, or of repeat and collective ones among them.
pub const CLUSTER_APPEALS: i64 = 3;
pub const CLUSTER_REPEATED: i64 = 2;

/// The quarter's picture of a place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problems {
    pub scope: ReportScope,
    pub name: Names,
    pub quarter: Quarter,
    /// The heat table's rows: the places below the scope the appeals came from (regions of
    /// the country, districts of a region or of a body's appeals, mahallas of a district).
    pub places: Vec<(String, Names)>,
    /// Its columns: the topics.
    pub topics: Vec<(String, Names)>,
    /// `heat[place][topic]`: appeals registered in the quarter.
    pub heat: Vec<Vec<i64>>,
    /// Every topic's appeals this quarter and the one before, the most grown first.
    pub growth: Vec<Growth>,
    pub clusters: Vec<Cluster>,
    /// The problems taken up for this place, open first.
    pub taken: Vec<SystemicProblem>,
    /// Whether the reader may take one up (a head of the body, the People's Reception of the
    /// region, an administrator).
    pub can_take: bool,
}

impl Problems {
    /// The largest count in the heat table (for its shading).
    pub fn hottest(&self) -> i64 {
        self.heat.iter().flatten().copied().max().unwrap_or(0)
    }

    pub fn topic_name(&self, code: &str) -> Option<&Names> {
        self.topics.iter().find(|(c, _)| c == code).map(|(_, n)| n)
    }
}

/// A heat table cell's shade, 0 (none) to 5 (the hottest), relative to the hottest cell.
pub fn shade(count: i64, hottest: i64) -> i64 {
    if count <= 0 || hottest <= 0 {
        0
    } else {
        (count * 5 + hottest - 1) / hottest
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Growth {
    pub topic: String,
    pub now: i64,
    pub before: i64,
}

impl Growth {
    /// The change in percent of the quarter before; `None` when there was nothing before.
    pub fn percent(&self) -> Option<i64> {
        (self.before > 0).then(|| (self.now - self.before) * 100 / self.before)
    }

    pub fn grows(&self) -> bool {
        self.now > self.before
    }
}

/// Appeals on one topic from one mahalla in the quarter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub mahalla: String,
    pub mahalla_name: Names,
    pub district_name: Names,
    pub topic: String,
    pub appeals: i64,
    pub repeats: i64,
    pub collective: i64,
    /// Some of them: id, number, subject.
    pub examples: Vec<(i64, String, String)>,
}

crate::words! {
    pub enum ProblemStatus {
        /// Taken up, its plan being written or carried out.
        Open = "open",
        Closed = "closed",
    }
}

/// A problem a working group took up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemicProblem {
    pub id: i64,
    pub scope: ReportScope,
    pub scope_name: Names,
    pub quarter: Quarter,
    pub topic: String,
    pub topic_name: Names,
    pub mahalla: Option<(String, Names)>,
    pub title: String,
    pub leader_name: String,
    pub members: String,
    pub plan: Option<String>,
    pub status: ProblemStatus,
    pub result: Option<String>,
    pub taken_at: i64,
    pub closed_at: Option<i64>,
    /// The appeals behind it: on its topic (from its mahalla), in its place, newest first.
    pub appeals: Vec<(i64, String, String)>,
    /// Whether the reader leads it (or may: a head of its place, an administrator).
    pub can_edit: bool,
}

crate::words! {
    /// Why a problem was refused.
    pub enum ProblemProblem {
        Scope = "scope",
        Period = "period",
        Future = "future",
        Topic = "topic",
        Mahalla = "mahalla",
        Title = "title",
        Plan = "plan",
        NoPlan = "no_plan",
        Result = "result",
        Closed = "closed",
        NotFound = "not_found",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_run_from_none_to_the_hottest() {
        assert_eq!(shade(0, 10), 0);
        assert_eq!(shade(1, 10), 1);
        assert_eq!(shade(2, 10), 1);
        assert_eq!(shade(3, 10), 2);
        assert_eq!(shade(10, 10), 5);
        assert_eq!(shade(5, 0), 0);
    }

    #[test]
    fn growth_is_counted_against_the_quarter_before() {
        let g = Growth {
            topic: "housing".into(),
            now: 6,
            before: 4,
        };
        assert_eq!((g.percent(), g.grows()), (Some(50), true));
        let new = Growth { before: 0, ..g };
        assert_eq!((new.percent(), new.grows()), (None, true));
    }
}
