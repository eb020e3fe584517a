//! Payme Merchant API, played the way Payme's sandbox plays it: over HTTP, with repeats,
//! concurrency and a restart between Create and Perform.

use crate::helpers::{TestApp, known_account, owner_of, spawn_app, spawn_app_with, test_config};
use base64::Engine;
use serde_json::{Value, json};
use shared::Tiyin;

async fn rpc_with(app: &TestApp, auth: Option<&str>, body: &str) -> Value {
    let mut request = app.client.post(app.url("/payments/payme")).body(body.to_string());
    if let Some(auth) = auth {
        let token = base64::engine::general_purpose::STANDARD.encode(auth);
        request = request.header("authorization", format!("Basic {token}"));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "Payme always gets HTTP 200");
    response.json().await.unwrap()
}

async fn rpc(app: &TestApp, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": method, "params": params}).to_string();
    rpc_with(app, Some(&format!("Paycom:{}", app.payme_key())), &body).await
}

fn code(reply: &Value) -> i64 {
    reply["error"]["code"].as_i64().unwrap_or(0)
}

/// An order for 50 000 soʻm on demo resident A's electricity account.
async fn order(app: &TestApp) -> (i64, i64) {
    let account = known_account(app, 0).await;
    let user = owner_of(app, account).await;
    let order = services::payments::orders::create(
        &app.services,
        user,
        account,
        5_000_000,
        services::payments::orders::Method::Payme,
    )
    .await
    .unwrap();
    (order, account)
}

fn account_of(order: i64) -> Value {
    json!({"order_id": order.to_string()})
}

async fn payments_on(app: &TestApp, account: i64) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT kind, amount_tiyin FROM ledger_entries WHERE account_id = $1 AND reference LIKE 'payme:%' ORDER BY id")
        .bind(account)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protocol_errors_are_answered_in_the_body() {
    let app = spawn_app().await;
    let good = json!({"id": 1, "method": "CheckTransaction", "params": {"id": "x"}}).to_string();
    assert_eq!(code(&rpc_with(&app, None, &good).await), -32504);
    assert_eq!(code(&rpc_with(&app, Some("Paycom:wrong"), &good).await), -32504);
    assert_eq!(
        code(&rpc_with(&app, Some(&format!("Other:{}", app.payme_key())), &good).await),
        -32504
    );
    let reply = rpc_with(&app, Some(&format!("Paycom:{}", app.payme_key())), "{not json").await;
    assert_eq!(code(&reply), -32700);
    assert_eq!(code(&rpc(&app, "Frobnicate", json!({})).await), -32601);
    let no_params = json!({"id": 1, "method": "CheckTransaction"}).to_string();
    assert_eq!(
        code(&rpc_with(&app, Some(&format!("Paycom:{}", app.payme_key())), &no_params).await),
        -32600
    );
    let reply = rpc(&app, "CheckTransaction", json!({"id": "nope"})).await;
    assert_eq!(code(&reply), -31003);
    assert_eq!(reply["error"]["message"]["uz"], "Tranzaksiya topilmadi");
    assert_eq!(reply["id"], 7, "the request id comes back");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_and_orders_are_checked_before_anything_is_stored() {
    let app = spawn_app().await;
    let (order, _) = order(&app).await;
    let check = |amount: Value, account: Value| json!({"amount": amount, "account": account});
    assert_eq!(
        rpc(
            &app,
            "CheckPerformTransaction",
            check(json!(5_000_000), account_of(order))
        )
        .await["result"]["allow"],
        true
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                check(json!(4_999_999), account_of(order))
            )
            .await
        ),
        -31001
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                check(json!(0), account_of(order))
            )
            .await
        ),
        -31001
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                check(json!(-5), account_of(order))
            )
            .await
        ),
        -31001
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                check(json!("5000000"), account_of(order))
            )
            .await
        ),
        -32600
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                check(json!(5_000_000.5), account_of(order))
            )
            .await
        ),
        -32600
    );
    let unknown = rpc(
        &app,
        "CheckPerformTransaction",
        check(json!(5_000_000), account_of(999_999)),
    )
    .await;
    assert_eq!(
        (code(&unknown), unknown["error"]["data"].as_str()),
        (-31050, Some("order_id"))
    );
    let created = rpc(&app, "CreateTransaction", json!({"id": "a1", "time": app.services.clock.now_ms(), "amount": "5000000", "account": account_of(order)})).await;
    assert_eq!(code(&created), -32600);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM provider_transactions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_perform_cancel_with_identical_repeats_and_one_credit() {
    let app = spawn_app().await;
    let (order, account) = order(&app).await;
    let before = services::accounts::balance(&app.db, account).await.unwrap();
    let time = app.services.clock.now_ms();
    let create = json!({"id": "5f1e0a1b2c3d4e5f6a7b8c9d", "time": time, "amount": 5_000_000, "account": account_of(order)});
    let first = rpc(&app, "CreateTransaction", create.clone()).await;
    assert_eq!(first["result"]["state"], 1);
    assert_eq!(
        rpc(&app, "CreateTransaction", create.clone()).await,
        first,
        "a repeat gets the identical answer"
    );

    let other = json!({"id": "5f1e0a1b2c3d4e5f6a7b8c00", "time": time, "amount": 5_000_000, "account": account_of(order)});
    assert_eq!(
        code(&rpc(&app, "CreateTransaction", other).await),
        -31008,
        "one live transaction per order"
    );
    assert_eq!(
        code(
            &rpc(
                &app,
                "CheckPerformTransaction",
                json!({"amount": 5_000_000, "account": account_of(order)})
            )
            .await
        ),
        -31008
    );

    let id = json!({"id": "5f1e0a1b2c3d4e5f6a7b8c9d"});
    let performed = rpc(&app, "PerformTransaction", id.clone()).await;
    assert_eq!(performed["result"]["state"], 2);
    assert_eq!(rpc(&app, "PerformTransaction", id.clone()).await, performed);
    assert_eq!(
        payments_on(&app, account).await,
        vec![("payment".to_string(), 5_000_000)]
    );
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before + Tiyin::new(5_000_000)
    );

    let checked = rpc(&app, "CheckTransaction", id.clone()).await["result"].clone();
    assert_eq!(checked["state"], 2);
    assert_eq!(checked["cancel_time"], 0, "unset times are 0");
    assert_eq!(checked["reason"], Value::Null);
    assert_eq!(checked["perform_time"], performed["result"]["perform_time"]);

    let cancel = json!({"id": "5f1e0a1b2c3d4e5f6a7b8c9d", "reason": 5});
    let cancelled = rpc(&app, "CancelTransaction", cancel.clone()).await;
    assert_eq!(cancelled["result"]["state"], -2);
    assert_eq!(rpc(&app, "CancelTransaction", cancel).await, cancelled);
    assert_eq!(
        payments_on(&app, account).await,
        vec![
            ("payment".to_string(), 5_000_000),
            ("correction".to_string(), -5_000_000)
        ],
        "the credit is reversed by a new row"
    );
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before
    );
    assert_eq!(code(&rpc(&app, "PerformTransaction", id).await), -31008);

    let statement = rpc(&app, "GetStatement", json!({"from": time - 1, "to": time + 1})).await;
    let listed = statement["result"]["transactions"].as_array().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["state"], -2);
    assert_eq!(listed[0]["reason"], 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transaction_not_performed_in_twelve_hours_is_cancelled() {
    let app = spawn_app().await;
    let (order, account) = order(&app).await;
    let time = app.services.clock.now_ms();
    rpc(
        &app,
        "CreateTransaction",
        json!({"id": "t1", "time": time, "amount": 5_000_000, "account": account_of(order)}),
    )
    .await;
    app.services
        .clock
        .advance_ms(services::payments::payme::TIMEOUT_MS + 1);
    assert_eq!(
        code(&rpc(&app, "PerformTransaction", json!({"id": "t1"})).await),
        -31008
    );
    let checked = rpc(&app, "CheckTransaction", json!({"id": "t1"})).await["result"].clone();
    assert_eq!(
        (checked["state"].as_i64(), checked["reason"].as_i64()),
        (Some(-1), Some(4))
    );
    assert!(payments_on(&app, account).await.is_empty());

    // The order is free again: a new transaction may pay it.
    let now = app.services.clock.now_ms();
    let again = rpc(
        &app,
        "CreateTransaction",
        json!({"id": "t2", "time": now, "amount": 5_000_000, "account": account_of(order)}),
    )
    .await;
    assert_eq!(again["result"]["state"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_duplicate_calls_credit_once() {
    let app = std::sync::Arc::new(spawn_app().await);
    let (order, account) = order(&app).await;
    let time = app.services.clock.now_ms();
    let mut calls = Vec::new();
    for i in 0..64 {
        let app = app.clone();
        calls.push(tokio::spawn(async move {
            let create =
                json!({"id": "dup", "time": time, "amount": 5_000_000, "account": account_of(order)});
            let created = rpc(&app, "CreateTransaction", create).await;
            let performed = if i % 2 == 0 {
                rpc(&app, "PerformTransaction", json!({"id": "dup"})).await
            } else {
                Value::Null
            };
            (created, performed)
        }));
    }
    let mut perform_times = std::collections::BTreeSet::new();
    for call in calls {
        let (created, performed) = call.await.unwrap();
        assert!(
            created["result"]["state"] == 1 || code(&created) == -31008,
            "{created}"
        );
        if !performed.is_null() {
            assert_eq!(performed["result"]["state"], 2, "{performed}");
            perform_times.insert(performed["result"]["perform_time"].as_i64().unwrap());
        }
    }
    assert_eq!(
        perform_times.len(),
        1,
        "every Perform answered with the same perform_time"
    );
    assert_eq!(
        payments_on(&app, account).await,
        vec![("payment".to_string(), 5_000_000)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_between_create_and_perform_performs_once_after_restart() {
    let config = test_config().await;
    let url = config.database_url.clone();
    let app = spawn_app_with(config).await;
    let (order, account) = order(&app).await;
    let time = app.services.clock.now_ms();
    rpc(
        &app,
        "CreateTransaction",
        json!({"id": "crash", "time": time, "amount": 5_000_000, "account": account_of(order)}),
    )
    .await;
    app.stop().await;

    let mut config = test_config().await;
    config.database_url = url;
    let restarted = spawn_app_with(config).await;
    let first = rpc(&restarted, "PerformTransaction", json!({"id": "crash"})).await;
    assert_eq!(first["result"]["state"], 2);
    assert_eq!(
        rpc(&restarted, "PerformTransaction", json!({"id": "crash"})).await,
        first
    );
    assert_eq!(
        payments_on(&restarted, account).await,
        vec![("payment".to_string(), 5_000_000)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_written_down_key_is_ever_accepted() {
    // The key the sandbox used to have, published in the code and the review.
    const OLD_SANDBOX_KEY: &str = "fuqaro-sandbox-payme-key-000000000000";
    let check = json!({"id": 1, "method": "CheckTransaction", "params": {"id": "x"}}).to_string();
    let production = crate::helpers::spawn_production(|_| {}).await;
    for key in [OLD_SANDBOX_KEY, "", "Paycom"] {
        let auth = format!("Paycom:{key}");
        assert_eq!(
            code(&rpc_with(&production, Some(&auth), &check).await),
            -32504,
            "{key:?}"
        );
    }
    // Development's sandbox keys are made at random for each server.
    let one = spawn_app().await;
    let two = spawn_app().await;
    assert_ne!(one.payme_key(), two.payme_key());
    assert_ne!(one.click_keys().1, two.click_keys().1);
    let auth = format!("Paycom:{}", one.payme_key());
    assert_eq!(code(&rpc_with(&two, Some(&auth), &check).await), -32504);
    assert_eq!(code(&rpc_with(&one, Some(&auth), &check).await), -31003);
}
