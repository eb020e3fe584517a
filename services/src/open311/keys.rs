//! The keys third parties file Open311 requests with: an administrator issues one to a named
//! party (the key is shown once; only its SHA-256 is kept), limits its filings a day, and
//! revokes it.

use crate::{Result, Services};
pub use shared::auth::ApiKey;

/// The longest party name kept.
pub const PARTY_MAX: usize = 200;
/// Filings a key may make in any 24 hours, at most (an administrator chooses up to this).
pub const PER_DAY_MAX: i64 = 100_000;

/// The party a live key belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    pub key_id: i64,
    pub name: String,
    pub per_day: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the party's name is empty or too long")]
    Party,
    #[error("the daily limit is not a number from 1 to {PER_DAY_MAX}")]
    PerDay,
    #[error(transparent)]
    Service(#[from] crate::Error),
}

crate::error::service_error!(KeyError);

/// Issues a key to `party`: returns its id and the key, which is not kept and cannot be shown
/// again.
pub async fn issue(svc: &Services, party: &str, per_day: i64, by: i64) -> Result<(i64, String), KeyError> {
    let party = party.trim();
    if party.is_empty() || party.chars().count() > PARTY_MAX {
        return Err(KeyError::Party);
    }
    if !(1..=PER_DAY_MAX).contains(&per_day) {
        return Err(KeyError::PerDay);
    }
    let key = crate::secret::token();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_keys (party, key_hash, key_prefix, per_day, issued_by, issued_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(party)
    .bind(crate::secret::sha256_hex(key.as_bytes()))
    .bind(&key[..6])
    .bind(per_day)
    .bind(by)
    .bind(svc.clock.now_ms())
    .fetch_one(&svc.db.pool)
    .await?;
    tracing::info!(key = id, party, per_day, by, "Open311 key issued");
    Ok((id, key))
}

/// Revokes a key; false when there is no such live key.
pub async fn revoke(svc: &Services, id: i64, by: i64) -> Result<bool> {
    let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(svc.clock.now_ms())
        .bind(id)
        .execute(&svc.db.pool)
        .await?
        .rows_affected()
        == 1;
    if done {
        tracing::info!(key = id, by, "Open311 key revoked");
    }
    Ok(done)
}

/// id, party, prefix, per day, issued at, revoked at, appeals filed.
type KeyRow = (i64, String, String, i64, i64, Option<i64>, i64);

/// Every key issued, the newest first.
pub async fn list(svc: &Services) -> Result<Vec<ApiKey>> {
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT k.id, k.party, k.key_prefix, k.per_day, k.issued_at, k.revoked_at, \
           (SELECT COUNT(*) FROM appeals a WHERE a.api_key_id = k.id) \
         FROM api_keys k ORDER BY k.id DESC",
    )
    .fetch_all(&svc.db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, party, prefix, per_day, issued_at, revoked_at, filed)| ApiKey {
                id,
                party,
                prefix,
                per_day,
                issued_at,
                revoked_at,
                filed,
            },
        )
        .collect())
}

/// The party of a live key; `None` for a key never issued or revoked.
pub async fn party(svc: &Services, key: &str) -> Result<Option<Party>> {
    if key.is_empty() || key.len() > 100 {
        return Ok(None);
    }
    let row: Option<(i64, String, i64)> =
        sqlx::query_as("SELECT id, party, per_day FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(crate::secret::sha256_hex(key.as_bytes()))
            .fetch_optional(&svc.db.pool)
            .await?;
    Ok(row.map(|(key_id, name, per_day)| Party {
        key_id,
        name,
        per_day,
    }))
}
