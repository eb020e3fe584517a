//! Click SHOP API, played the way Click's own test sequence plays it.

use crate::helpers::{TestApp, known_account, owner_of, spawn_app};
use serde_json::Value;
use std::collections::HashMap;

struct Call<'a> {
    click_trans_id: &'a str,
    order: String,
    amount: &'a str,
    action: &'a str,
    error: &'a str,
    prepare_id: Option<String>,
    secret: &'a str,
}

async fn send(app: &TestApp, call: &Call<'_>) -> Value {
    let path = if call.action == "1" {
        "/payments/click/complete"
    } else {
        "/payments/click/prepare"
    };
    send_to(app, path, call).await
}

async fn send_to(app: &TestApp, path: &str, call: &Call<'_>) -> Value {
    let mut fields: HashMap<String, String> = [
        ("click_trans_id", call.click_trans_id),
        ("service_id", app.click_keys().0.as_str()),
        ("click_paydoc_id", "555"),
        ("merchant_trans_id", call.order.as_str()),
        ("amount", call.amount),
        ("action", call.action),
        ("error", call.error),
        ("error_note", "Success"),
        ("sign_time", "2026-11-22 10:00:00"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Some(id) = &call.prepare_id {
        fields.insert("merchant_prepare_id".into(), id.clone());
    }
    let sign = services::payments::click::sign(&fields, call.secret, call.action);
    fields.insert("sign_string".into(), sign);
    let response = app.client.post(app.url(path)).form(&fields).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn click_order(app: &TestApp, amount_tiyin: i64) -> (i64, i64) {
    let account = known_account(app, 0).await;
    let user = owner_of(app, account).await;
    let order = services::payments::orders::create(
        &app.services,
        user,
        account,
        amount_tiyin,
        services::payments::orders::Method::Click,
    )
    .await
    .unwrap();
    (order, account)
}

async fn credits(app: &TestApp, account: i64) -> Vec<(String, i64)> {
    sqlx::query_as("SELECT kind, amount_tiyin FROM ledger_entries WHERE account_id = $1 AND reference LIKE 'click:%' ORDER BY id")
        .bind(account)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

fn error(reply: &Value) -> i64 {
    reply["error"].as_i64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicks_test_sequence_passes() {
    let app = spawn_app().await;
    let (first, account) = click_order(&app, 1_000_000).await;
    let (second, _) = click_order(&app, 1_000_000).await;
    let secret = app.click_keys().1;
    let call = |id: &'static str, order: i64, action: &'static str, error: &'static str| Call {
        click_trans_id: id,
        order: order.to_string(),
        amount: "10000.00",
        action,
        error,
        prepare_id: None,
        secret: &secret,
    };

    // 1. Prepare with a bad signature.
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    secret: "wrong",
                    ..call("101", first, "0", "0")
                }
            )
            .await
        ),
        -1
    );
    // 2. Prepare.
    let prepared = send(&app, &call("101", first, "0", "0")).await;
    assert_eq!(error(&prepared), 0);
    let prepare_id = prepared["merchant_prepare_id"].to_string();
    assert_eq!(
        send(&app, &call("101", first, "0", "0")).await["merchant_prepare_id"].to_string(),
        prepare_id,
        "a repeat Prepare gets the same reservation"
    );
    let complete = |error: &'static str| Call {
        prepare_id: Some(prepare_id.clone()),
        ..call("101", first, "1", error)
    };
    // 3. Complete with a bad signature.
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    secret: "wrong",
                    ..complete("0")
                }
            )
            .await
        ),
        -1
    );
    // 4. Complete with a wrong amount.
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    amount: "9999.99",
                    ..complete("0")
                }
            )
            .await
        ),
        -2
    );
    assert!(
        credits(&app, account).await.is_empty(),
        "nothing credited by refused calls"
    );
    // 5. Complete.
    let completed = send(&app, &complete("0")).await;
    assert_eq!(error(&completed), 0);
    assert_eq!(completed["merchant_confirm_id"].to_string(), prepare_id);
    // 6. Complete again: already paid, never a second credit.
    assert_eq!(error(&send(&app, &complete("0")).await), -4);
    // 7. Click cancels a confirmed payment: -4 (our decision).
    assert_eq!(error(&send(&app, &complete("-1")).await), -4);
    assert_eq!(
        credits(&app, account).await,
        vec![("payment".to_string(), 1_000_000)]
    );
    // 8. Prepare for an order that does not exist.
    assert_eq!(error(&send(&app, &call("102", 999_999, "0", "0")).await), -5);
    // 9. A new Prepare on the second order.
    let prepared = send(&app, &call("103", second, "0", "0")).await;
    assert_eq!(error(&prepared), 0);
    let second_prepare = prepared["merchant_prepare_id"].to_string();
    // 10. Complete with a prepare id we never gave.
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    prepare_id: Some("999999999".into()),
                    ..call("103", second, "1", "0")
                }
            )
            .await
        ),
        -6
    );
    // 11. Complete it.
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    prepare_id: Some(second_prepare),
                    ..call("103", second, "1", "0")
                }
            )
            .await
        ),
        0
    );
    // 12. A new Prepare on a third order, then 13. Click cancels it, 14. again, 15. confirm after cancel.
    let (third, _) = click_order(&app, 1_000_000).await;
    let prepared = send(&app, &call("104", third, "0", "0")).await;
    let third_prepare = prepared["merchant_prepare_id"].to_string();
    let cancel = Call {
        prepare_id: Some(third_prepare.clone()),
        ..call("104", third, "1", "-5017")
    };
    assert_eq!(error(&send(&app, &cancel).await), -9);
    assert_eq!(error(&send(&app, &cancel).await), -9);
    assert_eq!(
        error(
            &send(
                &app,
                &Call {
                    prepare_id: Some(third_prepare),
                    ..call("104", third, "1", "0")
                }
            )
            .await
        ),
        -9
    );
    assert_eq!(
        credits(&app, account).await.len(),
        2,
        "two payments credited, the cancelled one not"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amounts_formatted_otherwise_and_missing_fields_get_their_errors() {
    let app = spawn_app().await;
    let (order, account) = click_order(&app, 1_000_050).await;
    let secret = app.click_keys().1;
    let base = |amount: &'static str| Call {
        click_trans_id: "201",
        order: order.to_string(),
        amount,
        action: "0",
        error: "0",
        prepare_id: None,
        secret: &secret,
    };
    // The signature is over the raw strings, so each of these is correctly signed.
    for amount in ["10000,50", "1.000050e4", "10000.5000", "-10000.50"] {
        assert_eq!(error(&send(&app, &base(amount)).await), -2, "{amount}");
    }
    assert_eq!(
        error(&send(&app, &base("10000.5")).await),
        0,
        "the same amount written with one decimal"
    );
    let reply = app
        .client
        .post(app.url("/payments/click/prepare"))
        .form(&[("click_trans_id", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(reply.json::<Value>().await.unwrap()["error"], -8);
    // A Complete sent to the Prepare URL.
    let wrong_action = Call {
        action: "1",
        prepare_id: Some("1".into()),
        ..base("10000.50")
    };
    assert_eq!(
        error(&send_to(&app, "/payments/click/prepare", &wrong_action).await),
        -3
    );
    assert!(credits(&app, account).await.is_empty());
}
