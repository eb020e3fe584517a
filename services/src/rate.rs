//! Sliding-window rate limits kept in the database, so that every server instance counts
//! the same events.
//!
//! Every limit of one action is checked together and recorded only when all allow it, in one
//! transaction that holds the keys (an advisory lock per key on PostgreSQL, the write lock on
//! SQLite): a refused request spends nobody's budget, and parallel requests cannot all slip
//! under a limit.

use crate::{Backend, Db, Result};

/// At most `max` events under `key` in any `window_ms`; this action counts `cost` of them.
#[derive(Debug, Clone)]
pub struct Limit {
    pub key: String,
    pub max: i64,
    pub window_ms: i64,
    pub cost: i64,
}

impl Limit {
    pub fn new(key: impl Into<String>, max: i64, window_ms: i64) -> Limit {
        Limit {
            key: key.into(),
            max,
            window_ms,
            cost: 1,
        }
    }

    /// The same limit, counting `cost` events for this action (an SMS to each of n phones).
    pub fn costing(mut self, cost: i64) -> Limit {
        self.cost = cost;
        self
    }
}

/// Whether every limit allows the action; when they do, the action is recorded under each key.
/// A refused action is not recorded anywhere, so waiting always helps.
pub async fn allow_all(db: &Db, limits: &[Limit], now: i64) -> Result<bool> {
    if limits.is_empty() {
        return Ok(true);
    }
    let mut ordered: Vec<&Limit> = limits.iter().collect();
    // One order for every caller, so two actions never wait on each other's keys.
    ordered.sort_by(|a, b| a.key.cmp(&b.key));
    let mut tx = db.pool.begin().await?;
    for limit in &ordered {
        if db.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))::text")
                .bind(&limit.key)
                .fetch_one(&mut *tx)
                .await?;
        }
        // Old events are cleaned up as we go; on SQLite this write also takes the lock.
        sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at <= $2")
            .bind(&limit.key)
            .bind(now - limit.window_ms)
            .execute(&mut *tx)
            .await?;
    }
    for limit in &ordered {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = $1 AND at > $2")
            .bind(&limit.key)
            .bind(now - limit.window_ms)
            .fetch_one(&mut *tx)
            .await?;
        if count + limit.cost > limit.max {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    for limit in &ordered {
        for _ in 0..limit.cost {
            sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
                .bind(&limit.key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// Gives back what an action recorded under `key` at `now` (an attempt that turned out
/// right, where only wrong ones should count).
pub async fn refund(db: &Db, key: &str, now: i64) -> Result<()> {
    sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at = $2")
        .bind(key)
        .bind(now)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// One limit alone.
pub async fn allow(db: &Db, key: &str, max: i64, window_ms: i64, now: i64) -> Result<bool> {
    allow_all(db, &[Limit::new(key, max, window_ms)], now).await
}
