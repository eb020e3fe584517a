//! Fills a database with many utility accounts for the account benchmarks
//! (`scripts/bench-accounts.sh`): one portable INSERT … SELECT over a recursive sequence, so
//! the same SQL runs on SQLite and PostgreSQL. Then it links a sample to a bench resident,
//! opens a session for them, and writes the samples wrk's scripts replay:
//!
//!   fill_accounts <database_url> <accounts> <ledger_rows_per_account> <out_dir>
//!
//! out_dir/lookups.txt   form bodies for POST /accounts/link (random existing accounts)
//! out_dir/pages.txt     form bodies for the account page's server function (linked accounts)
//! out_dir/cookie.txt    the bench resident's session cookie

use services::Db;
use std::io::Write;
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, accounts, ledger, out] = &args[..] else {
        return Err(
            "usage: fill_accounts <database_url> <accounts> <ledger_rows_per_account> <out_dir>".into(),
        );
    };
    let accounts: i64 = accounts.parse()?;
    let ledger: i64 = ledger.parse()?;
    let out = std::path::Path::new(out);
    std::fs::create_dir_all(out)?;

    let db = Db::open(url, 4).await?;
    services::reference::load(&db).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM utility_accounts")
        .fetch_one(&db.pool)
        .await?;
    let started = Instant::now();
    if existing < accounts {
        let mut tx = db.pool.begin().await?;
        // Districts numbered 0..207, so that account n lives in district n mod 208.
        sqlx::query("DROP TABLE IF EXISTS bench_districts")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "CREATE TABLE bench_districts AS SELECT ROW_NUMBER() OVER (ORDER BY soato) - 1 AS i, soato, region_soato \
             FROM districts",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "WITH RECURSIVE seq(n) AS (SELECT $1 UNION ALL SELECT n + 1 FROM seq WHERE n < $2) \
             INSERT INTO utility_accounts (service_code, region_soato, district_soato, number, holder_name, address, \
               tariff_code, meter_decimals, created_at) \
             SELECT 'electricity', d.region_soato, d.soato, CAST(50000000 + n AS TEXT), 'Bench Holder', 'Bench street', \
               'electricity-household', 1, 0 \
             FROM seq JOIN bench_districts d ON d.i = n % 208",
        )
        .bind(existing + 1)
        .bind(accounts)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "WITH RECURSIVE m(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM m WHERE k < $1) \
             INSERT INTO ledger_entries (account_id, kind, amount_tiyin, occurred_at, description, created_at) \
             SELECT a.id, CASE WHEN k % 2 = 0 THEN 'payment' ELSE 'charge' END, \
                    CASE WHEN k % 2 = 0 THEN 15000000 ELSE -15000000 - (a.id % 7) * 100000 END, \
                    1700000000000 + k * 2592000000, 'bench', 0 \
             FROM utility_accounts a CROSS JOIN m WHERE a.id > $2",
        )
        .bind(ledger)
        .bind(existing)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DROP TABLE bench_districts")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let filled = started.elapsed();

    // A bench resident with 1,000 linked accounts and a session.
    let now = services::Clock::default().now_ms();
    let phone = shared::Phone::parse("+998 99 999 99 99").map_err(|e| format!("{e:?}"))?;
    let user = services::identity::users::find_or_create(&db.pool, &phone, shared::Locale::Uz, now).await?;
    let step = (accounts / 1000).max(1);
    sqlx::query(
        "INSERT INTO account_links (user_id, account_id, linked_at) \
         SELECT $1, id, $2 FROM utility_accounts WHERE id % $3 = 0 ON CONFLICT DO NOTHING",
    )
    .bind(user)
    .bind(now)
    .bind(step)
    .execute(&db.pool)
    .await?;
    let token = services::secret::token();
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(services::secret::sha256_hex(token.as_bytes()))
        .bind(user)
        .bind(now)
        .bind(now + 86_400_000)
        .execute(&db.pool)
        .await?;
    std::fs::write(out.join("cookie.txt"), format!("fuqaro_session={token}"))?;

    let linked: Vec<i64> = sqlx::query_scalar("SELECT account_id FROM account_links WHERE user_id = $1")
        .bind(user)
        .fetch_all(&db.pool)
        .await?;
    let mut pages = std::fs::File::create(out.join("pages.txt"))?;
    for id in &linked {
        writeln!(pages, "id={id}&readings=1&charges=1&payments=1")?;
    }
    let sample: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT region_soato, district_soato, number FROM utility_accounts WHERE id % $1 = 7 LIMIT 10000",
    )
    .bind((accounts / 10000).max(1))
    .fetch_all(&db.pool)
    .await?;
    let mut lookups = std::fs::File::create(out.join("lookups.txt"))?;
    for (region, district, number) in &sample {
        writeln!(
            lookups,
            "service=electricity&region={region}&district={district}&number={number}"
        )?;
    }
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM utility_accounts")
        .fetch_one(&db.pool)
        .await?;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries")
        .fetch_one(&db.pool)
        .await?;
    println!(
        "{total} accounts, {rows} ledger rows (filled in {:.1} s); {} linked to the bench resident",
        filled.as_secs_f64(),
        linked.len()
    );
    Ok(())
}
