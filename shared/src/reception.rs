//! Receptions (qabul): a leader's personal reception days and field (sayyor) receptions in a
//! mahalla or district, their slots, and residents' bookings. Seed 004 (order No. 118) asks
//! for both to be digitized and controlled; the rules we took are in
//! docs/research/appeals.md ("Receptions").

use crate::geo::Names;
use serde::{Deserialize, Serialize};

crate::words! {
    /// A leader receiving residents at their office on set days, or going out to a mahalla
    /// or district (sayyor qabul).
    pub enum ReceptionKind {
        Personal = "personal",
        Field = "field",
    }
}

crate::words! {
    /// Why publishing a reception, or booking or cancelling a slot, was refused: the code in
    /// the redirect's `?error=`, which the page turns into its message.
    pub enum ReceptionProblem {
        // Publishing.
        Body = "body",
        Kind = "kind",
        Host = "host",
        Place = "place",
        Area = "area",
        Mahalla = "mahalla",
        When = "when",
        Past = "past",
        Slots = "slots",
        Minutes = "minutes",
        Topic = "topic",
        // Booking.
        Slot = "slot",
        Taken = "taken",
        Full = "full",
        AlreadyBooked = "already_booked",
        Closed = "closed",
        Question = "question",
        Name = "name",
        RateLimited = "rate_limited",
        // Cancelling a booking, calling a reception off.
        NoBooking = "no_booking",
        ConfirmRequired = "confirm",
        NotCalledOff = "not_called_off",
        Unavailable = "unavailable",
        // The register at the reception.
        NotBegun = "not_begun",
        Address = "address",
        Phone = "phone",
        Summary = "summary",
        Outcome = "outcome",
        Resolution = "resolution",
        Booking = "booking",
        EntryKey = "entry_key",
        // A visitor confirming the appeal filed for them.
        Code = "code",
        CodeExpired = "code_expired",
        TooManyTries = "too_many_tries",
        AlreadySigned = "already_signed",
    }
}

crate::words! {
    /// What came of an issue raised at a reception: resolved there (the protocol says how),
    /// or an appeal filed on the visitor's behalf and tracked like any other.
    pub enum VisitOutcome {
        Resolved = "resolved",
        Appeal = "appeal",
    }
}

crate::words! {
    /// How a visitor confirmed the appeal filed for them.
    pub enum Signature {
        Sms = "sms",
        Paper = "paper",
    }
}

/// Slots a reception may have, and the minutes a slot may last.
pub const SLOTS_MAX: i64 = 200;
pub const SLOT_MINUTES: std::ops::RangeInclusive<i64> = 5..=120;
/// The longest host, place and question accepted.
pub const HOST_MAX: usize = 200;
pub const PLACE_MAX: usize = 300;
pub const QUESTION_MAX: usize = 1000;
/// A visitor's name, address, and an issue's summary and resolution, at most.
pub const VISITOR_NAME_MAX: usize = 200;
pub const VISITOR_ADDRESS_MAX: usize = 300;
pub const SUMMARY_MAX: usize = 2000;
/// The register opens this long before the first slot (staff set up early).
pub const REGISTER_OPENS_BEFORE_MS: i64 = 60 * 60_000;

/// A reception as lists show it, to anyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionSummary {
    pub id: i64,
    pub kind: ReceptionKind,
    pub body_id: i64,
    pub body: Names,
    /// Who receives: the leader's name and post.
    pub host: String,
    /// Where: an address, a room.
    pub place: String,
    pub region: Names,
    pub district: Names,
    pub mahalla: Option<Names>,
    /// When the first slot starts (UTC ms), and how long each lasts.
    pub starts_at: i64,
    pub slot_minutes: i64,
    pub slots: i64,
    /// Slots not booked.
    pub free: i64,
    pub topics: Vec<Names>,
    pub cancelled: bool,
    /// When its staff marked it held (UTC ms).
    pub held_at: Option<i64>,
    /// Issues registered at it.
    pub visits: i64,
}

impl ReceptionSummary {
    /// When slot `n` (from 0) starts.
    pub fn slot_start(&self, n: i64) -> i64 {
        slot_start(self.starts_at, self.slot_minutes, n)
    }

    /// When the last slot ends.
    pub fn ends_at(&self) -> i64 {
        self.slot_start(self.slots)
    }
}

/// When slot `n` (from 0) of a reception starting at `starts_at` starts.
pub fn slot_start(starts_at: i64, slot_minutes: i64, n: i64) -> i64 {
    starts_at + n * slot_minutes * 60_000
}

/// A booking of the person looking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyBooking {
    pub slot: i64,
    pub at: i64,
    pub question: String,
}

/// One reception as its public page shows it: the free slots to choose from, and the
/// booking of the person looking, if they are signed in and booked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionView {
    pub summary: ReceptionSummary,
    /// Free slots: number and start.
    pub free_slots: Vec<(i64, i64)>,
    /// Whether it can still be booked (not cancelled, the first slot not begun).
    pub open: bool,
    pub signed_in: bool,
    pub mine: Option<MyBooking>,
    /// The name on the person's profile, to fill the booking form with.
    pub name: Option<String>,
}

/// The mahalla a resident is told of field receptions in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticesFor {
    pub mahalla: String,
    pub district: String,
    pub name: Names,
}

/// A filter of the public list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionFilter {
    pub region: Option<String>,
    pub district: Option<String>,
    pub body: Option<i64>,
}

/// What the public list's filter offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceptionChoices {
    pub regions: Vec<(String, Names)>,
    pub districts: Vec<(String, Names)>,
    /// Bodies that have an upcoming reception.
    pub bodies: Vec<(i64, Names)>,
}

/// A booked visitor, as the reception's staff see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub slot: i64,
    pub at: i64,
    pub name: String,
    /// Masked: the register needs to recognise the person, not to call them.
    pub phone: String,
    pub question: String,
}

/// An issue a visitor raised at a reception, as its register and protocol show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    pub id: i64,
    /// When it was registered (UTC ms).
    pub at: i64,
    /// The slot the visitor had booked; none for a walk-in.
    pub slot: Option<i64>,
    pub name: String,
    pub address: String,
    /// Masked.
    pub phone: Option<String>,
    pub topic: Option<Names>,
    pub summary: String,
    pub outcome: VisitOutcome,
    pub resolution: Option<String>,
    /// How the visitor confirmed the appeal, once they have.
    pub signed: Option<Signature>,
    /// The appeal's number, once filed.
    pub appeal: Option<String>,
}

impl Visit {
    /// An appeal still waiting for the visitor's code or a signature on paper.
    pub fn awaiting(&self) -> bool {
        self.outcome == VisitOutcome::Appeal && self.appeal.is_none()
    }
}

/// A reception as the staff of its body see it: who is booked for which slot, and its
/// register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskReception {
    pub summary: ReceptionSummary,
    pub bookings: Vec<Booking>,
    /// Whether it can still be called off (not called off, not begun).
    pub open: bool,
    /// Whether the reader handles its body (a People's Reception reads its region's).
    pub manages: bool,
    /// The issues registered, in order.
    pub visits: Vec<Visit>,
    /// Whether the reader may register visitors now (manages it, begun or about to, not
    /// called off).
    pub registering: bool,
    /// A fresh key for the register form's next entry.
    pub entry_key: String,
    /// Every topic, for the register form.
    pub all_topics: Vec<(String, Names)>,
}

/// What the staff's reception page offers: their bodies' receptions, and what a new one
/// can name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskReceptions {
    pub upcoming: Vec<ReceptionSummary>,
    pub past: Vec<ReceptionSummary>,
    /// Bodies the person handles.
    pub bodies: Vec<(i64, Names)>,
    pub topics: Vec<(String, Names)>,
    pub regions: Vec<(String, Names)>,
    pub districts: Vec<(String, Names)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_follow_each_other() {
        let start = 1_800_000_000_000;
        assert_eq!(slot_start(start, 15, 0), start);
        assert_eq!(slot_start(start, 15, 2), start + 30 * 60_000);
    }

    #[test]
    fn problem_codes_round_trip() {
        for p in ReceptionProblem::ALL {
            assert_eq!(ReceptionProblem::parse(p.code()), Some(*p));
        }
        assert_eq!(ReceptionKind::parse("field"), Some(ReceptionKind::Field));
    }
}
