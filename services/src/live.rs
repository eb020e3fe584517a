//! Live appeal events. Every event committed to `appeal_events` is announced to the
//! subscribers of this process at once, and — on PostgreSQL — to every other server instance
//! through `NOTIFY`, sent inside the event's own transaction so that it goes out exactly when
//! the event commits. A subscriber that falls behind (or an instance whose LISTEN connection
//! dropped) is told to catch up from the table, so a stream never silently misses an event.

use crate::db::Backend;
use crate::{Result, Services};
use shared::appeal::EventKind;
use sqlx::Row;
use std::sync::Arc;
use tokio::sync::{broadcast, watch};

/// The PostgreSQL channel the instances announce events on.
pub const CHANNEL: &str = "fuqaro_appeal_events";

/// What the hub tells its subscribers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signal {
    /// One committed event.
    Event(Notice),
    /// Something may have been missed (another instance's events while LISTEN was down):
    /// read the table.
    Resync,
}

/// One committed event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub event_id: i64,
    pub appeal_id: i64,
    pub user_id: i64,
    pub kind: EventKind,
}

impl Notice {
    fn payload(&self, instance: &str) -> String {
        format!(
            "{instance} {} {} {} {}",
            self.event_id, self.appeal_id, self.user_id, self.kind
        )
    }

    /// A NOTIFY payload of another instance (`None` for this instance's own, or garbage).
    fn parse(payload: &str, instance: &str) -> Option<Notice> {
        let mut parts = payload.split(' ');
        if parts.next()? == instance {
            return None;
        }
        Some(Notice {
            event_id: parts.next()?.parse().ok()?,
            appeal_id: parts.next()?.parse().ok()?,
            user_id: parts.next()?.parse().ok()?,
            kind: EventKind::parse(parts.next()?)?,
        })
    }
}

/// The process's hub of live events.
#[derive(Clone, Debug)]
pub struct Live {
    sender: broadcast::Sender<Signal>,
    instance: Arc<str>,
    closing: watch::Sender<bool>,
    /// Whether this instance hears the others (PostgreSQL's LISTEN is in effect).
    listening: watch::Sender<bool>,
}

impl Default for Live {
    fn default() -> Live {
        // A slow subscriber more than this many events behind is told to catch up.
        let (sender, _) = broadcast::channel(4096);
        Live {
            sender,
            instance: crate::secret::token().into(),
            closing: watch::channel(false).0,
            listening: watch::channel(false).0,
        }
    }
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.sender.subscribe()
    }

    /// Announces committed events to this process's subscribers.
    pub fn publish(&self, notices: impl IntoIterator<Item = Notice>) {
        for notice in notices {
            let _ = self.sender.send(Signal::Event(notice));
        }
    }

    /// Tells every subscriber to catch up from the table.
    fn resync(&self) {
        let _ = self.sender.send(Signal::Resync);
    }

    /// How many streams are open in this process.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Ends every open stream (the server is shutting down).
    pub fn close(&self) {
        let _ = self.closing.send(true);
    }

    /// Resolves when [`Live::close`] has been called.
    pub async fn closed(&self) {
        let mut rx = self.closing.subscribe();
        let _ = rx.wait_for(|c| *c).await;
    }

    /// Resolves once this instance hears the other instances' events (PostgreSQL; never on
    /// SQLite, where there are no others).
    pub async fn listening(&self) {
        let mut rx = self.listening.subscribe();
        let _ = rx.wait_for(|l| *l).await;
    }

    /// Inside the event's transaction on PostgreSQL: tells the other instances, on commit.
    pub(crate) async fn notify<'e, E>(&self, executor: E, backend: Backend, notice: &Notice) -> Result<()>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        if backend == Backend::Postgres {
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(notice.payload(&self.instance))
                .execute(executor)
                .await?;
        }
        Ok(())
    }
}

/// Relays other instances' events to this process (PostgreSQL only; returns at once on
/// SQLite, where one process owns the database file). Runs until `stopped` turns true; a lost
/// connection is re-opened and every subscriber told to catch up.
pub async fn relay(svc: Services, mut stopped: watch::Receiver<bool>) {
    if svc.db.backend != Backend::Postgres {
        return;
    }
    loop {
        match listen(&svc, &mut stopped).await {
            Ok(()) => return,
            Err(error) => {
                tracing::warn!(%error, "listening for other instances' appeal events failed; retrying")
            }
        }
        svc.live.listening.send_replace(false);
        svc.live.resync();
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            _ = stopped.changed() => return,
        }
    }
}

async fn listen(svc: &Services, stopped: &mut watch::Receiver<bool>) -> std::result::Result<(), sqlx::Error> {
    // PgListener re-connects by itself; try_recv() reports the loss as Ok(None) (below), so
    // the streams can catch up on what was sent meanwhile.
    let mut listener = sqlx::postgres::PgListener::connect(&svc.db.url).await?;
    listener.listen(CHANNEL).await?;
    svc.live.listening.send_replace(true);
    // Anything sent before LISTEN took effect is in the table.
    svc.live.resync();
    loop {
        tokio::select! {
            message = listener.try_recv() => match message? {
                Some(n) => {
                    if let Some(notice) = Notice::parse(n.payload(), &svc.live.instance) {
                        svc.live.publish([notice]);
                    }
                }
                // The connection was lost and is re-made by the next call: catch up.
                None => svc.live.resync(),
            },
            _ = stopped.changed() => return Ok(()),
        }
    }
}

/// One event as a stream sends it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StreamEvent {
    pub id: i64,
    pub appeal: i64,
    pub kind: EventKind,
}

/// The resident's events after `after` (all their appeals, or one), oldest first.
pub async fn since(
    svc: &Services,
    user_id: i64,
    appeal: Option<i64>,
    after: i64,
) -> Result<Vec<StreamEvent>> {
    let rows = sqlx::query(
        "SELECT e.id, e.appeal_id, e.kind FROM appeal_events e JOIN appeals a ON a.id = e.appeal_id \
         WHERE a.user_id = $1 AND e.id > $2 AND ($3 = 0 OR e.appeal_id = $3) ORDER BY e.id LIMIT 1000",
    )
    .bind(user_id)
    .bind(after)
    .bind(appeal.unwrap_or(0))
    .fetch_all(&svc.db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StreamEvent {
                id: r.try_get("id")?,
                appeal: r.try_get("appeal_id")?,
                kind: crate::db::word(r, "kind")?,
            })
        })
        .collect()
}

/// The newest event id of the resident's appeals (or of one), which a page rendered now has
/// already shown; its stream starts after it.
pub async fn latest(svc: &Services, user_id: i64, appeal: Option<i64>) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(e.id), 0) FROM appeal_events e JOIN appeals a ON a.id = e.appeal_id \
         WHERE a.user_id = $1 AND ($2 = 0 OR e.appeal_id = $2)",
    )
    .bind(user_id)
    .bind(appeal.unwrap_or(0))
    .fetch_one(&svc.db.pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_between_instances_only() {
        let n = Notice {
            event_id: 12,
            appeal_id: 3,
            user_id: 7,
            kind: EventKind::Answered,
        };
        let p = n.payload("a");
        assert_eq!(Notice::parse(&p, "b"), Some(n));
        assert_eq!(Notice::parse(&p, "a"), None);
        assert_eq!(Notice::parse("b x 1 2 answered", "a"), None);
        assert_eq!(Notice::parse("b 1 2 3 nonsense", "a"), None);
    }
}
