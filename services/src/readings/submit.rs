//! A resident sends a reading: the value checked against the last confirmed ones, the photo
//! checked and kept, a retried upload stored once, and the mahallas the form offers.

use super::{account, confirmed_values, event};
use crate::storage::photos::PhotoError;
use crate::{Error, Result, Services};
use serde::{Deserialize, Serialize};
use shared::geo::Names;
use shared::reading::ReadingProblem;
use shared::reading::ValueError;

/// A reading as sent: the photo's bytes as uploaded, the value as typed.
pub struct NewReading<'a> {
    pub user_id: i64,
    pub account_id: i64,
    pub mahalla_code: &'a str,
    pub value: &'a str,
    pub photo: &'a [u8],
    /// One per submission, made by the page: a retry with the same key is the same reading.
    pub idempotency_key: &'a str,
}

/// Why a reading was not accepted. Nothing is stored in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    #[error("no such account among the resident's")]
    NotFound,
    #[error("this service has no meter")]
    NoMeter,
    #[error("the mahalla is not in the account's district")]
    Mahalla,
    #[error("the retry key is missing or malformed")]
    Key,
    #[error("value: {0:?}")]
    Value(ValueError),
    #[error("photo: {0}")]
    Photo(PhotoError),
    #[error(transparent)]
    Service(#[from] Error),
}

crate::error::service_error!(SubmitError);

impl SubmitError {
    /// The stable code carried in URLs and JSON answers.
    pub fn problem(&self) -> ReadingProblem {
        match self {
            SubmitError::NotFound => ReadingProblem::NotFound,
            SubmitError::NoMeter => ReadingProblem::NoMeter,
            SubmitError::Mahalla => ReadingProblem::Mahalla,
            SubmitError::Key => ReadingProblem::RetryKey,
            SubmitError::Value(v) => v.problem(),
            SubmitError::Photo(p) => p.problem(),
            SubmitError::Service(_) => ReadingProblem::Unavailable,
        }
    }
}

/// The answer to a submission: the reading, and whether it was already there (a retry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted {
    pub reading_id: i64,
    pub repeated: bool,
}

async fn existing(svc: &Services, user_id: i64, key: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM meter_readings WHERE user_id = $1 AND idempotency_key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&svc.db.pool)
            .await?,
    )
}

/// Checks everything again on the server and stores the reading, its photo and the first
/// event, or nothing at all.
pub async fn submit(svc: &Services, new: NewReading<'_>) -> Result<Submitted, SubmitError> {
    let key = new.idempotency_key.trim();
    if key.len() < 8
        || key.len() > 64
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(SubmitError::Key);
    }
    // A retry of a submission that got through: the same reading, without a second look.
    if let Some(id) = existing(svc, new.user_id, key).await? {
        return Ok(Submitted {
            reading_id: id,
            repeated: true,
        });
    }
    if !crate::accounts::is_linked(&svc.db, new.user_id, new.account_id).await? {
        return Err(SubmitError::NotFound);
    }
    let account = account(svc, new.account_id).await?;
    if !account.metered {
        return Err(SubmitError::NoMeter);
    }
    let in_district: Option<String> =
        sqlx::query_scalar("SELECT code FROM mahallas WHERE code = $1 AND district_soato = $2")
            .bind(new.mahalla_code)
            .bind(&account.district)
            .fetch_optional(&svc.db.pool)
            .await?;
    if in_district.is_none() {
        return Err(SubmitError::Mahalla);
    }
    let value = shared::reading::parse_value(new.value, account.decimals).map_err(SubmitError::Value)?;
    let history = confirmed_values(&svc.db.pool, new.account_id, 0, 7).await?;
    let previous = history.first().copied();
    if previous.is_some_and(|last| value < last) {
        return Err(SubmitError::Value(ValueError::BelowLast));
    }
    let consumptions: Vec<i64> = history.windows(2).map(|w| w[0] - w[1]).collect();
    let flags = previous
        .map(|last| shared::reading::flags(value - last, &consumptions))
        .unwrap_or_default();

    let photo = new.photo.to_vec();
    let processed = crate::storage::photos::off_runtime(move || crate::storage::photos::process(&photo))
        .await?
        .map_err(SubmitError::Photo)?;
    let photo_id = store_photo(svc, &processed).await?;

    let now = svc.clock.now_ms();
    let flags_text = flags.iter().map(|f| f.code()).collect::<Vec<_>>().join(",");
    let mut tx = svc.db.pool.begin().await?;
    let inserted = sqlx::query_scalar::<_, i64>(
        "INSERT INTO meter_readings (account_id, value_milli, status, submitted_at, user_id, \
           district_soato, service_code, mahalla_code, photo_id, submitted_milli, previous_milli, \
           flags, idempotency_key) \
         VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8, $2, $9, $10, $11) RETURNING id",
    )
    .bind(new.account_id)
    .bind(value)
    .bind(now)
    .bind(new.user_id)
    .bind(&account.district)
    .bind(&account.service)
    .bind(new.mahalla_code)
    .bind(photo_id)
    .bind(previous)
    .bind(&flags_text)
    .bind(key)
    .fetch_one(&mut *tx)
    .await;
    let reading_id = match inserted {
        Ok(id) => id,
        // The same submission arrived twice at once: the other one stored it.
        Err(e) if crate::db::is_unique_violation(&e) => {
            drop(tx);
            let id = existing(svc, new.user_id, key).await?.ok_or(Error::NotFound)?;
            return Ok(Submitted {
                reading_id: id,
                repeated: true,
            });
        }
        Err(e) => return Err(e.into()),
    };
    event(
        &mut *tx,
        reading_id,
        "submitted",
        Some(new.user_id),
        Some(value),
        None,
        None,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Submitted {
        reading_id,
        repeated: false,
    })
}

async fn store_photo(svc: &Services, photo: &crate::storage::photos::Processed) -> Result<i64> {
    let size = Some((photo.width, photo.height));
    crate::storage::files::keep(svc, &photo.jpeg, "image/jpeg", size, Some(&photo.thumb)).await
}

/// The mahallas of an account's district, for the resident's picker.
pub async fn mahallas_for(svc: &Services, user_id: i64, account_id: i64) -> Result<Vec<(String, Names)>> {
    if !crate::accounts::is_linked(&svc.db, user_id, account_id).await? {
        return Err(Error::NotFound);
    }
    let district: String = sqlx::query_scalar("SELECT district_soato FROM utility_accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&svc.db.pool)
        .await?;
    crate::reference::mahallas_of(svc, &district).await
}

/// The mahalla a reading of this account is most likely from: the account's own (from the
/// utility's register), else the one its last reading named. The caller has checked the link.
pub async fn usual_mahalla(svc: &Services, account_id: i64) -> Result<Option<String>> {
    let own: Option<Option<String>> =
        sqlx::query_scalar("SELECT mahalla_code FROM utility_accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&svc.db.pool)
            .await?;
    if let Some(Some(code)) = own {
        return Ok(Some(code));
    }
    Ok(sqlx::query_scalar(
        "SELECT mahalla_code FROM meter_readings WHERE account_id = $1 AND mahalla_code IS NOT NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&svc.db.pool)
    .await?)
}
