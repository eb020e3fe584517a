use crate::helpers::{location, set_cookie, set_cookie_header, spawn_app, spawn_app_with, test_config};

const PHONE: &str = "+998 93 555 12 34";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_signs_in_with_the_code_from_the_sms() {
    let app = spawn_app().await;
    let (response, signin) = app.request_code("93 555-12-34").await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/sign-in/code");

    let code = app.last_code(PHONE).await;
    let response = app.post_form("/auth/verify", &signin, &[("code", &code)]).await;
    assert_eq!(location(&response), "/accounts");
    let cookie = set_cookie_header(&response, shared::cookies::SESSION).unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http on localhost");

    let token = set_cookie(&response, shared::cookies::SESSION).unwrap();
    let me: serde_json::Value = app
        .call("/api/current_user", &format!("fuqaro_session={token}"), &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["phone"], "+998 93 555 12 34");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_are_secure_when_the_site_is_https() {
    let app = crate::helpers::spawn_production(|config| {
        config.public_url = "https://fuqaro.example".into();
    })
    .await;
    let (response, _) = app.request_code(PHONE).await;
    let cookie = set_cookie_header(&response, shared::cookies::SIGN_IN_PHONE).unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_code_is_sent_in_the_residents_language_and_stored_only_as_a_hash() {
    let app = spawn_app().await;
    app.client
        .post(app.url("/auth/code"))
        .header("accept-language", "ru")
        .form(&[("phone", PHONE)])
        .send()
        .await
        .unwrap();
    let phone = shared::Phone::parse(PHONE).unwrap();
    let message = services::sms::recent(&app.db, Some(&phone), 1)
        .await
        .unwrap()
        .remove(0);
    assert!(message.body.contains("код для входа"), "{}", message.body);
    assert_eq!(message.locale, "ru");

    let code = app.last_code(PHONE).await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM login_codes")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].len(), 64);
    assert!(!stored[0].contains(&code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_numbers_get_their_reason_and_send_nothing() {
    let app = spawn_app().await;
    for (typed, error) in [
        ("", "phone_empty"),
        ("+998 90 12a 45 67", "phone_chars"),
        ("+998 90 123 45", "phone_length"),
        ("+998 71 123 45 67", "phone_not_mobile"),
    ] {
        let (response, cookie) = app.request_code(typed).await;
        assert_eq!(
            location(&response),
            format!("/sign-in?error={error}#signin-error"),
            "{typed}"
        );
        // What was typed comes back from the server, not through the address.
        let kept = crate::helpers::kept(&app, &response, "", "sign_in").await;
        assert_eq!(kept.get("phone").map(String::as_str), Some(typed));
        assert!(cookie.is_empty());
    }
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_outbox")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        sent, 0,
        "nothing was sent (demo staff welcome messages are removed after seeding)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_expires_after_five_minutes() {
    let app = spawn_app().await;
    let (_, signin) = app.request_code(PHONE).await;
    let code = app.last_code(PHONE).await;
    app.services.clock.advance_ms(5 * 60_000 + 1_000);
    let response = app.post_form("/auth/verify", &signin, &[("code", &code)]).await;
    assert_eq!(location(&response), "/sign-in/code?error=expired");
    assert!(set_cookie(&response, shared::cookies::SESSION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_lock_the_code() {
    let app = spawn_app().await;
    let (_, signin) = app.request_code(PHONE).await;
    let code = app.last_code(PHONE).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (1..=4).rev() {
        let response = app.post_form("/auth/verify", &signin, &[("code", wrong)]).await;
        assert_eq!(
            location(&response),
            format!("/sign-in/code?error=wrong_code&left={left}")
        );
    }
    let response = app.post_form("/auth/verify", &signin, &[("code", wrong)]).await;
    assert_eq!(location(&response), "/sign-in/code?error=too_many_tries");
    let response = app.post_form("/auth/verify", &signin, &[("code", &code)]).await;
    assert_eq!(
        location(&response),
        "/sign-in/code?error=too_many_tries",
        "even the right code is refused now"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_with_letters_is_refused_without_using_a_try() {
    let app = spawn_app().await;
    let (_, signin) = app.request_code(PHONE).await;
    let response = app
        .post_form("/auth/verify", &signin, &[("code", "12a456")])
        .await;
    assert_eq!(location(&response), "/sign-in/code?error=code_malformed");
    let attempts: i16 = sqlx::query_scalar("SELECT attempts FROM login_codes")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(attempts, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_used_code_cannot_be_replayed() {
    let app = spawn_app().await;
    let (_, signin) = app.request_code(PHONE).await;
    let code = app.last_code(PHONE).await;
    let first = app.post_form("/auth/verify", &signin, &[("code", &code)]).await;
    assert_eq!(location(&first), "/accounts");
    let again = app.post_form("/auth/verify", &signin, &[("code", &code)]).await;
    assert_eq!(location(&again), "/sign-in/code?error=no_code");
    assert!(set_cookie(&again, shared::cookies::SESSION).is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_code_waits_sixty_seconds_and_replaces_the_old_one() {
    let app = spawn_app().await;
    let (_, signin) = app.request_code(PHONE).await;
    let old = app.last_code(PHONE).await;
    let response = app.post_form("/auth/resend", &signin, &[]).await;
    assert!(
        location(&response).starts_with("/sign-in/code?error=resend_too_soon&wait="),
        "{}",
        location(&response)
    );

    app.services.clock.advance_ms(61_000);
    let response = app.post_form("/auth/resend", &signin, &[]).await;
    assert_eq!(location(&response), "/sign-in/code?sent=1");
    let new = app.last_code(PHONE).await;
    if new != old {
        let response = app.post_form("/auth/verify", &signin, &[("code", &old)]).await;
        assert!(
            location(&response).contains("error=wrong_code"),
            "the old code no longer works"
        );
    }
    let response = app.post_form("/auth/verify", &signin, &[("code", &new)]).await;
    assert_eq!(location(&response), "/accounts");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_rate_limited_per_phone_and_per_client() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (response, _) = app.request_code(PHONE).await;
        assert_eq!(location(&response), "/sign-in/code");
        app.services.clock.advance_ms(61_000);
    }
    let (response, _) = app.request_code(PHONE).await;
    assert_eq!(
        location(&response),
        "/sign-in?error=rate_limited",
        "a sixth code within the hour"
    );

    // The same client asking for many numbers is stopped too (20 an hour).
    let mut refused = false;
    for i in 0..20 {
        let (response, _) = app.request_code(&format!("+998 94 000 00 {i:02}")).await;
        refused |= location(&response) == "/sign-in?error=rate_limited";
    }
    assert!(refused);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_is_the_same_for_known_and_unknown_numbers() {
    let app = spawn_app().await;
    let (known, _) = app.request_code(services::demo::RESIDENTS[0].phone).await;
    let (unknown, _) = app.request_code("+998 97 111 22 33").await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), location(&unknown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_rotates_the_session_id() {
    let app = spawn_app().await;
    let first = app.sign_in(PHONE).await;
    app.services.clock.advance_ms(61_000);
    let (_, signin) = app.request_code(PHONE).await;
    let code = app.last_code(PHONE).await;
    let response = app
        .post_form("/auth/verify", &format!("{first}; {signin}"), &[("code", &code)])
        .await;
    let second = set_cookie(&response, shared::cookies::SESSION).unwrap();
    assert_ne!(first, format!("fuqaro_session={second}"));
    let me: serde_json::Value = app
        .call("/api/current_user", &first, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(me.is_null(), "the old session id is dead: {me}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_ends_this_session_and_sign_out_everywhere_ends_all() {
    let app = spawn_app().await;
    let phone_session = app.sign_in(PHONE).await;
    app.services.clock.advance_ms(61_000);
    let laptop_session = app.sign_in(PHONE).await;

    let response = app
        .post_form("/auth/sign-out-everywhere", &laptop_session, &[])
        .await;
    assert_eq!(location(&response), "/");
    for session in [&phone_session, &laptop_session] {
        let me: serde_json::Value = app
            .call("/api/current_user", session, &[])
            .await
            .json()
            .await
            .unwrap();
        assert!(me.is_null());
    }

    app.services.clock.advance_ms(61_000);
    let session = app.sign_in(PHONE).await;
    let response = app.post_form("/auth/sign-out", &session, &[]).await;
    assert_eq!(
        set_cookie(&response, shared::cookies::SESSION).as_deref(),
        Some("")
    );
    let me: serde_json::Value = app
        .call("/api/current_user", &session, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(me.is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_everywhere_without_a_session_asks_to_sign_in() {
    let app = spawn_app().await;
    let response = app.post_form("/auth/sign-out-everywhere", "", &[]).await;
    assert_eq!(location(&response), "/sign-in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_page_exists_only_in_development() {
    let app = spawn_app().await;
    app.request_code(PHONE).await;
    let (status, body) = app.get_text("/dev/sms").await;
    assert_eq!(status, 200);
    assert!(body.contains("+998935551234") && body.contains("Fuqaro: kirish kodi"));

    let production = crate::helpers::spawn_production(|_| {}).await;
    assert_eq!(production.get("/dev/sms").await.status(), 404);
    assert_eq!(production.get("/dev/sms.json").await.status(), 404);
    assert_eq!(
        production
            .post_form("/dev/clock", "", &[("advance_seconds", "600")])
            .await
            .status(),
        404
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_over_its_budget_spends_nothing_of_a_phones() {
    let app = spawn_app().await;
    // One client (127.0.0.1) spends its 20 codes an hour on 20 numbers…
    for i in 0..services::identity::auth::CODES_PER_CLIENT_PER_HOUR {
        let phone = format!("+99890{:07}", 3_000_000 + i);
        app.post_form("/auth/code", "", &[("phone", &phone)]).await;
    }
    // …then asks five times for the administrator's number: refused, and nothing recorded.
    for _ in 0..5 {
        let response = app
            .post_form("/auth/code", "", &[("phone", "+998 90 000 01 05")])
            .await;
        assert!(location(&response).contains("error=rate_limited"));
    }
    let spent: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE key = 'code:phone:+998900000105'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(spent, 0, "a refused request must not spend the victim's budget");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_forwarded_for_does_not_make_a_new_client() {
    let mut config = test_config().await;
    config.trust_forwarded_for = true;
    let app = spawn_app_with(config).await;
    let mut sent = 0;
    for i in 0..40 {
        let response = app
            .client
            .post(app.url("/auth/code"))
            // The proxy appends the address it saw; the client wrote the first one.
            .header("x-forwarded-for", format!("203.0.113.{i}, 198.51.100.7"))
            .form(&[("phone", format!("+99890{:07}", 4_000_000 + i).as_str())])
            .send()
            .await
            .unwrap();
        if location(&response).starts_with("/sign-in/code") {
            sent += 1;
        }
    }
    assert_eq!(sent, services::identity::auth::CODES_PER_CLIENT_PER_HOUR);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_sessions_end_after_half_an_hour_unused_and_residents_after_a_week() {
    let app = spawn_app().await;
    let officer = app.sign_in(services::demo::STAFF[1].phone).await;
    let resident = app.sign_in(services::demo::RESIDENTS[0].phone).await;
    let live = |cookie: String| {
        let app = &app;
        async move {
            app.call("/api/current_user", &cookie, &[])
                .await
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    app.services.clock.advance_ms(20 * 60_000);
    assert!(
        !live(officer.clone()).await.is_null(),
        "used within 30 minutes: still in"
    );
    app.services.clock.advance_ms(31 * 60_000);
    assert!(live(officer).await.is_null(), "31 minutes unused: out");
    assert!(!live(resident.clone()).await.is_null());
    app.services.clock.advance_ms(8 * 86_400_000);
    assert!(live(resident).await.is_null(), "8 days unused: out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrators_action_asks_for_a_fresh_sign_in() {
    let app = spawn_app().await;
    let admin = app.sign_in(services::demo::STAFF[4].phone).await;
    let day = [("day", "2026-12-31"), ("kind", "holiday"), ("name", "Yangi yil")];
    let fresh = app.post_form("/admin/calendar", &admin, &day).await;
    assert!(!location(&fresh).starts_with("/sign-in"), "{}", location(&fresh));
    // Still signed in (used every few minutes), but the sign-in was 20 minutes ago.
    for _ in 0..4 {
        app.services.clock.advance_ms(5 * 60_000);
        app.call("/api/current_user", &admin, &[]).await;
    }
    let stale = app.post_form("/admin/calendar", &admin, &day).await;
    assert_eq!(location(&stale), "/sign-in?error=again");
    let again = app.sign_in(services::demo::STAFF[4].phone).await;
    let response = app.post_form("/admin/calendar", &again, &day).await;
    assert!(!location(&response).starts_with("/sign-in"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_out_clears_what_the_browser_kept_and_personal_pages_are_not_stored() {
    let app = spawn_app().await;
    let cookie = app.sign_in(services::demo::RESIDENTS[0].phone).await;
    let page = app.get_as("/accounts", &cookie).await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let data = app.call("/api/current_user", &cookie, &[]).await;
    assert_eq!(data.headers()["cache-control"], "no-store");
    let response = app.post_form("/auth/sign-out", &cookie, &[]).await;
    assert_eq!(response.headers()["clear-site-data"], "\"storage\"");
}

/// A sign-in returns to the page that asked for it (only a path on this site), and otherwise
/// lands staff on their work and residents on their accounts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_returns_to_the_page_that_asked_and_lands_staff_on_their_work() {
    let app = spawn_app().await;
    let sign_in = |phone: &'static str, next: &'static str| {
        let app = &app;
        async move {
            let response = app
                .post_form("/auth/code", "", &[("phone", phone), ("next", next)])
                .await;
            let cookies: Vec<String> = [shared::cookies::SIGN_IN_PHONE, shared::cookies::SIGN_IN_NEXT]
                .iter()
                .filter_map(|name| set_cookie(&response, name).map(|v| format!("{name}={v}")))
                .filter(|c| !c.ends_with('='))
                .collect();
            let code = app.last_code(phone).await;
            let verified = app
                .post_form("/auth/verify", &cookies.join("; "), &[("code", &code)])
                .await;
            location(&verified)
        }
    };
    assert_eq!(
        sign_in(PHONE, "/appeals/new?about=3").await,
        "/appeals/new?about=3"
    );
    // Never another site, whatever the form says.
    assert_eq!(sign_in(PHONE, "//evil.example/x").await, "/accounts");
    assert_eq!(sign_in(PHONE, "https://evil.example").await, "/accounts");
    assert_eq!(sign_in(services::demo::STAFF[0].phone, "").await, "/inspector");
    assert_eq!(sign_in(services::demo::STAFF[1].phone, "").await, "/desk");
}
