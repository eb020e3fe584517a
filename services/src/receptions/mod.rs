//! Receptions (qabul) of state bodies' leaders, a file per concern:
//!
//! | file | what |
//! |---|---|
//! | `publish` | a head (or an officer for them) publishes a reception: who, where, when, slots, topics |
//! | `booking` | a resident books a slot or cancels it; the SMS confirmation and the day-before reminder |
//! | `listing` | the public list and page, and the staff's list and register of bookings |
//! | `register` | at the reception: each visitor's issue, resolved or filed as an appeal the visitor confirms; marking it held |
//!
//! The words that cross to the browser (kinds, refusal codes) and the shapes the pages show are
//! in `shared::reception`.

pub mod booking;
pub mod listing;
pub mod publish;
pub mod register;

pub use booking::{BookError, book, call_off, cancel_booking, remind_due};
pub use listing::{desk_reception, desk_receptions, public_choices, reception, upcoming};
pub use publish::{NewReception, PublishError, publish};
pub use register::{NewVisit, VisitError, confirm_visit, mark_held, record_visit};

use crate::Result;
use shared::reception::ReceptionSummary;
use sqlx::Row;

/// The columns [`summary_of`] reads, over `receptions r` joined to its body, region, district
/// and (left) mahalla; `free` counts the live bookings.
pub(crate) const SUMMARY_COLUMNS: &str = "r.id, r.kind, r.body_id, r.host, r.place, r.starts_at, r.slot_minutes, r.slots, r.cancelled_at, \
     b.name_uz AS b_uz, b.name_uz_cyrl AS b_cyrl, b.name_ru AS b_ru, \
     g.name_uz AS g_uz, g.name_uz_cyrl AS g_cyrl, g.name_ru AS g_ru, \
     d.name_uz AS d_uz, d.name_uz_cyrl AS d_cyrl, d.name_ru AS d_ru, \
     m.name_uz AS m_uz, m.name_uz_cyrl AS m_cyrl, m.name_uz_cyrl AS m_ru, \
     r.slots - (SELECT COUNT(*) FROM reception_bookings k WHERE k.reception_id = r.id AND k.cancelled_at IS NULL) AS free, \
     r.held_at, (SELECT COUNT(*) FROM reception_visits v WHERE v.reception_id = r.id) AS visits";

pub(crate) const SUMMARY_FROM: &str = "receptions r JOIN bodies b ON b.id = r.body_id \
     JOIN regions g ON g.soato = r.region_soato JOIN districts d ON d.soato = r.district_soato \
     LEFT JOIN mahallas m ON m.code = r.mahalla_code";

/// A reception's summary from a row of [`SUMMARY_COLUMNS`]; its topics are read apart.
fn summary_of(row: &sqlx::any::AnyRow) -> Result<ReceptionSummary> {
    let mahalla: Option<String> = row.try_get("m_uz")?;
    Ok(ReceptionSummary {
        id: row.try_get("id")?,
        kind: crate::db::word(row, "kind")?,
        body_id: row.try_get("body_id")?,
        body: crate::db::names(row, "b")?,
        host: row.try_get("host")?,
        place: row.try_get("place")?,
        region: crate::db::names(row, "g")?,
        district: crate::db::names(row, "d")?,
        mahalla: match mahalla {
            Some(_) => Some(crate::db::names(row, "m")?),
            None => None,
        },
        starts_at: row.try_get("starts_at")?,
        slot_minutes: row.try_get("slot_minutes")?,
        slots: row.try_get("slots")?,
        free: row.try_get("free")?,
        topics: Vec::new(),
        cancelled: row.try_get::<Option<i64>, _>("cancelled_at")?.is_some(),
        held_at: row.try_get("held_at")?,
        visits: row.try_get("visits")?,
    })
}

/// Summaries from rows, each with its topics (one query for all of them).
async fn summaries(svc: &crate::Services, rows: &[sqlx::any::AnyRow]) -> Result<Vec<ReceptionSummary>> {
    let mut out = rows.iter().map(summary_of).collect::<Result<Vec<_>>>()?;
    if out.is_empty() {
        return Ok(out);
    }
    // The ids come from the database, never from the request.
    let ids = out
        .iter()
        .map(|s| s.id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let topics = sqlx::query(&format!(
        "SELECT t.reception_id, p.name_uz AS n_uz, p.name_uz_cyrl AS n_cyrl, p.name_ru AS n_ru \
         FROM reception_topics t JOIN topics p ON p.code = t.topic_code WHERE t.reception_id IN ({ids}) ORDER BY p.code"
    ))
    .fetch_all(&svc.db.pool)
    .await?;
    for t in &topics {
        let id: i64 = t.try_get("reception_id")?;
        if let Some(s) = out.iter_mut().find(|s| s.id == id) {
            s.topics.push(crate::db::names(t, "n")?);
        }
    }
    Ok(out)
}
