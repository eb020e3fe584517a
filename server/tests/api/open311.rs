//! Open311 GeoReport v2 (issue 17): keys an administrator issues, filing with them, the
//! spec's errors, listings and their filters; every JSON answer checked against the
//! open311/schema-validation schemas by check-jsonschema, and the lists read back by the
//! PyPI `georeport` client in JSON and XML (both installed by scripts/test.sh).

use crate::helpers::*;
use serde_json::Value;
use services::demo::{RESIDENTS, STAFF};

/// A form's fields.
type Fields<'a> = Vec<(&'a str, &'a str)>;

/// A key issued straight through the service, to a party, with a daily limit.
async fn key(app: &TestApp, per_day: i64) -> (i64, String) {
    let admin: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(STAFF[4].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    services::open311::keys::issue(&app.services, "Ishonch telefoni 1000", per_day, admin)
        .await
        .unwrap()
}

/// A complete filing for the demo district of Yunusobod, from `phone`.
fn filing<'a>(key: &'a str, phone: &'a str, description: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("api_key", key),
        ("service_code", "healthcare"),
        ("address_id", "1726266"),
        ("address_string", "Amir Temur koʻchasi 7, 12-xonadon"),
        ("description", description),
        ("first_name", "Dilnoza"),
        ("last_name", "Karimova"),
        ("phone", phone),
    ]
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let response = app.client.post(app.url(path)).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let (status, text) = app.get_text(path).await;
    (
        status.as_u16(),
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{path}: {text}")),
    )
}

async fn appeals(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM appeals")
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// A refusal is the spec's list with one error of `code`, and the status is that code.
fn refused(answer: (u16, String), code: u16) -> String {
    let (status, text) = answer;
    let list: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{text}"));
    assert_eq!(status, code, "{text}");
    assert_eq!(list[0]["code"], code, "{text}");
    list[0]["description"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_administrator_issues_a_key_once_and_its_party_files_appeals_that_say_nothing_personal() {
    let app = spawn_app().await;
    let admin = app.sign_in(STAFF[4].phone).await;
    let issued = app
        .post_form(
            "/admin/api-keys",
            &admin,
            &[("party", "Fuqarolik ilovasi"), ("per_day", "50")],
        )
        .await;
    assert_eq!(issued.status(), 303);
    assert!(location(&issued).starts_with("/admin/api-keys?issued=1"));
    let kept = set_cookie(&issued, shared::cookies::KEPT).expect("the key is kept for this browser");
    let cookie = format!("{admin}; {}={kept}", shared::cookies::KEPT);
    let (status, page) = app.get_text_as("/admin/api-keys?issued=1", &cookie).await;
    assert_eq!(status, 200);
    let key = page
        .split("<code class=\"api-key\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .expect("the page shows the new key")
        .to_string();
    assert_eq!(key.len(), 43);
    // Shown once: read again, the page has only its first characters.
    let (_, again) = app.get_text_as("/admin/api-keys?issued=1", &cookie).await;
    assert!(!again.contains(&key));
    assert!(again.contains("Fuqarolik ilovasi") && again.contains(&format!("{}…", &key[..6])));
    let stored: String = sqlx::query_scalar("SELECT key_hash FROM api_keys")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_ne!(stored, key, "only the key's hash is kept");

    // A resident cannot issue or revoke keys.
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let refused_issue = app
        .post_form("/admin/api-keys", &resident, &[("party", "X"), ("per_day", "5")])
        .await;
    assert_eq!(refused_issue.status(), 403);

    let phone = "+998901234571";
    let mut form = filing(
        &key,
        phone,
        "Poliklinikada navbat ikki haftaga choʻzilmoqda.\nIltimos, choralar koʻring.",
    );
    form.push(("attribute[kind]", "complaint"));
    form.push(("media_url", "https://example.uz/photo/1.jpg"));
    form.push(("account_id", "client-77"));
    form.push(("email", "dilnoza@example.uz"));
    let (status, text) = post(&app, "/open311/v2/requests.json", &form).await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    let id = answer[0]["service_request_id"].as_str().unwrap().to_string();
    assert!(id.starts_with("M-"), "{text}");
    assert_eq!(answer[0]["account_id"], "client-77");
    assert!(answer[0]["token"].is_null(), "an id or a token, never both");

    // The same appeal as any other: the applicant's account (opened for the phone), its
    // channel and the key's party.
    let (channel, key_id, kind, name, address, text_kept, subject): (
        String,
        Option<i64>,
        String,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT a.channel, a.api_key_id, a.kind, a.applicant_name, a.address, a.body_text, a.subject \
             FROM appeals a JOIN users u ON u.id = a.user_id WHERE a.number = $1 AND u.phone = $2",
    )
    .bind(&id)
    .bind(phone)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(channel, "other_system");
    assert!(key_id.is_some());
    assert_eq!(kind, "complaint");
    assert_eq!(name, "Karimova Dilnoza");
    assert_eq!(address, "Amir Temur koʻchasi 7, 12-xonadon");
    assert!(text_kept.ends_with("https://example.uz/photo/1.jpg"));
    assert_eq!(subject, "Poliklinikada navbat ikki haftaga choʻzilmoqda.");

    // Read back by anyone, in JSON and XML: the topic, the body, the place and the dates, and
    // nothing personal.
    for path in [
        format!("/open311/v2/requests/{id}.json"),
        format!("/open311/v2/requests/{id}.xml"),
        "/open311/v2/requests.json".to_string(),
    ] {
        let (status, text) = app.get_text(&path).await;
        assert_eq!(status, 200, "{path}: {text}");
        assert!(text.contains(&id), "{path}");
        for private in [
            "+998901234571",
            "901234571",
            "Karimova",
            "Dilnoza",
            "Amir Temur",
            "navbat",
            "example.uz",
            "client-77",
        ] {
            assert!(!text.contains(private), "{path} gives out {private}: {text}");
        }
    }
    let (_, one) = json(&app, &format!("/open311/v2/requests/{id}.json")).await;
    assert_eq!(one[0]["status"], "open");
    assert_eq!(one[0]["service_code"], "healthcare");
    assert_eq!(one[0]["address_id"], "1726266");
    assert!(
        one[0]["agency_responsible"]
            .as_str()
            .is_some_and(|a| !a.is_empty())
    );
    assert!(
        one[0]["expected_datetime"]
            .as_str()
            .is_some_and(|d| d.ends_with('Z'))
    );
    let (_, xml) = app.get_text(&format!("/open311/v2/requests/{id}.xml")).await;
    assert!(
        xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests><request>"),
        "{xml}"
    );
    let response = app.get(&format!("/open311/v2/requests/{id}.xml")).await;
    assert_eq!(response.headers()["content-type"], "text/xml; charset=utf-8");

    // The page counts what each key filed; revoked, the key files nothing more.
    let (_, page) = app.get_text_as("/admin/api-keys", &admin).await;
    assert!(page.contains("yuborilgan: 1"), "{page}");
    let key_id = key_id.unwrap();
    let revoked = app
        .post_form(&format!("/admin/api-keys/{key_id}/revoke"), &resident, &[])
        .await;
    assert_eq!(revoked.status(), 403);
    let revoked = app
        .post_form(&format!("/admin/api-keys/{key_id}/revoke"), &admin, &[])
        .await;
    assert_eq!(location(&revoked), "/admin/api-keys?revoked=1");
    let before = appeals(&app).await;
    let description = refused(
        post(&app, "/open311/v2/requests.json", &filing(&key, phone, "Yana")).await,
        403,
    );
    assert!(description.contains("api_key"));
    assert_eq!(appeals(&app).await, before);
}

#[tokio::test]
async fn bad_filings_get_the_specs_errors_and_change_nothing() {
    let app = spawn_app().await;
    let (_, key) = key(&app, 2).await;
    let phone = "+998901234572";
    let before = appeals(&app).await;
    let path = "/open311/v2/requests.json";
    let with = |changes: &[(&'static str, &'static str)]| {
        let mut form: Vec<(&str, &str)> = filing(&key, phone, "Shifoxonada dori yoʻq.")
            .into_iter()
            .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
            .collect();
        form.extend(changes.iter().filter(|(_, v)| !v.is_empty()).copied());
        form
    };
    let long = "a".repeat(4_001);
    let mut too_long = with(&[]);
    too_long.retain(|(k, _)| *k != "description");
    too_long.push(("description", &long));
    let cases: Vec<(Fields, u16, &str)> = vec![
        (with(&[("api_key", "")]), 403, "api_key"),
        (with(&[("api_key", "not-a-key")]), 403, "api_key"),
        (with(&[("service_code", "potholes")]), 404, "service_code"),
        (with(&[("service_code", "")]), 400, "service_code"),
        (too_long, 400, "4000"),
        (with(&[("description", "")]), 400, "description"),
        (
            with(&[("address_id", ""), ("lat", "41.31"), ("long", "69.28")]),
            400,
            "address_id",
        ),
        (with(&[("address_id", "9999999")]), 400, "address_id"),
        (with(&[("address_string", "")]), 400, "address_string"),
        (with(&[("phone", "12345")]), 400, "phone"),
        (with(&[("first_name", ""), ("last_name", "")]), 400, "name"),
        (with(&[("attribute[kind]", "petition")]), 400, "kind"),
        (with(&[("attribute[body]", "7")]), 400, "body"),
        (with(&[("media_url", "javascript:alert(1)")]), 400, "media_url"),
        (
            with(&[("jurisdiction_id", "example.org")]),
            404,
            "jurisdiction_id",
        ),
    ];
    for (form, code, names) in cases {
        let description = refused(post(&app, path, &form).await, code);
        assert!(description.contains(names), "{names}: {description}");
    }
    // In XML, the same list.
    let (status, xml) = post(&app, "/open311/v2/requests.xml", &with(&[("api_key", "")])).await;
    assert_eq!(status, 403);
    assert!(
        xml.contains("<errors><error><code>403</code><description>"),
        "{xml}"
    );
    assert_eq!(appeals(&app).await, before, "a refused filing stores nothing");
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE phone = $1")
        .bind(phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(users, 0, "nor opens an account");

    // The key's daily limit: two filings, then 429 until a day has passed.
    for _ in 0..2 {
        let (status, text) = post(&app, path, &filing(&key, phone, "Shifoxonada dori yoʻq.")).await;
        assert_eq!(status, 200, "{text}");
    }
    refused(post(&app, path, &filing(&key, phone, "Uchinchisi")).await, 429);
    assert_eq!(appeals(&app).await, before + 2);

    // Reading: malformed arguments and unknown names.
    for (path, code) in [
        (
            "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            400,
        ),
        ("/open311/v2/requests.json?start_date=yesterday", 400),
        ("/open311/v2/requests.json?status=pending", 400),
        ("/open311/v2/requests.json?page_size=0", 400),
        ("/open311/v2/requests.json?page_size=1001", 400),
        ("/open311/v2/requests/M-2026-999999.json", 404),
        ("/open311/v2/services/potholes.json", 404),
        ("/open311/v2/tokens/abc.json", 404),
        ("/open311/v2/services.csv", 404),
        ("/open311/v2/services.json?jurisdiction_id=example.org", 404),
    ] {
        let (status, text) = app.get_text(path).await;
        refused((status.as_u16(), text), code);
    }
}

#[tokio::test]
async fn listings_filter_by_id_service_status_and_dates_and_page() {
    let app = spawn_app().await;
    let (_, key) = key(&app, 100).await;
    let mut ids = Vec::new();
    for (n, code) in ["healthcare", "healthcare", "electricity"]
        .into_iter()
        .enumerate()
    {
        let phone = format!("+99890123458{n}");
        let mut form = filing(&key, &phone, "Murojaat matni.");
        form.retain(|(k, _)| *k != "service_code");
        form.push(("service_code", code));
        let (status, text) = post(&app, "/open311/v2/requests.json", &form).await;
        assert_eq!(status, 200, "{text}");
        let answer: Value = serde_json::from_str(&text).unwrap();
        ids.push(answer[0]["service_request_id"].as_str().unwrap().to_string());
    }
    // One of them closed by its body.
    sqlx::query("UPDATE appeals SET status = 'resolved' WHERE number = $1")
        .bind(&ids[0])
        .execute(&app.db.pool)
        .await
        .unwrap();
    let listed = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["service_request_id"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, all) = json(&app, "/open311/v2/requests.json").await;
    assert_eq!(
        listed(&all),
        vec![ids[2].clone(), ids[1].clone(), ids[0].clone()],
        "the newest first"
    );
    assert_eq!(all[2]["status"], "closed");
    assert_eq!(
        all[2]["status_notes"],
        shared::i18n::tr(shared::Locale::Uz, shared::appeal::Status::Resolved.key())
    );
    let (_, electricity) = json(&app, "/open311/v2/requests.json?service_code=electricity").await;
    assert_eq!(listed(&electricity), vec![ids[2].clone()]);
    let (_, both) = json(
        &app,
        "/open311/v2/requests.json?service_code=electricity,healthcare&status=open",
    )
    .await;
    assert_eq!(listed(&both), vec![ids[2].clone(), ids[1].clone()]);
    let (_, closed) = json(&app, "/open311/v2/requests.json?status=closed").await;
    assert_eq!(listed(&closed), vec![ids[0].clone()]);
    // Named ids override every other argument; an empty argument is no argument.
    let (_, named) = json(
        &app,
        &format!(
            "/open311/v2/requests.json?service_request_id={},{}&status=closed&service_code=",
            ids[1], ids[2]
        ),
    )
    .await;
    assert_eq!(listed(&named), vec![ids[2].clone(), ids[1].clone()]);
    let (_, first) = json(&app, "/open311/v2/requests.json?page_size=2").await;
    let (_, second) = json(&app, "/open311/v2/requests.json?page_size=2&page=2").await;
    assert_eq!(listed(&first), vec![ids[2].clone(), ids[1].clone()]);
    assert_eq!(listed(&second), vec![ids[0].clone()]);
    let (_, future) = json(
        &app,
        "/open311/v2/requests.json?start_date=2099-01-01T00:00:00%2B05:00",
    )
    .await;
    assert_eq!(listed(&future), Vec::<String>::new());
    // Names in the reader's language.
    let ru = app
        .client
        .get(app.url(&format!("/open311/v2/requests/{}.json", ids[2])))
        .header("accept-language", "ru")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ru.contains("Электроснабжение"), "{ru}");
}

/// Writes `value` to a file and checks it against the schema `schema` with check-jsonschema.
fn check_schema(schema: &str, value: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/open311-schemas");
    let file = std::env::temp_dir().join(format!("fuqaro-open311-{}-{schema}", std::process::id()));
    std::fs::write(&file, value).unwrap();
    let out = std::process::Command::new("python3")
        .args(["-m", "check_jsonschema", "--schemafile"])
        .arg(format!("{dir}/{schema}"))
        .arg(&file)
        .output()
        .expect("check-jsonschema runs (scripts/test.sh installs it)");
    std::fs::remove_file(&file).ok();
    assert!(
        out.status.success(),
        "{schema} refuses {value}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn others_tools_validate_and_read_what_we_serve() {
    let app = spawn_app().await;
    let (_, key) = key(&app, 100).await;
    let (status, text) = post(
        &app,
        "/open311/v2/requests.json",
        &filing(&key, "+998901234590", "Murojaat."),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let answer: Value = serde_json::from_str(&text).unwrap();
    let id = answer[0]["service_request_id"].as_str().unwrap().to_string();

    for (schema, path) in [
        ("services.json", "/open311/v2/services.json".to_string()),
        (
            "service-definition.json",
            "/open311/v2/services/healthcare.json".to_string(),
        ),
        ("requests.json", "/open311/v2/requests.json".to_string()),
        ("requests.json", format!("/open311/v2/requests/{id}.json")),
        (
            "requests.json",
            "/open311/v2/requests.json?status=closed".to_string(),
        ),
    ] {
        let (status, text) = app.get_text(&path).await;
        assert_eq!(status, 200, "{path}");
        check_schema(schema, &text);
    }
    // A wrong shape is refused by the same check, so the check can fail.
    let wrong = std::panic::catch_unwind(|| {
        check_schema(
            "requests.json",
            r#"[{"service_request_id": 1, "status": "pending"}]"#,
        )
    });
    assert!(wrong.is_err());

    // The PyPI georeport client reads the lists, a definition and the request, in both formats.
    let script = r#"
import json, sys
from georeport import GeoReport
root, id = sys.argv[1], sys.argv[2]
out = {}
for fmt in ("json", "xml"):
    c = GeoReport(root, output_format=fmt)
    services = c.get_service_list()
    definition = c.get_service_definition("healthcare")
    requests = c.get_service_requests(status="open")
    if isinstance(requests, dict):
        requests = [requests]
    one = c.get_service_request(id)
    attrs = definition["attributes"]
    if fmt == "xml":
        attrs = attrs["attribute"]
    out[fmt] = {
        "services": sorted(s["service_code"] for s in services),
        "attributes": [a["code"] for a in attrs],
        "requests": [r["service_request_id"] for r in requests],
        "one": one["service_request_id"],
        "status": one["status"],
    }
print(json.dumps(out))
"#;
    // Off the test's runtime thread, which also serves the requests the client makes.
    let (root, asked) = (app.url("/open311/v2"), id.clone());
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .arg("-c")
            .arg(script)
            .arg(root)
            .arg(asked)
            .output()
            .expect("python3 runs")
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "georeport could not read us (is it installed? scripts/test.sh installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    for fmt in ["json", "xml"] {
        let r = &read[fmt];
        assert_eq!(
            r["services"],
            serde_json::json!(["electricity", "healthcare", "housing", "medicines", "other"]),
            "{fmt}"
        );
        assert_eq!(r["attributes"], serde_json::json!(["kind", "body"]), "{fmt}");
        assert_eq!(r["requests"], serde_json::json!([id]), "{fmt}");
        assert_eq!(r["one"], id.as_str(), "{fmt}");
        assert_eq!(r["status"], "open", "{fmt}");
    }

    // Discovery, in both formats, points at the endpoint.
    let (_, discovery) = json(&app, "/open311/discovery.json").await;
    assert_eq!(
        discovery["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert_eq!(
        discovery["endpoints"][0]["type"], "test",
        "a development installation"
    );
    assert_eq!(
        discovery["endpoints"][0]["formats"],
        serde_json::json!(["text/xml", "application/json"])
    );
    let (status, xml) = app.get_text("/open311/discovery.xml").await;
    assert_eq!(status, 200);
    assert!(
        xml.contains("<formats><format>text/xml</format><format>application/json</format></formats>"),
        "{xml}"
    );
}
