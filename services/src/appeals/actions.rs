//! What an officer does with an appeal of their bodies: triage (the category and its term),
//! assign, answer, forward, extend, record consent, resolve — each an event on the timeline.

use super::{
    attachments, calendar, day_text,
    notify::tell_resident,
    scope::{body_staff, handles},
    timeline::{Step, record},
};
use crate::{Error, Result, Services};
use shared::appeal::{
    Category, ConsentGap, ConsentRole, Detail, EventKind, Problem, Resolution, consent_gap,
};
use shared::auth::Principal;
use sqlx::Row;

/// The officer sorts an appeal; its term is counted again from registration by the category.
pub async fn triage(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    category: Category,
) -> Result<String, ActionError> {
    let row = open_appeal(svc, principal, appeal_id).await?;
    let body: i64 = row.try_get("body_id")?;
    let registered = shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?)
        .ok_or_else(|| Error::ReferenceData("a registered day that is not a date".into()))?;
    let calendar = calendar(svc).await?;
    let due = super::terms(svc).await?.of(category).due(&calendar, registered);
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    sqlx::query(
        "UPDATE appeals SET category = $1, status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END, \
           due_day = $2, due_at = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(category.code())
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .bind(appeal_id)
    .execute(&mut *tx)
    .await?;
    let step = Step {
        appeal: appeal_id,
        user: row.try_get("user_id")?,
        kind: shared::appeal::EventKind::Triaged,
        actor: Some(principal.user_id),
        body: Some(body),
        detail: Detail::Category(category),
        due: Some(due),
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    tx.commit().await?;
    svc.live.publish([notice]);
    Ok(day_text(due))
}

/// What an officer does with an appeal of their bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Gives it to a staff member of the body.
    Assign(i64),
    /// Answers the resident (the appeal stays open until resolved).
    Answer(String),
    /// Sends it to the competent body, within 5 working days of registration.
    Forward {
        to: i64,
        reason: String,
    },
    /// Extends the term once, by up to a month, with a reason: at once for a head of the body;
    /// for an officer, a request a head approves or refuses.
    Extend(String),
    /// A head approves the officer's request to extend, or refuses it with a reason.
    ApproveExtension,
    RefuseExtension(String),
    /// A head lets an officer's answer waiting for them go to the resident, or sends it back
    /// to the officer with a reason (bodies whose answers a head reviews).
    ApproveAnswer,
    ReturnAnswer(String),
    /// Ends it; a rejection needs its reason, a collective appeal the recorded consent.
    Resolve {
        resolution: Resolution,
        reason: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such appeal in this person's bodies")]
    NotFound,
    #[error("already resolved")]
    Resolved,
    #[error("a reason or text is required")]
    ReasonRequired,
    #[error("the text is too long")]
    TooLong,
    #[error("the term was already extended once")]
    AlreadyExtended,
    #[error("only a head of the body may decide an extension")]
    HeadOnly,
    #[error("no extension was asked for")]
    NoExtensionRequest,
    #[error("an extension already waits for a head")]
    ExtensionPending,
    #[error("an answer already waits for a head")]
    AnswerPending,
    #[error("no answer waits for a head")]
    NoDraftAnswer,
    #[error("forwarding is allowed within 5 working days of registration")]
    TooLateToForward,
    #[error("no such body")]
    Body,
    #[error("the assignee does not work for this body")]
    Assignee,
    #[error("consent only concerns collective appeals")]
    NotCollective,
    #[error(
        "a collective appeal closes only with the consent of the co-signers' representatives and the mahalla seven"
    )]
    ConsentMissing(ConsentGap),
    #[error(transparent)]
    Service(#[from] Error),
}

impl ActionError {
    pub fn problem(&self) -> Problem {
        match self {
            ActionError::NotFound => Problem::NotFound,
            ActionError::Resolved => Problem::Resolved,
            ActionError::ReasonRequired => Problem::ReasonRequired,
            ActionError::TooLong => Problem::TooLong,
            ActionError::AlreadyExtended => Problem::AlreadyExtended,
            ActionError::HeadOnly => Problem::HeadOnly,
            ActionError::NoExtensionRequest => Problem::NoExtensionRequest,
            ActionError::ExtensionPending => Problem::ExtensionPending,
            ActionError::AnswerPending => Problem::AnswerPending,
            ActionError::NoDraftAnswer => Problem::NoDraftAnswer,
            ActionError::TooLateToForward => Problem::TooLateToForward,
            ActionError::Body => Problem::Body,
            ActionError::Assignee => Problem::Assignee,
            ActionError::NotCollective => Problem::NotCollective,
            ActionError::ConsentMissing(ConsentGap::Representative) => Problem::ConsentRepresentative,
            ActionError::ConsentMissing(ConsentGap::MahallaSeven) => Problem::ConsentMahalla,
            ActionError::ConsentMissing(ConsentGap::Refused) => Problem::ConsentRefused,
            ActionError::Service(_) => Problem::Unavailable,
        }
    }
}

crate::error::service_error!(ActionError);

/// An unresolved appeal of a body the person handles; "not found" outside their bodies.
async fn open_appeal(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
) -> Result<sqlx::any::AnyRow, ActionError> {
    let row = sqlx::query(
        "SELECT a.body_id, a.status, a.extended, a.registered_day, a.due_day, a.user_id, a.number, a.collective, \
           a.extension_request, a.draft_answer, a.draft_answer_by \
         FROM appeals a WHERE a.id = $1",
    )
    .bind(appeal_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(ActionError::NotFound)?;
    if !handles(svc, principal, row.try_get("body_id")?).await? {
        return Err(ActionError::NotFound);
    }
    if row.try_get::<String, _>("status")? == "resolved" {
        return Err(ActionError::Resolved);
    }
    Ok(row)
}

/// The consent recorded for an appeal, oldest first.
pub async fn consents(svc: &Services, appeal_id: i64) -> Result<Vec<shared::appeal::Consent>> {
    sqlx::query("SELECT person, role, consent, at FROM appeal_consents WHERE appeal_id = $1 ORDER BY id")
        .bind(appeal_id)
        .fetch_all(&svc.db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(shared::appeal::Consent {
                person: r.try_get("person")?,
                role: crate::db::word(r, "role")?,
                consent: r.try_get::<i16, _>("consent")? != 0,
                at: r.try_get("at")?,
            })
        })
        .collect()
}

/// The longest answer, reason or comment an officer or resident may write.
pub const NOTE_MAX: usize = 10_000;

fn note(text: &str) -> Result<&str, ActionError> {
    let text = text.trim();
    if text.is_empty() {
        Err(ActionError::ReasonRequired)
    } else if text.chars().count() > NOTE_MAX {
        Err(ActionError::TooLong)
    } else {
        Ok(text)
    }
}

/// Carries out an officer's action; every action is an event on the timeline with who and
/// when, and the resident is told of a forward, an extension, an answer and the resolution.
/// Returns the event's id.
pub async fn act(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    action: &Action,
) -> Result<i64, ActionError> {
    act_with_files(svc, principal, appeal_id, action, &[], &[]).await
}

/// [`act`], with files checked and stored beforehand (an answer's attachments), linked to the
/// action's event in its transaction.
pub async fn act_with_files(
    svc: &Services,
    principal: &Principal,
    appeal_id: i64,
    action: &Action,
    files: &[attachments::Checked],
    stored: &[i64],
) -> Result<i64, ActionError> {
    let row = open_appeal(svc, principal, appeal_id).await?;
    let body: i64 = row.try_get("body_id")?;
    let number: String = row.try_get("number")?;
    let collective = row.try_get::<i16, _>("collective")? != 0;
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
    let extension_days = super::terms(svc).await?.extension_days;
    let is_head = super::scope::heads(svc, principal, body).await?;
    let requested: Option<String> = row.try_get("extension_request")?;
    let draft: Option<String> = row.try_get("draft_answer")?;
    // An officer's answer in a body whose head reviews answers (the body's own setting or one
    // above it) goes to a head first.
    let reviewed = !is_head && matches!(action, Action::Answer(_)) && answers_reviewed(svc, body).await?;
    let extended = row.try_get::<i16, _>("extended")? != 0;
    // The new end of an extended term: a month (as set) from the old end.
    let extended_due = || {
        let old = shared::calendar::parse_day(&row.try_get::<String, _>("due_day").unwrap_or_default())
            .unwrap_or_default();
        shared::calendar::Term::CalendarDays(extension_days).due(&calendar, old)
    };
    // Checked before the transaction: reads of other tables.
    // The officer assigned, under the name the desk shows them (only staff of the body).
    let assignee = match action {
        Action::Assign(user) => body_staff(svc, body)
            .await?
            .into_iter()
            .find(|s| s.id == *user)
            .map(|s| s.name),
        _ => None,
    };
    match action {
        Action::Assign(_) if assignee.is_none() => {
            return Err(ActionError::Assignee);
        }
        Action::Resolve { .. } if collective => {
            let records: Vec<(String, ConsentRole, bool)> = consents(svc, appeal_id)
                .await?
                .into_iter()
                .map(|c| (c.person, c.role, c.consent))
                .collect();
            if let Some(gap) = consent_gap(&records) {
                return Err(ActionError::ConsentMissing(gap));
            }
        }
        _ => {}
    }
    let mut tx = svc.db.pool.begin().await?;
    let (kind, detail, due, tell): (EventKind, Detail, Option<i64>, bool) = match action {
        Action::Assign(user) => {
            sqlx::query("UPDATE appeals SET assigned_to = $1, status = CASE WHEN status = 'registered' THEN 'in_progress' ELSE status END, updated_at = $2 WHERE id = $3")
                .bind(user)
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            (
                EventKind::Assigned,
                Detail::Assigned {
                    officer: *user,
                    name: assignee.clone().unwrap_or_default(),
                },
                None,
                false,
            )
        }
        // While an answer waits for a head, the officer neither answers again nor closes it.
        Action::Answer(_) | Action::Resolve { .. } if draft.is_some() && !is_head => {
            return Err(ActionError::AnswerPending);
        }
        Action::Answer(text) if reviewed => {
            let text = note(text)?;
            let held = sqlx::query(
                "UPDATE appeals SET draft_answer = $1, draft_answer_by = $2, updated_at = $3 \
                 WHERE id = $4 AND draft_answer IS NULL",
            )
            .bind(text)
            .bind(principal.user_id)
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            if held.rows_affected() == 0 {
                return Err(ActionError::AnswerPending);
            }
            tell_heads(
                svc,
                &mut tx,
                body,
                shared::i18n::Sms::AppealAnswerProposed,
                &number,
                now,
            )
            .await?;
            (
                EventKind::AnswerProposed,
                Detail::Note(text.to_string()),
                None,
                false,
            )
        }
        Action::Answer(text) => {
            // A head's own answer goes out at once, and takes the place of one waiting.
            let text = note(text)?;
            sqlx::query(
                "UPDATE appeals SET status = 'answered', draft_answer = NULL, draft_answer_by = NULL, updated_at = $1 \
                 WHERE id = $2",
            )
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            (EventKind::Answered, Detail::Note(text.to_string()), None, true)
        }
        Action::ApproveAnswer | Action::ReturnAnswer(_) if !is_head => {
            return Err(ActionError::HeadOnly);
        }
        Action::ApproveAnswer => {
            let Some(text) = draft.clone() else {
                return Err(ActionError::NoDraftAnswer);
            };
            let released = sqlx::query(
                "UPDATE appeals SET status = 'answered', draft_answer = NULL, draft_answer_by = NULL, updated_at = $1 \
                 WHERE id = $2 AND draft_answer IS NOT NULL",
            )
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            if released.rows_affected() == 0 {
                return Err(ActionError::NoDraftAnswer);
            }
            (EventKind::Answered, Detail::Note(text), None, true)
        }
        Action::ReturnAnswer(reason) => {
            let reason = note(reason)?;
            let cleared = sqlx::query(
                "UPDATE appeals SET draft_answer = NULL, draft_answer_by = NULL, updated_at = $1 \
                 WHERE id = $2 AND draft_answer IS NOT NULL",
            )
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            if cleared.rows_affected() == 0 {
                return Err(ActionError::NoDraftAnswer);
            }
            // The officer who wrote it is told by SMS.
            if let Some(writer) = row.try_get::<Option<i64>, _>("draft_answer_by")?
                && let Some((phone, locale)) = crate::identity::users::contact(&mut tx, writer).await?
            {
                let words = shared::i18n::sms(
                    locale,
                    shared::i18n::Sms::AppealAnswerReturned,
                    &[("number", &number)],
                );
                crate::sms::enqueue(&mut *tx, &phone, &words, locale, "appeal", now).await?;
            }
            (
                EventKind::AnswerReturned,
                Detail::Note(reason.to_string()),
                None,
                false,
            )
        }
        Action::Forward { to, reason } => {
            let reason = note(reason)?;
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE id = $1")
                .bind(to)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() || *to == body {
                return Err(ActionError::Body);
            }
            let registered =
                shared::calendar::parse_day(&row.try_get::<String, _>("registered_day")?).unwrap_or_default();
            let window = super::terms(svc).await?.forward_working_days;
            if shared::calendar::day_of(now) > calendar.add_working_days(registered, window) {
                return Err(ActionError::TooLateToForward);
            }
            sqlx::query("UPDATE appeals SET body_id = $1, assigned_to = NULL, updated_at = $2 WHERE id = $3")
                .bind(to)
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            (
                EventKind::Forwarded,
                Detail::Forwarded {
                    from: body,
                    reason: reason.to_string(),
                },
                None,
                true,
            )
        }
        Action::Extend(reason) if is_head => {
            let reason = note(reason)?;
            if extended {
                return Err(ActionError::AlreadyExtended);
            }
            let due = extended_due();
            extend(&mut tx, appeal_id, due, now).await?;
            (
                EventKind::Extended,
                Detail::Note(reason.to_string()),
                Some(due),
                true,
            )
        }
        Action::Extend(reason) => {
            let reason = note(reason)?;
            if extended {
                return Err(ActionError::AlreadyExtended);
            }
            let asked = sqlx::query(
                "UPDATE appeals SET extension_request = $1, extension_requested_by = $2, updated_at = $3 \
                 WHERE id = $4 AND extension_request IS NULL AND extended = 0",
            )
            .bind(reason)
            .bind(principal.user_id)
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            if asked.rows_affected() == 0 {
                return Err(ActionError::ExtensionPending);
            }
            tell_heads(
                svc,
                &mut tx,
                body,
                shared::i18n::Sms::AppealExtensionRequested,
                &number,
                now,
            )
            .await?;
            (
                EventKind::ExtensionRequested,
                Detail::Note(reason.to_string()),
                None,
                false,
            )
        }
        Action::ApproveExtension | Action::RefuseExtension(_) if !is_head => {
            return Err(ActionError::HeadOnly);
        }
        Action::ApproveExtension => {
            let Some(reason) = requested.clone() else {
                return Err(ActionError::NoExtensionRequest);
            };
            if extended {
                return Err(ActionError::AlreadyExtended);
            }
            let due = extended_due();
            extend(&mut tx, appeal_id, due, now).await?;
            (EventKind::Extended, Detail::Note(reason), Some(due), true)
        }
        Action::RefuseExtension(text) => {
            let reason = note(text)?;
            let cleared = sqlx::query(
                "UPDATE appeals SET extension_request = NULL, extension_requested_by = NULL, updated_at = $1 \
                 WHERE id = $2 AND extension_request IS NOT NULL",
            )
            .bind(now)
            .bind(appeal_id)
            .execute(&mut *tx)
            .await?;
            if cleared.rows_affected() == 0 {
                return Err(ActionError::NoExtensionRequest);
            }
            (
                EventKind::ExtensionRefused,
                Detail::Note(reason.to_string()),
                None,
                false,
            )
        }
        Action::Resolve { resolution, reason } => {
            let reason = match resolution {
                Resolution::Rejected => note(reason)?,
                _ => reason.trim(),
            };
            let done = sqlx::query(
                "UPDATE appeals SET status = 'resolved', resolution = $1, draft_answer = NULL, draft_answer_by = NULL, \
                   updated_at = $2 WHERE id = $3 AND status <> 'resolved'",
            )
                .bind(resolution.code())
                .bind(now)
                .bind(appeal_id)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                return Err(ActionError::Resolved);
            }
            (
                EventKind::Resolved,
                Detail::Resolved {
                    resolution: *resolution,
                    reason: reason.to_string(),
                },
                None,
                true,
            )
        }
    };
    let step = Step {
        appeal: appeal_id,
        user: row.try_get("user_id")?,
        kind,
        actor: Some(principal.user_id),
        body: match action {
            Action::Forward { to, .. } => Some(*to),
            _ => Some(body),
        },
        detail,
        due,
        at: now,
    };
    let notice = record(svc, &mut tx, step).await?;
    attachments::link(&mut tx, appeal_id, Some(notice.event_id), files, stored, now).await?;
    if *action == Action::ApproveAnswer {
        // The files sent with the answer a head let go now go with it to the resident.
        sqlx::query(
            "UPDATE appeal_files SET event_id = $1 WHERE appeal_id = $2 AND event_id = \
               (SELECT MAX(id) FROM appeal_events WHERE appeal_id = $2 AND kind = 'answer_proposed')",
        )
        .bind(notice.event_id)
        .bind(appeal_id)
        .execute(&mut *tx)
        .await?;
    }
    if tell {
        tell_resident(svc, &mut tx, row.try_get("user_id")?, &number, now).await?;
    }
    tx.commit().await?;
    let event_id = notice.event_id;
    svc.live.publish([notice]);
    if tell {
        svc.sms_wakeup.notify_one();
    }
    Ok(event_id)
}

/// Inside an action's transaction: an SMS to the heads above the body (in their language)
/// about appeal `number`.
async fn tell_heads(
    svc: &Services,
    tx: &mut sqlx::AnyConnection,
    body: i64,
    key: shared::i18n::Sms,
    number: &str,
    now: i64,
) -> Result<()> {
    let parents = super::parents(svc).await?;
    for (phone, locale) in super::terms::staff_of(&mut *tx, &parents, body, &["head_of_body"]).await? {
        let words = shared::i18n::sms(locale, key, &[("number", number)]);
        crate::sms::enqueue(&mut *tx, &phone, &words, locale, "appeal", now).await?;
    }
    Ok(())
}

/// Whether answers in a body go to a head first: its own setting, or one of a body above it.
async fn answers_reviewed(svc: &Services, body: i64) -> Result<bool> {
    let on: Vec<i64> = sqlx::query_scalar("SELECT id FROM bodies WHERE answers_reviewed = 1")
        .fetch_all(&svc.db.pool)
        .await?;
    Ok(!on.is_empty() && super::within(&super::parents(svc).await?, body, &on))
}

/// Whether a head has their bodies' officers' answers come to them first: the bodies named
/// in their head grants, and each one's setting.
pub async fn reviewed_bodies(
    svc: &Services,
    principal: &Principal,
) -> Result<Vec<(i64, shared::geo::Names, bool)>> {
    let headed = super::scope::headed_bodies(principal);
    if headed.is_empty() {
        return Ok(Vec::new());
    }
    // The ids come from the person's grants, as numbers.
    let list = headed.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    sqlx::query(&format!(
        "SELECT id, answers_reviewed, name_uz AS n_uz, name_uz_cyrl AS n_cyrl, name_ru AS n_ru FROM bodies \
         WHERE id IN ({list}) ORDER BY id"
    ))
    .fetch_all(&svc.db.pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            crate::db::names(r, "n")?,
            r.try_get::<i16, _>("answers_reviewed")? != 0,
        ))
    })
    .collect()
}

/// A head turns the review of their body's officers' answers on or off. Returns false for a
/// body they do not head.
pub async fn set_answers_reviewed(
    svc: &Services,
    principal: &Principal,
    body: i64,
    on: bool,
) -> Result<bool> {
    if !super::scope::heads(svc, principal, body).await? {
        return Ok(false);
    }
    let done = sqlx::query("UPDATE bodies SET answers_reviewed = $1 WHERE id = $2")
        .bind(i16::from(on))
        .bind(body)
        .execute(&svc.db.pool)
        .await?;
    tracing::info!(body, on, user = principal.user_id, "answers' review set");
    Ok(done.rows_affected() == 1)
}

/// Extends an appeal's term once (to `due`), and clears any request for it; already extended
/// (by someone at the same moment) is refused.
async fn extend(tx: &mut sqlx::AnyConnection, appeal_id: i64, due: i64, now: i64) -> Result<(), ActionError> {
    let done = sqlx::query(
        "UPDATE appeals SET extended = 1, extension_request = NULL, extension_requested_by = NULL, due_day = $1, due_at = $2, \
           updated_at = $3 WHERE id = $4 AND extended = 0",
    )
    .bind(day_text(due))
    .bind(shared::calendar::end_of(due))
    .bind(now)
    .bind(appeal_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(ActionError::AlreadyExtended);
    }
    Ok(())
}
