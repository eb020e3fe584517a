//! Prometheus metrics at `/metrics`: request counts and latencies by route and status.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// The process-wide recorder. Installed once: tests build many apps in one process.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".into()),
                &[
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                ],
            )
            .expect("bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed (a test harness); then ours still renders.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// `GET /metrics`, for the monitoring system only: with `metrics_token` set, to a request
/// bearing it; otherwise to this machine alone, not through a proxy (a request a proxy
/// forwarded carries `X-Forwarded-For`).
pub async fn render(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !may_scrape(&state.config.metrics_token, Some(peer.ip()), &headers) {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
        .into_response()
}

fn may_scrape(token: &str, peer: Option<std::net::IpAddr>, headers: &axum::http::HeaderMap) -> bool {
    if !token.is_empty() {
        let presented = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        return services::secret::constant_time_eq(presented, token);
    }
    let proxied = headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
    peer.is_some_and(|ip| ip.is_loopback()) && !proxied
}

/// Counts every request and times it, labelled by the route pattern (never the raw path,
/// which would give a label per account number).
pub async fn track(request: Request, next: Next) -> Response {
    let _ = handle();
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/pkg/") {
                "/pkg/*"
            } else {
                "unmatched"
            }
            .to_string()
        });
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::may_scrape;
    use axum::http::HeaderMap;

    #[test]
    fn metrics_are_for_this_machine_or_the_token_holder() {
        let local = Some("127.0.0.1".parse().unwrap());
        let remote = Some("203.0.113.9".parse().unwrap());
        let none = HeaderMap::new();
        assert!(may_scrape("", local, &none));
        assert!(!may_scrape("", remote, &none));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!may_scrape("", local, &proxied), "through a local proxy");
        let mut bearer = HeaderMap::new();
        bearer.insert("authorization", "Bearer s3cret-token".parse().unwrap());
        assert!(may_scrape("s3cret-token", remote, &bearer));
        assert!(
            !may_scrape("s3cret-token", local, &none),
            "a token, once set, is asked of everyone"
        );
        assert!(!may_scrape("other", remote, &bearer));
    }
}
