use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/healthz").await;
    assert_eq!(status, 200);
    assert_eq!(body, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_ready_when_the_database_answers_and_not_after_it_closes() {
    let app = spawn_app().await;
    let (status, _) = app.get_text("/readyz").await;
    assert_eq!(status, 200);

    app.db.pool.close().await;
    let (status, body) = app.get_text("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("database"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_a_request_id_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    let id = response.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 36, "a UUID: {id}");

    let response = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "from-the-balancer-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "from-the-balancer-42");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_server_return_cleanly() {
    let app = spawn_app().await;
    let address = app.url("/healthz");
    assert_eq!(app.get("/healthz").await.status(), 200);
    app.stop().await;
    assert!(
        reqwest::get(&address).await.is_err(),
        "nothing listens after shutdown"
    );
}
