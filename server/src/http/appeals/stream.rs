//! The live stream of a resident's appeal events (server-sent events): catch-up after the
//! last id seen, de-duplication, and the end of the stream when the session ends.

use crate::AppState;
use crate::http::guard::{Caller, text, unavailable};
use app::i18n::Key;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::live::{Signal, StreamEvent};
use shared::auth::Need;
use std::collections::{HashSet, VecDeque};
use std::time::Duration;

#[derive(Deserialize)]
pub struct EventsQuery {
    /// Only this appeal (which must be the resident's).
    appeal: Option<i64>,
    /// Start after this event (what the page already shows); Last-Event-ID wins.
    after: Option<i64>,
}

/// The signed-in resident's live stream: every new event of their appeals (or of one), in
/// order, resuming after Last-Event-ID on a reconnect. Refuses with 401 without a session and
/// 404 for an appeal that is not theirs.
pub async fn events(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Query(query): Query<EventsQuery>,
) -> Response {
    let svc = state.services.clone();
    let principal =
        match services::identity::auth::require(&svc, caller.token.as_deref(), &Need::SignedIn).await {
            Ok(p) => p,
            Err(services::identity::auth::Guarded::Service(error)) => {
                return unavailable(caller.locale, "opening a stream failed", &error);
            }
            Err(_) => return text(StatusCode::UNAUTHORIZED, caller.locale, Key::ErrorSignInRequired),
        };
    let user = principal.user_id;
    if let Some(appeal) = query.appeal {
        match services::appeals::owns(&svc, user, appeal).await {
            Ok(true) => {}
            Ok(false) => return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
            Err(error) => return unavailable(caller.locale, "opening a stream failed", &error),
        }
    }
    // Subscribed before reading the table, so nothing falls between the two.
    let rx = svc.live.subscribe();
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(query.after);
    let after = match resume {
        Some(after) => after,
        None => match services::live::latest(&svc, user, query.appeal).await {
            Ok(latest) => latest,
            Err(error) => return unavailable(caller.locale, "opening a stream failed", &error),
        },
    };
    let feed = Feed {
        svc,
        user,
        appeal: query.appeal,
        rx,
        floor: after,
        queue: VecDeque::new(),
        sent: HashSet::new(),
        caught_up: false,
    };
    let stream = futures_util::stream::unfold(feed, |mut feed| async move {
        let event = feed.next().await?;
        let data = serde_json::to_string(&event).unwrap_or_default();
        let sse = Event::default()
            .id(event.id.to_string())
            .event("appeal")
            .data(data);
        Some((Ok::<_, std::convert::Infallible>(sse), feed))
    });
    // The stream ends with the session: signed out, everywhere or here, or ended by time.
    let token = caller.token.clone().unwrap_or_default();
    let watcher = state.services.clone();
    let session_ended = async move {
        loop {
            tokio::time::sleep(STREAM_SESSION_CHECK).await;
            match services::identity::auth::still_live(&watcher, &token, user).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => tracing::warn!(%error, "checking a stream's session failed"),
            }
        }
    };
    let stream = futures_util::StreamExt::take_until(stream, Box::pin(session_ended));
    let mut response = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    // Proxies must pass it through as it comes.
    response
        .headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    response
}

/// How often an open stream checks that its session is still live (as often as it sends a
/// keep-alive).
const STREAM_SESSION_CHECK: Duration = Duration::from_secs(15);

/// One open stream.
struct Feed {
    svc: services::Services,
    user: i64,
    appeal: Option<i64>,
    rx: tokio::sync::broadcast::Receiver<Signal>,
    /// Everything up to here has been sent (or was on the page).
    floor: i64,
    queue: VecDeque<StreamEvent>,
    /// Sent above the floor (an event may arrive both live and from the table).
    sent: HashSet<i64>,
    caught_up: bool,
}

impl Feed {
    /// The next event to send, or `None` when the stream should end (shutdown, or the table
    /// could not be read — the browser then reconnects with Last-Event-ID).
    async fn next(&mut self) -> Option<StreamEvent> {
        if !self.caught_up {
            self.caught_up = true;
            self.catch_up().await?;
        }
        loop {
            while let Some(event) = self.queue.pop_front() {
                if event.id > self.floor && self.sent.insert(event.id) {
                    if self.sent.len() > 4096 {
                        self.floor = self.sent.iter().copied().max().unwrap_or(self.floor);
                        self.sent.clear();
                    }
                    return Some(event);
                }
            }
            let received = tokio::select! {
                r = self.rx.recv() => r,
                _ = self.svc.live.closed() => return None,
            };
            match received {
                Ok(Signal::Resync) => self.catch_up().await?,
                Ok(Signal::Event(n))
                    if n.user_id == self.user && self.appeal.is_none_or(|a| a == n.appeal_id) =>
                {
                    self.queue.push_back(StreamEvent {
                        id: n.event_id,
                        appeal: n.appeal_id,
                        kind: n.kind,
                    });
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => self.catch_up().await?,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    async fn catch_up(&mut self) -> Option<()> {
        match services::live::since(&self.svc, self.user, self.appeal, self.floor).await {
            Ok(events) => {
                self.queue.extend(events);
                Some(())
            }
            Err(error) => {
                tracing::warn!(%error, "a live stream could not catch up; closing it");
                None
            }
        }
    }
}
