//! Appeals benchmarks (`scripts/bench-appeals.sh`).
//!
//!   appeals_bench control <database_url> <open> <overdue> <requests>
//!       Fills <open> unresolved appeals of which <overdue> have an ended term, then times
//!       the officer's desk query (several filters and a deep page) against a `SELECT 1`
//!       through the same pool, the People's Reception's desk of one region (one appeal in
//!       fourteen) against the same page read by a bare query, and the control-time job
//!       clearing every overdue appeal against
//!       the same number of bare one-row update transactions. Checks that each overdue appeal
//!       moved exactly once.
//!   appeals_bench sse <base_url> <database_url> <server_pid> <subscribers>
//!       Opens <subscribers> event streams of one resident's appeal on a running server, then
//!       has an officer answer it over HTTP, and measures the time until every stream has the
//!       event, against the time to one stream in the same run; and the server's memory
//!       (resident set) before and with the streams open.
//!   appeals_bench open311 <database_url> <appeals> <requests>
//!       Fills <appeals> appeals over the last 180 days (five topics, one in three closed),
//!       then times Open311's GET requests (the answer built as JSON text) with its filters —
//!       the default 90 days, a service, a status, two services that are open, a page deep in
//!       the list, 100 named ids — against the default page's ids read by a bare query on
//!       the same index.

mod common;

use common::{Error, sign_in};
use services::appeals::DeskFilter;
use shared::appeal::Category;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("control") => control(&args[2], args[3].parse()?, args[4].parse()?, args[5].parse()?).await,
        Some("sse") => sse(&args[2], &args[3], args[4].parse()?, args[5].parse()?).await,
        Some("open311") => open311(&args[2], args[3].parse()?, args[4].parse()?).await,
        _ => Err("usage: appeals_bench control <database_url> <open> <overdue> <requests> | sse <base_url> <database_url> <server_pid> <subscribers> | open311 <database_url> <appeals> <requests>".into()),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn control(url: &str, open: i64, overdue: i64, requests: usize) -> Result<(), Error> {
    let (db, svc, resident, now) = common::seeded(url, "+998901230000").await?;
    let start = Instant::now();
    // Overdue ones sit with bodies that have a parent; the rest anywhere in the tree, with
    // terms ending over the coming weeks. One in seven is urgent; one in fourteen is from
    // Toshkent shahri (a region's share of the country), the rest from Andijon.
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, district_soato, \
           category, status, registered_day, due_day, due_at, created_at, updated_at) \
         SELECT 'B-' || n, $2, \
           CASE WHEN n <= $3 THEN (CASE n % 4 WHEN 0 THEN 3 WHEN 1 THEN 4 WHEN 2 THEN 5 ELSE 9 END) ELSE 2 + (n % 10) END, \
           'healthcare', 'application', 'Mavzu', 'Matn', \
           CASE WHEN n % 14 = 0 THEN '1726' ELSE '1703' END, CASE WHEN n % 14 = 0 THEN '1726266' ELSE '1703202' END, \
           CASE WHEN n % 7 = 0 THEN 'urgent' ELSE 'ordinary' END, 'in_progress', '2026-11-02', '2026-11-17', \
           CASE WHEN n <= $3 THEN $4 - n * 10 ELSE $4 + n * 1000 END, $4, $4 \
         FROM seq",
    )
    .bind(open)
    .bind(resident)
    .bind(overdue)
    .bind(now)
    .execute(&db.pool)
    .await?;
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    println!(
        "{open} open appeals ({overdue} overdue) filled in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    // The desk: the Ministry of Health's officer (its whole subtree, about 6 in 10 appeals).
    let officer = shared::auth::Principal {
        user_id: resident,
        grants: vec![shared::auth::Grant {
            role: shared::auth::Role::AppealsOfficer,
            scopes: vec![shared::auth::Scope::Body(1)],
        }],
    };
    let baseline = time(requests, || async {
        sqlx::query("SELECT 1").execute(&db.pool).await?;
        Ok(())
    })
    .await?;
    println!("baseline, SELECT 1 through the pool:    {baseline:8.3} ms");
    let deep = services::appeals::desk(&svc, &officer, &DeskFilter::default(), 200_000).await?;
    let middle = deep.get(deep.len() / 2).map(|d| (d.due_at, d.id));
    let cases: [(&str, DeskFilter); 5] = [
        ("first page, whole subtree", DeskFilter::default()),
        (
            "urgent only",
            DeskFilter {
                category: Some(Category::Urgent),
                ..Default::default()
            },
        ),
        (
            "overdue only",
            DeskFilter {
                overdue: true,
                ..Default::default()
            },
        ),
        (
            "one district body",
            DeskFilter {
                body: Some(5),
                ..Default::default()
            },
        ),
        (
            "a page deep in the list",
            DeskFilter {
                after: middle,
                ..Default::default()
            },
        ),
    ];
    for (name, filter) in cases {
        let mean = time(requests, || async {
            let page = services::appeals::desk(&svc, &officer, &filter, 51).await?;
            assert!(!page.is_empty());
            Ok(())
        })
        .await?;
        println!("desk, {name:<28} {mean:8.3} ms   ratio {:.1}", mean / baseline);
    }

    // The People's Reception of Toshkent shahri: its region's appeals, whatever body has them,
    // against the same page read by a bare query on the same index.
    let coordinator = shared::auth::Principal {
        user_id: resident,
        grants: vec![shared::auth::Grant {
            role: shared::auth::Role::ReceptionCoordinator,
            scopes: vec![shared::auth::Scope::Region("1726".into())],
        }],
    };
    let bare = time(requests, || async {
        let rows = sqlx::query(
            "SELECT id, due_at FROM appeals WHERE status <> 'resolved' AND region_soato = $1 ORDER BY due_at, id LIMIT 51",
        )
        .bind("1726")
        .fetch_all(&db.pool)
        .await?;
        assert!(!rows.is_empty());
        Ok(())
    })
    .await?;
    println!("baseline, the region's first page by a bare query: {bare:8.3} ms");
    let region = services::appeals::desk(&svc, &coordinator, &DeskFilter::default(), 200_000).await?;
    let middle = region.get(region.len() / 2).map(|d| (d.due_at, d.id));
    let cases: [(&str, DeskFilter); 3] = [
        ("first page", DeskFilter::default()),
        (
            "overdue only",
            DeskFilter {
                overdue: true,
                ..Default::default()
            },
        ),
        (
            "a page deep in the list",
            DeskFilter {
                after: middle,
                ..Default::default()
            },
        ),
    ];
    println!("the region holds {} of the open appeals", region.len());
    for (name, filter) in cases {
        let mean = time(requests, || async {
            let page = services::appeals::desk(&svc, &coordinator, &filter, 51).await?;
            assert!(!page.is_empty());
            Ok(())
        })
        .await?;
        println!(
            "coordinator's desk, {name:<23} {mean:8.3} ms   ratio to the bare query {:.1}, to SELECT 1 {:.1}",
            mean / bare,
            mean / baseline
        );
    }

    // The control-time job against the least work per appeal: one row updated in its own
    // transaction, as many times.
    let start = Instant::now();
    for id in 1..=overdue {
        let mut tx = db.pool.begin().await?;
        sqlx::query("UPDATE appeals SET updated_at = $1 WHERE id = $2")
            .bind(now + 1)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let bare = start.elapsed();
    println!(
        "baseline, {overdue} one-row update transactions: {:8.1} s   {:.0} per second",
        bare.as_secs_f64(),
        overdue as f64 / bare.as_secs_f64()
    );
    let start = Instant::now();
    let mut moved = 0;
    loop {
        let n = services::appeals::escalate_overdue(&svc, 500).await?;
        moved += n;
        if n == 0 {
            break;
        }
    }
    let job = start.elapsed();
    println!(
        "control-time job, {moved} escalated:        {:8.1} s   {:.0} per second   ratio {:.2}",
        job.as_secs_f64(),
        moved as f64 / job.as_secs_f64(),
        job.as_secs_f64() / bare.as_secs_f64()
    );
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appeal_events WHERE kind = 'escalated'")
        .fetch_one(&db.pool)
        .await?;
    let twice: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appeals WHERE escalations > 1")
        .fetch_one(&db.pool)
        .await?;
    let again = services::appeals::escalate_overdue(&svc, 500).await?;
    println!("check: {events} escalation events, {twice} appeals moved twice, {again} moved by a second run");
    if moved as i64 != overdue || events != overdue || twice != 0 || again != 0 {
        return Err("the job did not move every overdue appeal exactly once".into());
    }
    Ok(())
}

async fn open311(url: &str, appeals: i64, requests: usize) -> Result<(), Error> {
    use services::open311::{Filter, Form};
    let (db, svc, resident, now) = common::seeded(url, "+998901230000").await?;
    let start = Instant::now();
    let span = 180 * 86_400_000 / appeals;
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, district_soato, \
           category, status, registered_day, due_day, due_at, created_at, updated_at, channel) \
         SELECT 'O-' || n, $2, 2 + (n % 10), \
           CASE n % 5 WHEN 0 THEN 'healthcare' WHEN 1 THEN 'medicines' WHEN 2 THEN 'electricity' WHEN 3 THEN 'housing' ELSE 'other' END, \
           'application', 'Mavzu', 'Matn', \
           CASE WHEN n % 14 = 0 THEN '1726' ELSE '1703' END, CASE WHEN n % 14 = 0 THEN '1726266' ELSE '1703202' END, \
           'ordinary', CASE WHEN n % 3 = 0 THEN 'resolved' ELSE 'in_progress' END, '2026-11-02', '2026-11-17', \
           $3 - n * $4 + 15 * 86400000, $3 - n * $4, $3 - n * $4, 'other_system' \
         FROM seq",
    )
    .bind(appeals)
    .bind(resident)
    .bind(now)
    .bind(span)
    .execute(&db.pool)
    .await?;
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    println!(
        "{appeals} appeals over 180 days filled in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let all = Filter::parse(&Form(&[]), now).map_err(|e| e.to_string())?;
    let bare = time(requests, || async {
        let rows = sqlx::query(
            "SELECT id FROM appeals WHERE created_at >= $1 AND created_at <= $2 ORDER BY created_at DESC, id DESC LIMIT 1000",
        )
        .bind(all.start)
        .bind(all.end)
        .fetch_all(&db.pool)
        .await?;
        assert_eq!(rows.len(), 1000);
        Ok(())
    })
    .await?;
    println!("baseline, the default page's ids by a bare query: {bare:8.3} ms");
    let named = (1..=100)
        .map(|n| format!("O-{}", n * 97))
        .collect::<Vec<_>>()
        .join(",");
    let pairs = |list: &[(&str, &str)]| {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let cases: [(&str, Vec<(String, String)>); 6] = [
        ("the last 90 days, first 1,000", pairs(&[])),
        ("one service", pairs(&[("service_code", "electricity")])),
        ("closed only", pairs(&[("status", "closed")])),
        (
            "two services, open",
            pairs(&[("service_code", "medicines,other"), ("status", "open")]),
        ),
        ("page 100 of 100", pairs(&[("page", "100"), ("page_size", "100")])),
        ("100 named ids", vec![("service_request_id".to_string(), named)]),
    ];
    for (name, args) in cases {
        let filter = Filter::parse(&Form(&args), now).map_err(|e| e.to_string())?;
        let mean = time(requests, || async {
            let list = services::open311::requests(&svc, &filter, shared::Locale::Uz).await?;
            let text = list.to_string();
            assert!(text.len() > 1000);
            Ok(())
        })
        .await?;
        println!(
            "GET requests, {name:<30} {mean:8.3} ms   ratio {:.1}",
            mean / bare
        );
    }
    Ok(())
}

/// Mean time of `n` sequential calls, after a warm-up.
async fn time<F, Fut>(n: usize, call: F) -> Result<f64, Error>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    for _ in 0..3 {
        call().await?;
    }
    let start = Instant::now();
    for _ in 0..n {
        call().await?;
    }
    Ok(ms(start.elapsed()) / n as f64)
}

/// The resident set of a process, in MiB.
fn rss_mib(pid: u32) -> Result<f64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .ok_or("no VmRSS")?
        .parse()?;
    Ok(kb / 1024.0)
}

async fn sse(base: &str, url: &str, pid: u32, subscribers: usize) -> Result<(), Error> {
    let db = services::Db::open(url, 2).await?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .build()?;
    let resident = sign_in(&http, base, &db, services::demo::RESIDENTS[0].phone).await?;
    let officer = sign_in(&http, base, &db, services::demo::STAFF[1].phone).await?;
    // The resident files an appeal through the form.
    let form = reqwest::multipart::Form::new()
        .text("body", "4")
        .text("topic", "healthcare")
        .text("kind", "application")
        .text("subject", "Benchmark")
        .text("text", "Matn")
        .text("district", "1726266");
    let filed = http
        .post(format!("{base}/appeals"))
        .header("cookie", &resident)
        .multipart(form)
        .send()
        .await?;
    let location = filed.headers()["location"].to_str()?.to_string();
    let appeal: i64 = location
        .trim_start_matches("/appeals/")
        .split('?')
        .next()
        .ok_or("no appeal id")?
        .parse()?;
    let stream_url = format!("{base}/api/appeals/events?appeal={appeal}");

    // Baseline: one stream, one event.
    let one = fan_out(&http, &stream_url, &resident, 1, pid, || {
        act(&http, base, &officer, appeal, "1")
    })
    .await?;
    println!(
        "baseline, one stream: the event arrives in {:8.2} ms",
        ms(one.latest)
    );

    let before = rss_mib(pid)?;
    let opened = Instant::now();
    let all = fan_out(&http, &stream_url, &resident, subscribers, pid, || {
        act(&http, base, &officer, appeal, "2")
    })
    .await?;
    println!(
        "{subscribers} streams opened in {:.1} s",
        (all.opened_at - opened).as_secs_f64()
    );
    println!(
        "server memory: {before:.1} MiB before, {:.1} MiB with {subscribers} streams: {:.1} KiB per stream",
        all.rss_open,
        (all.rss_open - before) * 1024.0 / subscribers as f64
    );
    println!(
        "one event to all {subscribers} streams:   {:8.2} ms (median stream {:.2} ms)   ratio to one stream {:.1}",
        ms(all.latest),
        ms(all.median),
        ms(all.latest) / ms(one.latest)
    );
    if all.received != subscribers {
        return Err(format!("only {} of {subscribers} streams got the event", all.received).into());
    }
    Ok(())
}

/// The officer triages (first) and answers (then) the appeal through the desk form.
async fn act(
    http: &reqwest::Client,
    base: &str,
    officer: &str,
    appeal: i64,
    round: &str,
) -> Result<(), Error> {
    let form = if round == "1" {
        reqwest::multipart::Form::new()
            .text("action", "triage")
            .text("category", "urgent")
    } else {
        reqwest::multipart::Form::new()
            .text("action", "answer")
            .text("text", "Javob")
    };
    let response = http
        .post(format!("{base}/desk/appeals/{appeal}"))
        .header("cookie", officer)
        .multipart(form)
        .send()
        .await?;
    if response.status() != 303 {
        return Err(format!("the officer's action answered {}", response.status()).into());
    }
    Ok(())
}

struct FanOut {
    received: usize,
    latest: Duration,
    median: Duration,
    opened_at: Instant,
    rss_open: f64,
}

/// Opens `n` streams, waits until every one is open, runs `trigger`, and measures how long
/// after the trigger started each stream had its first event.
async fn fan_out<F, Fut>(
    http: &reqwest::Client,
    url: &str,
    cookie: &str,
    n: usize,
    pid: u32,
    trigger: F,
) -> Result<FanOut, Error>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let (open_tx, mut open_rx) = tokio::sync::mpsc::channel::<()>(n);
    let (got_tx, mut got_rx) = tokio::sync::mpsc::channel::<Instant>(n);
    let mut tasks = Vec::with_capacity(n);
    for _ in 0..n {
        let (http, url, cookie, open_tx, got_tx) = (
            http.clone(),
            url.to_string(),
            cookie.to_string(),
            open_tx.clone(),
            got_tx.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let Ok(mut response) = http.get(&url).header("cookie", &cookie).send().await else {
                return;
            };
            let _ = open_tx.send(()).await;
            let mut seen = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                seen.push_str(&String::from_utf8_lossy(&chunk));
                if seen.contains("event: appeal") {
                    let _ = got_tx.send(Instant::now()).await;
                    return;
                }
            }
        }));
        // Connections are opened a few hundred at a time, as a crowd of phones would.
        if tasks.len() % 500 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop(open_tx);
    drop(got_tx);
    let mut open = 0;
    while open < n {
        match tokio::time::timeout(Duration::from_secs(60), open_rx.recv()).await {
            Ok(Some(())) => open += 1,
            _ => break,
        }
    }
    let opened_at = Instant::now();
    let rss_open = rss_mib(pid)?;
    // Each stream is subscribed before its response starts; give the last few a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    trigger().await?;
    let mut arrivals = Vec::with_capacity(n);
    while arrivals.len() < open {
        match tokio::time::timeout(Duration::from_secs(30), got_rx.recv()).await {
            Ok(Some(at)) => arrivals.push(at.duration_since(started)),
            _ => break,
        }
    }
    for t in tasks {
        t.abort();
    }
    arrivals.sort();
    Ok(FanOut {
        received: arrivals.len(),
        latest: arrivals.last().copied().unwrap_or_default(),
        median: arrivals.get(arrivals.len() / 2).copied().unwrap_or_default(),
        opened_at,
        rss_open,
    })
}
