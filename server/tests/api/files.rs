//! Photos kept in an S3-compatible bucket: moto's S3 server (from PyPI, started by
//! scripts/moto.sh with authentication on) is the object store, so every request's SigV4
//! signature is checked by someone else's implementation.

use crate::helpers::{known_account, spawn_app_with, test_config};
use services::demo::RESIDENTS;

/// moto's address, a key it knows and its bucket: from `TEST_S3` (what scripts/moto.sh
/// printed, as scripts/test.sh passes it), or by running scripts/moto.sh.
fn moto() -> &'static (String, String, String, String) {
    static MOTO: std::sync::OnceLock<(String, String, String, String)> = std::sync::OnceLock::new();
    MOTO.get_or_init(|| {
        let line = match std::env::var("TEST_S3") {
            Ok(line) if !line.trim().is_empty() => line,
            _ => {
                let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/moto.sh");
                let output = std::process::Command::new(script)
                    .output()
                    .expect("scripts/moto.sh runs");
                assert!(
                    output.status.success(),
                    "scripts/moto.sh failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                );
                String::from_utf8(output.stdout).unwrap()
            }
        };
        let parts: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        let [url, access, secret, bucket] = <[String; 4]>::try_from(parts).expect("URL ACCESS SECRET BUCKET");
        (url, access, secret, bucket)
    })
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
    let photo = services::storage::fixtures::sample(800, 600, image::ImageFormat::Jpeg);
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

fn s3_config(secret: &str) -> server::config::FilesConfig {
    let (url, access, _, bucket) = moto();
    server::config::FilesConfig {
        store: server::config::FileStoreKind::S3,
        s3_endpoint: url.clone(),
        s3_bucket: bucket.clone(),
        s3_access_key: access.clone(),
        s3_secret_key: secret.into(),
        ..Default::default()
    }
}

/// The bucket as the tests read it, with the right key.
fn bucket() -> services::storage::s3::Bucket {
    let (url, access, secret, bucket) = moto();
    services::storage::s3::Bucket::new(url, "us-east-1", bucket, access, secret, &Default::default()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_kept_in_an_s3_compatible_bucket() {
    let mut config = test_config().await;
    config.files = s3_config(&moto().2);
    let app = spawn_app_with(config).await;

    let response = send_reading(&app, "s3-reading-key-1").await;
    assert_eq!(response.status(), 200);
    let reading = crate::readings::reading_id(response).await;
    let (photo, thumb): (String, String) = sqlx::query_as(
        "SELECT f.sha256, f.thumb_sha256 FROM meter_readings r JOIN stored_files f ON f.id = r.photo_id WHERE r.id = $1",
    )
    .bind(reading)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let store = bucket();
    assert!(
        store.get(&photo).await.unwrap().is_some(),
        "the photo is in the bucket"
    );
    assert!(store.get(&thumb).await.unwrap().is_some(), "and its thumbnail");

    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let served = app.get_as(&format!("/readings/{reading}/photo"), &resident).await;
    assert_eq!(served.status(), 200);
    let bytes = served.bytes().await.unwrap();
    assert_eq!(
        services::storage::files::address(&bytes),
        photo,
        "served from the bucket"
    );
    assert_eq!(
        store
            .get(&services::storage::files::address(b"never stored"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_that_refuses_our_signature_leaves_no_reading_behind() {
    let mut config = test_config().await;
    // The right key id with a wrong secret: moto computes the signature itself and refuses.
    config.files = s3_config("a-wrong-secret");
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
}
