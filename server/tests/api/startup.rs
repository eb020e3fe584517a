use crate::helpers::{on_postgres, test_config};
use server::Application;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_stops_start_up_with_a_clear_message() {
    let mut config = test_config().await;
    config.database_url = "postgres://fuqaro:secret@127.0.0.1:1/fuqaro".into();
    let error = Application::build(config)
        .await
        .err()
        .expect("start-up fails")
        .to_string();
    assert!(
        error.contains("cannot open the database at postgres://fuqaro:***@127.0.0.1:1/fuqaro"),
        "{error}"
    );
    assert!(error.contains("FUQARO_DATABASE_URL"), "{error}");
    assert!(!error.contains("secret"), "no password in the message: {error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsupported_database_url_is_named() {
    let mut config = test_config().await;
    config.database_url = "mysql://localhost/fuqaro".into();
    let error = Application::build(config)
        .await
        .err()
        .expect("start-up fails")
        .to_string();
    assert!(error.contains("not supported"), "{error}");
}

/// The binary, started as an operator would, with one configuration mistake.
fn run_server(dir: &std::path::Path, envs: &[(&str, &str)]) -> std::process::Output {
    run_command(dir, envs, &[])
}

/// The binary with these settings (and no others from this environment) and arguments.
fn run_command(dir: &std::path::Path, envs: &[(&str, &str)], args: &[&str]) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command.current_dir(dir).env_remove("RUST_LOG");
    for (key, _) in std::env::vars() {
        if key.starts_with("FUQARO_") || key.starts_with("LEPTOS_") {
            command.env_remove(key);
        }
    }
    command
        .envs(envs.iter().copied())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// What production asks before the code pepper: an https address and a real SMS gateway.
const PRODUCTION_BASICS: [(&str, &str); 4] = [
    ("FUQARO_PUBLIC_URL", "https://fuqaro.uz"),
    ("FUQARO_SMS__GATEWAY", "eskiz"),
    ("FUQARO_SMS__ESKIZ_EMAIL", "ops@fuqaro.uz"),
    ("FUQARO_SMS__ESKIZ_PASSWORD", "s3cret"),
];

/// A working directory for one run of the binary, removed when the test ends.
struct TempDir(std::path::PathBuf);

impl std::ops::Deref for TempDir {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir() -> TempDir {
    let dir = std::env::temp_dir().join(format!("fuqaro-startup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

fn assert_one_clear_line(output: &std::process::Output, expected: &str) {
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("fuqaro: error: "), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_malformed_config_file_stops_the_binary_with_one_line() {
    let dir = temp_dir();
    std::fs::write(
        dir.join("fuqaro.toml"),
        "listen = \"127.0.0.1:3000\"\ndatabase_url = \n",
    )
    .unwrap();
    let output = run_server(&dir, &[]);
    assert_one_clear_line(&output, "cannot read the configuration file fuqaro.toml");
}

#[test]
fn a_config_value_of_the_wrong_kind_is_named() {
    let dir = temp_dir();
    let output = run_server(&dir, &[("FUQARO_LISTEN", "not-an-address")]);
    assert_one_clear_line(&output, "invalid configuration");
    let output = run_server(&dir, &[("FUQARO_DATABSE_URL", "sqlite://x.db")]);
    assert_one_clear_line(&output, "databse_url");
}

#[test]
fn production_credentials_without_their_ids_are_named() {
    let dir = temp_dir();
    let output = run_server(&dir, &[("FUQARO_PAYME_KEY", "k")]);
    assert_one_clear_line(&output, "payme_merchant_id");
    let output = run_server(&dir, &[("FUQARO_CLICK_SECRET_KEY", "k")]);
    assert_one_clear_line(&output, "click_merchant_id");
}

#[test]
fn a_missing_named_config_file_is_reported() {
    let dir = temp_dir();
    let output = run_server(&dir, &[("FUQARO_CONFIG", "/nonexistent/fuqaro.toml")]);
    assert_one_clear_line(&output, "/nonexistent/fuqaro.toml");
}

#[test]
fn an_unreachable_database_stops_the_binary_with_one_line() {
    let dir = temp_dir();
    let output = run_server(
        &dir,
        &[
            ("FUQARO_DATABASE_URL", "postgres://u:p@127.0.0.1:1/db"),
            ("FUQARO_LISTEN", "127.0.0.1:0"),
            ("FUQARO_ENVIRONMENT", "development"),
        ],
    );
    assert_one_clear_line(&output, "cannot open the database");
}

#[test]
fn the_two_migration_folders_hold_the_same_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
    let list = |dir: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    assert_eq!(list("sqlite"), list("postgres"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backend_is_the_one_this_run_targets() {
    let app = crate::helpers::spawn_app().await;
    let expected = if on_postgres() {
        services::Backend::Postgres
    } else {
        services::Backend::Sqlite
    };
    assert_eq!(app.db.backend, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_admin_makes_an_administrator() {
    let dir = temp_dir();
    let url = format!("sqlite://{}/fuqaro.db?mode=rwc", dir.display());
    let development = [
        ("FUQARO_DATABASE_URL", url.as_str()),
        ("FUQARO_ENVIRONMENT", "development"),
    ];
    let output = run_command(
        &dir,
        &development,
        &["create-admin", "+998 90 555 00 11", "Bosh", "Admin"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("+998 90 555 00 11"));

    let db = services::Db::open(&url, 1).await.unwrap();
    let (role, name): (String, String) = sqlx::query_as(
        "SELECT g.role, u.full_name FROM role_grants g JOIN users u ON u.id = g.user_id WHERE u.phone = '+998905550011'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!((role.as_str(), name.as_str()), ("administrator", "Bosh Admin"));
}

#[test]
fn create_admin_refuses_a_bad_number_and_unknown_commands_are_named() {
    let dir = temp_dir();
    let bad = run_server_with_args(&dir, &["create-admin", "12345"]);
    assert_one_clear_line(&bad, "not an Uzbek mobile number");
    let unknown = run_server_with_args(&dir, &["frobnicate"]);
    assert_one_clear_line(&unknown, "unknown command");
}

fn run_server_with_args(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    run_command(dir, &[], args)
}

#[test]
fn the_binary_serves_production_by_default_and_names_each_missing_setting() {
    let dir = temp_dir();
    let mut env: Vec<(&str, &str)> = vec![];
    let output = run_server(&dir, &env);
    assert_one_clear_line(&output, "public_url must be https in production");
    env.push(PRODUCTION_BASICS[0]);
    assert_one_clear_line(&run_server(&dir, &env), "sms.gateway is outbox");
    env.push(PRODUCTION_BASICS[1]);
    assert_one_clear_line(&run_server(&dir, &env), "sms.eskiz_email and sms.eskiz_password");
    env.extend_from_slice(&PRODUCTION_BASICS[2..]);
    assert_one_clear_line(&run_server(&dir, &env), "code_pepper must be set");
    env.push(("FUQARO_CODE_PEPPER", "short"));
    assert_one_clear_line(&run_server(&dir, &env), "code_pepper must be set");
    let mut plain_gateway = env.clone();
    plain_gateway.push(("FUQARO_SMS__ESKIZ_URL", "http://notify.eskiz.uz"));
    plain_gateway.push(("FUQARO_CODE_PEPPER", "0123456789abcdef0123456789abcdef"));
    assert_one_clear_line(&run_server(&dir, &plain_gateway), "sms.eskiz_url must be https");
}

#[test]
fn a_secret_may_come_from_a_file_and_a_missing_one_is_named() {
    let dir = temp_dir();
    let mut env = PRODUCTION_BASICS.to_vec();
    env.push(("FUQARO_CODE_PEPPER", "file:/nonexistent/pepper"));
    assert_one_clear_line(&run_server(&dir, &env), "/nonexistent/pepper");
    // Read from the file, the pepper passes; the next refusal is the (unreachable) database.
    std::fs::write(dir.join("pepper"), "0123456789abcdef0123456789abcdef0123\n").unwrap();
    let pepper = format!("file:{}", dir.join("pepper").display());
    env[4] = ("FUQARO_CODE_PEPPER", &pepper);
    env.push(("FUQARO_DATABASE_URL", "postgres://u:p@127.0.0.1:1/db"));
    env.push(("FUQARO_LISTEN", "127.0.0.1:0"));
    assert_one_clear_line(&run_server(&dir, &env), "cannot open the database");
}

#[test]
fn development_serves_only_this_machine() {
    let dir = temp_dir();
    let development = ("FUQARO_ENVIRONMENT", "development");
    let output = run_server(&dir, &[development, ("FUQARO_LISTEN", "0.0.0.0:3000")]);
    assert_one_clear_line(
        &output,
        "serves only loopback addresses, but listen is 0.0.0.0:3000",
    );
    let output = run_server(&dir, &[development, ("FUQARO_PUBLIC_URL", "https://fuqaro.uz")]);
    assert_one_clear_line(&output, "public_url \"https://fuqaro.uz\" is not this machine");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_with_demo_people_serves_production_only_once_they_are_removed() {
    // Development seeds the demo people (a staff administrator among them).
    let development = crate::helpers::spawn_app().await;
    let url = development.database_url.clone();
    development.sign_in(services::demo::RESIDENTS[0].phone).await;
    development.stop().await;

    let (mut config, _) = crate::helpers::production_config().await;
    config.database_url = url.clone();
    let error = Application::build(config.clone())
        .await
        .err()
        .expect("refused")
        .to_string();
    assert!(
        error.contains("demo people") && error.contains("server remove-demo"),
        "{error}"
    );
    assert!(error.contains("+998900000105"), "{error}");

    let dir = temp_dir();
    let development = [
        ("FUQARO_DATABASE_URL", url.as_str()),
        ("FUQARO_ENVIRONMENT", "development"),
    ];
    let output = run_command(&dir, &development, &["remove-demo"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("7 demo people removed"));

    let production = crate::helpers::spawn_app_with(config).await;
    let db = &production.db;
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE phone LIKE '+99890000000%' OR phone LIKE '+99890000010%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(left, 0);
    let grants: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM role_grants")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(grants, 0, "no demo staff role is left");
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "the demo resident's session is gone with her");
}
