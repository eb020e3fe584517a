//! Photos kept in an S3-compatible bucket: a local server that speaks the S3 protocol
//! (path-style PUT and GET, AWS Signature Version 4 checked on every request) stands in for
//! the object store.

use crate::helpers::{known_account, spawn_app_with, test_config};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::routing::put;
use services::demo::RESIDENTS;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const ACCESS: &str = "FUQAROTESTACCESS";
const SECRET: &str = "fuqaro-test-secret-key";

#[derive(Clone, Default)]
struct Bucket {
    objects: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

/// Checks a request's SigV4 signature the way S3 does, from what arrived.
fn signed_correctly(method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> bool {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    };
    let payload = header("x-amz-content-sha256");
    if payload != services::files::address(body) {
        return false;
    }
    let auth = header("authorization");
    let Some(signed) = auth
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|s| s.split(',').next())
    else {
        return false;
    };
    let names: Vec<&str> = signed.split(';').collect();
    let values: Vec<(&str, &str)> = names.iter().map(|n| (*n, header(n))).collect();
    let region = auth.split('/').nth(2).unwrap_or_default();
    let expected = services::s3::authorization(
        &services::s3::Request {
            method: method.as_str(),
            path,
            headers: &values,
            payload_sha256: payload,
            amz_date: header("x-amz-date"),
        },
        region,
        ACCESS,
        SECRET,
    );
    auth == expected
}

async fn object(
    State(bucket): State<Bucket>,
    Path((name, key)): Path<(String, String)>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Vec<u8>) {
    let path = format!("/{name}/{key}");
    if name != "photos" {
        return (
            StatusCode::NOT_FOUND,
            b"<Error><Code>NoSuchBucket</Code></Error>".to_vec(),
        );
    }
    if !signed_correctly(&method, &path, &headers, &body) {
        return (
            StatusCode::FORBIDDEN,
            b"<Error><Code>SignatureDoesNotMatch</Code></Error>".to_vec(),
        );
    }
    let mut objects = bucket.objects.lock().unwrap();
    if method == Method::PUT {
        objects.insert(key, body.to_vec());
        (StatusCode::OK, Vec::new())
    } else {
        match objects.get(&key) {
            Some(bytes) => (StatusCode::OK, bytes.clone()),
            None => (
                StatusCode::NOT_FOUND,
                b"<Error><Code>NoSuchKey</Code></Error>".to_vec(),
            ),
        }
    }
}

async fn s3_server(bucket: Bucket) -> String {
    let app = Router::new()
        .route("/{bucket}/{key}", put(object).get(object))
        .with_state(bucket);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

async fn send_reading(app: &crate::helpers::TestApp, key: &str) -> reqwest::Response {
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(app, 0).await;
    let mahalla: String = sqlx::query_scalar(
        "SELECT m.code FROM mahallas m JOIN utility_accounts a ON a.district_soato = m.district_soato WHERE a.id = $1 LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let last: i64 = sqlx::query_scalar(
        "SELECT MAX(value_milli) FROM meter_readings WHERE account_id = $1 AND status = 'confirmed'",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let photo = services::photos::sample(800, 600, image::ImageFormat::Jpeg);
    let form = reqwest::multipart::Form::new()
        .text("mahalla", mahalla)
        .text("value", shared::account::format_reading(last + 10_000, 1))
        .text("key", key.to_string())
        .part("photo", reqwest::multipart::Part::bytes(photo).file_name("m.jpg"));
    app.client
        .post(app.url(&format!("/accounts/{account}/readings")))
        .header("cookie", &resident)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn s3_config(endpoint: &str, secret: &str) -> server::config::FilesConfig {
    server::config::FilesConfig {
        store: server::config::FileStoreKind::S3,
        s3_endpoint: endpoint.to_string(),
        s3_bucket: "photos".into(),
        s3_access_key: ACCESS.into(),
        s3_secret_key: secret.into(),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_kept_in_an_s3_compatible_bucket() {
    let bucket = Bucket::default();
    let endpoint = s3_server(bucket.clone()).await;
    let mut config = test_config().await;
    config.files = s3_config(&endpoint, SECRET);
    let app = spawn_app_with(config).await;

    let response = send_reading(&app, "s3-reading-key-1").await;
    assert_eq!(response.status(), 200);
    let reading = crate::readings::reading_id(response).await;
    assert_eq!(
        bucket.objects.lock().unwrap().len(),
        2,
        "the photo and its thumbnail"
    );

    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let photo = app.get_as(&format!("/readings/{reading}/photo"), &resident).await;
    assert_eq!(photo.status(), 200);
    let bytes = photo.bytes().await.unwrap();
    let key = services::files::address(&bytes);
    assert!(
        bucket.objects.lock().unwrap().contains_key(&key),
        "served from the bucket"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_refuses_leaves_no_reading_behind() {
    let bucket = Bucket::default();
    let endpoint = s3_server(bucket.clone()).await;
    let mut config = test_config().await;
    config.files = s3_config(&endpoint, "a-wrong-secret");
    let app = spawn_app_with(config).await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meter_readings")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let response = send_reading(&app, "s3-reading-key-2").await;
    assert_eq!(response.status(), 503);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meter_readings")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(after, before);
    assert!(bucket.objects.lock().unwrap().is_empty());
}
