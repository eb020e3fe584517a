use crate::helpers::spawn_app;

fn html_lang(body: &str) -> &str {
    let start = body.find("<html lang=\"").expect("an <html lang>") + 12;
    let end = start + body[start..].find('"').unwrap();
    &body[start..end]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_renders_in_uzbek_latin_by_default() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert_eq!(html_lang(&body), "uz");
    assert!(body.contains("Xush kelibsiz"), "{body}");
    // The service list comes from the database, rendered before any script runs.
    assert!(body.contains("Elektr energiyasi") && body.contains("Chiqindilarni olib ketish"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_language_picks_russian_or_uzbek_cyrillic() {
    let app = spawn_app().await;
    for (accept, lang, text) in [
        ("ru-RU,ru;q=0.9,en;q=0.8", "ru", "Добро пожаловать"),
        ("uz-Cyrl-UZ,uz;q=0.8", "uz-Cyrl", "Хуш келибсиз"),
        ("uz-UZ", "uz", "Xush kelibsiz"),
        ("en-US,de;q=0.5", "uz", "Xush kelibsiz"),
    ] {
        let body = app
            .client
            .get(app.url("/"))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(html_lang(&body), lang, "for {accept}");
        assert!(body.contains(text), "for {accept}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_saved_choice_beats_the_browser_language() {
    let app = spawn_app().await;
    let body = app
        .client
        .get(app.url("/regions"))
        .header("accept-language", "ru")
        .header("cookie", "lang=uz-Cyrl")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html_lang(&body), "uz-Cyrl");
    assert!(
        body.contains("Андижон вилояти"),
        "region names follow the language"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_language_sets_a_cookie_and_returns_to_the_page() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/lang"))
        .form(&[("lang", "ru"), ("back", "/regions/1703")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/regions/1703");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=ru;"), "{cookie}");
    assert!(
        cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http on localhost: {cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_language_never_redirects_off_site() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/lang"))
        .form(&[("lang", "uz"), ("back", "//evil.example/phish")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["location"], "/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_language_is_refused_in_the_visitors_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/lang"))
        .header("accept-language", "ru")
        .form(&[("lang", "klingon"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.headers().get("set-cookie").is_none());
    assert!(response.text().await.unwrap().contains("В запросе ошибка"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_is_a_404_page_in_the_visitors_language() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/no/such/page"))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    assert_eq!(html_lang(&body), "ru");
    assert!(body.contains("Страница не найдена"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_about_page_shows_the_data_attribution_and_counts() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/about").await;
    assert_eq!(status, 200);
    assert!(body.contains("CC BY 4.0") && body.contains("Uzinfocom"), "{body}");
    assert!(body.contains("uzsoato-registry (MIT)"));
    assert!(
        body.contains("14 ta hudud, 208 ta tuman va shahar, 9452 ta mahalla, 6 ta xizmat turi"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_manifest_and_icons_are_linked_from_every_page() {
    let app = spawn_app().await;
    let (_, body) = app.get_text("/").await;
    assert!(body.contains(r#"<link rel="manifest" href="/manifest.webmanifest""#));
    assert!(body.contains(r#"name="viewport""#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_load_the_app_script_for_hydration() {
    let app = spawn_app().await;
    let (_, body) = app.get_text("/").await;
    assert!(body.contains("/pkg/fuqaro.js"), "{body}");
    assert!(body.contains("/pkg/fuqaro.css"));
}
