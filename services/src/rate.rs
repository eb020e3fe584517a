//! Sliding-window rate limits kept in the database, so that every server instance counts
//! the same events.

use crate::{Db, Result};

/// Records an event under `key` and says whether it is within `limit` per `window_ms`.
/// A refused event is not recorded, so waiting always helps.
pub async fn allow(db: &Db, key: &str, limit: i64, window_ms: i64, now: i64) -> Result<bool> {
    let since = now - window_ms;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = $1 AND at > $2")
        .bind(key)
        .bind(since)
        .fetch_one(&db.pool)
        .await?;
    if count >= limit {
        return Ok(false);
    }
    sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(&db.pool)
        .await?;
    // Old events are cleaned up as we go; the window never needs them.
    sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at <= $2")
        .bind(key)
        .bind(since)
        .execute(&db.pool)
        .await?;
    Ok(true)
}
