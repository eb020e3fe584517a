//! The control-time regime: an appeal whose term ended unresolved passes to the parent body
//! with a new term, once per term, whatever number of server instances run the job.

use super::{
    calendar, day_text,
    notify::{Arrival, tell_officers, text},
    timeline::{Step, record},
};
use crate::{Result, Services};
use shared::Phone;
use shared::appeal::Category;
use sqlx::Row;

/// The control-time regime: every unresolved appeal whose term ended passes to its body's
/// parent with a new term of its category, an event on its timeline and an SMS to the
/// resident. Each move is conditional on the term it ends, so several instances running this
/// at once move an appeal once per term. Returns how many moved.
pub async fn escalate_overdue(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let rows = sqlx::query(
        "SELECT a.id, a.user_id, a.body_id, a.due_at, a.category, b.parent_id FROM appeals a JOIN bodies b ON b.id = a.body_id \
         WHERE a.status <> 'resolved' AND a.due_at < $1 AND b.parent_id IS NOT NULL ORDER BY a.due_at, a.id LIMIT $2",
    )
    .bind(now)
    .bind(batch)
    .fetch_all(&svc.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let calendar = calendar(svc).await?;
    let terms = super::terms(svc).await?;
    let today = calendar.registration_day(now);
    let mut moved = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let from: i64 = row.try_get("body_id")?;
        let old_due: i64 = row.try_get("due_at")?;
        let parent: i64 = row.try_get::<Option<i64>, _>("parent_id")?.unwrap_or(from);
        let category = row
            .try_get::<Option<String>, _>("category")?
            .as_deref()
            .and_then(Category::parse)
            .unwrap_or(Category::Ordinary);
        let due = terms.of(category).due(&calendar, today);
        let mut tx = svc.db.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE appeals SET body_id = $1, due_day = $2, due_at = $3, escalations = escalations + 1, updated_at = $4 \
             WHERE id = $5 AND due_at = $6 AND body_id = $7 AND status <> 'resolved'",
        )
        .bind(parent)
        .bind(day_text(due))
        .bind(shared::calendar::end_of(due))
        .bind(now)
        .bind(id)
        .bind(old_due)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            continue; // another instance moved it first
        }
        let step = Step {
            appeal: id,
            user: row.try_get("user_id")?,
            kind: shared::appeal::EventKind::Escalated,
            actor: None,
            body: Some(parent),
            detail: shared::appeal::Detail::Escalated { from },
            due: Some(due),
            at: now,
        };
        let notice = record(svc, &mut tx, step).await?;
        let resident = sqlx::query(
            "SELECT u.id, u.phone, u.locale, a.number FROM appeals a JOIN users u ON u.id = a.user_id WHERE a.id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        let locale = shared::Locale::from_tag(&resident.try_get::<String, _>("locale")?).unwrap_or_default();
        // In Telegram the step itself is pushed (timeline::record); else by SMS.
        let in_telegram = crate::notify::chat_of(svc, &mut tx, resident.try_get("id")?)
            .await?
            .is_some();
        if let Ok(phone) = Phone::parse(&resident.try_get::<String, _>("phone")?)
            && !in_telegram
        {
            let number: String = resident.try_get("number")?;
            let body = text::escalated(locale, &number, &day_text(due));
            crate::sms::enqueue(&mut *tx, &phone, &body, locale, "appeal", now).await?;
        }
        // The parent body's officers hear of it too.
        let number: String = resident.try_get("number")?;
        tell_officers(&mut tx, parent, &number, &day_text(due), Arrival::Overdue, now).await?;
        tx.commit().await?;
        svc.live.publish([notice]);
        moved += 1;
    }
    if moved > 0 {
        svc.sms_wakeup.notify_one();
    }
    Ok(moved)
}
