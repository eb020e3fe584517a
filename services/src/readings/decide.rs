//! The inspector's decision: confirm, correct or reject; a confirmed reading charges the
//! account by its tariff's tiers, once, whoever decides first.

use super::inspector::case;
use super::notify::text;
use super::{confirmed_values, event};
use crate::accounts::NewEntry;
use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::auth::Principal;
use shared::reading::{ReadingEvent, RejectReason, Tier, ValueError};
use shared::reading::{ReadingEventKind, ReadingStatus};
use shared::{Locale, Phone, Tiyin};
use sqlx::Row;

/// What the inspector decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Confirm,
    /// A different value than typed, with the reason. A value below the last confirmed one
    /// records a meter replacement: the new meter's reading is the consumption.
    Correct {
        value: String,
        reason: String,
    },
    Reject {
        reason: RejectReason,
        text: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such reading in the inspector's scope")]
    NotFound,
    #[error("already decided")]
    Taken {
        status: String,
        by: Option<String>,
        at: i64,
    },
    #[error("value: {0:?}")]
    Value(ValueError),
    #[error("a reason is required")]
    ReasonRequired,
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(DecideError);

/// The price list of a tariff in effect at an instant, tiers in order.
pub async fn tiers<'e, E>(executor: E, tariff: &str, at: i64) -> Result<Vec<Tier>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows = sqlx::query(
        "SELECT up_to_units, unit_price_tiyin FROM tariff_prices WHERE tariff_code = $1 AND effective_from = \
           (SELECT MAX(effective_from) FROM tariff_prices WHERE tariff_code = $1 AND effective_from <= $2) \
         ORDER BY CASE WHEN up_to_units IS NULL THEN 1 ELSE 0 END, up_to_units",
    )
    .bind(tariff)
    .bind(at)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Tier {
                up_to_units: r.try_get("up_to_units")?,
                unit_price: Tiyin::new(r.try_get("unit_price_tiyin")?),
            })
        })
        .collect()
}

/// Decides a pending reading once: the first decision wins, a second inspector is told who
/// took it. A confirmed or corrected reading charges the account in the same transaction,
/// and the resident's SMS is queued with it.
pub async fn decide(
    svc: &Services,
    principal: &Principal,
    reading_id: i64,
    decision: &Decision,
) -> Result<ReadingEvent, DecideError> {
    // Scope first: outside it the reading does not exist for this person.
    let case = match case(svc, principal, reading_id).await {
        Ok(c) => c,
        Err(Error::NotFound) => return Err(DecideError::NotFound),
        Err(e) => return Err(e.into()),
    };
    let reading = case.reading;
    if reading.status != ReadingStatus::Pending {
        return Err(taken(svc, reading_id).await?);
    }
    // Everything the person typed is checked before anything changes.
    let (status, typed_value, reason_code, reason_text) = match decision {
        Decision::Confirm => (ReadingEventKind::Confirmed, None, None, None),
        Decision::Correct { value, reason } => {
            let value =
                shared::reading::parse_value(value, reading.meter_decimals).map_err(DecideError::Value)?;
            if reason.trim().is_empty() {
                return Err(DecideError::ReasonRequired);
            }
            (
                ReadingEventKind::Corrected,
                Some(value),
                None,
                Some(reason.trim().to_string()),
            )
        }
        Decision::Reject { reason, text } => {
            if *reason == RejectReason::Other && text.trim().is_empty() {
                return Err(DecideError::ReasonRequired);
            }
            let text = Some(text.trim().to_string()).filter(|t| !t.is_empty());
            (ReadingEventKind::Rejected, None, Some(*reason), text)
        }
    };
    let value = typed_value.unwrap_or(reading.value_milli);
    let now = svc.clock.now_ms();
    let mut tx = svc.db.pool.begin().await?;
    // The claim comes first: the first decision wins, and on SQLite the write lock is taken
    // before anything is read, so concurrent deciders queue instead of failing.
    let claimed = sqlx::query(
        "UPDATE meter_readings SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = 'pending'",
    )
    .bind(status.code())
    .bind(now)
    .bind(principal.user_id)
    .bind(reading_id)
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        drop(tx);
        return Err(taken(svc, reading_id).await?);
    }
    let previous = confirmed_values(&mut *tx, reading.account_id, reading_id, 1)
        .await?
        .first()
        .copied();
    let charge = if status == ReadingEventKind::Rejected {
        None
    } else {
        let consumption = match previous {
            Some(last) if value >= last => value - last,
            // A meter replaced (a corrected value below the last): it started from zero.
            Some(_) => value,
            // The first reading through Fuqaro: no consumption known to charge.
            None => 0,
        };
        let tariff: String = sqlx::query_scalar("SELECT tariff_code FROM utility_accounts WHERE id = $1")
            .bind(reading.account_id)
            .fetch_one(&mut *tx)
            .await?;
        let tiers = tiers(&mut *tx, &tariff, reading.submitted_at).await?;
        Some(shared::reading::charge(consumption, &tiers))
    };
    sqlx::query(
        "UPDATE meter_readings SET value_milli = $1, reason_code = $2, reason_text = $3, charge_tiyin = $4 WHERE id = $5",
    )
    .bind(value)
    .bind(reason_code.map(RejectReason::code))
    .bind(reason_text.as_deref())
    .bind(charge.map(Tiyin::get))
    .bind(reading_id)
    .execute(&mut *tx)
    .await?;
    if let Some(amount) = charge.filter(|c| c.get() > 0) {
        let description = format!(
            "{}: {} → {}",
            reading.service.uz,
            shared::account::format_reading(previous.unwrap_or(0), reading.meter_decimals),
            shared::account::format_reading(value, reading.meter_decimals)
        );
        let reference = format!("reading:{reading_id}");
        let note = shared::account::LedgerNote::Reading {
            from_milli: previous.unwrap_or(0),
            to_milli: value,
            decimals: reading.meter_decimals,
        };
        crate::accounts::append(
            &mut *tx,
            &NewEntry {
                account_id: reading.account_id,
                kind: shared::account::LedgerKind::Charge,
                amount: Tiyin::new(-amount.get()),
                occurred_at: now,
                description: &description,
                reference: Some(&reference),
                note: Some(&note),
            },
            now,
        )
        .await?;
    }
    event(
        &mut *tx,
        reading_id,
        status.code(),
        Some(principal.user_id),
        Some(value),
        reason_code.map(RejectReason::code),
        reason_text.as_deref(),
        charge.map(Tiyin::get),
        now,
    )
    .await?;
    // The resident who sent it hears about it in their language.
    let resident = sqlx::query(
        "SELECT u.id, u.phone, u.locale FROM meter_readings r JOIN users u ON u.id = r.user_id WHERE r.id = $1",
    )
    .bind(reading_id)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = resident {
        let phone: String = row.try_get("phone")?;
        let locale = Locale::from_tag(&row.try_get::<String, _>("locale")?).unwrap_or_default();
        if let Ok(phone) = Phone::parse(&phone) {
            let value_text = shared::account::format_reading(value, reading.meter_decimals);
            let body = match (status, decision) {
                (ReadingEventKind::Confirmed, _) => text::confirmed(
                    locale,
                    &reading.account_number,
                    &value_text,
                    charge.unwrap_or_default(),
                ),
                (ReadingEventKind::Corrected, _) => text::corrected(
                    locale,
                    &reading.account_number,
                    &value_text,
                    reason_text.as_deref().unwrap_or(""),
                    charge.unwrap_or_default(),
                ),
                (_, Decision::Reject { reason, text }) => {
                    text::rejected(locale, &reading.account_number, *reason, text.trim())
                }
                _ => String::new(),
            };
            let user: i64 = row.try_get("id")?;
            crate::notify::person(svc, &mut tx, user, (&phone, locale), &body, "reading", now).await?;
        }
    }
    tx.commit().await?;
    crate::notify::wake(svc);
    Ok(ReadingEvent {
        kind: status,
        actor: None,
        value_milli: Some(value),
        reason_code,
        reason_text,
        charge,
        at: now,
    })
}

async fn taken(svc: &Services, reading_id: i64) -> Result<DecideError> {
    let row = sqlx::query(
        "SELECT r.status, r.decided_at, u.full_name, u.phone FROM meter_readings r \
         LEFT JOIN users u ON u.id = r.decided_by WHERE r.id = $1",
    )
    .bind(reading_id)
    .fetch_one(&svc.db.pool)
    .await?;
    let name: Option<String> = row.try_get("full_name")?;
    let phone: Option<String> = row.try_get("phone")?;
    Ok(DecideError::Taken {
        status: row.try_get("status")?,
        by: name.or(phone),
        at: row.try_get::<Option<i64>, _>("decided_at")?.unwrap_or_default(),
    })
}
