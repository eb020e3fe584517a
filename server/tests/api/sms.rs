//! The Eskiz-style gateway against a local server that speaks its protocol, and the outbox
//! job's retries.

use crate::helpers::{fresh_database_url, spawn_app_with, test_config};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use services::sms::{Eskiz, SmsGateway};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the fake gateway saw, and how it should misbehave.
#[derive(Default)]
struct Fake {
    logins: usize,
    sent: Vec<(String, String, String)>,
    /// Tokens issued so far; only the newest is accepted.
    token: String,
    /// Answer this many sends with 500 before accepting.
    fail_sends: usize,
}

type Shared = Arc<Mutex<Fake>>;

async fn login(State(fake): State<Shared>, Form(form): Form<HashMap<String, String>>) -> Response {
    if form.get("email").map(String::as_str) != Some("ops@fuqaro.uz")
        || form.get("password").map(String::as_str) != Some("s3cret")
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Invalid credentials"})),
        )
            .into_response();
    }
    let mut fake = fake.lock().unwrap();
    fake.logins += 1;
    fake.token = format!("token-{}", fake.logins);
    Json(json!({"message": "token_generated", "data": {"token": fake.token}, "token_type": "bearer"}))
        .into_response()
}

async fn send(
    State(fake): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut fake = fake.lock().unwrap();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if bearer != format!("Bearer {}", fake.token) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"message": "Expired"}))).into_response();
    }
    if fake.fail_sends > 0 {
        fake.fail_sends -= 1;
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream down").into_response();
    }
    let id = format!("msg-{}", fake.sent.len() + 1);
    fake.sent.push((
        form["mobile_phone"].clone(),
        form["message"].clone(),
        form["from"].clone(),
    ));
    Json(json!({"id": id, "message": "Waiting for SMS provider", "status": "waiting"})).into_response()
}

async fn status(State(fake): State<Shared>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let fake = fake.lock().unwrap();
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if bearer != format!("Bearer {}", fake.token) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({"status": "success", "data": {"id": id, "status": "DELIVRD"}})).into_response()
}

async fn fake_eskiz(fail_sends: usize) -> (String, Shared) {
    let fake: Shared = Arc::new(Mutex::new(Fake {
        fail_sends,
        ..Fake::default()
    }));
    let router = Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/message/sms/send", post(send))
        .route("/api/message/sms/status_by_id/{id}", get(status))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, fake)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_logs_in_sends_and_logs_in_again_when_the_token_expires() {
    let (url, fake) = fake_eskiz(0).await;
    let gateway = Eskiz::new(&url, "ops@fuqaro.uz", "s3cret", "4546");
    let id = gateway.send("998901234567", "salom").await.unwrap();
    assert_eq!(id, "msg-1");
    assert_eq!(gateway.status(&id).await.unwrap(), "DELIVRD");

    fake.lock().unwrap().token = "rotated-by-the-provider".into();
    let id = gateway.send("998901234567", "yana").await.unwrap();
    assert_eq!(id, "msg-2");
    let fake = fake.lock().unwrap();
    assert_eq!(fake.logins, 2, "one fresh login after the 401");
    assert_eq!(
        fake.sent[1],
        ("998901234567".into(), "yana".into(), "4546".into())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_are_reported_as_such() {
    let (url, _) = fake_eskiz(0).await;
    let gateway = Eskiz::new(&url, "ops@fuqaro.uz", "wrong", "4546");
    assert_eq!(
        gateway.send("998901234567", "x").await,
        Err(services::sms::SmsError::Unauthorized)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_code_reaches_the_gateway_through_the_outbox() {
    let (url, fake) = fake_eskiz(0).await;
    let mut config = test_config().await;
    config.sms.gateway = server::config::SmsGatewayKind::Eskiz;
    config.sms.eskiz_url = url;
    config.sms.eskiz_email = "ops@fuqaro.uz".into();
    config.sms.eskiz_password = "s3cret".into();
    let app = spawn_app_with(config).await;
    app.request_code("+998 90 123 45 67").await;
    let code = app.last_code("+998 90 123 45 67").await;

    let mut delivered = None;
    for _ in 0..100 {
        if let Some(sent) = fake.lock().unwrap().sent.first().cloned() {
            delivered = Some(sent);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (phone, text, _) = delivered.expect("the job delivered the message");
    assert_eq!(phone, "998901234567");
    assert!(text.contains(&code));
    // The job records the delivery right after the gateway answers.
    let mut status = String::new();
    for _ in 0..100 {
        status = sqlx::query_scalar("SELECT status FROM sms_outbox")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        if status == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(status, "sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_gateway_is_retried_with_backoff_and_nothing_is_lost() {
    let (url, fake) = fake_eskiz(2).await;
    // A database without a server, so that no other job touches the outbox.
    let db = services::Db::open(&fresh_database_url().await, 2).await.unwrap();
    let gateway = Eskiz::new(&url, "ops@fuqaro.uz", "s3cret", "4546");
    let phone = shared::Phone::parse("+998 90 123 45 67").unwrap();
    let now = services::Clock::default().now_ms();
    services::sms::enqueue(&db.pool, &phone, "retry me", shared::Locale::Uz, "test", now)
        .await
        .unwrap();

    let mut at = now;
    for expected_attempts in 1..=3i16 {
        assert_eq!(
            services::sms::deliver_due(&db, &gateway, at, 10).await.unwrap(),
            1,
            "due and leased"
        );
        let (status, attempts): (String, i16) =
            sqlx::query_as("SELECT status, attempts FROM sms_outbox WHERE body = 'retry me'")
                .fetch_one(&db.pool)
                .await
                .unwrap();
        if expected_attempts < 3 {
            assert_eq!(
                (status.as_str(), attempts),
                ("pending", expected_attempts),
                "failed, kept for a retry"
            );
            // Not due again until the backoff has passed.
            assert_eq!(
                services::sms::deliver_due(&db, &gateway, at + 1_000, 10)
                    .await
                    .unwrap(),
                0
            );
            at += services::sms::backoff_ms(attempts) + 1;
        } else {
            assert_eq!(status, "sent");
        }
    }
    assert_eq!(fake.lock().unwrap().sent.len(), 1, "delivered exactly once");
}
