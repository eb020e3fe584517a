use crate::helpers::{TestApp, account_id, location, spawn_app};
use services::demo::{KNOWN_ACCOUNTS, RESIDENTS};
use shared::Tiyin;
use shared::account::{AccountDetails, AccountSummary, LedgerKind};

const STRANGER: &str = "+998 99 777 66 55";

/// Links with the code printed on the demo account's bill.
async fn link(
    app: &TestApp,
    cookie: &str,
    service: &str,
    region: &str,
    district: &str,
    number: &str,
) -> reqwest::Response {
    let code = services::demo::bill_code(&number.replace(|c: char| !c.is_ascii_digit(), ""));
    link_with_code(app, cookie, service, region, district, number, &code).await
}

async fn link_with_code(
    app: &TestApp,
    cookie: &str,
    service: &str,
    region: &str,
    district: &str,
    number: &str,
    code: &str,
) -> reqwest::Response {
    app.post_form(
        "/accounts/link",
        cookie,
        &[
            ("service", service),
            ("region", region),
            ("district", district),
            ("number", number),
            ("code", code),
        ],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_links_an_account_and_sees_its_balance() {
    let app = spawn_app().await;
    let cookie = app.sign_in(STRANGER).await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[4];
    let response = link(&app, &cookie, service, "1726", district, " 1000-0003 ").await;
    let id = account_id(&app, service, district, number).await;
    assert_eq!(location(&response), format!("/accounts/{id}"));

    let mine: Vec<AccountSummary> = app
        .call("/api/my_accounts", &cookie, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].number, "10000003");
    assert_eq!(
        mine[0].balance,
        services::accounts::balance(&app.db, id).await.unwrap()
    );
    assert!(mine[0].holder_masked.contains("***"));

    // Linking again changes nothing.
    link(&app, &cookie, service, "1726", district, number).await;
    let mine: Vec<AccountSummary> = app
        .call("/api/my_accounts", &cookie, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_page_shows_debt_history_and_the_last_reading() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[0];
    let id = account_id(&app, service, district, number).await;
    let details: AccountDetails = app
        .call(
            "/api/account",
            &cookie,
            &[
                ("id", &id.to_string()),
                ("readings", "1"),
                ("charges", "1"),
                ("payments", "1"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(details.summary.number, number);
    assert!(
        details.summary.balance < Tiyin::ZERO,
        "the demo account owes its latest bill"
    );
    assert_eq!(details.charges.items.len(), 10, "a full first page");
    assert!(details.charges.has_more, "12 months of charges");
    assert!(
        details
            .charges
            .items
            .windows(2)
            .all(|w| w[0].occurred_at >= w[1].occurred_at),
        "newest first"
    );
    assert!(!details.payments.items.is_empty(), "a year of payments");
    assert!(
        details
            .payments
            .items
            .iter()
            .all(|p| p.kind == LedgerKind::Payment)
    );
    assert!(
        details
            .charges
            .items
            .iter()
            .all(|c| matches!(c.kind, LedgerKind::Charge | LedgerKind::Correction))
    );
    let last = details.last_confirmed.expect("a confirmed reading");
    assert_eq!(last.value_milli, details.readings.items[0].value_milli);

    let page2: AccountDetails = app
        .call(
            "/api/account",
            &cookie,
            &[
                ("id", &id.to_string()),
                ("readings", "1"),
                ("charges", "2"),
                ("payments", "1"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page2.charges.items.len(), 2);
    assert!(!page2.charges.has_more);
    assert!(page2.charges.items[0].occurred_at < details.charges.items[9].occurred_at);

    let (status, body) = app.get_text_as(&format!("/accounts/{id}"), &cookie).await;
    assert_eq!(status, 200);
    assert!(
        body.contains("Elektr energiyasi") && body.contains(number),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_accounts_and_numbers_of_the_wrong_shape_get_their_message() {
    let app = spawn_app().await;
    let cookie = app.sign_in(STRANGER).await;
    for (number, district, error) in [
        ("99999999", "1726266", "not_proven"),
        ("123", "1726266", "number_length"),
        ("12345a78", "1726266", "number_digits"),
        ("", "1726266", "number_empty"),
        ("10000003", "1703401", "district_not_in_region"),
    ] {
        let response = link(&app, &cookie, "electricity", "1726", district, number).await;
        assert!(
            location(&response).starts_with(&format!("/accounts/link?error={error}&")),
            "{number}: {}",
            location(&response)
        );
    }
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account_links al JOIN users u ON u.id = al.user_id WHERE u.phone = '+998997776655'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(links, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_residents_account_is_not_found_and_cannot_be_unlinked() {
    let app = spawn_app().await;
    let cookie = app.sign_in(STRANGER).await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[0];
    let theirs = account_id(&app, service, district, number).await;
    let response = app
        .call(
            "/api/account",
            &cookie,
            &[
                ("id", &theirs.to_string()),
                ("readings", "1"),
                ("charges", "1"),
                ("payments", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 404);
    let error: serde_json::Value = response.json().await.unwrap();
    assert_eq!(error, serde_json::json!("NotFound"));

    let (status, _) = app.get_text_as(&format!("/accounts/{theirs}"), &cookie).await;
    assert_eq!(status, 404);
    let response = app
        .post_form(&format!("/accounts/{theirs}/unlink"), &cookie, &[])
        .await;
    assert_eq!(response.status(), 404);
    let owner_links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account_links WHERE account_id = $1")
        .bind(theirs)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(owner_links, 1, "the owner's link is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_posted_without_a_session_changes_nothing() {
    let app = spawn_app().await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[4];
    let response = link(&app, "", service, "1726", district, number).await;
    assert_eq!(location(&response), "/sign-in");
    let response = app
        .post_form("/accounts/1/unlink", "fuqaro_session=forged", &[])
        .await;
    assert_eq!(location(&response), "/sign-in");
    let links: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM account_links")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(links, 4, "only the demo residents' links");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_unlinks_their_own_account() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[1].phone).await;
    let mine: Vec<AccountSummary> = app
        .call("/api/my_accounts", &cookie, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    // Without the tick that confirms it, nothing happens and the page says why.
    let unlink = format!("/accounts/{}/unlink", mine[0].id);
    let response = app.post_form(&unlink, &cookie, &[]).await;
    assert_eq!(
        location(&response),
        format!("/accounts/{}?error=confirm_unlink#unlink", mine[0].id)
    );
    let still: Vec<AccountSummary> = app
        .call("/api/my_accounts", &cookie, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(still.len(), 1);
    let response = app.post_form(&unlink, &cookie, &[("confirm", "yes")]).await;
    assert_eq!(location(&response), "/accounts?done=unlinked");
    let mine: Vec<AccountSummary> = app
        .call("/api/my_accounts", &cookie, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(mine.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_every_ledger_gives_every_balance() {
    let app = spawn_app().await;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM utility_accounts")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 40);
    let mut debts = 0;
    for id in ids {
        let rows = services::accounts::ledger(&app.db, id).await.unwrap();
        assert!(!rows.is_empty());
        let mut running = Tiyin::ZERO;
        for row in &rows {
            match row.kind {
                LedgerKind::Charge => assert!(row.amount < Tiyin::ZERO, "charges are negative"),
                LedgerKind::Payment => assert!(row.amount > Tiyin::ZERO, "payments are positive"),
                LedgerKind::Correction => {}
            }
            running = running.checked_add(row.amount).expect("no overflow");
        }
        assert_eq!(
            running,
            services::accounts::balance(&app.db, id).await.unwrap(),
            "account {id}"
        );
        debts += i32::from(running < Tiyin::ZERO);
    }
    assert!(debts > 0, "some demo accounts are in debt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledger_is_append_only() {
    let app = spawn_app().await;
    let update = sqlx::query("UPDATE ledger_entries SET amount_tiyin = 0")
        .execute(&app.db.pool)
        .await;
    assert!(update.is_err(), "an update is refused by the database");
    let delete = sqlx::query("DELETE FROM ledger_entries")
        .execute(&app.db.pool)
        .await;
    assert!(delete.is_err(), "a delete is refused by the database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_needs_the_accounts_phone_or_its_bill_code_and_says_which() {
    let app = spawn_app().await;
    // Resident B knows the number of resident A's account, but not its bill code.
    let b = app.sign_in(RESIDENTS[1].phone).await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[0];
    for code in ["", "00000000", "1234"] {
        let response = link_with_code(&app, &b, service, "1726", district, number, code).await;
        assert!(location(&response).contains("error=not_proven"), "{code:?}");
        assert!(
            !location(&response).contains(code) || code.is_empty(),
            "the code never comes back"
        );
    }
    // An account that does not exist gets the very same answer: no oracle.
    let response = link_with_code(&app, &b, service, "1726", district, "99999991", "").await;
    assert!(location(&response).contains("error=not_proven"));
    // Resident A links it with no code at all: the utility has her phone for it.
    let a = app.sign_in(RESIDENTS[0].phone).await;
    let theirs = account_id(&app, service, district, number).await;
    sqlx::query("DELETE FROM account_links WHERE account_id = $1")
        .bind(theirs)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let response = link_with_code(&app, &a, service, "1726", district, number, "").await;
    assert_eq!(location(&response), format!("/accounts/{theirs}"));
    // A stranger with the bill in hand links it with the code; each link says how.
    let stranger = app.sign_in(STRANGER).await;
    let response = link(&app, &stranger, service, "1726", district, number).await;
    assert_eq!(location(&response), format!("/accounts/{theirs}"));
    let proofs: Vec<String> =
        sqlx::query_scalar("SELECT proof FROM account_links WHERE account_id = $1 ORDER BY proof")
            .bind(theirs)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(proofs, ["bill_code", "phone"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_bill_codes_is_throttled_per_account() {
    let app = spawn_app().await;
    let b = app.sign_in(RESIDENTS[1].phone).await;
    let (service, district, number, _) = KNOWN_ACCOUNTS[0];
    let mut refused = 0;
    for guess in 0..(services::accounts::LINKS_PER_ACCOUNT_PER_HOUR + 5) {
        let code = format!("{:08}", guess);
        let response = link_with_code(&app, &b, service, "1726", district, number, &code).await;
        if location(&response).contains("error=rate_limited") {
            refused += 1;
        }
    }
    assert_eq!(refused, 5);
    // Even the right code waits out the hour now.
    let response = link(&app, &b, service, "1726", district, number).await;
    assert!(location(&response).contains("error=rate_limited"));
}
