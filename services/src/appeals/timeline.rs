//! An appeal's timeline: every step is an event written inside the step's transaction, and
//! announced to the live streams once it commits.

use super::day_text;
use crate::{Result, Services};

/// One step of an appeal's timeline.
pub(super) struct Step {
    pub(super) appeal: i64,
    /// The resident whose appeal it is (whose live stream hears of it).
    pub(super) user: i64,
    pub(super) kind: shared::appeal::EventKind,
    pub(super) actor: Option<i64>,
    pub(super) body: Option<i64>,
    pub(super) detail: shared::appeal::Detail,
    pub(super) due: Option<i64>,
    pub(super) at: i64,
}

/// Writes a step inside the caller's transaction, with the marks the rating counts of it and
/// what it changes of the reports' figures (`reports::counts`), and
/// returns what to announce once it commits. On PostgreSQL the resident's events are serialized (an advisory lock until
/// commit), so their ids commit in order and a stream resuming after an id misses none; and
/// the other instances are told by NOTIFY, which PostgreSQL delivers on commit.
pub(super) async fn record(
    svc: &Services,
    conn: &mut sqlx::AnyConnection,
    step: Step,
) -> Result<crate::live::Notice> {
    if svc.db.backend == crate::db::Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock(7001, CAST($1 % 2147483647 AS INTEGER))")
            .bind(step.user)
            .execute(&mut *conn)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO appeal_events (appeal_id, kind, actor_id, body_id, detail, due_day, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(step.appeal)
    .bind(step.kind.code())
    .bind(step.actor)
    .bind(step.body)
    .bind(serde_json::to_string(&step.detail).map_err(|e| crate::Error::Corrupt(e.to_string()))?)
    .bind(step.due.map(day_text))
    .bind(step.at)
    .fetch_one(&mut *conn)
    .await?;
    let marked = crate::reports::rating::Marked {
        event_id: id,
        appeal: step.appeal,
        kind: step.kind,
        body: step.body,
        detail: &step.detail,
        at: step.at,
    };
    crate::reports::rating::mark(&mut *conn, marked).await?;
    crate::reports::counts::keep(&mut *conn, step.appeal).await?;
    super::notify::push_step(svc, &mut *conn, step.user, step.appeal, step.kind, step.at).await?;
    let notice = crate::live::Notice {
        event_id: id,
        appeal_id: step.appeal,
        user_id: step.user,
        kind: step.kind,
    };
    svc.live.notify(&mut *conn, svc.db.backend, &notice).await?;
    Ok(notice)
}
