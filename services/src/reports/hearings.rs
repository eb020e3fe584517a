//! Reports heard, the decisions taken there, and the quarterly proposals to the Cabinet of
//! Ministers (issue 15, point 2).
//!
//! A head of the body (for a body's report), the People's Reception (for its region's and
//! districts') or an administrator records that a quarter's report was heard: the day, who
//! took part. Decisions are added to it, each with an owner (by phone: their account is found
//! or opened, and they are told by SMS), and a due day; the owner is reminded the day before
//! and told when it passes, with whoever recorded the hearing, and marks it done saying what
//! was done. Every ministry (a body with no parent) has a line in the register of proposals
//! for each quarter, due on its last day; its heads are reminded a week before.

use crate::{Error, Result, Services};
use shared::Phone;
use shared::auth::Principal;
use shared::i18n::Sms;
use shared::report::{
    Decision, DecisionStatus, Hearing, HearingProblem, HearingView, Proposal, Quarter, ReportScope,
};
use sqlx::Row;

#[derive(Debug, thiserror::Error)]
pub enum HearingError {
    #[error("refused: {0}")]
    Refused(HearingProblem),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(HearingError);

use HearingError::Refused;

/// The longest participants' list, decision, note or proposal text.
const LONGEST: usize = 4000;

/// Today in Tashkent, as a day number.
fn today(svc: &Services) -> i64 {
    shared::calendar::day_of(svc.clock.now_ms())
}

fn day_text(day: i64) -> String {
    crate::appeals::day_text(day)
}

fn text_of(typed: &str, problem: HearingProblem) -> Result<&str, HearingError> {
    let text = typed.trim();
    if text.is_empty() || text.chars().count() > LONGEST {
        return Err(Refused(problem));
    }
    Ok(text)
}

fn status(done_at: Option<i64>, due_at: i64, now: i64) -> DecisionStatus {
    match done_at {
        Some(at) if at <= due_at => DecisionStatus::Done,
        Some(_) => DecisionStatus::DoneLate,
        None if now > due_at => DecisionStatus::Overdue,
        None => DecisionStatus::Open,
    }
}

/// A scope's hearing of a quarter, if recorded, and whether the reader may record it.
pub async fn view(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    quarter: Quarter,
) -> Result<HearingView, HearingError> {
    let name = match super::scope_of(svc, principal, scope, 1).await {
        Ok((_, _, name)) => name,
        Err(super::ReportError::Refused(_)) => return Err(Refused(HearingProblem::Scope)),
        Err(super::ReportError::Service(e)) => return Err(e.into()),
    };
    let can_record = super::may_lead(svc, principal, scope).await?;
    let row = sqlx::query(
        "SELECT id, held_day, participants, recorded_by FROM report_hearings WHERE scope = $1 AND quarter = $2",
    )
    .bind(scope.code())
    .bind(quarter.to_string())
    .fetch_optional(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    let hearing = match row {
        None => None,
        Some(row) => {
            let id: i64 = row.try_get("id").map_err(Error::from)?;
            let decisions = decisions_where(
                svc,
                principal,
                "d.hearing_id = $1",
                id,
                Some((&name, quarter, can_record)),
            )
            .await?;
            Some(Hearing {
                id,
                scope: scope.clone(),
                quarter,
                held_day: row.try_get("held_day").map_err(Error::from)?,
                participants: row.try_get("participants").map_err(Error::from)?,
                decisions,
            })
        }
    };
    Ok(HearingView { hearing, can_record })
}

/// Records that a quarter's report of a scope was heard, on a day of that quarter or after it
/// and not after today. Once per scope and quarter.
pub async fn record(
    svc: &Services,
    principal: &Principal,
    scope: &ReportScope,
    quarter: Quarter,
    held_day: &str,
    participants: &str,
) -> Result<i64, HearingError> {
    if !super::may_lead(svc, principal, scope).await? {
        return Err(Refused(HearingProblem::Scope));
    }
    let now = svc.clock.now_ms();
    if quarter > Quarter::of(now) {
        return Err(Refused(HearingProblem::Future));
    }
    let day = shared::calendar::parse_day(held_day.trim()).ok_or(Refused(HearingProblem::Day))?;
    let (start, _) = quarter.bounds();
    if day > today(svc) || shared::calendar::end_of(day) < start {
        return Err(Refused(HearingProblem::Day));
    }
    let participants = text_of(participants, HearingProblem::Participants)?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO report_hearings (scope, quarter, held_day, participants, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scope, quarter) DO NOTHING RETURNING id",
    )
    .bind(scope.code())
    .bind(quarter.to_string())
    .bind(day_text(day))
    .bind(participants)
    .bind(principal.user_id)
    .bind(now)
    .fetch_optional(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    let id = id.ok_or(Refused(HearingProblem::Recorded))?;
    tracing::info!(hearing = id, scope = %scope.code(), %quarter, "report hearing recorded");
    Ok(id)
}

/// A decision of a hearing.
pub struct NewDecision<'a> {
    pub text: &'a str,
    pub owner_name: &'a str,
    pub owner_phone: &'a str,
    /// `YYYY-MM-DD`: from today to a year ahead.
    pub due_day: &'a str,
    /// The language an owner without an account is told in (the recorder's).
    pub locale: shared::Locale,
}

/// The scope and quarter of a hearing.
async fn hearing_of(svc: &Services, hearing: i64) -> Result<Option<(ReportScope, Quarter, i64)>> {
    let row = sqlx::query("SELECT scope, quarter, recorded_by FROM report_hearings WHERE id = $1")
        .bind(hearing)
        .fetch_optional(&svc.db.pool)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let scope = ReportScope::parse(&row.try_get::<String, _>("scope")?);
    let quarter = Quarter::parse(&row.try_get::<String, _>("quarter")?);
    match (scope, quarter) {
        (Some(s), Some(q)) => Ok(Some((s, q, row.try_get("recorded_by")?))),
        _ => Err(Error::Corrupt(format!("report_hearings {hearing}"))),
    }
}

/// Adds a decision to a hearing; its owner is told by SMS.
pub async fn decide(
    svc: &Services,
    principal: &Principal,
    hearing: i64,
    new: &NewDecision<'_>,
) -> Result<i64, HearingError> {
    let (scope, _, _) = hearing_of(svc, hearing)
        .await?
        .ok_or(Refused(HearingProblem::NotFound))?;
    if !super::may_lead(svc, principal, &scope).await? {
        return Err(Refused(HearingProblem::NotFound));
    }
    let text = text_of(new.text, HearingProblem::Text)?;
    let owner_name = new.owner_name.trim();
    if owner_name.is_empty() || owner_name.chars().count() > 200 {
        return Err(Refused(HearingProblem::Owner));
    }
    let phone = Phone::parse(new.owner_phone).map_err(|_| Refused(HearingProblem::Phone))?;
    let due = shared::calendar::parse_day(new.due_day.trim()).ok_or(Refused(HearingProblem::Due))?;
    if due < today(svc) || due > today(svc) + 366 {
        return Err(Refused(HearingProblem::Due));
    }
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await.map_err(Error::from)?;
    let (owner, locale) = crate::identity::users::find_or_open(&mut tx, &phone, new.locale, now).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO hearing_decisions (hearing_id, text, owner_id, owner_name, due_day, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(hearing)
    .bind(text)
    .bind(owner)
    .bind(owner_name)
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .fetch_one(&mut *tx)
    .await
    .map_err(Error::from)?;
    let body = shared::i18n::sms(
        locale,
        Sms::DecisionAssigned,
        &[
            ("text", &clip(text)),
            ("due", &day_text(due)),
            ("link", &link(svc, "/decisions")),
        ],
    );
    crate::sms::enqueue(&mut *tx, &phone, &body, locale, "decision", now).await?;
    tx.commit().await.map_err(Error::from)?;
    svc.sms_wakeup.notify_one();
    Ok(id)
}

/// A decision's text cut for an SMS.
fn clip(text: &str) -> String {
    if text.chars().count() <= 60 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(59).collect::<String>())
    }
}

fn link(svc: &Services, path: &str) -> String {
    format!("{}{path}", svc.public_url)
}

/// Decisions matching `condition` (on `hearing_decisions d`, one value `$1`), newest due last.
/// `known` gives the scope's name, quarter and whether the reader may record, when the caller
/// knows them (one hearing); otherwise they are looked up.
async fn decisions_where(
    svc: &Services,
    principal: &Principal,
    condition: &str,
    value: i64,
    known: Option<(&shared::geo::Names, Quarter, bool)>,
) -> Result<Vec<Decision>> {
    let rows = sqlx::query(&format!(
        "SELECT d.id, d.hearing_id, d.text, d.owner_id, d.owner_name, d.due_day, d.due_at, d.done_at, d.done_note, \
           h.scope, h.quarter FROM hearing_decisions d JOIN report_hearings h ON h.id = d.hearing_id \
         WHERE {condition} ORDER BY d.due_at, d.id"
    ))
    .bind(value)
    .fetch_all(&svc.db.pool)
    .await?;
    let now = svc.clock.now_ms();
    let mut out = Vec::with_capacity(rows.len());
    // A scope's name and whether the reader leads it, looked up once per scope.
    let mut scopes: std::collections::HashMap<String, (shared::geo::Names, bool)> = Default::default();
    for row in &rows {
        let scope_code: String = row.try_get("scope")?;
        let (name, quarter, records) = match known {
            Some((name, quarter, records)) => (name.clone(), quarter, records),
            None => {
                let quarter_text: String = row.try_get("quarter")?;
                let quarter = Quarter::parse(&quarter_text)
                    .ok_or_else(|| Error::Corrupt(format!("report_hearings.quarter = {quarter_text}")))?;
                if !scopes.contains_key(&scope_code) {
                    let scope = ReportScope::parse(&scope_code)
                        .ok_or_else(|| Error::Corrupt(format!("report_hearings.scope = {scope_code}")))?;
                    let name = super::scope_name(svc, &scope).await?;
                    let leads = super::may_lead(svc, principal, &scope).await?;
                    scopes.insert(scope_code.clone(), (name, leads));
                }
                let (name, leads) = scopes[&scope_code].clone();
                (name, quarter, leads)
            }
        };
        let done_at: Option<i64> = row.try_get("done_at")?;
        let owner: i64 = row.try_get("owner_id")?;
        out.push(Decision {
            id: row.try_get("id")?,
            hearing: row.try_get("hearing_id")?,
            scope_name: name,
            quarter,
            text: row.try_get("text")?,
            owner_name: row.try_get("owner_name")?,
            due_day: row.try_get("due_day")?,
            status: status(done_at, row.try_get("due_at")?, now),
            done_note: row.try_get("done_note")?,
            can_close: done_at.is_none() && (owner == principal.user_id || records),
        });
    }
    Ok(out)
}

/// The decisions a person owns.
pub async fn decisions_of(svc: &Services, principal: &Principal) -> Result<Vec<Decision>> {
    decisions_where(svc, principal, "d.owner_id = $1", principal.user_id, None).await
}

/// Marks a decision done, saying what was done: its owner, or whoever may record its hearing.
pub async fn close(
    svc: &Services,
    principal: &Principal,
    decision: i64,
    note: &str,
) -> Result<(), HearingError> {
    let row = sqlx::query("SELECT hearing_id, owner_id FROM hearing_decisions WHERE id = $1")
        .bind(decision)
        .fetch_optional(&svc.db.pool)
        .await
        .map_err(Error::from)?
        .ok_or(Refused(HearingProblem::NotFound))?;
    let owner: i64 = row.try_get("owner_id").map_err(Error::from)?;
    let hearing: i64 = row.try_get("hearing_id").map_err(Error::from)?;
    let allowed = owner == principal.user_id
        || match hearing_of(svc, hearing).await? {
            Some((scope, _, _)) => super::may_lead(svc, principal, &scope).await?,
            None => false,
        };
    if !allowed {
        return Err(Refused(HearingProblem::NotFound));
    }
    let note = text_of(note, HearingProblem::Note)?;
    let done = sqlx::query(
        "UPDATE hearing_decisions SET done_at = $1, done_note = $2, done_by = $3 WHERE id = $4 AND done_at IS NULL",
    )
    .bind(svc.clock.now_ms())
    .bind(note)
    .bind(principal.user_id)
    .bind(decision)
    .execute(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    if done.rows_affected() == 0 {
        return Err(Refused(HearingProblem::Closed));
    }
    Ok(())
}

/// Reminds owners of up to `batch` open decisions due within a day, and tells owners and
/// recorders of decisions whose day has passed; each once. Returns how many were told.
pub async fn remind_decisions(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let mut told = 0;
    for (condition, column, sms, recorder_too) in [
        (
            "d.due_at > $1 AND d.due_at <= $1 + 86400000 AND d.reminded_at IS NULL",
            "reminded_at",
            Sms::DecisionDue,
            false,
        ),
        (
            "d.due_at < $1 AND d.overdue_told_at IS NULL",
            "overdue_told_at",
            Sms::DecisionOverdue,
            true,
        ),
    ] {
        let rows = sqlx::query(&format!(
            "SELECT d.id, d.text, d.due_day, o.phone, o.locale, r.phone AS r_phone, r.locale AS r_locale \
             FROM hearing_decisions d JOIN users o ON o.id = d.owner_id \
             JOIN report_hearings h ON h.id = d.hearing_id JOIN users r ON r.id = h.recorded_by \
             WHERE d.done_at IS NULL AND {condition} ORDER BY d.due_at, d.id LIMIT $2"
        ))
        .bind(now)
        .bind(batch)
        .fetch_all(&svc.db.pool)
        .await?;
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            let mut tx = svc.db.pool.begin().await?;
            let claimed = sqlx::query(&format!(
                "UPDATE hearing_decisions SET {column} = $1 WHERE id = $2 AND {column} IS NULL"
            ))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if claimed.rows_affected() == 0 {
                continue; // another instance told them
            }
            let text = clip(&row.try_get::<String, _>("text")?);
            let due: String = row.try_get("due_day")?;
            let mut to = vec![(
                row.try_get::<String, _>("phone")?,
                row.try_get::<String, _>("locale")?,
            )];
            if recorder_too {
                to.push((row.try_get("r_phone")?, row.try_get("r_locale")?));
            }
            to.dedup();
            for (phone, locale) in to {
                let locale = shared::Locale::from_tag(&locale).unwrap_or_default();
                if let Ok(phone) = Phone::parse(&phone) {
                    let body = shared::i18n::sms(
                        locale,
                        sms,
                        &[("text", &text), ("due", &due), ("link", &link(svc, "/decisions"))],
                    );
                    crate::sms::enqueue(&mut *tx, &phone, &body, locale, "decision", now).await?;
                }
            }
            tx.commit().await?;
            told += 1;
        }
    }
    if told > 0 {
        svc.sms_wakeup.notify_one();
    }
    Ok(told)
}

/// Opens this quarter's line of the register for every ministry (a body with no parent), due
/// on the quarter's last day. Safe to run again.
pub async fn open_proposals(svc: &Services) -> Result<()> {
    let now = svc.clock.now_ms();
    let quarter = Quarter::of(now);
    let (_, next) = quarter.bounds();
    let last = shared::calendar::day_of(next - 1);
    let bodies: Vec<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE parent_id IS NULL ORDER BY id")
        .fetch_all(&svc.db.pool)
        .await?;
    for body in bodies {
        sqlx::query(
            "INSERT INTO cabinet_proposals (body_id, quarter, due_day, due_at, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (body_id, quarter) DO NOTHING",
        )
        .bind(body)
        .bind(quarter.to_string())
        .bind(day_text(last))
        .bind(shared::calendar::end_of(last))
        .bind(now)
        .execute(&svc.db.pool)
        .await?;
    }
    Ok(())
}

/// The register of proposals a person keeps: the lines of the ministries they head (all of
/// them for an administrator), newest quarter first.
pub async fn proposals(svc: &Services, principal: &Principal) -> Result<Vec<Proposal>> {
    open_proposals(svc).await?;
    let rows = sqlx::query(
        "SELECT p.id, p.body_id, p.quarter, p.due_day, p.due_at, p.text, p.submitted_at, \
           b.name_uz AS n_uz, b.name_uz_cyrl AS n_cyrl, b.name_ru AS n_ru \
         FROM cabinet_proposals p JOIN bodies b ON b.id = p.body_id ORDER BY p.quarter DESC, p.body_id",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    let now = svc.clock.now_ms();
    let mut out = Vec::new();
    // Whether the reader heads a body, asked once per body.
    let mut headed: std::collections::HashMap<i64, bool> = Default::default();
    for row in &rows {
        let body: i64 = row.try_get("body_id")?;
        if let std::collections::hash_map::Entry::Vacant(entry) = headed.entry(body) {
            entry.insert(crate::appeals::scope::heads(svc, principal, body).await?);
        }
        if !headed[&body] {
            continue;
        }
        let quarter_text: String = row.try_get("quarter")?;
        let submitted_at: Option<i64> = row.try_get("submitted_at")?;
        out.push(Proposal {
            id: row.try_get("id")?,
            body,
            body_name: crate::db::names(row, "n")?,
            quarter: Quarter::parse(&quarter_text)
                .ok_or_else(|| Error::Corrupt(format!("cabinet_proposals.quarter = {quarter_text}")))?,
            due_day: row.try_get("due_day")?,
            status: status(submitted_at, row.try_get("due_at")?, now),
            text: row.try_get("text")?,
            submitted_at,
            can_submit: submitted_at.is_none(),
        });
    }
    Ok(out)
}

/// Records a quarter's proposals as sent, by a head of the ministry.
pub async fn submit(svc: &Services, principal: &Principal, id: i64, text: &str) -> Result<(), HearingError> {
    let body: i64 = sqlx::query_scalar("SELECT body_id FROM cabinet_proposals WHERE id = $1")
        .bind(id)
        .fetch_optional(&svc.db.pool)
        .await
        .map_err(Error::from)?
        .ok_or(Refused(HearingProblem::NotFound))?;
    if !crate::appeals::scope::heads(svc, principal, body).await? {
        return Err(Refused(HearingProblem::NotFound));
    }
    let text = text_of(text, HearingProblem::Text)?;
    let sent = sqlx::query(
        "UPDATE cabinet_proposals SET text = $1, submitted_at = $2, submitted_by = $3 WHERE id = $4 AND submitted_at IS NULL",
    )
    .bind(text)
    .bind(svc.clock.now_ms())
    .bind(principal.user_id)
    .bind(id)
    .execute(&svc.db.pool)
    .await
    .map_err(Error::from)?;
    if sent.rows_affected() == 0 {
        return Err(Refused(HearingProblem::Closed));
    }
    Ok(())
}

/// Opens the quarter's lines and reminds the heads of each ministry whose proposals are due
/// within a week and not sent (once a line). Returns how many lines were reminded of.
pub async fn remind_proposals(svc: &Services) -> Result<usize> {
    open_proposals(svc).await?;
    let now = svc.clock.now_ms();
    let rows = sqlx::query(
        "SELECT id, body_id, quarter, due_day FROM cabinet_proposals \
         WHERE submitted_at IS NULL AND reminded_at IS NULL AND due_at > $1 AND due_at <= $1 + 604800000",
    )
    .bind(now)
    .fetch_all(&svc.db.pool)
    .await?;
    let parents = crate::appeals::scope::parents(svc).await?;
    let mut told = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let body: i64 = row.try_get("body_id")?;
        let mut tx = svc.db.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE cabinet_proposals SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let quarter: String = row.try_get("quarter")?;
        let due: String = row.try_get("due_day")?;
        for (phone, locale) in
            crate::appeals::terms::staff_of(&mut tx, &parents, body, &["head_of_body"]).await?
        {
            let text = shared::i18n::sms(
                locale,
                Sms::ProposalsDue,
                &[
                    ("quarter", &quarter),
                    ("due", &due),
                    ("link", &link(svc, "/desk/proposals")),
                ],
            );
            crate::sms::enqueue(&mut *tx, &phone, &text, locale, "proposals", now).await?;
        }
        tx.commit().await?;
        told += 1;
    }
    if told > 0 {
        svc.sms_wakeup.notify_one();
    }
    Ok(told)
}
