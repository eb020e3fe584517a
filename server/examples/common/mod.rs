//! What the benchmarks share (each example includes it with `mod common;` and uses some of it).
#![allow(dead_code)]

pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A benchmark's database at `url` with the reference data and the demo bodies, its services,
/// the resident of `phone` who files the generated appeals, and the time it started.
pub async fn seeded(url: &str, phone: &str) -> Result<(services::Db, services::Services, i64, i64), Error> {
    let db = services::Db::open(url, 4).await?;
    services::reference::load(&db).await?;
    let svc = services::Services::new(
        db.clone(),
        std::sync::Arc::new(services::sms::OutboxOnly),
        false,
        "http://localhost",
        "",
    )
    .await?;
    services::demo::bodies::seed(&svc).await?;
    let now = svc.clock.now_ms();
    let resident = services::identity::users::find_or_create(
        &db.pool,
        &shared::Phone::parse(phone).map_err(|_| "phone")?,
        shared::Locale::Uz,
        now,
    )
    .await?;
    Ok((db, svc, resident, now))
}

/// Signs in through the real routes, reading the code from the development outbox.
pub async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    db: &services::Db,
    phone: &str,
) -> Result<String, Error> {
    let asked = http
        .post(format!("{base}/auth/code"))
        .form(&[("phone", phone)])
        .send()
        .await?;
    let phone_cookie = cookie_named(&asked, shared::cookies::SIGN_IN_PHONE)?;
    let body: String =
        sqlx::query_scalar("SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY id DESC LIMIT 1")
            .bind(phone)
            .fetch_one(&db.pool)
            .await?;
    let code: String = body
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .ok_or("no code in the message")?
        .to_string();
    let response = http
        .post(format!("{base}/auth/verify"))
        .header("cookie", phone_cookie)
        .form(&[("code", code.as_str())])
        .send()
        .await?;
    cookie_named(&response, shared::cookies::SESSION)
}

fn cookie_named(response: &reqwest::Response, name: &str) -> Result<String, Error> {
    let value = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .ok_or("no cookie")?;
    Ok(format!("{name}={value}"))
}
