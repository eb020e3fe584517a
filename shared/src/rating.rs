//! The six-monthly rating of bodies (issue 15, seed 004): five criteria counted against the
//! body responsible at the time, a score, and a green, yellow or red grade whose thresholds
//! an administrator sets. The arithmetic is here, in one place, so that the server computes
//! it, the page explains it and the tests check it against figures worked out by hand.
//!
//! Every value is in tenths of a percent (per mille, 1000 = 100 %), integers throughout.

use serde::{Deserialize, Serialize};

/// A half-year, Tashkent time: January–June (1) or July–December (2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct HalfYear {
    pub year: i32,
    /// 1 or 2.
    pub h: u32,
}

impl HalfYear {
    /// `2026-H1`.
    pub fn parse(text: &str) -> Option<HalfYear> {
        let (year, h) = text.trim().split_once("-H")?;
        let year: i32 = year.parse().ok()?;
        let h: u32 = h.parse().ok()?;
        ((1..=2).contains(&h) && (2000..=2999).contains(&year)).then_some(HalfYear { year, h })
    }

    /// The half-year an instant falls in.
    pub fn of(ms: i64) -> HalfYear {
        let (year, month, ..) = crate::time::tashkent(ms);
        HalfYear {
            year: year as i32,
            h: if month <= 6 { 1 } else { 2 },
        }
    }

    pub fn previous(self) -> HalfYear {
        if self.h == 1 {
            HalfYear {
                year: self.year - 1,
                h: 2,
            }
        } else {
            HalfYear {
                year: self.year,
                h: 1,
            }
        }
    }

    pub fn next(self) -> HalfYear {
        if self.h == 2 {
            HalfYear {
                year: self.year + 1,
                h: 1,
            }
        } else {
            HalfYear {
                year: self.year,
                h: 2,
            }
        }
    }

    /// Its first and last month, `YYYY-MM` (how the counts are kept).
    pub fn months(self) -> (String, String) {
        let first = (self.h - 1) * 6 + 1;
        (
            format!("{:04}-{:02}", self.year, first),
            format!("{:04}-{:02}", self.year, first + 5),
        )
    }

    /// The first millisecond of the half-year (UTC ms) and the first of the next.
    pub fn bounds(self) -> (i64, i64) {
        let start = |half: HalfYear| {
            let (first, _) = half.months();
            let day = crate::calendar::parse_day(&format!("{first}-01")).unwrap_or_default();
            crate::calendar::start_of(day)
        };
        (start(self), start(self.next()))
    }
}

impl std::fmt::Display for HalfYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-H{}", self.year, self.h)
    }
}

/// The Tashkent month of an instant, `YYYY-MM`.
pub fn month_of(ms: i64) -> String {
    let (year, month, ..) = crate::time::tashkent(ms);
    format!("{year:04}-{month:02}")
}

crate::words! {
    /// What an appeal's step counts for in the rating, and against which body (the one
    /// responsible at that moment).
    pub enum Mark {
        /// Registered with the body (its first body).
        Received = "received",
        /// Closed by the body, whatever the outcome.
        Closed = "closed",
        /// Closed by the body as satisfied.
        Satisfied = "satisfied",
        /// The first answer given within its term.
        Kept = "kept",
        /// The first answer given after its term, or a term the body let pass (the appeal
        /// went up to the body above: it counts against the body that let it pass).
        Late = "late",
        /// An answer of the body returned to control by the resident or sent back by the
        /// People's Reception for re-execution.
        Returned = "returned",
        /// A repeat appeal registered with the body.
        Repeat = "repeat",
    }
}

crate::words! {
    /// The five criteria of the order.
    pub enum Criterion {
        /// The body's appeals among all appeals registered in the half-year.
        Share = "share",
        /// Satisfied among closed.
        Resolution = "resolution",
        /// First answers within the term among first answers and terms let pass.
        Deadline = "deadline",
        /// Answers sent back for re-execution among closed.
        Reexecution = "reexecution",
        /// Repeat appeals among the body's appeals.
        Repetition = "repetition",
    }
}

impl Criterion {
    /// Whether more is better (resolution, deadlines) or worse (the other three).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Criterion::Resolution | Criterion::Deadline)
    }
}

crate::words! {
    pub enum Grade {
        Green = "green",
        Yellow = "yellow",
        Red = "red",
    }
}

crate::words! {
    /// What an administrator sets.
    pub enum RatingSetting {
        /// The least score (per mille) graded green.
        Green = "green",
        /// The least score graded yellow; below it, red.
        Yellow = "yellow",
        /// The fewest closed appeals a body needs in the half-year to be graded at all.
        MinClosed = "min_closed",
        WeightShare = "weight_share",
        WeightResolution = "weight_resolution",
        WeightDeadline = "weight_deadline",
        WeightReexecution = "weight_reexecution",
        WeightRepetition = "weight_repetition",
    }
}

impl RatingSetting {
    /// What it may be set to.
    pub fn range(self) -> std::ops::RangeInclusive<i64> {
        match self {
            RatingSetting::Green | RatingSetting::Yellow => 1..=1000,
            RatingSetting::MinClosed => 1..=10_000,
            _ => 0..=10,
        }
    }

    /// The weight setting of a criterion.
    pub fn weight_of(criterion: Criterion) -> RatingSetting {
        match criterion {
            Criterion::Share => RatingSetting::WeightShare,
            Criterion::Resolution => RatingSetting::WeightResolution,
            Criterion::Deadline => RatingSetting::WeightDeadline,
            Criterion::Reexecution => RatingSetting::WeightReexecution,
            Criterion::Repetition => RatingSetting::WeightRepetition,
        }
    }
}

/// The rating's settings. By default a score of 80 % or more is green, 50 % or more yellow,
/// a body needs 5 closed appeals to be graded, and the four criteria of the body's own work
/// weigh alike while the share of appeals is published but weighs nothing (ADR 0015: a
/// body's share follows the people it serves more than its work).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSettings {
    pub values: Vec<(RatingSetting, i64)>,
}

impl Default for RatingSettings {
    fn default() -> Self {
        use RatingSetting as S;
        RatingSettings {
            values: vec![
                (S::Green, 800),
                (S::Yellow, 500),
                (S::MinClosed, 5),
                (S::WeightShare, 0),
                (S::WeightResolution, 1),
                (S::WeightDeadline, 1),
                (S::WeightReexecution, 1),
                (S::WeightRepetition, 1),
            ],
        }
    }
}

impl RatingSettings {
    pub fn get(&self, setting: RatingSetting) -> i64 {
        self.values
            .iter()
            .find(|(s, _)| *s == setting)
            .map(|(_, v)| *v)
            .unwrap_or_else(|| {
                RatingSettings::default()
                    .values
                    .into_iter()
                    .find(|(s, _)| *s == setting)
                    .map(|(_, v)| v)
                    .unwrap_or(0)
            })
    }

    pub fn set(&mut self, setting: RatingSetting, value: i64) {
        self.values.retain(|(s, _)| *s != setting);
        self.values.push((setting, value));
    }

    /// The grade of a score.
    pub fn grade(&self, score: i64) -> Grade {
        if score >= self.get(RatingSetting::Green) {
            Grade::Green
        } else if score >= self.get(RatingSetting::Yellow) {
            Grade::Yellow
        } else {
            Grade::Red
        }
    }
}

/// A body's counts over a half-year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub received: i64,
    pub closed: i64,
    pub satisfied: i64,
    pub kept: i64,
    pub late: i64,
    pub returned: i64,
    pub repeats: i64,
}

impl Counts {
    /// The counts' names, in the order of [`Counts::values`] (the columns of files and of the
    /// frozen tables).
    pub const NAMES: [&'static str; 7] = [
        "received",
        "closed",
        "satisfied",
        "kept",
        "late",
        "returned",
        "repeats",
    ];

    pub fn values(&self) -> [i64; 7] {
        [
            self.received,
            self.closed,
            self.satisfied,
            self.kept,
            self.late,
            self.returned,
            self.repeats,
        ]
    }

    pub fn add(&mut self, mark: Mark, n: i64) {
        let field = match mark {
            Mark::Received => &mut self.received,
            Mark::Closed => &mut self.closed,
            Mark::Satisfied => &mut self.satisfied,
            Mark::Kept => &mut self.kept,
            Mark::Late => &mut self.late,
            Mark::Returned => &mut self.returned,
            Mark::Repeat => &mut self.repeats,
        };
        *field += n;
    }

    /// A criterion's value in per mille, given every body's appeals in the half-year (`all`);
    /// `None` when there is nothing to divide by.
    pub fn value(&self, criterion: Criterion, all: i64) -> Option<i64> {
        let (part, whole) = match criterion {
            Criterion::Share => (self.received, all),
            Criterion::Resolution => (self.satisfied, self.closed),
            Criterion::Deadline => (self.kept, self.kept + self.late),
            Criterion::Reexecution => (self.returned, self.closed),
            Criterion::Repetition => (self.repeats, self.received),
        };
        per_mille(part, whole)
    }

    /// The score: the weighted mean of the criteria, each turned so that more is better
    /// (1000 − value for share, re-execution and repetition, never below 0), over the
    /// criteria that have a value and a weight. `None` (not graded) with fewer closed
    /// appeals than the settings ask, or nothing to weigh.
    pub fn score(&self, all: i64, settings: &RatingSettings) -> Option<i64> {
        if self.closed < settings.get(RatingSetting::MinClosed) {
            return None;
        }
        let (mut sum, mut weights) = (0, 0);
        for &criterion in Criterion::ALL {
            let weight = settings.get(RatingSetting::weight_of(criterion));
            let Some(value) = self.value(criterion, all) else {
                continue;
            };
            if weight == 0 {
                continue;
            }
            let good = if criterion.higher_is_better() {
                value
            } else {
                (1000 - value).max(0)
            };
            sum += good * weight;
            weights += weight;
        }
        (weights > 0).then(|| (sum + weights / 2) / weights)
    }
}

/// `part / whole` in per mille, rounded half up.
pub fn per_mille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
}

/// A body's line of the rating.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyRating {
    pub body: i64,
    pub name: crate::geo::Names,
    pub counts: Counts,
    /// Every body's appeals in the half-year (the share's whole).
    pub all: i64,
    pub score: Option<i64>,
    pub grade: Option<Grade>,
}

impl BodyRating {
    pub fn value(&self, criterion: Criterion) -> Option<i64> {
        self.counts.value(criterion, self.all)
    }
}

/// A region's public statistics of appeals for a half-year (§2(g) of the order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionFigures {
    pub soato: String,
    pub name: crate::geo::Names,
    pub counts: Counts,
}

/// The rating of a half-year: frozen when it closed (`frozen_at`), or the running one,
/// provisional.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub period: HalfYear,
    pub frozen_at: Option<i64>,
    pub settings: RatingSettings,
    /// Best first; bodies not graded last.
    pub bodies: Vec<BodyRating>,
    pub regions: Vec<RegionFigures>,
    /// Every half-year there is a rating of, newest first.
    pub periods: Vec<HalfYear>,
}

/// One body's rating over the half-years, newest first, with the settings each was graded by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyHistory {
    pub body: i64,
    pub name: crate::geo::Names,
    pub periods: Vec<(HalfYear, bool, BodyRating, RatingSettings)>,
}

crate::words! {
    /// Why a rating or its settings were refused.
    pub enum RatingProblem {
        Period = "period",
        Future = "future",
        Body = "body",
        Setting = "setting",
        Order = "order",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_years_read_and_follow_each_other() {
        let h = HalfYear::parse("2026-H1").unwrap();
        assert_eq!(h.previous().to_string(), "2025-H2");
        assert_eq!(h.next().to_string(), "2026-H2");
        assert_eq!(h.months(), ("2026-01".into(), "2026-06".into()));
        assert_eq!(h.next().months(), ("2026-07".into(), "2026-12".into()));
        for bad in ["2026-H3", "2026-H0", "26-H1", "2026H1", "", "2026-Q1"] {
            assert_eq!(HalfYear::parse(bad), None, "{bad}");
        }
        let (start, end) = h.bounds();
        assert_eq!(crate::time::format_iso_date(start), "2026-01-01");
        assert_eq!(crate::time::format_iso_date(end), "2026-07-01");
        assert_eq!(HalfYear::of(end - 1), h);
        assert_eq!(HalfYear::of(end), h.next());
        assert_eq!(month_of(end - 1), "2026-06");
    }

    #[test]
    fn the_score_weighs_the_criteria_turned_so_more_is_better() {
        let counts = Counts {
            received: 10,
            closed: 8,
            satisfied: 6,
            kept: 7,
            late: 3,
            returned: 2,
            repeats: 1,
        };
        let settings = RatingSettings::default();
        assert_eq!(counts.value(Criterion::Share, 40), Some(250));
        assert_eq!(counts.value(Criterion::Resolution, 40), Some(750));
        assert_eq!(counts.value(Criterion::Deadline, 40), Some(700));
        assert_eq!(counts.value(Criterion::Reexecution, 40), Some(250));
        assert_eq!(counts.value(Criterion::Repetition, 40), Some(100));
        // (750 + 700 + 750 + 900) / 4 = 775: yellow by default.
        assert_eq!(counts.score(40, &settings), Some(775));
        assert_eq!(settings.grade(775), Grade::Yellow);
        // Weighing the share too: (750 + 750 + 700 + 750 + 900) / 5 = 770.
        let mut weighed = settings.clone();
        weighed.set(RatingSetting::WeightShare, 1);
        assert_eq!(counts.score(40, &weighed), Some(770));
        // Too few closed to grade.
        let few = Counts { closed: 4, ..counts };
        assert_eq!(few.score(40, &settings), None);
        // Nothing to divide by leaves a criterion out.
        assert_eq!(Counts::default().value(Criterion::Deadline, 0), None);
        assert_eq!(per_mille(2, 3), Some(667));
    }
}
