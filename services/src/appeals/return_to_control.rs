//! What the resident does about an answer: return it to control (once per answer, within 30
//! days, with a reason — the parent body re-examines it within 3 working days) and rate it.

use super::{Arrival, RETURN_DAYS, Step, calendar, day_text, record};
use crate::{Error, Result, Services};
use shared::appeal::{Problem, Rating};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum ResidentError {
    #[error("no such appeal of this resident")]
    NotFound,
    #[error("there is no answer yet")]
    NoAnswer,
    #[error("this answer was already returned to control")]
    AlreadyReturned,
    #[error("more than 30 days have passed since the answer")]
    TooLate,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the text is too long")]
    TooLong,
    #[error("the score must be 1 to 5")]
    Score,
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(ResidentError);

impl ResidentError {
    pub fn problem(&self) -> Problem {
        match self {
            ResidentError::NotFound => Problem::NotFound,
            ResidentError::NoAnswer => Problem::NoAnswer,
            ResidentError::AlreadyReturned => Problem::AlreadyReturned,
            ResidentError::TooLate => Problem::TooLate,
            ResidentError::ReasonRequired => Problem::ReasonRequired,
            ResidentError::TooLong => Problem::TooLong,
            ResidentError::Score => Problem::Score,
            ResidentError::Service(_) => Problem::Unavailable,
        }
    }
}

/// The appeal's last answer or resolution: its event id and when.
pub async fn last_answer(svc: &Services, appeal: i64) -> Result<Option<(i64, i64)>> {
    let row = sqlx::query(
        "SELECT id, at FROM appeal_events WHERE appeal_id = $1 AND kind IN ('answered', 'resolved') ORDER BY id DESC LIMIT 1",
    )
    .bind(appeal)
    .fetch_optional(&svc.db.pool)
    .await?;
    row.map(|r| Ok((r.try_get("id")?, r.try_get("at")?))).transpose()
}

pub(crate) fn rating(r: &sqlx::any::AnyRow) -> Result<Rating> {
    Ok(Rating {
        score: r.try_get("score")?,
        comment: r.try_get("comment")?,
        at: r.try_get("at")?,
    })
}

/// The resident's appeal and its last answer, or why there is nothing to act on.
async fn answered(
    svc: &Services,
    user_id: i64,
    appeal: i64,
) -> Result<(sqlx::any::AnyRow, i64, i64), ResidentError> {
    let row = sqlx::query("SELECT a.body_id, a.number, b.parent_id FROM appeals a JOIN bodies b ON b.id = a.body_id WHERE a.id = $1 AND a.user_id = $2")
        .bind(appeal)
        .bind(user_id)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(ResidentError::NotFound)?;
    let (answer, at) = last_answer(svc, appeal).await?.ok_or(ResidentError::NoAnswer)?;
    Ok((row, answer, at))
}

fn text_of(text: &str) -> Result<&str, ResidentError> {
    let text = text.trim();
    if text.is_empty() {
        Err(ResidentError::ReasonRequired)
    } else if text.chars().count() > super::NOTE_MAX {
        Err(ResidentError::TooLong)
    } else {
        Ok(text)
    }
}

/// Returns the last answer to control: the appeal reopens at the parent body (or stays with a
/// top body) with a term of 3 working days; its officers are told by SMS. Returns the new due
/// day.
pub async fn return_to_control(
    svc: &Services,
    user_id: i64,
    appeal: i64,
    reason: &str,
) -> Result<String, ResidentError> {
    let reason = text_of(reason)?;
    let (row, answer, answered_at) = answered(svc, user_id, appeal).await?;
    let now = svc.clock.now_ms();
    if now - answered_at > RETURN_DAYS * crate::clock::DAY_MS {
        return Err(ResidentError::TooLate);
    }
    let from: i64 = row.try_get("body_id")?;
    let to: i64 = row.try_get::<Option<i64>, _>("parent_id")?.unwrap_or(from);
    let number: String = row.try_get("number")?;
    let calendar = calendar(svc).await?;
    let due = super::terms(svc)
        .await?
        .returned()
        .due(&calendar, calendar.registration_day(now));
    let mut tx = svc.db.pool.begin().await?;
    // The claim comes first: a second return of the same answer meets the primary key.
    let claimed = sqlx::query(
        "INSERT INTO appeal_returns (answer_event_id, appeal_id, reason, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(answer)
    .bind(appeal)
    .bind(reason)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(ResidentError::AlreadyReturned);
    }
    sqlx::query(
        "UPDATE appeals SET body_id = $1, status = 'in_progress', resolution = NULL, assigned_to = NULL, due_day = $2, \
           due_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(to)
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .bind(appeal)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        appeal,
        user: user_id,
        kind: shared::appeal::EventKind::Returned,
        actor: Some(user_id),
        body: Some(to),
        detail: shared::appeal::Detail::Note(reason.to_string()),
        due: Some(due),
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    super::tell_officers(&mut tx, to, &number, &day_text(due), Arrival::Returned, now).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    svc.sms_wakeup.notify_one();
    Ok(day_text(due))
}

/// The resident rates the last answer, 1 to 5, with an optional comment; rating it again
/// replaces the earlier rating of that answer.
pub async fn rate(
    svc: &Services,
    user_id: i64,
    appeal: i64,
    score: i16,
    comment: &str,
) -> Result<(), ResidentError> {
    if !(1..=5).contains(&score) {
        return Err(ResidentError::Score);
    }
    let comment = comment.trim();
    if comment.chars().count() > super::NOTE_MAX {
        return Err(ResidentError::TooLong);
    }
    let (_, answer, _) = answered(svc, user_id, appeal).await?;
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query(
        "INSERT INTO appeal_ratings (answer_event_id, appeal_id, score, comment, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (answer_event_id) DO UPDATE SET score = excluded.score, comment = excluded.comment, at = excluded.at",
    )
    .bind(answer)
    .bind(appeal)
    .bind(score)
    .bind(comment)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        appeal,
        user: user_id,
        kind: shared::appeal::EventKind::Rated,
        actor: Some(user_id),
        body: None,
        detail: shared::appeal::Detail::Score(u8::try_from(score).unwrap_or_default()),
        due: None,
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    Ok(())
}
