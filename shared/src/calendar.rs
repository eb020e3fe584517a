//! The working-day calendar appeals' terms are counted on: a five-day week (Saturday and
//! Sunday off) with public holidays off and days moved by decree either way. Holidays and
//! moved days are data an administrator keeps (see docs/research/appeals.md: the hayit
//! dates are announced days ahead, and each year's decree moves other days).
//!
//! Days are counted in Tashkent: day 0 is 1970-01-01 in Tashkent.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const DAY_MS: i64 = 86_400_000;
const TASHKENT_OFFSET_MS: i64 = 5 * 3_600_000;

/// The Tashkent day an instant falls on.
pub fn day_of(ms: i64) -> i64 {
    (ms + TASHKENT_OFFSET_MS).div_euclid(DAY_MS)
}

/// The first millisecond of a Tashkent day, in UTC milliseconds.
pub fn start_of(day: i64) -> i64 {
    day * DAY_MS - TASHKENT_OFFSET_MS
}

/// The last millisecond of a Tashkent day: a term "until" a day ends then.
pub fn end_of(day: i64) -> i64 {
    start_of(day + 1) - 1
}

/// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

crate::words! {
    /// What the calendar says of a day, against the usual week: a public holiday or a weekday
    /// made a rest day by decree (`Off`), or a weekend day made a working day (`Working`).
    pub enum DayKind {
        Off = "off",
        Working = "working",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Calendar {
    off: BTreeSet<i64>,
    working: BTreeSet<i64>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (i64, DayKind)>) -> Calendar {
        let mut calendar = Calendar::default();
        for (day, kind) in days {
            match kind {
                DayKind::Off => {
                    calendar.off.insert(day);
                }
                DayKind::Working => {
                    calendar.working.insert(day);
                }
            }
        }
        calendar
    }

    pub fn is_working(&self, day: i64) -> bool {
        if self.working.contains(&day) {
            return true;
        }
        weekday(day) < 5 && !self.off.contains(&day)
    }

    /// The day `n` working days after `day` (not counting `day` itself).
    pub fn add_working_days(&self, day: i64, n: u32) -> i64 {
        let mut current = day;
        let mut left = n;
        while left > 0 {
            current += 1;
            if self.is_working(current) {
                left -= 1;
            }
        }
        current
    }

    /// The first working day on or after `day`: a term that ends on a rest day runs on to it.
    pub fn next_working(&self, day: i64) -> i64 {
        let mut current = day;
        while !self.is_working(current) {
            current += 1;
        }
        current
    }

    /// The day registration counts from: today if it is a working day and the appeal came in
    /// working hours (before 18:00 Tashkent), otherwise the next working day.
    pub fn registration_day(&self, ms: i64) -> i64 {
        let day = day_of(ms);
        let hour = (ms + TASHKENT_OFFSET_MS).rem_euclid(DAY_MS) / 3_600_000;
        if self.is_working(day) && hour < 18 {
            day
        } else {
            self.add_working_days(day, 1)
        }
    }
}

/// A term: in working days, or in calendar days (moved on to a working day when it ends on a
/// rest day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    WorkingDays(u32),
    CalendarDays(u32),
}

impl Term {
    /// The last day of the term for something registered on `day`.
    pub fn due(self, calendar: &Calendar, day: i64) -> i64 {
        match self {
            Term::WorkingDays(n) => calendar.add_working_days(day, n),
            Term::CalendarDays(n) => calendar.next_working(day + i64::from(n)),
        }
    }
}

/// The Tashkent day of a `YYYY-MM-DD` date.
pub fn parse_day(text: &str) -> Option<i64> {
    crate::time::parse_tashkent_date(text).map(day_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> i64 {
        parse_day(text).unwrap()
    }

    /// 2026: Navro'z on Saturday 21 March moves to Monday 23 March (Labour Code art. 208).
    fn calendar() -> Calendar {
        Calendar::new([
            (day("2026-01-01"), DayKind::Off),
            (day("2026-03-08"), DayKind::Off),
            (day("2026-03-21"), DayKind::Off),
            (day("2026-03-23"), DayKind::Off),
            (day("2026-01-03"), DayKind::Working),
        ])
    }

    #[test]
    fn days_and_weekdays_are_tashkent_ones() {
        assert_eq!(weekday(day("2026-11-22")), 6, "a Sunday");
        assert_eq!(weekday(day("2026-11-23")), 0, "a Monday");
        // 23:30 UTC on the 22nd is already the 23rd in Tashkent.
        let ms = crate::time::parse_tashkent_date("2026-11-23").unwrap() - 3_600_000 + 30 * 60_000;
        assert_eq!(day_of(ms + 5 * 3_600_000), day("2026-11-23"));
        assert_eq!(
            start_of(day("2026-11-23")),
            crate::time::parse_tashkent_date("2026-11-23").unwrap()
        );
        assert_eq!(end_of(day("2026-11-22")) + 1, start_of(day("2026-11-23")));
    }

    #[test]
    fn weekends_holidays_and_moved_days() {
        let c = calendar();
        assert!(!c.is_working(day("2026-01-01")), "a holiday");
        assert!(c.is_working(day("2026-01-02")), "a Friday");
        assert!(
            c.is_working(day("2026-01-03")),
            "a Saturday moved to a working day"
        );
        assert!(!c.is_working(day("2026-01-04")), "a Sunday");
        assert!(!c.is_working(day("2026-03-23")), "Navro'z moved to Monday");
    }

    #[test]
    fn working_day_terms_skip_rest_days() {
        let c = calendar();
        // Registered Friday 20 March: Sat, Sun off, Mon 23 off (moved holiday): 24, 25, 26.
        assert_eq!(Term::WorkingDays(3).due(&c, day("2026-03-20")), day("2026-03-26"));
        assert_eq!(c.add_working_days(day("2026-11-20"), 1), day("2026-11-23"));
    }

    #[test]
    fn calendar_day_terms_end_on_a_working_day() {
        let c = calendar();
        // 15 days after 6 March is Saturday 21 March (a holiday too): the next working day is
        // Tuesday 24 March, because Monday 23 is the moved holiday.
        assert_eq!(
            Term::CalendarDays(15).due(&c, day("2026-03-06")),
            day("2026-03-24")
        );
        assert_eq!(
            Term::CalendarDays(15).due(&c, day("2026-11-02")),
            day("2026-11-17")
        );
    }

    #[test]
    fn after_hours_and_rest_days_register_on_the_next_working_day() {
        let c = calendar();
        let friday = start_of(day("2026-11-20"));
        assert_eq!(c.registration_day(friday + 10 * 3_600_000), day("2026-11-20"));
        assert_eq!(c.registration_day(friday + 19 * 3_600_000), day("2026-11-23"));
        assert_eq!(
            c.registration_day(start_of(day("2026-11-22")) + 3_600_000),
            day("2026-11-23")
        );
    }
}
