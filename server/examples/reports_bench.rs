//! Reports at national scale (`BENCH_ONLY=reports scripts/bench-appeals.sh`, issue 15 point 6).
//!
//!   reports_bench <database_url> <appeals> <events_per_appeal> <requests>
//!       Fills <appeals> appeals spread over two years (eight quarters, four half-years) across
//!       the demo bodies, with <events_per_appeal> events each and residents' scores of one
//!       answer in three, and the rating's marks; tallies the report's counts from the steps
//!       (timed: what the first start does for the appeals already there); then times,
//!       against a `SELECT 1` through
//!       the same pool: the Ministry of Health's quarterly report (every body below it) of
//!       the last whole quarter, the country's, and the rating of every body for the running
//!       half-year (computed from the marks) and for a closed one (frozen, read back).

mod common;

use common::Error;
use shared::rating::HalfYear;
use shared::report::{Quarter, ReportScope};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        return Err("usage: reports_bench <database_url> <appeals> <events_per_appeal> <requests>".into());
    }
    run(&args[1], args[2].parse()?, args[3].parse()?, args[4].parse()?).await
}

/// The mean time of `n` calls, in milliseconds.
async fn time<F, Fut>(n: usize, mut call: F) -> Result<f64, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let start = Instant::now();
    for _ in 0..n {
        call().await?;
    }
    Ok(start.elapsed().as_secs_f64() * 1000.0 / n as f64)
}

async fn run(url: &str, appeals: i64, per_appeal: i64, requests: usize) -> Result<(), Error> {
    let (db, svc, resident, now) = common::seeded(url, "+998901230001").await?;
    let day: i64 = 86_400_000;
    let span = 730 * day;
    let start = Instant::now();
    // Appeals over two years, newest first; bodies 2 to 11, channels, kinds, topics and
    // categories in turn; nine in ten closed (a third satisfied); one in twenty a repeat of
    // the one before, one in fifty collective; one in fourteen from Toshkent shahri.
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO appeals (number, user_id, body_id, topic_code, kind, subject, body_text, region_soato, district_soato, \
           collective, category, status, registered_day, due_day, due_at, resolution, channel, first_body_id, \
           created_at, updated_at) \
         SELECT 'R-' || n, $2, 2 + (n % 10), \
           CASE n % 5 WHEN 0 THEN 'healthcare' WHEN 1 THEN 'medicines' WHEN 2 THEN 'electricity' WHEN 3 THEN 'housing' ELSE 'other' END, \
           CASE n % 3 WHEN 0 THEN 'application' WHEN 1 THEN 'proposal' ELSE 'complaint' END, 'Mavzu', 'Matn', \
           CASE WHEN n % 14 = 0 THEN '1726' ELSE '1703' END, CASE WHEN n % 14 = 0 THEN '1726266' ELSE '1703202' END, \
           CASE WHEN n % 50 = 0 THEN 1 ELSE 0 END, \
           CASE n % 4 WHEN 0 THEN NULL WHEN 1 THEN 'urgent' WHEN 2 THEN 'ordinary' ELSE 'consultation' END, \
           CASE WHEN n % 10 = 0 THEN 'in_progress' ELSE 'resolved' END, '2026-01-01', '2026-01-16', \
           $3 - n * ($4 / $1) + 15 * $5, \
           CASE WHEN n % 10 = 0 THEN NULL WHEN n % 3 = 0 THEN 'satisfied' WHEN n % 3 = 1 THEN 'explained' ELSE 'rejected' END, \
           CASE n % 4 WHEN 0 THEN 'web' WHEN 1 THEN 'telegram' WHEN 2 THEN 'personal_reception' ELSE 'virtual_reception' END, \
           2 + (n % 10), $3 - n * ($4 / $1), $3 - n * ($4 / $1) \
         FROM seq",
    )
    .bind(appeals)
    .bind(resident)
    .bind(now)
    .bind(span)
    .bind(day)
    .execute(&db.pool)
    .await?;
    sqlx::query("UPDATE appeals SET repeat_of = id - 1 WHERE id % 20 = 0 AND number LIKE 'R-%'")
        .execute(&db.pool)
        .await?;
    // Events: registered, triaged, assigned, answered (one in eight five days later than the
    // others), resolved, then control steps in turn, as many as asked, each with the detail
    // the app writes (the terms are left open: every first answer counts as on time).
    sqlx::query(
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < $1) \
         INSERT INTO appeal_events (appeal_id, kind, actor_id, body_id, detail, at) \
         SELECT a.id, \
           CASE k.i WHEN 1 THEN 'registered' WHEN 2 THEN 'triaged' WHEN 3 THEN 'assigned' WHEN 4 THEN 'answered' \
             WHEN 5 THEN 'resolved' WHEN 6 THEN 'escalated' WHEN 7 THEN 'returned' WHEN 8 THEN 'sent_back' \
             WHEN 9 THEN 'extended' ELSE 'cosigned' END, \
           $2, a.body_id, \
           CASE k.i WHEN 2 THEN '{\"category\":\"' || COALESCE(a.category, 'ordinary') || '\"}' \
             WHEN 3 THEN '{\"assigned\":{\"officer\":' || $2 || ',\"name\":\"Xodim\"}}' \
             WHEN 4 THEN '{\"note\":\"Javob\"}' \
             WHEN 5 THEN '{\"resolved\":{\"resolution\":\"' || COALESCE(a.resolution, 'explained') || '\",\"reason\":\"\"}}' \
             WHEN 6 THEN '{\"escalated\":{\"from\":' || a.body_id || '}}' \
             WHEN 7 THEN '{\"note\":\"Qaytarildi\"}' WHEN 8 THEN '{\"note\":\"Qaytarildi\"}' \
             ELSE '\"nothing\"' END, \
           a.created_at + k.i * CASE WHEN k.i = 4 AND a.id % 8 = 0 THEN 5 * $3 ELSE $3 END \
         FROM appeals a CROSS JOIN k",
    )
    .bind(per_appeal)
    .bind(resident)
    .bind(day)
    .execute(&db.pool)
    .await?;
    // Residents' scores of one answer in three, a day after it, and their steps.
    sqlx::query(
        "INSERT INTO appeal_ratings (answer_event_id, appeal_id, score, at) \
         SELECT e.id, e.appeal_id, 1 + (e.appeal_id % 5), e.at + $1 FROM appeal_events e \
         WHERE e.kind = 'answered' AND e.appeal_id % 3 = 0",
    )
    .bind(day)
    .execute(&db.pool)
    .await?;
    sqlx::query(
        "INSERT INTO appeal_events (appeal_id, kind, actor_id, detail, at) \
         SELECT s.appeal_id, 'rated', $1, '{\"score\":' || s.score || '}', s.at FROM appeal_ratings s",
    )
    .bind(resident)
    .execute(&db.pool)
    .await?;
    // The rating's marks, as the steps above would have left them: each month of the two
    // years, each body and region, each mark.
    let mut tx = db.pool.begin().await?;
    let mut month = now - span;
    while month <= now {
        for body in 2..=11 {
            for region in ["1703", "1726"] {
                for (i, mark) in shared::rating::Mark::ALL.iter().enumerate() {
                    let n = appeals / 24 / 10 / 2 / (i as i64 + 1);
                    sqlx::query(
                        "INSERT INTO appeal_marks (month, body_id, region_soato, mark, n) VALUES ($1, $2, $3, $4, $5) \
                         ON CONFLICT (month, body_id, region_soato, mark) DO NOTHING",
                    )
                    .bind(shared::rating::month_of(month))
                    .bind(body)
                    .bind(region)
                    .bind(mark.code())
                    .bind(n.max(1))
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        month += 30 * day;
    }
    tx.commit().await?;
    // The report's counts, tallied from the steps as the first start after the counts came
    // in does for the appeals already there.
    let built = Instant::now();
    let tallied = services::reports::counts::rebuild(&db).await?;
    println!(
        "report counts built from {tallied} appeals in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM appeal_events")
        .fetch_one(&db.pool)
        .await?;
    println!(
        "{appeals} appeals, {events} events filled in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let admin = shared::auth::Principal {
        user_id: resident,
        grants: vec![shared::auth::Grant {
            role: shared::auth::Role::Administrator,
            scopes: vec![],
        }],
    };
    let baseline = time(requests, || async {
        sqlx::query("SELECT 1").execute(&db.pool).await?;
        Ok(())
    })
    .await?;
    println!("baseline, SELECT 1 through the pool:        {baseline:10.3} ms");
    let quarter = Quarter::of(now).previous();
    let few = requests.clamp(1, 5);
    for (name, scope) in [
        ("quarterly report, the ministry (body 1)", ReportScope::Body(1)),
        ("quarterly report, the country", ReportScope::Country),
    ] {
        let mean = time(few, || async {
            let report = services::reports::quarterly(&svc, &admin, &scope, quarter).await?;
            assert!(report.value(shared::report::Section::Received, "total") > 0);
            Ok(())
        })
        .await?;
        println!("{name:<42} {mean:10.3} ms   ratio {:.0}", mean / baseline);
    }
    let running = HalfYear::of(now);
    let closed = running.previous();
    services::reports::rating::freeze_closed(&svc).await?;
    for (name, half) in [
        ("rating of every body, running half-year", running),
        ("rating of every body, a frozen half-year", closed),
    ] {
        let mean = time(requests, || async {
            let rating = services::reports::rating::rating(&svc, half).await?;
            assert!(!rating.bodies.is_empty());
            Ok(())
        })
        .await?;
        println!("{name:<42} {mean:10.3} ms   ratio {:.0}", mean / baseline);
    }
    Ok(())
}
