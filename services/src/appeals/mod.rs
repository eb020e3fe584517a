//! Appeals (murojaat) to state bodies, a file per concern:
//!
//! | file | what |
//! |---|---|
//! | `filing` | a resident files an appeal: checks, limits, registration and its term |
//! | `choices` | what the filing form offers (bodies, topics, districts) |
//! | `attachments` | files attached to an appeal or an answer, and who may download them |
//! | `collective` | co-signers: invitations by SMS and confirmation |
//! | `timeline` | every step as an event, announced to the live streams |
//! | `scope` | which bodies a person handles |
//! | `desk` | the officer's desk (its query) and one case |
//! | `actions` | triage and the officer's actions: assign, answer (reviewed by a head where set), forward, extend, resolve |
//! | `escalation` | the control-time regime: an overdue appeal passes to the parent body |
//! | `return_to_control` | the resident returns an answer to control, or rates it |
//! | `coordination` | the People's Reception: an answer sent back for re-execution, instructions to bodies |
//! | `notify` | who is told by SMS, and the words |
//! | `view` | the resident's list and one appeal, and what of the timeline they may read |
//! | `admin` | the administrators' calendar and bodies |
//! | `terms` | the terms administrators set; officers reminded before a term ends, heads told of untriaged appeals |
//! | `seven` | the mahalla seven as people, named by phone and role; their and the co-signers' own consent to close a collective appeal |
//!
//! The words that cross to the browser (categories, resolutions, consent roles) are in
//! `shared::appeal`.

pub mod actions;
pub mod admin;
pub mod attachments;
pub mod choices;
pub mod collective;
pub mod coordination;
pub mod desk;
pub mod escalation;
pub mod filing;
pub mod notify;
pub mod return_to_control;
pub mod scope;
pub mod seven;
pub mod terms;
pub mod timeline;
pub mod view;

pub use actions::{
    Action, ActionError, NOTE_MAX, act, act_with_files, consents, reviewed_bodies, set_answers_reviewed,
    triage,
};
pub use choices::{bodies_tree, choices, usual_place};
pub use desk::{DeskFilter, desk, desk_bodies, desk_case, officer_load};
pub use escalation::escalate_overdue;
pub use filing::{
    ADDRESS_MAX, FILINGS_PER_USER_PER_DAY, FileError, INVITATIONS_PER_PHONE_PER_DAY,
    INVITATIONS_PER_USER_PER_DAY, NAME_MAX, NewAppeal, Registered, SUBJECT_MAX, TEXT_MAX, file,
    file_with_key,
};
pub use scope::{body_staff, handles};
pub use terms::terms;
pub use view::{RETURN_DAYS, answered_of, mine, owns, view};

// For the files of this folder.
use notify::{Arrival, tell_officers};
use scope::{parents, within};
use timeline::{Step, record};

use crate::{Result, Services};
use shared::calendar::{Calendar, DayKind};
use sqlx::Row;

/// The calendar as the administrators keep it.
pub async fn calendar(svc: &Services) -> Result<Calendar> {
    let rows = sqlx::query("SELECT day, kind FROM calendar_days")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut days = Vec::with_capacity(rows.len());
    for row in &rows {
        let day: String = row.try_get("day")?;
        let kind: String = row.try_get("kind")?;
        if let (Some(day), Some(kind)) = (shared::calendar::parse_day(&day), DayKind::parse(&kind)) {
            days.push((day, kind));
        }
    }
    Ok(Calendar::new(days))
}

pub(crate) fn day_text(day: i64) -> String {
    shared::time::format_iso_date(shared::calendar::start_of(day))
}
