//! What administrators keep: the working-day calendar (holidays and moved days) and the tree
//! of bodies with the topics each handles.

use crate::{Error, Result, Services};
use shared::appeal::CalendarDay;
use shared::calendar::DayKind;
use sqlx::Row;

/// The calendar's exceptions in a year, by date.
pub async fn calendar_days(svc: &Services, year: i32) -> Result<Vec<CalendarDay>> {
    sqlx::query("SELECT day, kind, name FROM calendar_days WHERE day >= $1 AND day < $2 ORDER BY day")
        .bind(format!("{year:04}-01-01"))
        .bind(format!("{:04}-01-01", year + 1))
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(CalendarDay {
                day: r.try_get("day")?,
                kind: crate::db::word(r, "kind")?,
                name: r.try_get("name")?,
            })
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("not a date")]
    Day,
    #[error("not a kind of day")]
    Kind,
    #[error("a name is required")]
    Name,
    #[error("no such body")]
    Body,
    #[error("a body cannot be placed under itself")]
    Cycle,
}

impl EditError {
    pub fn problem(self) -> shared::appeal::AdminProblem {
        use shared::appeal::AdminProblem;
        match self {
            EditError::Day => AdminProblem::Day,
            EditError::Kind => AdminProblem::Kind,
            EditError::Name => AdminProblem::Name,
            EditError::Body => AdminProblem::Body,
            EditError::Cycle => AdminProblem::Cycle,
        }
    }
}

/// Why an edit failed: the administrator's input, or the service.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(AdminError);

fn required(text: &str) -> Result<&str, EditError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 200 {
        Err(EditError::Name)
    } else {
        Ok(text)
    }
}

/// Marks a day off (a holiday or a weekday made a rest day) or working (a weekend day made a
/// working day), or replaces what it was. Terms already set keep their dates; new terms
/// follow the calendar as it now is.
pub async fn set_day(svc: &Services, day: &str, kind: &str, name: &str) -> Result<(), AdminError> {
    let parsed = shared::calendar::parse_day(day.trim()).ok_or(EditError::Day)?;
    let kind = DayKind::parse(kind).ok_or(EditError::Kind)?;
    let name = required(name)?;
    let day = shared::time::format_iso_date(shared::calendar::start_of(parsed));
    sqlx::query(
        "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) \
         ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
    )
    .bind(&day)
    .bind(kind.code())
    .bind(name)
    .execute(&svc.db.pool)
    .await?;
    Ok(())
}

/// Makes a day ordinary again (as the five-day week has it).
pub async fn remove_day(svc: &Services, day: &str) -> Result<(), AdminError> {
    let parsed = shared::calendar::parse_day(day.trim()).ok_or(EditError::Day)?;
    sqlx::query("DELETE FROM calendar_days WHERE day = $1")
        .bind(shared::time::format_iso_date(shared::calendar::start_of(parsed)))
        .execute(&svc.db.pool)
        .await?;
    Ok(())
}

/// A body as the administrator edits it.
pub struct BodyEdit<'a> {
    /// `None`: a new body.
    pub id: Option<i64>,
    pub parent: Option<i64>,
    pub kind: &'a str,
    pub names: [&'a str; 3],
    pub topics: Vec<String>,
}

/// Adds a body or changes one (names, kind, parent, topics). A body cannot be put under
/// itself or one of its own descendants. Returns its id.
pub async fn save_body(svc: &Services, edit: &BodyEdit<'_>) -> Result<i64, AdminError> {
    let kind = shared::appeal::BodyKind::parse(edit.kind).ok_or(EditError::Kind)?;
    let [uz, cyrl, ru] = [
        required(edit.names[0])?,
        required(edit.names[1])?,
        required(edit.names[2])?,
    ];
    let parents = super::parents(svc).await?;
    if edit.id.is_some_and(|id| !parents.contains_key(&id)) {
        return Err(EditError::Body.into());
    }
    if let Some(parent) = edit.parent {
        if !parents.contains_key(&parent) {
            return Err(EditError::Body.into());
        }
        // The new parent must not be the body or lie below it.
        if edit.id.is_some_and(|id| super::within(&parents, parent, &[id])) {
            return Err(EditError::Cycle.into());
        }
    }
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM topics")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut tx = svc.db.pool.begin().await?;
    let id = match edit.id {
        Some(id) => {
            sqlx::query(
                "UPDATE bodies SET parent_id = $1, kind = $2, name_uz = $3, name_uz_cyrl = $4, name_ru = $5 WHERE id = $6",
            )
            .bind(edit.parent)
            .bind(kind.code())
            .bind(uz)
            .bind(cyrl)
            .bind(ru)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            sqlx::query_scalar(
                "INSERT INTO bodies (parent_id, kind, name_uz, name_uz_cyrl, name_ru, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(edit.parent)
            .bind(kind.code())
            .bind(uz)
            .bind(cyrl)
            .bind(ru)
            .bind(svc.clock.now_ms())
            .fetch_one(&mut *tx)
            .await?
        }
    };
    sqlx::query("DELETE FROM body_topics WHERE body_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for topic in edit.topics.iter().filter(|t| known.contains(t)) {
        sqlx::query("INSERT INTO body_topics (body_id, topic_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(id)
            .bind(topic)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}
