//! At the reception, through HTTP: staff register each visitor's issue, resolved on the spot
//! or filed as an appeal the visitor confirms (their SMS code, or paper); an entry sent twice
//! is stored once; the protocol is a PDF; the reception is marked held and the People's
//! Reception sees it. Field receptions are announced to the residents who asked. Every
//! refusal says why and stores nothing.

use crate::helpers::{TestApp, kept, location, spawn_app};
use crate::receptions::{book, count, publish, reception_form, texts_to, view};
use services::demo::{RESIDENTS, STAFF};
use shared::reception::{DeskReception, ReceptionProblem, Signature, VisitOutcome};

/// Moves the clock to `minutes` after the reception's first slot starts.
async fn begin(app: &TestApp, id: i64, minutes: i64) {
    let starts_at = view(app, "", id).await.summary.starts_at;
    let now = app.services.clock.now_ms();
    app.services.clock.advance_ms(starts_at - now + minutes * 60_000);
}

/// A register entry as the form sends it: a walk-in's resolved issue unless `changes` say
/// otherwise.
fn entry(key: &str, changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> = vec![
        ("key", key.to_string()),
        ("slot", String::new()),
        ("name", "Qodirova Zulfiya".into()),
        ("address", "Chilonzor 9-kvartal, 14-uy, 22-xonadon".into()),
        ("phone", String::new()),
        ("topic", String::new()),
        (
            "summary",
            "Poliklinikada kardiolog qabuli uch oydan beri yoʻq".into(),
        ),
        ("outcome", "resolved".into()),
        (
            "resolution",
            "Bosh shifokorga tushuntirildi, navbat 5-dekabrga berildi".into(),
        ),
    ];
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        form.push((name, value.to_string()));
    }
    form
}

/// Posts an entry as a plain form: the redirect's query (`saved=1`, `code_sent=1`,
/// `filed=…`) and the visit, or the problem.
async fn record(
    app: &TestApp,
    cookie: &str,
    id: i64,
    form: &[(&'static str, String)],
) -> Result<(String, i64), ReceptionProblem> {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app
        .post_form(&format!("/desk/receptions/{id}/visits"), cookie, &pairs)
        .await;
    assert_eq!(response.status(), 303, "{}", location(&response));
    let to = location(&response);
    let query = to
        .strip_prefix(&format!("/desk/receptions/{id}?"))
        .unwrap_or_else(|| panic!("answered {to}"));
    if let Some(rest) = query.strip_prefix("register_error=") {
        let code = rest.split(['&', '#']).next().unwrap_or_default();
        return Err(ReceptionProblem::parse(code).expect("a known problem"));
    }
    let (said, anchor) = query.split_once("#visit-").expect("the visit's anchor");
    Ok((said.to_string(), anchor.parse().unwrap()))
}

/// Confirms a visit's appeal: the appeal's number, or the problem.
async fn confirm(
    app: &TestApp,
    cookie: &str,
    id: i64,
    visit: i64,
    fields: &[(&str, &str)],
) -> Result<String, ReceptionProblem> {
    let response = app
        .post_form(
            &format!("/desk/receptions/{id}/visits/{visit}/confirm"),
            cookie,
            fields,
        )
        .await;
    assert_eq!(response.status(), 303);
    let to = location(&response);
    let query = to
        .strip_prefix(&format!("/desk/receptions/{id}?"))
        .unwrap_or_else(|| panic!("answered {to}"));
    if let Some(number) = query.strip_prefix("filed=") {
        return Ok(number.split('#').next().unwrap().to_string());
    }
    let code = query
        .split('&')
        .find_map(|p| p.strip_prefix("visit_error="))
        .and_then(|rest| rest.split('#').next())
        .unwrap_or_else(|| panic!("answered {to}"));
    Err(ReceptionProblem::parse(code).expect("a known problem"))
}

async fn register(app: &TestApp, cookie: &str, id: i64) -> DeskReception {
    let response = app
        .call("/api/desk_reception", cookie, &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// The six digits of the newest code SMS to `phone`.
async fn code_sent_to(app: &TestApp, phone: &str) -> String {
    let text = texts_to(app, phone).await.into_iter().next().expect("an SMS");
    text.split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_string()
}

const VISITOR_A: &str = "+998931112233";
const VISITOR_B: &str = "+998934445566";

#[tokio::test]
async fn staff_register_visitors_and_each_appeal_is_filed_once_when_its_visitor_confirms() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 2, &[])).await.unwrap();
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    book(&app, &resident, id, "0", "Poliklinikada navbat")
        .await
        .unwrap();

    // Not yet: the register opens an hour before the first slot.
    assert_eq!(
        record(&app, &head, id, &entry("key-early-0001", &[])).await,
        Err(ReceptionProblem::NotBegun)
    );
    assert!(!register(&app, &head, id).await.registering);
    begin(&app, id, 5).await;
    let head = app.sign_in(STAFF[2].phone).await;
    assert!(register(&app, &head, id).await.registering);

    // The booked resident: their booking's name, resolved on the spot. Sent twice (a retry),
    // stored once.
    let booked = entry("key-booked-0001", &[("slot", "0"), ("name", "")]);
    let (said, first) = record(&app, &head, id, &booked).await.unwrap();
    assert_eq!(said, "saved=1");
    assert_eq!(record(&app, &head, id, &booked).await.unwrap().1, first);
    assert_eq!(count(&app, "reception_visits").await, 1);

    // Two walk-ins whose issues become appeals: each is sent a code.
    let appeal = |key: &'static str, phone: &'static str| {
        entry(
            key,
            &[
                ("outcome", "appeal"),
                ("phone", phone),
                ("topic", "healthcare"),
                ("resolution", ""),
            ],
        )
    };
    let (said, a) = record(&app, &head, id, &appeal("key-visitor-a01", "93 111 22 33"))
        .await
        .unwrap();
    assert_eq!(said, "code_sent=1");
    let code_a = code_sent_to(&app, VISITOR_A).await;
    let (_, b) = record(&app, &head, id, &appeal("key-visitor-b01", VISITOR_B))
        .await
        .unwrap();
    let code_b = code_sent_to(&app, VISITOR_B).await;
    let appeals_before = count(&app, "appeals").await;

    // B's code does not confirm A's appeal, nor does a malformed one; nothing is filed.
    if code_b != code_a {
        assert_eq!(
            confirm(&app, &head, id, a, &[("code", &code_b)]).await,
            Err(ReceptionProblem::Code)
        );
    }
    assert_eq!(
        confirm(&app, &head, id, a, &[("code", "12ab")]).await,
        Err(ReceptionProblem::Code)
    );
    assert_eq!(count(&app, "appeals").await, appeals_before);

    // A's own code files A's appeal, as A's, with the reception's channel and body.
    let number = confirm(&app, &head, id, a, &[("code", &code_a)]).await.unwrap();
    assert!(number.starts_with("M-"), "{number}");
    let row: (String, String, i64, i64, String) = sqlx::query_as(
        "SELECT a.channel, u.phone, a.body_id, a.first_body_id, a.applicant_name FROM appeals a \
         JOIN users u ON u.id = a.user_id WHERE a.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        row,
        (
            "personal_reception".into(),
            VISITOR_A.into(),
            1,
            1,
            "Qodirova Zulfiya".into()
        )
    );
    assert_eq!(
        confirm(&app, &head, id, a, &[("code", &code_a)]).await,
        Err(ReceptionProblem::AlreadySigned)
    );
    // The visitor signs in with their phone and finds it among their appeals.
    let visitor = app.sign_in(VISITOR_A).await;
    let (_, mine) = app.get_text_as("/appeals", &visitor).await;
    assert!(mine.contains(&number), "the visitor's own appeals list it");

    // B signs on paper instead; an entry signed on paper at once is filed at once.
    let paper = confirm(&app, &head, id, b, &[("paper", "yes")]).await.unwrap();
    let on_paper = entry(
        "key-paper-0001",
        &[
            ("outcome", "appeal"),
            ("phone", "+998 90 765 43 21"),
            ("topic", "medicines"),
            ("paper", "yes"),
        ],
    );
    let (said, _) = record(&app, &head, id, &on_paper).await.unwrap();
    assert!(said.starts_with("filed=M-"), "{said}");
    assert_eq!(count(&app, "appeals").await, appeals_before + 3);

    // The register as its page and protocol read it.
    let r = register(&app, &head, id).await;
    type Seen<'a> = (Option<i64>, &'a str, VisitOutcome, Option<Signature>, bool);
    let seen: Vec<Seen> = r
        .visits
        .iter()
        .map(|v| (v.slot, v.name.as_str(), v.outcome, v.signed, v.appeal.is_some()))
        .collect();
    assert_eq!(
        seen,
        [
            (Some(0), "Karimova Dilnoza", VisitOutcome::Resolved, None, false),
            (
                None,
                "Qodirova Zulfiya",
                VisitOutcome::Appeal,
                Some(Signature::Sms),
                true
            ),
            (
                None,
                "Qodirova Zulfiya",
                VisitOutcome::Appeal,
                Some(Signature::Paper),
                true
            ),
            (
                None,
                "Qodirova Zulfiya",
                VisitOutcome::Appeal,
                Some(Signature::Paper),
                true
            ),
        ]
    );
    assert_eq!(r.visits[2].appeal.as_deref(), Some(paper.as_str()));
    assert!(
        r.visits
            .iter()
            .all(|v| v.phone.as_deref().is_none_or(|p| p.contains('*')))
    );

    // The protocol as a PDF, to the body's staff and the region's People's Reception only.
    let pdf = app
        .get_as(&format!("/desk/receptions/{id}/protocol.pdf"), &head)
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-1.7"));
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let response = app
        .get_as(&format!("/desk/receptions/{id}/protocol.pdf"), &coordinator)
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .get_as(&format!("/desk/receptions/{id}/protocol.pdf"), &resident)
        .await;
    assert_eq!(response.status(), 403);
    let (status, page) = app
        .get_text_as(&format!("/desk/receptions/{id}/protocol"), &head)
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Qabul bayonnomasi") && page.contains("Karimova Dilnoza") && page.contains(&number)
    );

    // Marked held: the People's Reception sees it held, with its issues.
    let response = app
        .post_form(&format!("/desk/receptions/{id}/held"), &head, &[])
        .await;
    assert_eq!(location(&response), format!("/desk/receptions/{id}?held=1#held"));
    let response = app.call("/api/desk_receptions", &coordinator, &[]).await;
    let seen: shared::reception::DeskReceptions = response.json().await.unwrap();
    let listed = seen
        .upcoming
        .iter()
        .chain(&seen.past)
        .find(|s| s.id == id)
        .expect("the region's reception");
    assert!(listed.held_at.is_some());
    assert_eq!(listed.visits, 4);
    // The coordinator reads but does not write the register.
    let response = app
        .post_form(
            &format!("/desk/receptions/{id}/visits"),
            &coordinator,
            &[("key", "key-coord-0001")],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn refused_entries_say_why_keep_what_was_typed_and_store_nothing() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 2, &[])).await.unwrap();
    begin(&app, id, 0).await;
    let head = app.sign_in(STAFF[2].phone).await;

    let cases: [(&[(&'static str, &str)], ReceptionProblem); 9] = [
        (&[("key", "short")], ReceptionProblem::EntryKey),
        (&[("address", "  ")], ReceptionProblem::Address),
        (&[("name", "")], ReceptionProblem::Name),
        (&[("summary", "")], ReceptionProblem::Summary),
        (&[("outcome", "maybe")], ReceptionProblem::Outcome),
        (&[("resolution", "")], ReceptionProblem::Resolution),
        (&[("slot", "0")], ReceptionProblem::Booking),
        (
            &[("outcome", "appeal"), ("topic", "healthcare")],
            ReceptionProblem::Phone,
        ),
        (
            &[("outcome", "appeal"), ("phone", VISITOR_A)],
            ReceptionProblem::Topic,
        ),
    ];
    for (n, (changes, problem)) in cases.iter().enumerate() {
        let key = format!("key-refused-{n:04}");
        let mut form = entry(&key, changes);
        if !changes.iter().any(|(k, _)| *k == "key") {
            form.retain(|(k, _)| *k != "key");
            form.push(("key", key.clone()));
        }
        assert_eq!(record(&app, &head, id, &form).await, Err(*problem), "{changes:?}");
    }
    assert_eq!(count(&app, "reception_visits").await, 0);
    assert!(
        texts_to(&app, VISITOR_A).await.is_empty(),
        "no code for a refused entry"
    );

    // A refused plain form keeps what was typed (its key too, so a resend stores it once).
    let form = entry("key-kept-00001", &[("address", "")]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app
        .post_form(&format!("/desk/receptions/{id}/visits"), &head, &pairs)
        .await;
    let typed = kept(&app, &refused, &head, "reception_visit").await;
    assert_eq!(typed["key"], "key-kept-00001");
    assert!(typed["summary"].contains("kardiolog"));

    // The offline register asks for JSON: a refusal's reason in the reader's language, an
    // entry's id when stored (the same one when it arrives again).
    let client = reqwest::Client::new();
    let json = |form: Vec<(&'static str, String)>| {
        client
            .post(app.url(&format!("/desk/receptions/{id}/visits")))
            .header("cookie", &head)
            .header("accept", "application/json")
            .header("origin", app.url(""))
            .form(&form)
            .send()
    };
    let refused = json(entry("key-json-000001", &[("summary", "")])).await.unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "summary");
    assert!(body["message"].as_str().unwrap().contains("Masala mazmunini"));
    let stored: serde_json::Value = json(entry("key-json-000002", &[]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let again: serde_json::Value = json(entry("key-json-000002", &[]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stored["visit"], again["visit"]);
    assert_eq!(count(&app, "reception_visits").await, 1);

    // Staff of another body do not find the reception.
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770011").await;
    let form = entry("key-stranger-01", &[]);
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app
        .post_form(&format!("/desk/receptions/{id}/visits"), &stranger, &pairs)
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .post_form(&format!("/desk/receptions/{id}/held"), &stranger, &[])
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(count(&app, "reception_visits").await, 1);
}

#[tokio::test]
async fn a_code_runs_out_of_tries_and_the_visitor_signs_on_paper() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 2, &[])).await.unwrap();
    begin(&app, id, 0).await;
    let head = app.sign_in(STAFF[2].phone).await;
    let form = entry(
        "key-tries-00001",
        &[
            ("outcome", "appeal"),
            ("phone", VISITOR_A),
            ("topic", "healthcare"),
        ],
    );
    let (_, visit) = record(&app, &head, id, &form).await.unwrap();
    let right = code_sent_to(&app, VISITOR_A).await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(
            confirm(&app, &head, id, visit, &[("code", wrong)]).await,
            Err(ReceptionProblem::Code)
        );
    }
    // Out of tries: even the right code is refused now.
    assert_eq!(
        confirm(&app, &head, id, visit, &[("code", &right)]).await,
        Err(ReceptionProblem::TooManyTries)
    );
    assert!(confirm(&app, &head, id, visit, &[("paper", "yes")]).await.is_ok());
}

#[tokio::test]
async fn field_receptions_are_announced_to_the_residents_of_the_mahalla_who_asked() {
    let app = spawn_app().await;
    let mahallas: Vec<String> = sqlx::query_scalar(
        "SELECT code FROM mahallas WHERE district_soato = '1726266' ORDER BY code LIMIT 2",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    // The publishing form's fields are static strings: this one lives as long as the test.
    let here: &'static str = Box::leak(mahallas[0].clone().into_boxed_str());
    let next_door = mahallas[1].clone();

    // A asks for this mahalla, B for the one next door; a code that is no mahalla is refused.
    let a = app.sign_in(RESIDENTS[0].phone).await;
    let b = app.sign_in(RESIDENTS[1].phone).await;
    let set = |cookie: String, district: &'static str, mahalla: String| {
        let app = &app;
        async move {
            let response = app
                .post_form(
                    "/profile/field-notices",
                    &cookie,
                    &[("district", district), ("mahalla", &mahalla)],
                )
                .await;
            location(&response)
        }
    };
    assert_eq!(
        set(a.clone(), "1726266", "nowhere".into()).await,
        "/profile?error=field_notices#field-notices"
    );
    // Without JavaScript the district comes first, and the page offers its mahallas.
    assert_eq!(
        set(a.clone(), "1726266", String::new()).await,
        "/profile?notices_district=1726266#field-notices"
    );
    assert_eq!(
        set(a.clone(), "1726266", here.to_string()).await,
        "/profile?done=field_notices#field-notices"
    );
    set(b.clone(), "1726266", next_door).await;
    let response = app.call("/api/field_notices", &a, &[]).await;
    let chosen: Option<shared::reception::NoticesFor> = response.json().await.unwrap();
    assert_eq!(chosen.map(|c| c.mahalla), Some(here.to_string()));

    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(
        &app,
        &head,
        &reception_form(&app, 4, &[("kind", "field"), ("mahalla", here)]),
    )
    .await
    .unwrap();
    let told = texts_to(&app, RESIDENTS[0].phone).await;
    assert!(
        told[0].contains("sayyor qabul") && told[0].contains(&format!("/receptions/{id}")),
        "{told:?}"
    );
    assert!(
        !texts_to(&app, RESIDENTS[1].phone)
            .await
            .iter()
            .any(|t| t.contains("sayyor qabul")),
        "the next mahalla's resident is not told"
    );

    // A stops the notices: the next field reception is not announced to them.
    let response = app
        .post_form("/profile/field-notices", &a, &[("mahalla", "")])
        .await;
    assert_eq!(location(&response), "/profile?done=field_notices#field-notices");
    publish(
        &app,
        &head,
        &reception_form(&app, 5, &[("kind", "field"), ("mahalla", here)]),
    )
    .await
    .unwrap();
    let announced = texts_to(&app, RESIDENTS[0].phone)
        .await
        .iter()
        .filter(|t| t.contains("sayyor qabul"))
        .count();
    assert_eq!(announced, 1);
}
