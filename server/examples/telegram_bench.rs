//! The Telegram outbox at Telegram's limits (issue 16): N notifications to M chats delivered
//! through a local Bot API fake, first unpaced (the baseline: what the sender and the database
//! can do), then paced to the published limits (30 a second in all, one a second to a chat).
//! Prints the time of each, the paced run against its floor, and what the fake saw: every
//! message once, the most in any one second, the least gap between two to one chat.
//!
//! `telegram_bench <database url> [messages] [chats]` (scripts/bench-telegram.sh).

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::json;
use services::telegram::outbox::{self, Outgoing, Pace};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Seen = Arc<Mutex<Vec<(i64, Instant)>>>;

async fn method(
    State(seen): State<Seen>,
    Path((_bot, _method)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Json<serde_json::Value> {
    let params: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let chat = params["chat_id"].as_i64().unwrap_or_default();
    seen.lock().unwrap().push((chat, Instant::now()));
    Json(json!({"ok": true, "result": {
        "message_id": 1, "date": 1_764_547_200,
        "chat": {"id": chat, "type": "private", "first_name": "Bench"}, "text": params["text"],
    }}))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let url = args
        .get(1)
        .ok_or("usage: telegram_bench <database url> [messages] [chats]")?;
    let messages: i64 = args.get(2).map_or(Ok(10_000), |a| a.parse())?;
    let chats: i64 = args.get(3).map_or(Ok(1_000), |a| a.parse())?;

    let seen: Seen = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let api = format!("http://{}", listener.local_addr()?);
    let router = Router::new()
        .route("/{bot}/{method}", post(method))
        .with_state(seen.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let db = services::Db::open(url, 8).await?;
    let svc = services::Services::new(
        db,
        Arc::new(services::sms::OutboxOnly),
        false,
        "https://fuqaro.test",
        "",
    )
    .await?;
    let client = services::outbound::Outbound::default().client(Duration::from_secs(10));

    let unpaced = Pace {
        per_second: usize::MAX,
        per_chat: Duration::ZERO,
    };
    println!("{messages} notifications to {chats} chats, {:?}", svc.db.backend);
    let mut baseline = 0.0;
    for (name, pace) in [
        ("unpaced (baseline)", unpaced),
        ("paced to Telegram's limits", Pace::default()),
    ] {
        // A fresh queue: the chats, and every notification queued at once.
        sqlx::query("DELETE FROM telegram_outbox")
            .execute(&svc.db.pool)
            .await?;
        sqlx::query("DELETE FROM telegram_chats")
            .execute(&svc.db.pool)
            .await?;
        let now = svc.clock.now_ms();
        let mut tx = svc.db.pool.begin().await?;
        for chat in 1..=chats {
            sqlx::query("INSERT INTO telegram_chats (chat_id, updated_at) VALUES ($1, $2)")
                .bind(chat)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        for i in 0..messages {
            let message = Outgoing::plain(format!("Fuqaro: notice {i}"));
            outbox::enqueue(&mut *tx, 1 + i % chats, &message, "bench", None, now).await?;
        }
        tx.commit().await?;
        seen.lock().unwrap().clear();

        let mut telegram = services::telegram::Telegram::new("1:bench", &api, client.clone(), "")?;
        telegram.pace = pace;
        let mut sender = outbox::Sender::default();
        let started = Instant::now();
        loop {
            let taken = outbox::deliver_due(&svc, &telegram, &mut sender, 100).await?;
            if taken == 0 {
                let left: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM telegram_outbox WHERE status = 'pending'")
                        .fetch_one(&svc.db.pool)
                        .await?;
                if left == 0 {
                    break;
                }
                // A chat's next message waits for its pace.
                tokio::time::sleep(pace.per_chat.min(Duration::from_millis(20))).await;
            }
        }
        let elapsed = started.elapsed().as_secs_f64();

        let mut seen = seen.lock().unwrap().clone();
        seen.sort_by_key(|(_, at)| *at);
        let per_second = pace.per_second.min(seen.len());
        let busiest = (0..seen.len())
            .map(|i| {
                seen[i..]
                    .iter()
                    .take_while(|(_, at)| *at < seen[i].1 + Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let mut last: std::collections::HashMap<i64, Instant> = Default::default();
        let mut least_gap = Duration::MAX;
        for (chat, at) in &seen {
            if let Some(before) = last.insert(*chat, *at) {
                least_gap = least_gap.min(*at - before);
            }
        }
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM telegram_outbox WHERE status = 'sent'")
            .fetch_one(&svc.db.pool)
            .await?;
        println!(
            "{name}: {elapsed:.1} s, {:.0} messages/s",
            messages as f64 / elapsed
        );
        println!(
            "  delivered {} (marked sent {sent}), most in one second {busiest}, least gap in a chat {} ms",
            seen.len(),
            least_gap.as_millis()
        );
        if seen.len() as i64 != messages || sent != messages {
            return Err("not every notification was delivered exactly once".into());
        }
        if pace == unpaced {
            baseline = elapsed;
        } else {
            // The least time the limits allow (the first second's messages go at once): the
            // overall rate, or a chat's own messages one interval apart, whichever is longer.
            let seconds = (messages as f64 / pace.per_second as f64).ceil() - 1.0;
            let per_chat_messages = (messages as f64 / chats as f64).ceil();
            let floor = seconds.max((per_chat_messages - 1.0) * pace.per_chat.as_secs_f64());
            println!(
                "  floor at the limits {floor:.1} s: ratio {:.3}; against the unpaced baseline {:.1}×",
                elapsed / floor,
                elapsed / baseline
            );
            if busiest > per_second || least_gap + Duration::from_millis(20) < pace.per_chat {
                return Err("the pace was not kept".into());
            }
        }
    }
    Ok(())
}
