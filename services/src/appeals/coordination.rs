//! The People's Reception of a region (a reception coordinator): sends an inadequate answer
//! back to the body for re-execution (a new term, the resident and the body's officers told),
//! and gives a body of its region a written instruction the body acknowledges. Reading the
//! region's appeals is the desk's (`desk.rs`, the person's reach).

use super::{Arrival, Step, calendar, day_text, record, return_to_control};
use crate::{Error, Result, Services};
use shared::Phone;
use shared::appeal::{Instruction, Instructions, Problem};
use shared::auth::{Principal, Role};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum CoordinationError {
    #[error("refused: {0}")]
    Refused(Problem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(CoordinationError);

impl CoordinationError {
    pub fn problem(&self) -> Problem {
        match self {
            CoordinationError::Refused(p) => *p,
            CoordinationError::Service(_) => Problem::Unavailable,
        }
    }
}

/// A written text that must be there and not too long.
fn note(text: &str, empty: Problem) -> Result<&str, CoordinationError> {
    let text = text.trim();
    if text.is_empty() {
        Err(CoordinationError::Refused(empty))
    } else if text.chars().count() > super::NOTE_MAX {
        Err(CoordinationError::Refused(Problem::TooLong))
    } else {
        Ok(text)
    }
}

/// Sends the last answer of an appeal of the coordinator's region back to its body for
/// re-execution with a reason: it reopens there with a term of 3 working days, the resident
/// and the body's officers are told. Returns the new due day.
pub async fn send_back(
    svc: &Services,
    principal: &Principal,
    appeal: i64,
    reason: &str,
) -> Result<String, CoordinationError> {
    let row = sqlx::query("SELECT user_id, body_id, number, region_soato FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(CoordinationError::Refused(Problem::NotFound))?;
    let region: String = row.try_get("region_soato")?;
    if !principal.coordinates(&region) {
        return Err(CoordinationError::Refused(Problem::NotFound));
    }
    let reason = note(reason, Problem::ReasonRequired)?;
    if return_to_control::last_answer(svc, appeal).await?.is_none() {
        return Err(CoordinationError::Refused(Problem::NoAnswer));
    }
    let body: i64 = row.try_get("body_id")?;
    let number: String = row.try_get("number")?;
    let user: i64 = row.try_get("user_id")?;
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
    let due = super::terms(svc)
        .await?
        .returned()
        .due(&calendar, calendar.registration_day(now));
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query(
        "UPDATE appeals SET status = 'in_progress', resolution = NULL, due_day = $1, due_at = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .bind(appeal)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        appeal,
        user,
        kind: shared::appeal::EventKind::SentBack,
        actor: Some(principal.user_id),
        body: Some(body),
        detail: shared::appeal::Detail::Note(reason.to_string()),
        due: Some(due),
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    super::notify::tell_resident(svc, &mut tx, user, &number, now).await?;
    super::tell_officers(&mut tx, body, &number, &day_text(due), Arrival::SentBack, now).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    svc.sms_wakeup.notify_one();
    tracing::info!(
        appeal,
        body,
        by = principal.user_id,
        "answer sent back for re-execution"
    );
    Ok(day_text(due))
}

/// Gives a body of the coordinator's region a written instruction; its officers and heads are
/// told by SMS. Returns its id.
pub async fn give_instruction(
    svc: &Services,
    principal: &Principal,
    body: i64,
    text: &str,
) -> Result<i64, CoordinationError> {
    let region: Option<Option<String>> = sqlx::query_scalar("SELECT region_soato FROM bodies WHERE id = $1")
        .bind(body)
        .fetch_optional(&svc.db.pool)
        .await?;
    let region = match region {
        None => return Err(CoordinationError::Refused(Problem::Body)),
        Some(Some(region)) if principal.coordinates(&region) => region,
        Some(_) => return Err(CoordinationError::Refused(Problem::OutsideRegion)),
    };
    let text = note(text, Problem::InstructionEmpty)?;
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO body_instructions (body_id, region_soato, text, given_by, given_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(body)
    .bind(&region)
    .bind(text)
    .bind(principal.user_id)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    for (phone, locale) in super::notify::staff_named_for(&mut tx, body).await? {
        let words = shared::i18n::sms(locale, shared::i18n::Sms::InstructionGiven, &[]);
        crate::sms::enqueue(&mut *tx, &phone, &words, locale, "instruction", now).await?;
    }
    tx.commit().await?;
    svc.sms_wakeup.notify_one();
    tracing::info!(
        instruction = id,
        body,
        by = principal.user_id,
        "instruction given"
    );
    Ok(id)
}

/// A body's staff acknowledge an instruction given to a body they handle; false when it was
/// acknowledged already. Not found for anyone else.
pub async fn acknowledge(svc: &Services, principal: &Principal, id: i64) -> Result<bool> {
    let body: i64 = sqlx::query_scalar("SELECT body_id FROM body_instructions WHERE id = $1")
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await?
        .ok_or(Error::NotFound)?;
    if !super::handles(svc, principal, body).await? {
        return Err(Error::NotFound);
    }
    let done = sqlx::query(
        "UPDATE body_instructions SET acknowledged_by = $1, acknowledged_at = $2 WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(principal.user_id)
    .bind(svc.clock.now_ms())
    .bind(id)
    .execute(&svc.db.pool)
    .await?
    .rows_affected();
    Ok(done == 1)
}

const INSTRUCTION_COLUMNS: &str = "i.id, i.body_id, i.text, i.given_at, i.acknowledged_at, u.full_name, u.phone, \
     b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
     FROM body_instructions i JOIN bodies b ON b.id = i.body_id LEFT JOIN users u ON u.id = i.acknowledged_by";

fn instruction(r: &sqlx::any::AnyRow) -> Result<Instruction> {
    let at: Option<i64> = r.try_get("acknowledged_at")?;
    let name: Option<String> = r.try_get("full_name")?;
    let phone: Option<String> = r.try_get("phone")?;
    let who = name
        .or_else(|| phone.map(|p| Phone::parse(&p).map(|p| p.masked()).unwrap_or(p)))
        .unwrap_or_default();
    Ok(Instruction {
        id: r.try_get("id")?,
        body_id: r.try_get("body_id")?,
        body: crate::db::names(r, "n")?,
        text: r.try_get("text")?,
        given_at: r.try_get("given_at")?,
        acknowledged: at.map(|at| (at, who)),
    })
}

/// The instructions a person's desk shows: given in the regions they coordinate (newest
/// first), and given to the bodies they handle (unacknowledged first); the bodies they may
/// instruct.
pub async fn instructions(svc: &Services, principal: &Principal) -> Result<Instructions> {
    use crate::db::{Value, bind_all};
    let regions = principal.coordinated_regions();
    // Administrators are the People's Reception of every region.
    let all = principal.has_role(Role::Administrator);
    let mut given = Vec::new();
    let mut bodies = Vec::new();
    if all || !regions.is_empty() {
        let values: Vec<Value> = regions.iter().map(|r| Value::Text(r.clone())).collect();
        let params = (1..=values.len())
            .map(|n| format!("${n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (of_given, of_bodies) = if all {
            ("1 = 1".to_string(), "region_soato IS NOT NULL".to_string())
        } else {
            (
                format!("i.region_soato IN ({params})"),
                format!("region_soato IN ({params})"),
            )
        };
        let sql = format!("SELECT {INSTRUCTION_COLUMNS} WHERE {of_given} ORDER BY i.id DESC LIMIT 100");
        given = bind_all(sqlx::query(&sql), &values)
            .fetch_all(&svc.db.pool)
            .await?
            .iter()
            .map(instruction)
            .collect::<Result<_>>()?;
        let sql = format!(
            "SELECT id, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM bodies WHERE {of_bodies} ORDER BY id"
        );
        for r in &bind_all(sqlx::query(&sql), &values)
            .fetch_all(&svc.db.pool)
            .await?
        {
            bodies.push((r.try_get("id")?, crate::db::names(r, "n")?));
        }
    }
    let mut received = Vec::new();
    let handles_some = principal.has_role(Role::AppealsOfficer)
        || principal.has_role(Role::HeadOfBody)
        || principal.has_role(Role::Administrator);
    if handles_some {
        let handled = super::scope::handled_bodies(svc, principal).await?;
        if !handled.is_empty() {
            // The body list comes from the database's own ids, never from the request.
            let list = handled.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            let rows = sqlx::query(&format!(
                "SELECT {INSTRUCTION_COLUMNS} WHERE i.body_id IN ({list}) \
                 ORDER BY CASE WHEN i.acknowledged_at IS NULL THEN 0 ELSE 1 END, i.id DESC LIMIT 100"
            ))
            .fetch_all(&svc.db.pool)
            .await?;
            received = rows.iter().map(instruction).collect::<Result<_>>()?;
        }
    }
    Ok(Instructions {
        given,
        received,
        bodies,
    })
}
