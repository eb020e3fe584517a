//! The Eskiz-style gateway against a local https server that speaks its protocol (signed by
//! a test CA), and the outbox job's retries.

use crate::fakes::{self, ESKIZ_EMAIL, ESKIZ_PASSWORD};
use crate::helpers::{fresh_database_url, spawn_app_with, test_config};
use services::sms::{Eskiz, SmsGateway};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_logs_in_sends_and_logs_in_again_when_the_token_expires() {
    let (url, fake) = fakes::eskiz(0).await;
    let gateway = Eskiz::new(&url, ESKIZ_EMAIL, ESKIZ_PASSWORD, "4546", &fakes::outbound());
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
    let (url, _) = fakes::eskiz(0).await;
    let gateway = Eskiz::new(&url, ESKIZ_EMAIL, "wrong", "4546", &fakes::outbound());
    assert_eq!(
        gateway.send("998901234567", "x").await,
        Err(services::sms::SmsError::Unauthorized)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_code_reaches_the_gateway_through_the_outbox() {
    let (url, fake) = fakes::eskiz(0).await;
    let mut config = test_config().await;
    config.sms.gateway = server::config::SmsGatewayKind::Eskiz;
    config.sms.eskiz_url = url;
    config.sms.eskiz_email = ESKIZ_EMAIL.into();
    config.sms.eskiz_password = ESKIZ_PASSWORD.into();
    config.tls_ca_file = Some(fakes::TEST_CA.pem_file.clone());
    let app = spawn_app_with(config).await;
    app.request_code("+998 90 123 45 67").await;
    let code = fakes::delivered_code(&fake, "+998 90 123 45 67").await;

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
    let (url, fake) = fakes::eskiz(2).await;
    // A database without a server, so that no other job touches the outbox.
    let db = services::Db::open(&fresh_database_url().await, 2).await.unwrap();
    let gateway = Eskiz::new(&url, ESKIZ_EMAIL, ESKIZ_PASSWORD, "4546", &fakes::outbound());
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbound_tls_checks_the_certificate() {
    let (url, fake) = fakes::eskiz(0).await;
    // The system's roots alone do not know the test CA: the handshake is refused, nothing sent.
    let untrusting = Eskiz::new(
        &url,
        ESKIZ_EMAIL,
        ESKIZ_PASSWORD,
        "4546",
        &services::outbound::Outbound::default(),
    );
    match untrusting.send("998901234567", "x").await {
        Err(services::sms::SmsError::Unreachable(reason)) => {
            assert!(reason.contains("error sending request"), "{reason}")
        }
        other => panic!("an untrusted certificate must be refused: {other:?}"),
    }
    assert_eq!(fake.lock().unwrap().logins, 0);
    // With the CA named (tls_ca_file), the same server is reached over TLS.
    let trusting = Eskiz::new(&url, ESKIZ_EMAIL, ESKIZ_PASSWORD, "4546", &fakes::outbound());
    assert_eq!(trusting.send("998901234567", "x").await.unwrap(), "msg-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_ca_file_stops_start_up_with_its_name() {
    let mut config = test_config().await;
    let path = std::env::temp_dir().join(format!("fuqaro_test_{}_bad.pem", std::process::id()));
    std::fs::write(&path, "not a certificate").unwrap();
    config.tls_ca_file = Some(path.clone());
    let error = server::Application::build(config)
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains(&path.display().to_string()) && error.contains("tls_ca_file"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn once_a_code_has_left_the_outbox_keeps_no_readable_copy() {
    let app = crate::helpers::spawn_production(|_| {}).await;
    app.request_code("+998 90 123 45 67").await;
    let code = app.last_code("+998 90 123 45 67").await;
    let mut body = String::new();
    for _ in 0..100 {
        let (status, text): (String, String) = sqlx::query_as("SELECT status, body FROM sms_outbox")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        body = text;
        if status == "sent" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(!body.contains(&code), "{body}");
    assert!(body.contains("******"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_messages_codes_sessions_and_rate_events_are_purged() {
    // A database without a server, so that no job runs meanwhile.
    let db = services::Db::open(&fresh_database_url().await, 2).await.unwrap();
    let now = services::Clock::default().now_ms();
    let day = 86_400_000;
    let phone = shared::Phone::parse("+998 90 123 45 67").unwrap();
    for (body, at, status) in [
        ("old", now - 40 * day, "sent"),
        ("recent", now - day, "sent"),
        ("stuck", now - 40 * day, "pending"),
    ] {
        let id = services::sms::enqueue(&db.pool, &phone, body, shared::Locale::Uz, "test", at)
            .await
            .unwrap();
        sqlx::query("UPDATE sms_outbox SET status = $2 WHERE id = $1")
            .bind(id)
            .bind(status)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    for (key, at) in [("old", now - 3 * day), ("recent", now - 60_000)] {
        sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(at)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let removed = services::sms::purge_old(&db, now).await.unwrap();
    assert_eq!(removed, 2, "the old delivered message and the old rate event");
    let left: Vec<String> = sqlx::query_scalar("SELECT body FROM sms_outbox ORDER BY id")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    assert_eq!(left, ["recent", "stuck"], "nothing undelivered is lost");
}
