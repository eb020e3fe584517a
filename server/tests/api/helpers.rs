use reqwest::redirect::Policy;
use server::Application;
use server::config::Config;
use services::Db;
use std::sync::LazyLock;
use tokio::sync::{OnceCell, oneshot};

/// A running server and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub services: services::Services,
    pub database_url: String,
    /// The configuration the server runs with (sandbox keys included).
    pub config: std::sync::Arc<Config>,
    /// The SMS gateway a production server sends through (codes are read from it).
    pub gateway: Option<crate::fakes::SharedEskiz>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The key the Payme sandbox of this development server presents (made at start).
    pub fn payme_key(&self) -> String {
        self.config.effective_payme_key().to_string()
    }

    /// Click's service id and secret key for this development server's sandbox.
    pub fn click_keys(&self) -> (String, String) {
        let (service, secret) = self.config.effective_click();
        (service.to_string(), secret.to_string())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    /// A GET with the given cookie header.
    pub async fn get_as(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("request failed")
    }

    /// A multipart form POST: text fields and files (field, file name, bytes).
    pub async fn post_multipart(
        &self,
        path: &str,
        cookie: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        for (field, name, bytes) in files {
            let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string());
            form = form.part(field.to_string(), part);
        }
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .multipart(form)
            .send()
            .await
            .expect("request failed")
    }

    /// A form POST with the given cookie header.
    pub async fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .expect("request failed")
    }

    /// A server function call (JSON answer) with the given cookie header.
    /// Moves the clock on to the next Monday, 10:00 in Tashkent, so that terms counted in
    /// working days do not depend on the day and hour the tests run.
    pub fn to_monday_morning(&self) {
        use shared::calendar::{day_of, start_of, weekday};
        let now = self.services.clock.now_ms();
        let today = day_of(now);
        let monday = today + 7 - weekday(today);
        self.services
            .clock
            .advance_ms(start_of(monday) + 10 * services::clock::HOUR_MS - now);
    }

    pub async fn call(&self, path: &str, cookie: &str, args: &[(&str, &str)]) -> reqwest::Response {
        self.post_form(path, cookie, args).await
    }

    /// The newest code sent to `phone`: from the SMS outbox in development, from what the
    /// gateway received in production.
    pub async fn last_code(&self, phone: &str) -> String {
        if let Some(gateway) = &self.gateway {
            return crate::fakes::delivered_code(gateway, phone).await;
        }
        let phone = shared::Phone::parse(phone).unwrap();
        let messages = services::sms::recent(&self.db, Some(&phone), 1).await.unwrap();
        let body = &messages.first().expect("a message was sent").body;
        body.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .expect("a code in the text")
            .to_string()
    }

    /// Asks for a code; returns the sign-in cookie to carry to the next step.
    pub async fn request_code(&self, phone: &str) -> (reqwest::Response, String) {
        let response = self.post_form("/auth/code", "", &[("phone", phone)]).await;
        let cookie = set_cookie(&response, shared::cookies::SIGN_IN_PHONE)
            .map(|v| format!("{}={v}", shared::cookies::SIGN_IN_PHONE));
        (response, cookie.unwrap_or_default())
    }

    /// Signs in through the real flow and returns the `Cookie` header of the new session.
    pub async fn sign_in(&self, phone: &str) -> String {
        let seen = self
            .gateway
            .as_ref()
            .map(|g| crate::fakes::codes_to(g, phone).len());
        let (response, signin) = self.request_code(phone).await;
        assert_eq!(response.status(), 303, "{:?}", response.headers().get("location"));
        let code = match (&self.gateway, seen) {
            (Some(gateway), Some(seen)) => crate::fakes::code_after(gateway, phone, seen).await,
            _ => self.last_code(phone).await,
        };
        let response = self.post_form("/auth/verify", &signin, &[("code", &code)]).await;
        // A resident lands on their accounts, staff on their work.
        let lands = location(&response);
        assert!(
            ["/accounts", "/inspector", "/desk", "/admin/staff"].contains(&lands.as_str()),
            "signed in, landed on {lands}"
        );
        let token = set_cookie(&response, shared::cookies::SESSION).expect("a session cookie");
        format!("{}={token}", shared::cookies::SESSION)
    }

    pub async fn get_text_as(&self, path: &str, cookie: &str) -> (reqwest::StatusCode, String) {
        let response = self.get_as(path, cookie).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    pub async fn get_text(&self, path: &str) -> (reqwest::StatusCode, String) {
        let response = self.get(path).await;
        let status = response.status();
        (status, response.text().await.expect("body"))
    }

    /// Stops the server the way a signal does and waits until it has returned.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server result");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The id of the account with this service, district and number.
pub async fn account_id(app: &TestApp, service: &str, district: &str, number: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT id FROM utility_accounts WHERE service_code = $1 AND district_soato = $2 AND number = $3",
    )
    .bind(service)
    .bind(district)
    .bind(number)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The id of the demo account `services::demo::KNOWN_ACCOUNTS[i]`.
pub async fn known_account(app: &TestApp, i: usize) -> i64 {
    let (service, district, number, _) = services::demo::KNOWN_ACCOUNTS[i];
    account_id(app, service, district, number).await
}

/// The resident a demo account is linked to.
pub async fn owner_of(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar("SELECT user_id FROM account_links WHERE account_id = $1")
        .bind(account)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The value a response sets for cookie `name` (empty when it clears it).
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix(&format!("{name}="))
                .map(|rest| rest.split(';').next().unwrap_or("").to_string())
        })
}

/// The full `Set-Cookie` header a response sends for cookie `name`.
pub fn set_cookie_header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

static TRACING: LazyLock<()> = LazyLock::new(|| {
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init(server::config::LogFormat::Pretty);
    }
});

/// The configuration of a test server: development on port 0, its own database, no site files.
pub async fn test_config() -> Config {
    LazyLock::force(&TRACING);
    Config {
        environment: server::config::Environment::Development,
        listen: "127.0.0.1:0".parse().unwrap(),
        database_url: fresh_database_url().await,
        site_root: std::env::temp_dir().join("fuqaro-test-site"),
        files: server::config::FilesConfig {
            dir: std::env::temp_dir().join("fuqaro-test-files"),
            ..Default::default()
        },
        shutdown_grace_seconds: 2,
        demo_accounts: 40,
        ..Config::default()
    }
}

/// A production configuration that passes every guardrail: an https `public_url`, the Eskiz
/// fake over https (its CA trusted through `tls_ca_file`), a code pepper from the settings.
pub async fn production_config() -> (Config, crate::fakes::SharedEskiz) {
    let (url, gateway) = crate::fakes::eskiz(0).await;
    let mut config = test_config().await;
    config.environment = server::config::Environment::Production;
    config.public_url = "https://fuqaro.test".into();
    config.sms.gateway = server::config::SmsGatewayKind::Eskiz;
    config.sms.eskiz_url = url;
    config.sms.eskiz_email = crate::fakes::ESKIZ_EMAIL.into();
    config.sms.eskiz_password = crate::fakes::ESKIZ_PASSWORD.into();
    config.tls_ca_file = Some(crate::fakes::TEST_CA.pem_file.clone());
    config.code_pepper = "a-test-pepper-of-more-than-thirty-two-characters".into();
    (config, gateway)
}

/// A production server (see [`production_config`]), after `adjust` has changed its settings.
pub async fn spawn_production(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (mut config, gateway) = production_config().await;
    adjust(&mut config);
    let mut app = spawn_app_with(config).await;
    app.gateway = Some(gateway);
    app
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config().await).await
}

pub async fn spawn_app_with(config: Config) -> TestApp {
    let database_url = config.database_url.clone();
    let app = Application::build(config).await.expect("the server starts");
    let address = format!("http://{}", app.address());
    let db = app.state.services.db.clone();
    let services = app.state.services.clone();
    let config = app.state.config.clone();
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = rx.await;
    }));
    // A request that never gets an answer fails the test instead of hanging the suite.
    // The forms' own origin, as a browser sends it with every POST.
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::ORIGIN, address.parse().unwrap());
    let client = reqwest::Client::builder()
        .redirect(Policy::none())
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        db,
        services,
        database_url,
        config,
        gateway: None,
        shutdown: Some(tx),
        server: Some(server),
    }
}

/// Whether this run targets PostgreSQL.
pub fn on_postgres() -> bool {
    postgres_admin_url().is_some()
}

fn postgres_admin_url() -> Option<String> {
    std::env::var("TEST_POSTGRES_URL").ok().filter(|s| !s.is_empty())
}

/// A new, empty database: a SQLite file in the temp directory, or a PostgreSQL database
/// cloned from a migrated and loaded template (so each test does not load 9,452 mahallas).
pub async fn fresh_database_url() -> String {
    sweep_ended_runs().await;
    let name = format!(
        "{TEST_DB_PREFIX}{}_{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    );
    match postgres_admin_url() {
        None => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            format!("sqlite://{}?mode=rwc", path.display())
        }
        Some(admin) => {
            let template = postgres_template(&admin).await;
            admin_execute(&admin, &format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
            with_database(&admin, &name)
        }
    }
}

/// Every test database is named `fuqaro_test_<pid>_<uuid>` (a SQLite file in the temp
/// directory or a PostgreSQL database).
const TEST_DB_PREFIX: &str = "fuqaro_test_";

/// Whether a test database belongs to a test process that has ended (or to none: names
/// without a process id come from before the id was part of them).
fn of_ended_run(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEST_DB_PREFIX) else {
        return false;
    };
    match rest.split_once('_').map(|(pid, _)| pid.parse::<u32>()) {
        Some(Ok(pid)) => !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        _ => true,
    }
}

/// Removes, once per test process, the databases that test processes which have ended left
/// behind: a test keeps its database to the end (a restart test opens it again), so it is the
/// next run that clears them, and the disk does not fill with one database per test ever run.
async fn sweep_ended_runs() {
    static SWEPT: OnceCell<()> = OnceCell::const_new();
    SWEPT
        .get_or_init(|| async {
            if let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) {
                for entry in entries.flatten() {
                    let file = entry.file_name().to_string_lossy().into_owned();
                    let stem = file.split(".db").next().unwrap_or_default();
                    let ours = file.contains(".db") || file.ends_with(".pem");
                    if ours && of_ended_run(stem) {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
            }
            let Some(admin) = postgres_admin_url() else {
                return;
            };
            let current = format!("fuqaro_template_{:016x}", schema_fingerprint());
            for name in admin_query_names(&admin).await {
                let stale_template = name.starts_with("fuqaro_template_") && !name.starts_with(&current);
                if of_ended_run(&name) || stale_template {
                    admin_execute(&admin, &format!("DROP DATABASE IF EXISTS {name}")).await;
                }
            }
        })
        .await;
}

/// The test databases and templates on the PostgreSQL server.
async fn admin_query_names(admin: &str) -> Vec<String> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL admin connection");
    let names = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'fuqaro\\_test\\_%' OR datname LIKE 'fuqaro\\_template\\_%'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("pg_database query");
    conn.close().await.ok();
    names
}

async fn postgres_template(admin: &str) -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("fuqaro_template_{:016x}", schema_fingerprint());
            let exists = admin_query_exists(admin, &name).await;
            if !exists {
                // PostgreSQL cuts identifiers at 63 bytes: the name stays under that.
                let building = format!("{name}_{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
                admin_execute(admin, &format!("CREATE DATABASE {building}")).await;
                let db = Db::open(&with_database(admin, &building), 2)
                    .await
                    .expect("template opens");
                services::reference::load(&db).await.expect("template loads");
                db.pool.close().await;
                // A connection the pool was still handing back when it closed can outlive
                // close() by a while; nothing else uses this database yet, so end it.
                admin_execute(
                    admin,
                    &format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{building}' AND pid <> pg_backend_pid()"
                    ),
                )
                .await;
                // Publishing by rename makes a half-built template invisible to other runs.
                admin_execute(admin, &format!("ALTER DATABASE {building} RENAME TO {name}")).await;
            }
            name
        })
        .await
        .as_str()
}

/// Changes when a migration or a reference file changes, so a stale template is never used.
fn schema_fingerprint() -> u64 {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<_> = ["migrations/postgres", "reference"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
        })
        .collect();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for file in files {
        for byte in std::fs::read(&file).unwrap() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn with_database(admin: &str, name: &str) -> String {
    let (base, _) = admin.rsplit_once('/').expect("admin URL names a database");
    format!("{base}/{name}")
}

async fn admin_execute(admin: &str, sql: &str) {
    use sqlx::Connection;
    // PostgreSQL ends a closed connection's backend a moment after the client has gone;
    // until then, copying or renaming that database fails with "being accessed by other users".
    for attempt in 0.. {
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .expect("PostgreSQL admin connection");
        let result = sqlx::query(sql).execute(&mut conn).await;
        conn.close().await.ok();
        match result {
            Ok(_) => return,
            Err(e) if attempt < 600 && e.to_string().contains("being accessed by other users") => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(e) => panic!("{sql}: {e}"),
        }
    }
}

async fn admin_query_exists(admin: &str, name: &str) -> bool {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(admin)
        .await
        .expect("PostgreSQL admin connection");
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .expect("pg_database query");
    conn.close().await.ok();
    found.is_some()
}

/// What the officer's desk form answered: done, refused with the problem the page shows, or
/// 404 (an appeal outside the officer's bodies).
#[derive(Debug, PartialEq, Eq)]
pub enum DeskAnswer {
    Done,
    Refused(shared::appeal::Problem),
    NotFound,
}

/// The desk's fields that close an appeal with `resolution`, no reason given.
pub fn resolve_form(resolution: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("action", "resolve"),
        ("resolution", resolution),
        ("confirm", "yes"),
        ("text", ""),
    ]
}

/// An officer's action through the desk's form (`POST /desk/appeals/{id}`), as a browser
/// without JavaScript sends it.
pub async fn desk_action(app: &TestApp, cookie: &str, appeal: i64, fields: &[(&str, &str)]) -> DeskAnswer {
    let response = app
        .post_multipart(&format!("/desk/appeals/{appeal}"), cookie, fields, &[])
        .await;
    if response.status() == 404 {
        return DeskAnswer::NotFound;
    }
    assert_eq!(response.status(), 303, "{fields:?}");
    let to = location(&response);
    let to = to.split('#').next().unwrap_or_default().to_string();
    let query = to.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .map(str::to_string)
    };
    match (value("done"), value("error")) {
        (Some(_), None) => DeskAnswer::Done,
        (None, Some(code)) => {
            DeskAnswer::Refused(shared::appeal::Problem::parse(&code).expect("a known problem"))
        }
        _ => panic!("the desk answered {fields:?} with {to}"),
    }
}

/// The officer's desk through its server function, with the page's filters.
pub async fn desk_list(app: &TestApp, cookie: &str, filters: &[(&str, &str)]) -> shared::appeal::DeskPage {
    let mut args = vec![
        ("category", ""),
        ("body", "0"),
        ("overdue", "false"),
        ("mine", "false"),
    ];
    for (name, value) in filters {
        args.retain(|(n, _)| n != name);
        args.push((name, value));
    }
    let response = app.call("/api/desk", cookie, &args).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Files an appeal through the filing form (multipart, as a browser without JavaScript sends
/// it): the new appeal's id, or the problem the form is shown with.
pub async fn file_through_form(
    app: &TestApp,
    cookie: &str,
    fields: &[(&str, &str)],
) -> Result<i64, shared::appeal::Problem> {
    let response = app.post_multipart("/appeals", cookie, fields, &[]).await;
    assert_eq!(response.status(), 303, "{fields:?}");
    let to = location(&response);
    let to = to.split('#').next().unwrap_or_default().to_string();
    if let Some(rest) = to.strip_prefix("/appeals/new?error=") {
        let code = rest.split('&').next().unwrap_or_default();
        return Err(shared::appeal::Problem::parse(code).expect("a known problem"));
    }
    let id = to
        .strip_prefix("/appeals/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok());
    Ok(id.unwrap_or_else(|| panic!("filing answered {to}")))
}

/// What a refused form kept on the server, read back as its page reads it: with the cookie the
/// refusal set (and the session's, if any) through the page's server function.
pub async fn kept(
    app: &TestApp,
    refused: &reqwest::Response,
    cookie: &str,
    form: &str,
) -> std::collections::BTreeMap<String, String> {
    let token = set_cookie(refused, shared::cookies::KEPT).expect("the refusal keeps the form");
    let both = format!("{cookie}; {}={token}", shared::cookies::KEPT);
    let response = app.call("/api/kept_form", &both, &[("form", form)]).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Files an appeal of the first demo resident's (set-up for tests whose subject is what
/// happens to it afterwards): to `body`, from a district of a region.
pub async fn file_appeal(
    app: &TestApp,
    body: i64,
    region: &str,
    district: &str,
    subject: &str,
) -> services::appeals::Registered {
    file_appeal_of_kind(app, body, region, district, "complaint", subject).await
}

/// [`file_appeal`] of a kind: an application, a proposal or a complaint.
pub async fn file_appeal_of_kind(
    app: &TestApp,
    body: i64,
    region: &str,
    district: &str,
    kind: &str,
    subject: &str,
) -> services::appeals::Registered {
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(services::demo::RESIDENTS[0].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let appeal = services::appeals::NewAppeal {
        user_id: user,
        body_id: body,
        topic: "healthcare",
        kind,
        subject,
        text: "Navbat ikki haftaga choʻzilmoqda.",
        region,
        district,
        mahalla: None,
        applicant: "Karimova Dilnoza",
        address: "Amir Temur koʻchasi 1",
        cosigners: &[],
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
        channel: shared::appeal::Channel::Web,
    };
    services::appeals::file(&app.services, &appeal).await.unwrap()
}

/// A head of body 7 (the energy ministry, another tree than the demo staff's body 1), signed
/// in with `phone`: the stranger of access tests.
pub async fn head_of_another_body(app: &TestApp, phone: &str) -> String {
    services::identity::users::grant_role(
        &app.services,
        &shared::Phone::parse(phone).unwrap(),
        Some("Energetika boshligʻi"),
        shared::auth::Role::HeadOfBody,
        &[shared::auth::Scope::Body(7)],
        None,
        shared::Locale::Uz,
    )
    .await
    .unwrap();
    app.sign_in(phone).await
}

/// An XLSX workbook read back by an independent reader, Python's openpyxl (installed by
/// scripts/test.sh): each sheet's rows, every cell as text (a whole number without a
/// decimal point, an empty cell as "").
pub fn read_xlsx(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<Vec<String>>> {
    let file = std::env::temp_dir().join(format!(
        "fuqaro-{}-{}.xlsx",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::write(&file, bytes).unwrap();
    let script = r#"
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
def text(v):
    if v is None: return ""
    if isinstance(v, float) and v.is_integer(): return str(int(v))
    return str(v)
print(json.dumps({s.title: [[text(v) for v in row] for row in s.iter_rows(values_only=True)] for s in book.worksheets}))
"#;
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&file)
        .output()
        .expect("python3 runs");
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "openpyxl could not read the workbook (is it installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
