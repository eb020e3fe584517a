//! Payme throughput (`scripts/bench-payments.sh`): CreateTransaction + PerformTransaction
//! pairs, one order each, sent over HTTP by `workers` concurrent clients the way Payme would,
//! then a check that every order was credited exactly once.
//!
//!   PAYME_KEY=<the server's payme_key> payme_bench <base_url> <database_url> <orders> <workers>

use base64::Engine;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, url, orders, workers] = &args[..] else {
        return Err("usage: payme_bench <base_url> <database_url> <orders> <workers>".into());
    };
    let (orders, workers): (i64, usize) = (orders.parse()?, workers.parse()?);
    let db = services::Db::open(url, 4).await?;
    let account: i64 = sqlx::query_scalar("SELECT MIN(id) FROM utility_accounts")
        .fetch_one(&db.pool)
        .await?;
    let first: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM payment_orders")
        .fetch_one(&db.pool)
        .await?;
    let now = services::Clock::default().now_ms();
    sqlx::query(
        "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < $1) \
         INSERT INTO payment_orders (account_id, amount_tiyin, method, created_at) SELECT $2, 100000, 'payme', $3 FROM seq",
    )
    .bind(orders)
    .bind(account)
    .bind(now)
    .execute(&db.pool)
    .await?;
    let ids: Arc<Vec<i64>> = Arc::new(
        sqlx::query_scalar("SELECT id FROM payment_orders WHERE id >= $1 ORDER BY id")
            .bind(first)
            .fetch_all(&db.pool)
            .await?,
    );

    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "Paycom:{}",
            std::env::var("PAYME_KEY").map_err(|_| "PAYME_KEY: the key the server was given")?
        ))
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(workers)
        .build()?;
    let next = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (http, ids, next, failures, auth, base) = (
            http.clone(),
            ids.clone(),
            next.clone(),
            failures.clone(),
            auth.clone(),
            base.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(order) = ids.get(i) else { break };
                let tx = format!("{order:024x}");
                let calls = [
                    json!({"id": 1, "method": "CreateTransaction", "params": {"id": tx, "time": now, "amount": 100000, "account": {"order_id": order.to_string()}}}),
                    json!({"id": 2, "method": "PerformTransaction", "params": {"id": tx}}),
                ];
                for call in calls {
                    let reply: Value = match http.post(format!("{base}/payments/payme")).header("authorization", &auth).json(&call).send().await {
                        Ok(r) => r.json().await.unwrap_or(Value::Null),
                        Err(_) => Value::Null,
                    };
                    if reply.get("result").is_none_or(Value::is_null) {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();

    let credited: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT o.id, COUNT(e.id) FROM payment_orders o LEFT JOIN ledger_entries e ON e.reference = 'payme:' || \
         (SELECT t.external_id FROM provider_transactions t WHERE t.order_id = o.id AND t.provider = 'payme' AND t.state = 2) \
         WHERE o.id >= $1 GROUP BY o.id",
    )
    .bind(first)
    .fetch_all(&db.pool)
    .await?;
    let exactly_once = credited.iter().filter(|(_, n)| *n == 1).count();
    println!(
        "{orders} Create+Perform pairs in {elapsed:.2} s: {:.0} pairs/s with {workers} clients; \
         failed calls {}; credited exactly once: {exactly_once}/{orders}",
        orders as f64 / elapsed,
        failures.load(Ordering::Relaxed)
    );
    if exactly_once as i64 != orders {
        return Err("exactly-once violated".into());
    }
    Ok(())
}
