//! Developer pages, routed only when the server runs in development mode (which listens on
//! loopback alone) and answered only to loopback peers: the SMS outbox (where sign-in codes
//! can be read without a phone) and a clock that can be moved forward.

use crate::AppState;
use crate::http::area::Area;
use axum::Form;
use axum::Json;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::Phone;
use std::net::SocketAddr;

/// The developer pages: the SMS outbox and the movable clock, for loopback peers alone.
pub fn router() -> Area {
    Area::new()
        .get("/dev/sms", sms_page)
        .get("/dev/sms.json", sms_json)
        .post("/dev/clock", advance_clock)
        .layered(|r| r.route_layer(axum::middleware::from_fn(loopback_only)))
}

/// Refuses (404, as if the page did not exist) every peer that is not this machine.
pub async fn loopback_only(request: Request, next: Next) -> Response {
    let local = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|peer| peer.0.ip().is_loopback());
    if !local {
        tracing::warn!(path = %request.uri().path(), "a developer page was asked for from another machine");
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    phone: Option<String>,
}

fn messages_query(query: &OutboxQuery) -> Option<Phone> {
    query.phone.as_deref().and_then(|p| Phone::parse(p).ok())
}

/// `/dev/sms`: the newest messages, as a page.
pub async fn sms_page(State(state): State<AppState>, Query(query): Query<OutboxQuery>) -> Response {
    let messages = match services::sms::recent(&state.services.db, messages_query(&query).as_ref(), 100).await
    {
        Ok(m) => m,
        Err(error) => {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response();
        }
    };
    let rows: String = messages
        .iter()
        .map(|m| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"body\">{}</td><td>{}</td><td>{}</td></tr>",
                m.id,
                escape(&m.phone),
                escape(&m.body),
                escape(&m.purpose),
                escape(&m.status)
            )
        })
        .collect();
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>SMS outbox · Fuqaro (development)</title>\
         <link rel=\"stylesheet\" href=\"/pkg/fuqaro.css\"></head><body><main class=\"page\">\
         <h1>SMS outbox</h1><p class=\"muted\">Development mode only. Newest first.</p>\
         <table class=\"outbox\"><thead><tr><th>#</th><th>Phone</th><th>Text</th><th>Purpose</th><th>Status</th></tr></thead>\
         <tbody>{rows}</tbody></table></main></body></html>"
    ))
    .into_response()
}

/// `/dev/sms.json`: the same, for tests.
pub async fn sms_json(State(state): State<AppState>, Query(query): Query<OutboxQuery>) -> Response {
    match services::sms::recent(&state.services.db, messages_query(&query).as_ref(), 100).await {
        Ok(messages) => Json(messages).into_response(),
        Err(error) => (axum::http::StatusCode::SERVICE_UNAVAILABLE, error.to_string()).into_response(),
    }
}

#[derive(Deserialize)]
pub struct ClockForm {
    advance_seconds: i64,
}

/// `POST /dev/clock`: moves the server's clock forward, so that codes expire and deadlines
/// pass in browser tests without waiting. Asked for JSON, it answers with the clock's time
/// (UTC ms) after the move, so a test can set things relative to the server's now.
pub async fn advance_clock(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    Form(form): Form<ClockForm>,
) -> Response {
    state
        .services
        .clock
        .advance_ms(form.advance_seconds.clamp(0, 400 * 24 * 3600) * 1000);
    // Terms may have ended just now: the control-time job runs at once instead of within the
    // minute, so a moved clock shows its effect on the next look.
    if let Err(error) = services::appeals::escalate_overdue(&state.services, 10_000).await {
        tracing::warn!(%error, "escalating after the clock moved failed");
    }
    if crate::http::redirect::wants_json(&headers) {
        let now = state.services.clock.now_ms();
        return axum::Json(serde_json::json!({ "now": now })).into_response();
    }
    Redirect::to("/").into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn status_from(peer: &str) -> axum::http::StatusCode {
        let router: Router = Router::new()
            .route("/dev/sms", get(|| async { "codes" }))
            .route_layer(axum::middleware::from_fn(loopback_only));
        let mut request = axum::http::Request::get("/dev/sms").body(Body::empty()).unwrap();
        request
            .extensions_mut()
            .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
        router.oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn developer_pages_answer_only_this_machine() {
        assert_eq!(status_from("127.0.0.1:5000").await, 200);
        assert_eq!(status_from("[::1]:5000").await, 200);
        assert_eq!(status_from("10.0.0.7:5000").await, 404);
        assert_eq!(status_from("203.0.113.9:5000").await, 404);
    }
}
