//! Meter-reading benchmarks (`scripts/bench-readings.sh`).
//!
//!   readings_bench photo <photo.jpg> <runs>
//!       The server's work on one uploaded photo: sniff, bound, decode, turn upright, scale to
//!       1600 px, encode it and its thumbnail, store both; against a plain decode of the same
//!       photo measured in the same run.
//!   readings_bench queue <base_url> <database_url> <pending> <requests>
//!       Fills <pending> pending readings, then calls the inspector's queue server function
//!       over HTTP as the demo inspector (several filters and a deep page), against /healthz
//!       through the same client in the same run.

mod common;

use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("photo") => photo(&args[2], args[3].parse()?).await,
        Some("queue") => queue(&args[2], &args[3], args[4].parse()?, args[5].parse()?).await,
        _ => Err("usage: readings_bench photo <photo.jpg> <runs> | queue <base_url> <database_url> <pending> <requests>".into()),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn photo(path: &str, runs: usize) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = std::fs::read(path)?;
    let dir = std::env::temp_dir().join(format!("fuqaro-photo-bench-{}", std::process::id()));
    let store = services::storage::files::FileStore::Local { root: dir.clone() };
    let mut decode = Duration::ZERO;
    let mut process = Duration::ZERO;
    let mut stored = Duration::ZERO;
    let mut out = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let image = image::load_from_memory(&bytes)?;
        decode += start.elapsed();
        drop(image);

        let start = Instant::now();
        let photo = services::storage::photos::process(&bytes).map_err(|e| e.to_string())?;
        process += start.elapsed();
        out = photo.jpeg.len() + photo.thumb.len();

        let start = Instant::now();
        store.put(&photo.jpeg).await?;
        store.put(&photo.thumb).await?;
        stored += start.elapsed();
    }
    let _ = std::fs::remove_dir_all(dir);
    let n = runs as f64;
    let (decode, process, stored) = (ms(decode) / n, ms(process) / n, ms(stored) / n);
    println!(
        "input {} bytes -> stored {} bytes (photo + thumbnail)",
        bytes.len(),
        out
    );
    println!("baseline, decode only:        {decode:8.1} ms");
    println!(
        "check + re-encode (both):     {process:8.1} ms   ratio to decode {:.2}",
        process / decode
    );
    println!("store (content-addressed):    {stored:8.1} ms");
    println!(
        "total per photo:              {:8.1} ms   ratio to decode {:.2}",
        process + stored,
        (process + stored) / decode
    );
    Ok(())
}

async fn queue(
    base: &str,
    url: &str,
    pending: i64,
    requests: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = services::Db::open(url, 4).await?;
    let now = services::Clock::default().now_ms();
    let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM utility_accounts")
        .fetch_one(&db.pool)
        .await?;
    let start = Instant::now();
    // One pending reading every second over the last `pending` seconds, spread over every
    // account; one in ten flagged.
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO meter_readings (account_id, value_milli, status, submitted_at, district_soato, service_code, flags) \
         SELECT a.id, 1000000 + seq.n, 'pending', $2 - seq.n * 1000, a.district_soato, a.service_code, \
           CASE WHEN seq.n % 10 = 0 THEN 'high' ELSE '' END \
         FROM seq JOIN utility_accounts a ON a.id = (SELECT MIN(id) FROM utility_accounts) + (seq.n % $3)",
    )
    .bind(pending)
    .bind(now)
    .bind(accounts)
    .execute(&db.pool)
    .await?;
    let in_scope: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM meter_readings WHERE status = 'pending' AND district_soato IN ('1726266', '1726294') \
         AND service_code IN ('electricity', 'gas', 'cold_water')",
    )
    .fetch_one(&db.pool)
    .await?;
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meter_readings WHERE status = 'pending'")
        .fetch_one(&db.pool)
        .await?;
    println!(
        "{total} pending readings ({in_scope} in the demo inspector's scope), filled in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let cookie = common::sign_in(&http, base, &db, "+998900000101")
        .await
        .map_err(|e| -> Box<dyn std::error::Error> { e })?;
    let deep: (i64, i64) = sqlx::query_as(
        "SELECT submitted_at, id FROM meter_readings WHERE status = 'pending' AND district_soato IN ('1726266', '1726294') \
         AND service_code IN ('electricity', 'gas', 'cold_water') ORDER BY submitted_at, id LIMIT 1 OFFSET $1",
    )
    .bind((in_scope / 2).max(0))
    .fetch_one(&db.pool)
    .await?;
    let deep_at = deep.0.to_string();
    let deep_id = deep.1.to_string();

    let baseline = time(requests, || http.get(format!("{base}/healthz")).send()).await?;
    println!("baseline, GET /healthz:                 {baseline:7.2} ms");
    let cases: [(&str, Vec<(&str, &str)>); 4] = [
        ("first page, whole scope", vec![("flagged", "false")]),
        (
            "one district and service",
            vec![
                ("flagged", "false"),
                ("district", "1726266"),
                ("service", "electricity"),
            ],
        ),
        ("flagged only", vec![("flagged", "true")]),
        (
            "a page in the middle",
            vec![
                ("flagged", "false"),
                ("after_at", &deep_at),
                ("after_id", &deep_id),
            ],
        ),
    ];
    for (name, form) in cases {
        let mean = time(requests, || {
            http.post(format!("{base}/api/inspector_queue"))
                .header("cookie", &cookie)
                .form(&form)
                .send()
        })
        .await?;
        println!(
            "inspector_queue, {name:<24} {mean:7.2} ms   ratio {:.1}",
            mean / baseline
        );
    }
    Ok(())
}

/// Mean time of `n` sequential requests, after a warm-up; every answer must be 200.
async fn time<F, Fut>(n: usize, request: F) -> Result<f64, Box<dyn std::error::Error>>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    for _ in 0..3 {
        request().await?.bytes().await?;
    }
    let start = Instant::now();
    for _ in 0..n {
        let response = request().await?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()).into());
        }
        response.bytes().await?;
    }
    Ok(ms(start.elapsed()) / n as f64)
}
