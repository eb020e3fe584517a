//! An appeal as its pages show it: the resident's list and one appeal with its timeline, and
//! what of each step a resident may read (officers' internal notes stay internal).

use super::{attachments, collective, return_to_control};
use crate::{Error, Result, Services};
use shared::Phone;
use shared::appeal::EventKind;
use sqlx::Row;

pub(crate) const SUMMARY: &str = "SELECT a.id, a.number, a.subject, a.status, a.category, a.due_day, a.kind, a.body_text, a.resolution, \
       b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru";

pub(crate) const SUMMARY_FROM: &str = "FROM appeals a JOIN bodies b ON b.id = a.body_id";

pub(crate) fn summary(r: &sqlx::any::AnyRow) -> Result<shared::appeal::AppealSummary> {
    Ok(shared::appeal::AppealSummary {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        subject: r.try_get("subject")?,
        status: crate::db::word(r, "status")?,
        category: crate::db::optional_word(r, "category")?,
        due_day: r.try_get("due_day")?,
        body: crate::db::names(r, "n")?,
    })
}

/// The resident's own appeals, newest first, and the newest event among them.
pub async fn mine(svc: &Services, user_id: i64) -> Result<shared::appeal::AppealList> {
    let items = sqlx::query(&format!(
        "{SUMMARY} {SUMMARY_FROM} WHERE a.user_id = $1 ORDER BY a.id DESC LIMIT 200"
    ))
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(summary)
    .collect::<Result<_>>()?;
    Ok(shared::appeal::AppealList {
        items,
        last_event: crate::live::latest(svc, user_id, None).await?,
    })
}

/// The resident's answered appeals (a complaint can be about one): id and "number · subject".
pub async fn answered_of(svc: &Services, user_id: i64) -> Result<Vec<(i64, String)>> {
    sqlx::query(
        "SELECT a.id, a.number, a.subject FROM appeals a WHERE a.user_id = $1 AND EXISTS \
         (SELECT 1 FROM appeal_events e WHERE e.appeal_id = a.id AND e.kind IN ('answered', 'resolved')) \
         ORDER BY a.id DESC LIMIT 50",
    )
    .bind(user_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        let number: String = r.try_get("number")?;
        let subject: String = r.try_get("subject")?;
        Ok((r.try_get("id")?, format!("{number} · {subject}")))
    })
    .collect()
}

/// How many days after an answer the resident may return it to control.
pub const RETURN_DAYS: i64 = 30;

/// One of the resident's own appeals with its timeline; another's is "not found".
pub async fn view(svc: &Services, user_id: i64, appeal_id: i64) -> Result<shared::appeal::AppealView> {
    if !owns(svc, user_id, appeal_id).await? {
        return Err(Error::NotFound);
    }
    load_view(svc, appeal_id, false).await
}

/// Whether the appeal is this resident's.
pub async fn owns(svc: &Services, user_id: i64, appeal_id: i64) -> Result<bool> {
    let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM appeals WHERE id = $1")
        .bind(appeal_id)
        .fetch_optional(&svc.db.pool)
        .await?;
    Ok(owner == Some(user_id))
}

/// An appeal as its page shows it; `internal` keeps what officers wrote for each other
/// (assignees, forwarding targets, consent records) instead of leaving it out.
pub(super) async fn load_view(
    svc: &Services,
    appeal_id: i64,
    internal: bool,
) -> Result<shared::appeal::AppealView> {
    let row = sqlx::query(&format!(
        "{SUMMARY}, a.collective, a.repeat_of, r.number AS repeat_number FROM appeals a JOIN bodies b ON b.id = a.body_id \
         LEFT JOIN appeals r ON r.id = a.repeat_of WHERE a.id = $1"
    ))
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    let files = attachments::list(svc, appeal_id).await?;
    let mut events: Vec<shared::appeal::AppealEvent> = sqlx::query(
        "SELECT e.id, e.kind, e.detail, e.due_day, e.at, b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru, \
           u.full_name AS actor_name, u.phone AS actor_phone \
         FROM appeal_events e LEFT JOIN bodies b ON b.id = e.body_id LEFT JOIN users u ON u.id = e.actor_id \
         WHERE e.appeal_id = $1 ORDER BY e.id",
    )
    .bind(appeal_id)
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|e| {
        let kind: EventKind = crate::db::word(e, "kind")?;
        let id: i64 = e.try_get("id")?;
        let detail: String = e.try_get("detail")?;
        let detail = serde_json::from_str::<shared::appeal::Detail>(&detail)
            .map_err(|_| Error::Corrupt(format!("appeal_events.detail = {detail:?}")))?
            .seen_by(internal);
        Ok(shared::appeal::AppealEvent {
            id,
            body: e
                .try_get::<Option<String>, _>("n_uz")?
                .map(|_| crate::db::names(e, "n"))
                .transpose()?,
            kind,
            detail,
            due_day: e.try_get("due_day")?,
            at: e.try_get("at")?,
            attachments: files
                .iter()
                .filter(|(event, _)| *event == Some(id))
                .map(|(_, f)| f.clone())
                .collect(),
            actor: match (internal, e.try_get::<Option<String>, _>("actor_phone")?) {
                (true, Some(phone)) => Some(
                    e.try_get::<Option<String>, _>("actor_name")?
                        .unwrap_or_else(|| Phone::parse(&phone).map(|p| p.masked()).unwrap_or(phone)),
                ),
                _ => None,
            },
        })
    })
    .collect::<Result<_>>()?;
    if !internal {
        events.retain(|e| !e.kind.internal());
    }
    let now = svc.clock.now_ms();
    let answer = match return_to_control::last_answer(svc, appeal_id).await? {
        Some((event_id, at)) => {
            let returned: Option<i64> =
                sqlx::query_scalar("SELECT answer_event_id FROM appeal_returns WHERE answer_event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&svc.db.pool)
                    .await?;
            let rating =
                sqlx::query("SELECT score, comment, at FROM appeal_ratings WHERE answer_event_id = $1")
                    .bind(event_id)
                    .fetch_optional(&svc.db.pool)
                    .await?
                    .map(|r| return_to_control::rating(&r))
                    .transpose()?;
            Some(shared::appeal::LastAnswer {
                event_id,
                at,
                returnable: returned.is_none() && now - at <= RETURN_DAYS * crate::clock::DAY_MS,
                returned: returned.is_some(),
                rating,
            })
        }
        None => None,
    };
    Ok(shared::appeal::AppealView {
        summary: summary(&row)?,
        kind: crate::db::word(&row, "kind")?,
        text: row.try_get("body_text")?,
        resolution: crate::db::optional_word(&row, "resolution")?,
        last_event: events.iter().map(|e| e.id).max().unwrap_or(0),
        events,
        attachments: files
            .into_iter()
            .filter(|(event, _)| event.is_none())
            .map(|(_, f)| f)
            .collect(),
        collective: row.try_get::<i16, _>("collective")? != 0,
        cosigners: collective::cosigners(svc, appeal_id).await?,
        repeat_of: row.try_get("repeat_number")?,
        answer,
    })
}
