//! A resident pays through the built-in sandbox, which plays Payme or Click against our own
//! endpoints over HTTP; the receipt and its public check follow.

use crate::helpers::{known_account, location, spawn_app, spawn_app_with, test_config};
use services::demo::RESIDENTS;
use shared::Tiyin;
use shared::payment::{Mismatch, Receipt, ReceiptCheck};

async fn account_a(app: &crate::helpers::TestApp) -> i64 {
    known_account(app, 0).await
}

/// Orders a payment from the account page's form; the answer (a redirect to the order or
/// back with the error).
async fn order_form(
    app: &crate::helpers::TestApp,
    cookie: &str,
    account: i64,
    amount: &str,
    method: &str,
) -> reqwest::Response {
    app.post_form(
        "/payments/orders",
        cookie,
        &[
            ("account_id", &account.to_string()),
            ("amount", amount),
            ("method", method),
        ],
    )
    .await
}

/// The ways to pay a server offers.
async fn payment_methods(app: &crate::helpers::TestApp) -> Vec<String> {
    app.call("/api/payment_methods", "", &[])
        .await
        .json()
        .await
        .unwrap()
}

/// The order a successful form made.
fn order_of(response: &reqwest::Response) -> i64 {
    location(response).trim_start_matches("/pay/").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_pays_through_each_providers_sandbox_and_gets_a_receipt() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    for (method, amount, tiyin) in [("payme", "50 000,50", 5_000_050), ("click", "12345", 1_234_500)] {
        let before = services::accounts::balance(&app.db, account).await.unwrap();
        let response = app
            .post_form(
                "/payments/orders",
                &cookie,
                &[
                    ("account_id", &account.to_string()),
                    ("amount", amount),
                    ("method", method),
                ],
            )
            .await;
        let to = location(&response);
        assert!(to.starts_with("/pay/"), "{to}");
        let order: i64 = to.trim_start_matches("/pay/").parse().unwrap();

        let response = app
            .post_form(&format!("/sandbox/checkout/{order}"), &cookie, &[])
            .await;
        assert_eq!(location(&response), format!("/receipts/{order}"), "{method}");
        assert_eq!(
            services::accounts::balance(&app.db, account).await.unwrap(),
            before + Tiyin::new(tiyin)
        );

        let receipt: Receipt = app
            .call("/api/receipt", &cookie, &[("id", &order.to_string())])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(receipt.amount, Tiyin::new(tiyin));
        assert_eq!(receipt.provider.code(), method);
        assert_eq!(receipt.payer_phone_masked, "+998 90 *** ** 01");
        assert!(receipt.qr_svg.contains("<svg"));
        let code = receipt.verify_url.rsplit('/').next().unwrap().to_string();

        // The same receipt as a PDF to keep; another resident gets "not found".
        let pdf = app.get_as(&format!("/receipts/{order}/pdf"), &cookie).await;
        assert_eq!(pdf.status(), 200);
        assert_eq!(pdf.headers()["content-type"], "application/pdf");
        assert!(
            pdf.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("{}.pdf", receipt.number))
        );
        let bytes = pdf.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7") && bytes.ends_with(b"%%EOF\n"));
        let other = app.sign_in(RESIDENTS[1].phone).await;
        let pdf = app.get_as(&format!("/receipts/{order}/pdf"), &other).await;
        assert_eq!(pdf.status(), 404);

        // Anyone holding the link can check it, without signing in and without personal data.
        let check: ReceiptCheck = app
            .call("/api/check_receipt", "", &[("code", &code)])
            .await
            .json()
            .await
            .unwrap();
        assert!(check.valid);
        assert_eq!(check.amount, Tiyin::new(tiyin));
        let (status, page) = app.get_text(&format!("/receipts/verify/{code}")).await;
        assert_eq!(status, 200);
        assert!(
            !page.contains("+998") && !page.contains(&receipt.account_number),
            "nothing personal"
        );

        // Paying the same order again changes nothing.
        app.post_form(&format!("/sandbox/checkout/{order}"), &cookie, &[])
            .await;
        assert_eq!(
            services::accounts::balance(&app.db, account).await.unwrap(),
            before + Tiyin::new(tiyin)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_amounts_and_other_peoples_orders_change_nothing() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    for (amount, error) in [
        ("", "amount_empty"),
        ("12a", "amount_malformed"),
        ("0", "amount_not_positive"),
        ("1.234", "amount_malformed"),
    ] {
        let response = app
            .post_form(
                "/payments/orders",
                &cookie,
                &[
                    ("account_id", &account.to_string()),
                    ("amount", amount),
                    ("method", "payme"),
                ],
            )
            .await;
        assert!(
            location(&response).contains(&format!("pay_error={error}")),
            "{amount}: {}",
            location(&response)
        );
    }
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_orders")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0);

    let response = app
        .post_form(
            "/payments/orders",
            &cookie,
            &[
                ("account_id", &account.to_string()),
                ("amount", "100"),
                ("method", "payme"),
            ],
        )
        .await;
    let order = location(&response).trim_start_matches("/pay/").to_string();
    let stranger = app.sign_in("+998 99 123 45 67").await;
    let response = app
        .post_form(&format!("/sandbox/checkout/{order}"), &stranger, &[])
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .post_form(
            "/payments/orders",
            &stranger,
            &[
                ("account_id", &account.to_string()),
                ("amount", "100"),
                ("method", "payme"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404, "an order on someone else's account");
    let (status, _) = app.get_text_as(&format!("/receipts/{order}"), &stranger).await;
    assert_eq!(status, 404);
    let check = app
        .call(
            "/api/check_receipt",
            "",
            &[("code", &format!("{order}-00000000000000000000"))],
        )
        .await;
    assert_eq!(check.status(), 404, "a forged receipt code");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sandbox_is_off_in_production() {
    let app = crate::helpers::spawn_production(|config| {
        config.payme_key = "a-real-cash-desk-key".into();
        config.payme_merchant_id = "587f72c72cac0d162c722ae2".into();
    })
    .await;
    // Production has no demo data: make a resident with an account by hand.
    let cookie = app.sign_in("+998 90 765 43 21").await;
    let response = app.post_form("/sandbox/checkout/1", &cookie, &[]).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_production_credentials_the_pay_button_leads_to_the_providers_checkout() {
    let mut config = test_config().await;
    config.payme_key = "a-real-cash-desk-key".into();
    config.payme_merchant_id = "587f72c72cac0d162c722ae2".into();
    let app = spawn_app_with(config).await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    let response = app
        .post_form(
            "/payments/orders",
            &cookie,
            &[
                ("account_id", &account.to_string()),
                ("amount", "1000"),
                ("method", "payme"),
            ],
        )
        .await;
    let order = location(&response).trim_start_matches("/pay/").to_string();
    let (status, page) = app.get_text_as(&format!("/pay/{order}"), &cookie).await;
    assert_eq!(status, 200);
    let params = format!(
        "m=587f72c72cac0d162c722ae2;ac.order_id={order};a=100000;l=uz;c=http://127.0.0.1:3000/pay/{order}"
    );
    use base64::Engine as _;
    let link = format!(
        "https://checkout.paycom.uz/{}",
        base64::engine::general_purpose::STANDARD.encode(params)
    );
    assert!(page.contains(&link), "the pay button leads to Payme");
    assert!(!page.contains("/sandbox/checkout/"), "no sandbox");
    let response = app
        .post_form(&format!("/sandbox/checkout/{order}"), &cookie, &[])
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_pays_by_card_with_the_code_from_the_sms() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    let before = services::accounts::balance(&app.db, account).await.unwrap();
    let response = app
        .post_form(
            "/payments/orders",
            &cookie,
            &[
                ("account_id", &account.to_string()),
                ("amount", "70000"),
                ("method", "card"),
            ],
        )
        .await;
    let order: i64 = location(&response).trim_start_matches("/pay/").parse().unwrap();
    let card = |number: &str, expiry: &str| {
        [
            ("number", number.to_string()),
            ("expiry", expiry.to_string()),
            ("phone", "+998 90 111 22 33".to_string()),
        ]
    };
    for (number, expiry, error) in [
        ("8600 0691 9540 6312", "03/99", "card_checksum"),
        ("8600 0691 9540", "03/99", "card_number"),
        ("4111 1111 1111 1111", "03/99", "card_scheme"),
        ("8600 0691 9540 6311", "01/20", "card_expired"),
        ("8600 0691 9540 6311", "13/30", "card_expiry"),
    ] {
        let form = card(number, expiry);
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = app.post_form(&format!("/pay/{order}/card"), &cookie, &form).await;
        assert_eq!(
            location(&response),
            format!("/pay/{order}?error={error}#pay-error"),
            "{number} {expiry}"
        );
    }
    let form = card("8600 0691 9540 6311", "03/99");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form(&format!("/pay/{order}/card"), &cookie, &form).await;
    assert_eq!(location(&response), format!("/pay/{order}?step=code"));
    let code = app.last_code("+998 90 111 22 33").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let response = app
        .post_form(&format!("/pay/{order}/card/code"), &cookie, &[("code", wrong)])
        .await;
    assert_eq!(
        location(&response),
        format!("/pay/{order}?step=code&error=wrong_code&left=2")
    );
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before,
        "nothing charged yet"
    );

    let response = app
        .post_form(&format!("/pay/{order}/card/code"), &cookie, &[("code", &code)])
        .await;
    assert_eq!(location(&response), format!("/receipts/{order}"));
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before + Tiyin::new(7_000_000)
    );
    let receipt: Receipt = app
        .call("/api/receipt", &cookie, &[("id", &order.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(receipt.provider.code(), "card");
    // The same code again charges nothing more.
    let again = app
        .post_form(&format!("/pay/{order}/card/code"), &cookie, &[("code", &code)])
        .await;
    assert_eq!(again.status(), 404);
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before + Tiyin::new(7_000_000)
    );
    let masked: String =
        sqlx::query_scalar("SELECT card_masked FROM card_charges WHERE order_id = $1 ORDER BY id DESC")
            .bind(order)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(masked, "8600 **** **** 6311", "the full number is never stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_code_expires_after_five_minutes() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    let response = app
        .post_form(
            "/payments/orders",
            &cookie,
            &[
                ("account_id", &account.to_string()),
                ("amount", "100"),
                ("method", "card"),
            ],
        )
        .await;
    let order: i64 = location(&response).trim_start_matches("/pay/").parse().unwrap();
    app.post_form(
        &format!("/pay/{order}/card"),
        &cookie,
        &[
            ("number", "9860000000000000"),
            ("expiry", "0399"),
            ("phone", "+998 90 111 22 33"),
        ],
    )
    .await;
    let code = app.last_code("+998 90 111 22 33").await;
    app.services.clock.advance_ms(5 * 60_000 + 1_000);
    let response = app
        .post_form(&format!("/pay/{order}/card/code"), &cookie, &[("code", &code)])
        .await;
    assert_eq!(location(&response), format!("/pay/{order}?error=code_expired"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconciliation_lists_every_difference_from_paymes_statement() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    for amount in ["1000", "2000"] {
        let response = app
            .post_form(
                "/payments/orders",
                &resident,
                &[
                    ("account_id", &account.to_string()),
                    ("amount", amount),
                    ("method", "payme"),
                ],
            )
            .await;
        let order = location(&response).trim_start_matches("/pay/").to_string();
        app.post_form(&format!("/sandbox/checkout/{order}"), &resident, &[])
            .await;
    }
    let now = app.services.clock.now_ms();
    let mut ours = services::payments::payme::statement_entries(&app.services, 0, now + 1)
        .await
        .unwrap();
    assert_eq!(ours.len(), 2);
    // Payme's statement: the first as we have it, the second cancelled, and one we never saw.
    ours[1]["state"] = serde_json::json!(-2);
    ours.push(
        serde_json::json!({"id": "ffffffffffffffffffffffff", "amount": 500, "state": 2, "perform_time": now}),
    );
    let statement = serde_json::json!({"transactions": ours}).to_string();
    let (y, m, d, _, _) = shared::time::tashkent(now);
    let today = format!("{y}-{m:02}-{d:02}");

    let form = [
        ("from", today.as_str()),
        ("to", today.as_str()),
        ("statement", statement.as_str()),
    ];
    let refused = app.post_form("/admin/reconcile", &resident, &form).await;
    assert_eq!(refused.status(), 403);

    let admin = app.sign_in(services::demo::STAFF[4].phone).await;
    let response = app.post_form("/admin/reconcile", &admin, &form).await;
    let run: i64 = location(&response)
        .trim_start_matches("/admin/reconcile/")
        .parse()
        .unwrap();
    let view: serde_json::Value = app
        .call("/api/reconciliation", &admin, &[("id", &run.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (view["ours"].as_i64(), view["theirs"].as_i64()),
        (Some(2), Some(3))
    );
    let found: Vec<Mismatch> = serde_json::from_value(view["mismatches"].clone()).unwrap();
    assert_eq!(found.len(), 2, "{view}");
    assert!(
        found.iter().any(|m| matches!(m, Mismatch::MissingHere { .. }))
            && found.iter().any(|m| matches!(m, Mismatch::Differs { .. })),
        "{view}"
    );

    let bad = app
        .post_form(
            "/admin/reconcile",
            &admin,
            &[("from", "yesterday"), ("to", today.as_str()), ("statement", "[]")],
        )
        .await;
    assert_eq!(location(&bad), "/admin/reconcile?error=dates");
    let bad = app
        .post_form(
            "/admin/reconcile",
            &admin,
            &[
                ("from", today.as_str()),
                ("to", today.as_str()),
                ("statement", "nonsense"),
            ],
        )
        .await;
    assert_eq!(location(&bad), "/admin/reconcile?error=statement");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_offers_only_what_it_can_really_charge() {
    // No processor and no provider credentials: nothing is offered, a card order is refused.
    let bare = crate::helpers::spawn_production(|_| {}).await;
    let methods = payment_methods(&bare).await;
    assert!(methods.is_empty(), "{methods:?}");
    let cookie = bare.sign_in("+998 90 765 43 21").await;
    for method in ["card", "payme", "click"] {
        let response = order_form(&bare, &cookie, 1, "1000", method).await;
        assert!(location(&response).contains("pay_error=method"), "{method}");
    }
    let orders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_orders")
        .fetch_one(&bare.db.pool)
        .await
        .unwrap();
    assert_eq!(orders, 0);
    // With Payme's credentials, Payme alone.
    let payme = crate::helpers::spawn_production(|config| {
        config.payme_key = "a-real-cash-desk-key".into();
        config.payme_merchant_id = "587f72c72cac0d162c722ae2".into();
    })
    .await;
    let methods = payment_methods(&payme).await;
    assert_eq!(methods, ["payme"]);
    // Development offers every sandbox.
    let development = spawn_app().await;
    let methods = payment_methods(&development).await;
    assert_eq!(methods, ["payme", "click", "card"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn card_codes_to_typed_phones_are_limited_per_resident_and_per_phone() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let account = account_a(&app).await;
    let outbox = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sms_outbox WHERE purpose = 'card'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let mut refused = 0;
    for i in 0..30 {
        let response = order_form(&app, &cookie, account, "1000", "card").await;
        let order = location(&response).trim_start_matches("/pay/").to_string();
        let phone = format!("+998 90 {:03} {:02} {:02}", 100 + i, i, i);
        let response = app
            .post_form(
                &format!("/pay/{order}/card"),
                &cookie,
                &[
                    ("number", "8600 0691 9540 6311"),
                    ("expiry", "03/99"),
                    ("phone", &phone),
                ],
            )
            .await;
        if location(&response).contains("error=rate_limited") {
            refused += 1;
        }
    }
    assert_eq!(outbox().await, services::payments::card::STARTS_PER_USER_PER_DAY);
    assert_eq!(refused, 30 - services::payments::card::STARTS_PER_USER_PER_DAY);
}

/// A utility account linked to `phone`'s resident (production has no demo data).
async fn account_of(app: &crate::helpers::TestApp, phone: &str) -> i64 {
    let cookie = app.sign_in(phone).await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(shared::Phone::parse(phone).unwrap().e164())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let account: i64 = sqlx::query_scalar(
        "INSERT INTO utility_accounts (service_code, region_soato, district_soato, number, holder_name, address, \
         tariff_code, meter_decimals, created_at, holder_phone) \
         VALUES ('electricity', '1726', '1726266', '77000001', 'Karimova Dilnoza', 'Amir Temur 1', \
         'electricity-household', 1, 0, $1) RETURNING id",
    )
    .bind(shared::Phone::parse(phone).unwrap().e164())
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO account_links (user_id, account_id, linked_at, proof) VALUES ($1, $2, 0, 'phone')",
    )
    .bind(user)
    .bind(account)
    .execute(&app.db.pool)
    .await
    .unwrap();
    drop(cookie);
    account
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_production_a_card_is_charged_through_paymes_subscribe_api() {
    const MERCHANT: &str = "5e730e8e0b852a417aa49ceb";
    const KEY: &str = "a-real-cash-desk-key";
    let (url, payme) = crate::fakes::payme_subscribe(MERCHANT, KEY).await;
    let app = crate::helpers::spawn_production(|config| {
        config.payme_key = KEY.into();
        config.payme_merchant_id = MERCHANT.into();
        config.card_processor = server::config::CardProcessorKind::Payme;
        config.payme_subscribe_url = url;
    })
    .await;
    payme.lock().unwrap().merchant_api = app.address.clone();
    let methods = payment_methods(&app).await;
    assert_eq!(methods, ["payme", "card"]);

    let phone = "+998 90 765 43 21";
    let account = account_of(&app, phone).await;
    let cookie = app.sign_in(phone).await;
    let order_for = |amount: &'static str| {
        let (app, cookie) = (&app, cookie.clone());
        async move { order_of(&order_form(app, &cookie, account, amount, "card").await) }
    };
    let order = order_for("70000").await;
    let (_, page) = app.get_text_as(&format!("/pay/{order}"), &cookie).await;
    assert!(
        page.contains("Powered by Payme") && !page.contains("card-phone"),
        "no phone to type"
    );

    // The card and its expiry go to Payme; no phone is asked (Payme's code goes to the card's).
    let card = [("number", "8600 0691 9540 6311"), ("expiry", "03/99")];
    let response = app.post_form(&format!("/pay/{order}/card"), &cookie, &card).await;
    assert_eq!(location(&response), format!("/pay/{order}?step=code"));
    assert_eq!(
        payme.lock().unwrap().cards_seen,
        [("8600069195406311".to_string(), "0399".to_string())]
    );
    let masked: String = sqlx::query_scalar("SELECT card_masked FROM card_charges WHERE order_id = $1")
        .bind(order)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(
        !masked.contains("06919540"),
        "only the masked number is kept: {masked}"
    );

    let code = |code: &'static str| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            location(
                &app.post_form(&format!("/pay/{order}/card/code"), &cookie, &[("code", code)])
                    .await,
            )
        }
    };
    assert_eq!(
        code("123456").await,
        format!("/pay/{order}?step=code&error=wrong_code&left=2")
    );
    assert_eq!(code(crate::fakes::PAYME_CODE).await, format!("/receipts/{order}"));

    // Paid once, through Payme's own callbacks: the receipt's state 4 and one ledger credit.
    let credits: Vec<(i64, String)> = sqlx::query_as(
        "SELECT amount_tiyin, reference FROM ledger_entries WHERE account_id = $1 AND kind = 'payment'",
    )
    .bind(account)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(credits.len(), 1);
    assert_eq!(credits[0].0, 7_000_000);
    assert!(credits[0].1.starts_with("payme:"), "{}", credits[0].1);
    let calls: Vec<String> = payme
        .lock()
        .unwrap()
        .calls
        .iter()
        .map(|(m, _)| m.clone())
        .collect();
    assert_eq!(
        calls,
        [
            "cards.create",
            "cards.get_verify_code",
            "cards.verify",
            "cards.verify",
            "receipts.create",
            "receipts.pay"
        ]
    );
    assert!(
        payme
            .lock()
            .unwrap()
            .calls
            .iter()
            .all(|(m, key)| *key == m.starts_with("receipts."))
    );
    let receipt: Receipt = app
        .call("/api/receipt", &cookie, &[("id", &order.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(receipt.amount, Tiyin::new(7_000_000));

    // The payer is told by SMS, through the gateway.
    let gateway = app.gateway.clone().unwrap();
    let mut told = false;
    for _ in 0..250 {
        told = gateway.lock().unwrap().sent.iter().any(|(to, text, _)| {
            to == "998907654321" && text.contains("70\u{a0}000,00 soʻm toʻlov qabul qilindi")
        });
        if told {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        told,
        "the payment SMS reached the gateway: {:?}",
        gateway.lock().unwrap().sent
    );

    // A blocked card is refused with its message; nothing is charged.
    let order = order_for("1000").await;
    let blocked = [("number", "4444 4459 8745 9073"), ("expiry", "03/99")];
    let response = app
        .post_form(&format!("/pay/{order}/card"), &cookie, &blocked)
        .await;
    assert!(
        location(&response).contains("error=card_scheme"),
        "not Uzcard or Humo"
    );
    let blocked = [("number", "8600 0000 0000 9073"), ("expiry", "03/99")];
    let response = app
        .post_form(&format!("/pay/{order}/card"), &cookie, &blocked)
        .await;
    assert_eq!(location(&response), format!("/pay/{order}?error=refused"));
    let paid: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM payment_orders WHERE status = 'paid'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(paid, 1);

    // Payme pays through the callbacks, then its answer is lost on the way back: the order
    // says the money came, and the resident gets her receipt, not an error.
    payme.lock().unwrap().lose_pay_answer = true;
    let order = order_for("3000").await;
    let card = [("number", "8600 0691 9540 6311"), ("expiry", "03/99")];
    app.post_form(&format!("/pay/{order}/card"), &cookie, &card).await;
    let response = app
        .post_form(
            &format!("/pay/{order}/card/code"),
            &cookie,
            &[("code", crate::fakes::PAYME_CODE)],
        )
        .await;
    assert_eq!(location(&response), format!("/receipts/{order}"));
}
