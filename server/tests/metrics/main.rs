//! The metrics test, in a process of its own: the Prometheus recorder is process-wide, so in
//! the `api` binary any other test's requests would count too. Here this test's requests are
//! the only ones, and the counts are exact.

#[path = "../api/fakes.rs"]
#[allow(dead_code)]
mod fakes;
#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_by_route_pattern() {
    let app = spawn_app().await;
    for soato in ["1703", "1726", "1703"] {
        assert_eq!(app.get(&format!("/regions/{soato}")).await.status(), 200);
    }
    let (status, body) = app.get_text("/metrics").await;
    assert_eq!(status, 200);
    // Labelled by the route's pattern, not its path: three requests, one series.
    let series: Vec<&str> = body
        .lines()
        .filter(|l| l.starts_with("http_requests_total{") && l.contains(r#"route="/regions/{soato}""#))
        .collect();
    assert_eq!(series.len(), 1, "{body}");
    assert!(series[0].ends_with(" 3"), "{}", series[0]);
    assert!(
        body.lines()
            .any(|l| l.starts_with("http_request_duration_seconds_bucket{")
                && l.contains(r#"route="/regions/{soato}""#)),
        "{body}"
    );
}
