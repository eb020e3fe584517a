use crate::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_a_strict_policy_whose_nonce_is_on_the_scripts() {
    let app = spawn_app().await;
    let response = app.get("/").await;
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();

    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
    assert_eq!(headers["x-frame-options"], "DENY");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "the inline scripts carry the nonce"
    );

    let other = app.get("/").await;
    let other_csp = other.headers()["content-security-policy"].to_str().unwrap();
    assert_ne!(csp, other_csp, "a new nonce for every response");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_responses_get_a_deny_all_policy() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(
        response.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_from_another_site_is_refused() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/lang"))
        .header("origin", "https://evil.example")
        .form(&[("lang", "ru"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.headers().get("set-cookie").is_none());

    let response = app
        .client
        .post(app.url("/lang"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("lang", "ru"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_from_this_site_passes() {
    let app = spawn_app().await;
    let origin = app.address.clone();
    let response = app
        .client
        .post(app.url("/lang"))
        .header("origin", origin)
        .header("sec-fetch-site", "same-origin")
        .form(&[("lang", "ru"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = spawn_app().await;
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(app.url("/regions"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_in_write_that_says_nowhere_where_it_came_from_is_refused() {
    let app = spawn_app().await;
    let cookie = app.sign_in(services::demo::RESIDENTS[0].phone).await;
    // A bare client: no Origin, no Sec-Fetch-Site (a stripped or very old browser).
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let post = |referer: Option<String>| {
        let mut request = bare
            .post(app.url("/auth/sign-out"))
            .header("cookie", cookie.clone());
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request.send()
    };
    assert_eq!(
        post(None).await.unwrap().status(),
        403,
        "no word of where it came from"
    );
    let evil = post(Some("https://evil.example/page".into())).await.unwrap();
    assert_eq!(evil.status(), 403);
    let ours = post(Some(app.url("/profile"))).await.unwrap();
    assert_eq!(ours.status(), 303, "a Referer of ours is enough");
    // Without a session cookie (a provider's server calling back) nothing is asked.
    let callback = bare
        .post(app.url("/payments/payme"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(callback.status(), 200);
}
