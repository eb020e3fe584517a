//! Appeals' terms as administrators set them (`shared::appeal::Terms`), and keeping them: the
//! officers reminded before a term ends, and the head told of an appeal nobody triaged within
//! its first working day. Each reminder goes out once per term, however many instances run
//! the job (the appeal is marked in the same transaction, on condition it was not).

use super::{calendar, scope::within};
use crate::{Error, Result, Services};
use shared::Phone;
use shared::appeal::{TermSetting, Terms};
use shared::auth::Scope;
use sqlx::Row;

/// The terms in force: the defaults, with what administrators set.
pub async fn terms(svc: &Services) -> Result<Terms> {
    let rows = sqlx::query("SELECT setting, value FROM appeal_terms")
        .fetch_all(&svc.db.pool)
        .await?;
    let mut terms = Terms::default();
    for row in &rows {
        let setting: TermSetting = crate::db::word(row, "setting")?;
        let value: i64 = row.try_get("value")?;
        let value =
            u32::try_from(value).map_err(|_| Error::Corrupt(format!("appeal_terms.value = {value}")))?;
        terms.set(setting, value);
    }
    Ok(terms)
}

#[derive(Debug, thiserror::Error)]
pub enum TermsError {
    /// Not a whole number in the setting's range.
    #[error("{0} is out of its range")]
    Refused(TermSetting),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(TermsError);

/// Sets terms (each a number typed on the form), all or none; they apply to terms counted from
/// now on.
pub async fn set_terms(svc: &Services, by: i64, values: &[(TermSetting, &str)]) -> Result<(), TermsError> {
    let mut parsed = Vec::with_capacity(values.len());
    for (setting, typed) in values {
        match typed.trim().parse::<u32>() {
            Ok(v) if setting.range().contains(&v) => parsed.push((*setting, v)),
            _ => return Err(TermsError::Refused(*setting)),
        }
    }
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    for (setting, value) in parsed {
        sqlx::query(
            "INSERT INTO appeal_terms (setting, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (setting) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(setting.code())
        .bind(i64::from(value))
        .bind(by)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    tracing::info!(by, "appeal terms set");
    Ok(())
}

/// Phones and languages of the staff of a body: its officers and heads (`roles`), named for it
/// or for a body above it.
pub(crate) async fn staff_of(
    conn: &mut sqlx::AnyConnection,
    parents: &std::collections::HashMap<i64, Option<i64>>,
    body: i64,
    roles: &[&str],
) -> Result<Vec<(Phone, shared::Locale)>> {
    let rows = sqlx::query(
        "SELECT DISTINCT u.phone, u.locale, g.role, s.scope FROM role_grants g JOIN grant_scopes s ON s.grant_id = g.id \
         JOIN users u ON u.id = g.user_id WHERE g.role IN ('appeals_officer', 'head_of_body')",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<(Phone, shared::Locale)> = Vec::new();
    for r in &rows {
        let role: String = r.try_get("role")?;
        let Some(Scope::Body(named)) = Scope::decode(&r.try_get::<String, _>("scope")?) else {
            continue;
        };
        if !roles.contains(&role.as_str()) || !within(parents, body, &[named]) {
            continue;
        }
        let locale = shared::Locale::from_tag(&r.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&r.try_get::<String, _>("phone")?)
            && !out.iter().any(|(p, _)| *p == phone)
        {
            out.push((phone, locale));
        }
    }
    Ok(out)
}

/// Reminds the staff of up to `batch` appeals whose term ends within the reminder's hours:
/// the officer assigned, or else the body's officers and heads. Returns how many appeals.
pub async fn remind_before_due(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let ahead = i64::from(terms(svc).await?.remind_hours) * crate::clock::HOUR_MS;
    let rows = sqlx::query(
        "SELECT id, number, body_id, due_at, due_day, assigned_to FROM appeals \
         WHERE status <> 'resolved' AND due_at >= $1 AND due_at <= $2 \
           AND (reminded_due_at IS NULL OR reminded_due_at <> due_at) ORDER BY due_at, id LIMIT $3",
    )
    .bind(now)
    .bind(now + ahead)
    .bind(batch)
    .fetch_all(&svc.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let parents = super::parents(svc).await?;
    let mut reminded = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let due_at: i64 = row.try_get("due_at")?;
        let mut tx = svc.db.pool.begin().await?;
        let marked = sqlx::query(
            "UPDATE appeals SET reminded_due_at = $1 WHERE id = $2 AND due_at = $1 AND (reminded_due_at IS NULL OR reminded_due_at <> $1)",
        )
        .bind(due_at)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 1 {
            let number: String = row.try_get("number")?;
            let due: String = row.try_get("due_day")?;
            let assignee: Option<i64> = row.try_get("assigned_to")?;
            let to = match assignee {
                Some(user) => crate::identity::users::contact(&mut tx, user)
                    .await?
                    .into_iter()
                    .collect(),
                None => {
                    staff_of(
                        &mut tx,
                        &parents,
                        row.try_get("body_id")?,
                        &["appeals_officer", "head_of_body"],
                    )
                    .await?
                }
            };
            for (phone, locale) in to {
                let words = shared::i18n::sms(
                    locale,
                    shared::i18n::Sms::AppealTermEnding,
                    &[("number", &number), ("due", &due)],
                );
                crate::sms::enqueue(&mut *tx, &phone, &words, locale, "appeal", now).await?;
            }
            reminded += 1;
        }
        tx.commit().await?;
    }
    svc.sms_wakeup.notify_one();
    Ok(reminded)
}

/// Tells the heads of the body (and of the bodies above it) of up to `batch` appeals nobody
/// triaged by the end of the working day after registration; once per appeal. Returns how
/// many appeals.
pub async fn flag_untriaged(svc: &Services, batch: i64) -> Result<usize> {
    let now = svc.clock.now_ms();
    let calendar = calendar(svc).await?;
    // Registered on a day whose next working day has ended.
    let today = shared::calendar::day_of(now);
    let mut latest = today - 1;
    while calendar.add_working_days(latest, 1) >= today {
        latest -= 1;
    }
    let rows = sqlx::query(
        "SELECT id, number, body_id FROM appeals WHERE category IS NULL AND status <> 'resolved' \
           AND registered_day <= $1 AND untriaged_flagged_at IS NULL ORDER BY registered_day, id LIMIT $2",
    )
    .bind(super::day_text(latest))
    .bind(batch)
    .fetch_all(&svc.db.pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let parents = super::parents(svc).await?;
    let mut flagged = 0;
    for row in &rows {
        let id: i64 = row.try_get("id")?;
        let mut tx = svc.db.pool.begin().await?;
        let marked = sqlx::query(
            "UPDATE appeals SET untriaged_flagged_at = $1 WHERE id = $2 AND untriaged_flagged_at IS NULL AND category IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if marked == 1 {
            let number: String = row.try_get("number")?;
            for (phone, locale) in
                staff_of(&mut tx, &parents, row.try_get("body_id")?, &["head_of_body"]).await?
            {
                let words =
                    shared::i18n::sms(locale, shared::i18n::Sms::AppealUntriaged, &[("number", &number)]);
                crate::sms::enqueue(&mut *tx, &phone, &words, locale, "appeal", now).await?;
            }
            flagged += 1;
        }
        tx.commit().await?;
    }
    svc.sms_wakeup.notify_one();
    Ok(flagged)
}
