//! Meter readings through real HTTP: the resident's upload (JSON and plain form), the
//! inspector's queue and decisions, the charge, the SMS, and every kind of bad input.

use crate::helpers::{TestApp, known_account, location, spawn_app};
use image::ImageFormat;
use services::demo::{RESIDENTS, STAFF};
use shared::Tiyin;
use shared::reading::QueuePage;

/// A mahalla of the account's district.
async fn mahalla_of(app: &TestApp, account: i64) -> String {
    sqlx::query_scalar(
        "SELECT m.code FROM mahallas m JOIN utility_accounts a ON a.district_soato = m.district_soato \
         WHERE a.id = $1 ORDER BY m.code LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The last confirmed reading of an account, in thousandths.
async fn last_confirmed(app: &TestApp, account: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT value_milli FROM meter_readings WHERE account_id = $1 AND status IN ('confirmed', 'corrected') \
         ORDER BY submitted_at DESC, id DESC LIMIT 1",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

fn jpeg() -> Vec<u8> {
    services::storage::fixtures::sample(2000, 1500, ImageFormat::Jpeg)
}

/// Posts a reading as the page's script does (JSON answer), or as the plain form.
async fn send(
    app: &TestApp,
    cookie: &str,
    account: i64,
    fields: &[(&str, &str)],
    photo: Option<Vec<u8>>,
    json: bool,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    if let Some(bytes) = photo {
        form = form.part(
            "photo",
            reqwest::multipart::Part::bytes(bytes).file_name("meter.jpg"),
        );
    }
    let mut request = app
        .client
        .post(app.url(&format!("/accounts/{account}/readings")))
        .header("cookie", cookie)
        .multipart(form);
    if json {
        request = request.header("accept", "application/json");
    }
    request.send().await.expect("request failed")
}

/// The reading a successful JSON upload answered with.
pub async fn reading_id(response: reqwest::Response) -> i64 {
    assert_eq!(response.status(), 200, "the upload was accepted");
    let body: serde_json::Value = response.json().await.unwrap();
    body["reading_id"].as_i64().expect("a reading id")
}

/// Sends only the head of an upload declaring `length` bytes and reads what comes back.
async fn declared_only(app: &TestApp, cookie: &str, account: i64, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let mut tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "POST /accounts/{account}/readings HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {length}\r\n\r\n"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        match tokio::time::timeout(std::time::Duration::from_millis(500), tcp.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&answer).contains("photo_too_large") {
                    break;
                }
            }
            Err(_) => {}
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

/// What a streamed upload met: the answer (if one came) and how many body bytes went out.
struct Streamed {
    answer: String,
    sent: usize,
}

/// Streams a photo field of `size` bytes with `Transfer-Encoding: chunked` (no declared
/// length), stopping as soon as the server answers or closes.
async fn streamed_without_length(app: &TestApp, cookie: &str, account: i64, size: usize) -> Streamed {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://");
    let tcp = tokio::net::TcpStream::connect(host).await.unwrap();
    let (mut reader, mut writer) = tcp.into_split();
    let head = format!(
        "POST /accounts/{account}/readings HTTP/1.1\r\nHost: {host}\r\nOrigin: http://{host}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let answered = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let write = {
        let (answered, sent) = (answered.clone(), sent.clone());
        async move {
            let chunk = |data: &[u8]| {
                [
                    format!("{:x}\r\n", data.len()).into_bytes(),
                    data.to_vec(),
                    b"\r\n".to_vec(),
                ]
                .concat()
            };
            let preamble = b"--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"m.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\xFF\xD8\xFF";
            if writer.write_all(head.as_bytes()).await.is_err()
                || writer.write_all(&chunk(preamble)).await.is_err()
            {
                return;
            }
            let block = vec![0u8; 64 * 1024];
            while sent.load(Ordering::SeqCst) < size && !answered.load(Ordering::SeqCst) {
                if writer.write_all(&chunk(&block)).await.is_err() {
                    return;
                }
                sent.fetch_add(block.len(), Ordering::SeqCst);
            }
        }
    };
    let read = async {
        let mut answer = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            match tokio::time::timeout(std::time::Duration::from_secs(30), reader.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => {
                    answered.store(true, Ordering::SeqCst);
                    answer.extend_from_slice(&buf[..n]);
                    if String::from_utf8_lossy(&answer).contains("photo_too_large") {
                        break;
                    }
                }
            }
        }
        answer
    };
    let ((), answer) = tokio::join!(write, read);
    Streamed {
        answer: String::from_utf8_lossy(&answer).into_owned(),
        sent: sent.load(Ordering::SeqCst),
    }
}

async fn error_of(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    (status, body["error"].as_str().unwrap_or_default().to_string())
}

/// A value as the resident types it: electricity meters show one decimal.
fn value_text(milli: i64) -> String {
    shared::account::format_reading(milli, 1)
}

async fn queue(app: &TestApp, cookie: &str) -> QueuePage {
    app.call("/api/inspector_queue", cookie, &[("flagged", "false")])
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_sends_a_reading_and_an_inspector_confirms_it_once() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(&app, 0).await; // electricity, 1726266: the demo inspector's
    let mahalla = mahalla_of(&app, account).await;
    let last = last_confirmed(&app, account).await;
    let value = value_text(last + 150_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", value.as_str()),
        ("key", "key-0001-abcdef"),
    ];

    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    assert_eq!(response.status(), 200);
    let sent: serde_json::Value = response.json().await.unwrap();
    let reading = sent["reading_id"].as_i64().unwrap();
    assert_eq!(sent["repeated"], false);

    // The connection dropped before the answer: the retry is the same reading.
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let again: serde_json::Value = response.json().await.unwrap();
    assert_eq!(again["reading_id"].as_i64(), Some(reading));
    assert_eq!(again["repeated"], true);

    // The photo was re-encoded: a JPEG no larger than 1600 px, for the sender and inspectors.
    let photo = app.get_as(&format!("/readings/{reading}/photo"), &resident).await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    let stored = image::load_from_memory(&photo.bytes().await.unwrap()).unwrap();
    assert_eq!((stored.width(), stored.height()), (1600, 1200));
    let stranger = app.sign_in(RESIDENTS[1].phone).await;
    assert_eq!(
        app.get_as(&format!("/readings/{reading}/photo"), &stranger)
            .await
            .status(),
        404
    );
    assert_eq!(app.get(&format!("/readings/{reading}/photo")).await.status(), 303);

    let inspector = app.sign_in(STAFF[0].phone).await;
    let page = queue(&app, &inspector).await;
    let item = page.items.iter().find(|r| r.id == reading).expect("in the queue");
    assert_eq!(item.previous_milli, Some(last));
    let thumb = app
        .get_as(&format!("/readings/{reading}/photo?size=thumb"), &inspector)
        .await;
    assert_eq!(thumb.status(), 200);

    let before = services::accounts::balance(&app.db, account).await.unwrap();
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &inspector,
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(location(&response), format!("/inspector?done={reading}"));
    // 150 kWh in November 2026: the first 200 kWh of the month at 600 soʻm.
    let charge = Tiyin::new(150 * 60_000);
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before - charge
    );
    assert!(
        !queue(&app, &inspector)
            .await
            .items
            .iter()
            .any(|r| r.id == reading)
    );

    // A second decision (another inspector, or a double click) changes nothing.
    let admin = app.sign_in(STAFF[4].phone).await;
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &admin,
            &[("action", "confirm")],
        )
        .await;
    assert!(
        location(&response).contains("error=taken"),
        "{}",
        location(&response)
    );
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before - charge
    );

    // The resident is told by SMS and sees it on the account page.
    let messages = services::sms::recent(
        &app.db,
        Some(&shared::Phone::parse(RESIDENTS[0].phone).unwrap()),
        5,
    )
    .await
    .unwrap();
    assert!(
        messages.iter().any(|m| m.purpose == "reading"
            && m.body.contains("tasdiqlandi")
            && m.body.contains("90\u{a0}000,00")),
        "{messages:?}"
    );
    let details: shared::account::AccountDetails = app
        .call(
            "/api/account",
            &resident,
            &[
                ("id", &account.to_string()),
                ("readings", "1"),
                ("charges", "1"),
                ("payments", "1"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let row = details.readings.items.iter().find(|r| r.id == reading).unwrap();
    assert_eq!(row.status.code(), "confirmed");
    assert_eq!(row.charge, Some(charge));
    assert_eq!(details.last_confirmed.unwrap().id, reading);

    // The history keeps who decided and when.
    let case: shared::reading::ReadingCase = app
        .call("/api/reading_case", &inspector, &[("id", &reading.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = case.events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["submitted", "confirmed"]);
    assert_eq!(case.events[1].actor.as_deref(), Some(STAFF[0].name));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrections_and_rejections_carry_their_reason_to_the_resident() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let inspector = app.sign_in(STAFF[0].phone).await;
    let account = known_account(&app, 0).await;
    let mahalla = mahalla_of(&app, account).await;
    let last = last_confirmed(&app, account).await;

    let typed = value_text(last + 500_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", typed.as_str()),
        ("key", "key-0002-abcdef"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let reading = reading_id(response).await;

    // A correction needs a reason.
    let corrected = value_text(last + 50_000);
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &inspector,
            &[("action", "correct"), ("value", &corrected), ("reason", "")],
        )
        .await;
    assert!(location(&response).contains("error=reason_required"));
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &inspector,
            &[
                ("action", "correct"),
                ("value", &corrected),
                ("reason", "Rasmda 50 ta kam"),
            ],
        )
        .await;
    assert_eq!(location(&response), format!("/inspector?done={reading}"));
    let row: (String, i64, i64) =
        sqlx::query_as("SELECT status, value_milli, charge_tiyin FROM meter_readings WHERE id = $1")
            .bind(reading)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(row, ("corrected".to_string(), last + 50_000, 50 * 60_000));

    // The next one is rejected with a reason from the list; no charge.
    let typed = value_text(last + 60_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", typed.as_str()),
        ("key", "key-0003-abcdef"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let second = reading_id(response).await;
    let before = services::accounts::balance(&app.db, account).await.unwrap();
    let response = app
        .post_form(
            &format!("/inspector/readings/{second}"),
            &inspector,
            &[
                ("action", "reject"),
                ("reason_code", "photo_unreadable"),
                ("reason", "xira"),
            ],
        )
        .await;
    assert_eq!(location(&response), format!("/inspector?done={second}"));
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before
    );
    let messages = services::sms::recent(
        &app.db,
        Some(&shared::Phone::parse(RESIDENTS[0].phone).unwrap()),
        5,
    )
    .await
    .unwrap();
    assert!(
        messages
            .iter()
            .any(|m| m.body.contains("tuzatildi") && m.body.contains("Rasmda 50 ta kam"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.body.contains("rad etildi") && m.body.contains("oʻqilmaydi: xira"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plain_form_works_without_javascript() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(&app, 0).await;
    let mahalla = mahalla_of(&app, account).await;
    let value = value_text(last_confirmed(&app, account).await + 10_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", value.as_str()),
        ("key", "key-0004-abcdef"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), false).await;
    assert_eq!(
        location(&response),
        format!("/accounts/{account}?reading=sent#readings")
    );
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", "12a"),
        ("key", "key-0005-abcdef"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), false).await;
    assert_eq!(
        location(&response),
        format!("/accounts/{account}?reading_error=value_not_number#reading-error")
    );
    let kept = crate::helpers::kept(&app, &response, &resident, "reading").await;
    assert_eq!(kept.get("value").map(String::as_str), Some("12a"));
    assert_eq!(kept.get("mahalla"), Some(&mahalla));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_uploads_get_their_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(&app, 0).await;
    let mahalla = mahalla_of(&app, account).await;
    let last = last_confirmed(&app, account).await;
    let good = value_text(last + 1000);
    let readings = count(&app, "meter_readings").await;
    let files = count(&app, "stored_files").await;

    // (what, value, photo, status, error code)
    type Case = (&'static str, String, Option<Vec<u8>>, u16, &'static str);
    let cases: Vec<Case> = vec![
        (
            "a text file named .jpg",
            good.clone(),
            Some(b"not a photo at all".to_vec()),
            415,
            "photo_not_image",
        ),
        (
            "a 30,000 x 30,000 PNG",
            good.clone(),
            Some(services::storage::fixtures::bomb_png(30_000, 30_000)),
            422,
            "photo_too_many_pixels",
        ),
        (
            "a truncated JPEG",
            good.clone(),
            Some({
                let j = jpeg();
                j[..j.len() / 2].to_vec()
            }),
            422,
            "photo_damaged",
        ),
        ("no photo", good.clone(), None, 422, "photo_missing"),
        (
            "a reading below the last",
            value_text(last - 1000),
            Some(jpeg()),
            422,
            "value_below_last",
        ),
        (
            "letters in the value",
            "12ab".to_string(),
            Some(jpeg()),
            422,
            "value_not_number",
        ),
        (
            "too many decimals",
            format!("{}.55", last / 1000 + 1),
            Some(jpeg()),
            422,
            "value_too_precise",
        ),
    ];
    for (i, (what, value, photo, status, code)) in cases.into_iter().enumerate() {
        let key = format!("bad-upload-key-{i}");
        let fields = [
            ("mahalla", mahalla.as_str()),
            ("value", value.as_str()),
            ("key", key.as_str()),
        ];
        let response = send(&app, &resident, account, &fields, photo, true).await;
        assert_eq!(error_of(response).await, (status, code.to_string()), "{what}");
    }

    // A mahalla of another district, someone else's account, a missing key.
    let fields = [
        ("mahalla", "0000000"),
        ("value", good.as_str()),
        ("key", "bad-upload-key-m"),
    ];
    let (status, code) = error_of(send(&app, &resident, account, &fields, Some(jpeg()), true).await).await;
    assert_eq!((status, code.as_str()), (422, "mahalla"));
    let other = known_account(&app, 3).await;
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", good.as_str()),
        ("key", "bad-upload-key-o"),
    ];
    let (status, _) = error_of(send(&app, &resident, other, &fields, Some(jpeg()), true).await).await;
    assert_eq!(status, 404, "someone else's account");
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", good.as_str()),
        ("key", ""),
    ];
    let (_, code) = error_of(send(&app, &resident, account, &fields, Some(jpeg()), true).await).await;
    assert_eq!(code, "retry_key");

    // 50 MB is refused from its declared length, without reading it: the answer comes while
    // not one byte of the body has been sent. (Sending the body too races the server closing
    // the connection — a client may then see a broken pipe instead of the answer.)
    let answer = declared_only(&app, &resident, account, 50 * 1024 * 1024).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("photo_too_large"), "{answer}");

    // A body over the limit streamed without a declared length (chunked): the field cap stops the
    // read. The server either answers 413 or cuts the connection before 17 MB are in — never
    // reads it all, never stores it.
    let streamed = streamed_without_length(&app, &resident, account, 17 * 1024 * 1024).await;
    assert!(
        streamed.answer.starts_with("HTTP/1.1 413") && streamed.answer.contains("photo_too_large")
            || (streamed.answer.is_empty() && streamed.sent < 17 * 1024 * 1024),
        "answer {:?} after {} bytes",
        streamed.answer,
        streamed.sent
    );

    assert_eq!(count(&app, "meter_readings").await, readings, "no reading stored");
    assert_eq!(count(&app, "stored_files").await, files, "no file stored");
    // And the server keeps serving.
    assert_eq!(app.get("/healthz").await.status(), 200);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", good.as_str()),
        ("key", "good-upload-key"),
    ];
    assert_eq!(
        send(&app, &resident, account, &fields, Some(jpeg()), true)
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspector_cannot_see_or_decide_outside_their_scope() {
    let app = spawn_app().await;
    // Resident B's account is in 1703401, which the demo inspector does not cover.
    let resident = app.sign_in(RESIDENTS[1].phone).await;
    let account = known_account(&app, 3).await;
    let mahalla = mahalla_of(&app, account).await;
    let value = value_text(last_confirmed(&app, account).await + 20_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", value.as_str()),
        ("key", "scope-key-0001"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let reading = reading_id(response).await;

    let inspector = app.sign_in(STAFF[0].phone).await;
    assert!(
        !queue(&app, &inspector)
            .await
            .items
            .iter()
            .any(|r| r.id == reading)
    );
    assert_eq!(
        app.get_as(&format!("/readings/{reading}/photo"), &inspector)
            .await
            .status(),
        404
    );
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &inspector,
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(response.status(), 404);
    let status: String = sqlx::query_scalar("SELECT status FROM meter_readings WHERE id = $1")
        .bind(reading)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    // A resident is not an inspector at all.
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &resident,
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_decisions_charge_once() {
    let app = spawn_app().await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(&app, 0).await;
    let mahalla = mahalla_of(&app, account).await;
    let value = value_text(last_confirmed(&app, account).await + 100_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", value.as_str()),
        ("key", "race-key-00001"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let reading = reading_id(response).await;
    let inspector = app.sign_in(STAFF[0].phone).await;
    let admin = app.sign_in(STAFF[4].phone).await;
    let before = services::accounts::balance(&app.db, account).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let cookie = if i % 2 == 0 {
            inspector.clone()
        } else {
            admin.clone()
        };
        let client = app.client.clone();
        let url = app.url(&format!("/inspector/readings/{reading}"));
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .header("cookie", cookie)
                .form(&[("action", "confirm")])
                .send()
                .await
                .unwrap()
                .headers()["location"]
                .to_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut done = 0;
    for task in tasks {
        if task.await.unwrap().starts_with("/inspector?done=") {
            done += 1;
        }
    }
    assert_eq!(done, 1, "exactly one decision");
    let charges: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM ledger_entries WHERE reference = $1")
        .bind(format!("reading:{reading}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(charges, 1);
    assert_eq!(
        services::accounts::balance(&app.db, account).await.unwrap(),
        before - Tiyin::new(100 * 60_000)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_a_tiered_price_list_that_charges_from_its_day() {
    let app = spawn_app().await;
    let admin = app.sign_in(STAFF[4].phone).await;
    let (y, m, d, _, _) = shared::time::tashkent(app.services.clock.now_ms() + 86_400_000);
    let tomorrow = format!("{y:04}-{m:02}-{d:02}");
    let add = |from: String, tiers: &'static str| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let form = [
                ("tariff", "electricity-household"),
                ("from", from.as_str()),
                ("tiers", tiers),
            ];
            location(&app.post_form("/admin/tariffs", &admin, &form).await)
        }
    };
    assert!(
        add("2020-01-01".into(), "100 500; 900")
            .await
            .contains("error=past")
    );
    assert!(
        add(tomorrow.clone(), "100 500; 50 700; 900")
            .await
            .contains("error=tiers_order")
    );
    assert!(
        add(tomorrow.clone(), "yuz")
            .await
            .contains("error=tiers_malformed")
    );
    assert!(add("1 yanvar".into(), "900").await.contains("error=date"));
    assert_eq!(
        add(tomorrow.clone(), "100 500; 900").await,
        "/admin/tariffs?added=1"
    );
    assert!(add(tomorrow.clone(), "800").await.contains("error=exists"));

    // Today's readings keep today's prices; from tomorrow the new list applies.
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let account = known_account(&app, 0).await;
    let mahalla = mahalla_of(&app, account).await;
    app.services.clock.advance_ms(86_400_000);
    // A day later a member of staff signs in anew (their sessions end after 30 idle minutes).
    let inspector = app.sign_in(STAFF[0].phone).await;
    let value = value_text(last_confirmed(&app, account).await + 150_000);
    let fields = [
        ("mahalla", mahalla.as_str()),
        ("value", value.as_str()),
        ("key", "tariff-key-0001"),
    ];
    let response = send(&app, &resident, account, &fields, Some(jpeg()), true).await;
    let reading = reading_id(response).await;
    app.post_form(
        &format!("/inspector/readings/{reading}"),
        &inspector,
        &[("action", "confirm")],
    )
    .await;
    let charge: i64 = sqlx::query_scalar("SELECT charge_tiyin FROM meter_readings WHERE id = $1")
        .bind(reading)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(charge, 100 * 50_000 + 50 * 90_000);
    let admin = app.sign_in(STAFF[4].phone).await;
    let tariffs: Vec<shared::reading::TariffInfo> =
        app.call("/api/tariffs", &admin, &[]).await.json().await.unwrap();
    let electricity = tariffs
        .iter()
        .find(|t| t.code == "electricity-household")
        .unwrap();
    assert_eq!(
        electricity.price_lists.len(),
        3,
        "2026-01-01, 2026-10-01 and the new one"
    );
}
