//! Meter readings: a resident sends a value with a photo; an inspector whose scope covers the
//! account confirms, corrects or rejects it; a confirmed reading charges the account by its
//! tariff, and the resident is told by SMS and on the account page.

pub mod decide;
pub mod inspector;
pub mod notify;
pub mod submit;

pub use decide::{DecideError, Decision, decide, tiers};
pub use inspector::{QUEUE_PAGE, QueueFilter, case, photo, queue, scope_names};
pub use notify::text;
pub use submit::{NewReading, SubmitError, Submitted, mahallas_for, submit, usual_mahalla};

use crate::{Error, Result, Services};
use sqlx::Row;

/// What a reading needs to know of its account.
struct Account {
    district: String,
    service: String,
    decimals: i64,
    metered: bool,
}

async fn account(svc: &Services, account_id: i64) -> Result<Account> {
    let row = sqlx::query(
        "SELECT a.district_soato, a.service_code, a.meter_decimals, st.meter_unit \
         FROM utility_accounts a JOIN service_types st ON st.code = a.service_code WHERE a.id = $1",
    )
    .bind(account_id)
    .fetch_optional(&svc.db.pool)
    .await?
    .ok_or(Error::NotFound)?;
    Ok(Account {
        district: row.try_get("district_soato")?,
        service: row.try_get("service_code")?,
        decimals: i64::from(row.try_get::<i16, _>("meter_decimals")?),
        metered: row.try_get::<Option<String>, _>("meter_unit")?.is_some(),
    })
}

/// The values of the account's confirmed readings other than `except`, newest first.
async fn confirmed_values<'e, E>(executor: E, account_id: i64, except: i64, limit: i64) -> Result<Vec<i64>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query_scalar(
        "SELECT value_milli FROM meter_readings WHERE account_id = $1 AND id <> $2 \
         AND status IN ('confirmed', 'corrected') ORDER BY submitted_at DESC, id DESC LIMIT $3",
    )
    .bind(account_id)
    .bind(except)
    .bind(limit)
    .fetch_all(executor)
    .await?)
}

#[allow(clippy::too_many_arguments)]
async fn event<'e, E>(
    executor: E,
    reading_id: i64,
    kind: &str,
    actor: Option<i64>,
    value: Option<i64>,
    reason_code: Option<&str>,
    reason_text: Option<&str>,
    charge: Option<i64>,
    now: i64,
) -> Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO reading_events (reading_id, kind, actor_id, value_milli, reason_code, reason_text, charge_tiyin, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(reading_id)
    .bind(kind)
    .bind(actor)
    .bind(value)
    .bind(reason_code)
    .bind(reason_text)
    .bind(charge)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}
