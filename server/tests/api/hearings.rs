//! Reports heard and what follows, through HTTP: a head records the hearing of their body's
//! report and its decisions; each owner is told, reminded the day before and told (with the
//! head) when the day passes, and marks it done; the register of proposals to the Cabinet of
//! Ministers opens a line each quarter, reminds the ministry's heads a week before its last
//! day and records what was sent. Bad input is refused at its field; others' things are not
//! found.

use crate::helpers::{TestApp, location, spawn_app};
use services::clock::HOUR_MS;
use services::demo::{RESIDENTS, STAFF};
use shared::report::{Decision, DecisionStatus, HearingView, Proposal, Quarter};

const OWNER: &str = "+998901234500";

async fn hearing(app: &TestApp, cookie: &str, scope: &str, quarter: &str) -> reqwest::Response {
    app.call(
        "/api/report_hearing",
        cookie,
        &[("scope", scope), ("quarter", quarter)],
    )
    .await
}

/// The messages sent to a phone so far, oldest first.
async fn messages(app: &TestApp, phone: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY id")
        .bind(phone)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

/// Posts a form; the problem it was refused with (`error=…`), or where it led.
async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Result<String, String> {
    let response = app.post_form(path, cookie, form).await;
    assert_eq!(response.status(), 303, "{path}");
    let to = location(&response);
    match to.split_once("error=") {
        Some((_, rest)) => Err(rest.split(['&', '#']).next().unwrap().to_string()),
        None => Ok(to),
    }
}

fn day(ms: i64) -> String {
    shared::time::format_iso_date(ms)
}

#[tokio::test]
async fn a_head_records_a_hearing_whose_decisions_are_followed_up_like_appeals() {
    let app = spawn_app().await;
    let quarter = Quarter::of(app.services.clock.now_ms()).to_string();
    let head = app.sign_in(STAFF[2].phone).await;
    let officer = app.sign_in(STAFF[1].phone).await;

    let seen: HearingView = hearing(&app, &head, "body:1", &quarter)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((seen.hearing, seen.can_record), (None, true));
    let seen: HearingView = hearing(&app, &officer, "body:1", &quarter)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !seen.can_record,
        "an officer reads the report but does not record its hearing"
    );
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770033").await;
    assert_eq!(hearing(&app, &stranger, "body:1", &quarter).await.status(), 400);

    let now = app.services.clock.now_ms();
    let today = day(now);
    let record = |cookie: String, quarter: String, held: String, who: &'static str| {
        let app = &app;
        async move {
            post(
                app,
                &cookie,
                "/desk/reports/hearing",
                &[
                    ("scope", "body:1"),
                    ("quarter", &quarter),
                    ("held_day", &held),
                    ("participants", who),
                ],
            )
            .await
        }
    };
    let who = "B. Rahimov (rahbar), N. Yusupova, boʻlim boshliqlari";
    assert_eq!(
        record(officer.clone(), quarter.clone(), today.clone(), who).await,
        Err("scope".into())
    );
    assert_eq!(
        record(head.clone(), quarter.clone(), day(now + 2 * 86_400_000), who).await,
        Err("day".into())
    );
    assert_eq!(
        record(head.clone(), quarter.clone(), today.clone(), "  ").await,
        Err("participants".into())
    );
    let next = Quarter::of(Quarter::of(now).bounds().1).to_string();
    assert_eq!(
        record(head.clone(), next, today.clone(), who).await,
        Err("future".into())
    );
    let done = record(head.clone(), quarter.clone(), today.clone(), who)
        .await
        .unwrap();
    assert!(done.contains("done=hearing"), "{done}");
    assert_eq!(
        record(head.clone(), quarter.clone(), today.clone(), who).await,
        Err("recorded".into())
    );

    let seen: HearingView = hearing(&app, &head, "body:1", &quarter)
        .await
        .json()
        .await
        .unwrap();
    let h = seen.hearing.expect("recorded");
    assert_eq!(
        (h.held_day.as_str(), h.participants.as_str()),
        (today.as_str(), who)
    );

    // Decisions: refused at their fields, then one given to a person by phone.
    let decision = format!("/desk/reports/hearing/{}/decision", h.id);
    let due = day(now + 3 * 86_400_000);
    let decide = |cookie: String, phone: &'static str, due: String| {
        let (app, decision, quarter) = (&app, decision.clone(), quarter.clone());
        async move {
            post(
                app,
                &cookie,
                &decision,
                &[
                    ("scope", "body:1"),
                    ("quarter", &quarter),
                    (
                        "text",
                        "Navbatlarni qisqartirish uchun elektron navbat joriy etilsin",
                    ),
                    ("owner_name", "Aziz Karimov"),
                    ("owner_phone", phone),
                    ("due_day", &due),
                ],
            )
            .await
        }
    };
    assert_eq!(
        decide(head.clone(), "12345", due.clone()).await,
        Err("phone".into())
    );
    assert_eq!(
        decide(head.clone(), OWNER, day(now - 2 * 86_400_000)).await,
        Err("due".into())
    );
    assert_eq!(
        decide(officer.clone(), OWNER, due.clone()).await,
        Err("not_found".into())
    );
    assert!(
        decide(head.clone(), OWNER, due.clone())
            .await
            .unwrap()
            .contains("done=decision")
    );
    let told = messages(&app, OWNER).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(
        told[0].contains("elektron navbat") && told[0].contains(&due),
        "{}",
        told[0]
    );

    // The owner sees it on their list and may close it; another resident may not.
    let owner = app.sign_in(OWNER).await;
    let mine: Vec<Decision> = app
        .call("/api/my_decisions", &owner, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    let d = &mine[0];
    assert_eq!(
        (d.status, d.can_close, d.due_day.as_str()),
        (DecisionStatus::Open, true, due.as_str())
    );
    let other = app.sign_in(RESIDENTS[1].phone).await;
    let theirs: Vec<Decision> = app
        .call("/api/my_decisions", &other, &[])
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.is_empty());
    let close = format!("/decisions/{}/done", d.id);
    let refused = app.post_form(&close, &other, &[("note", "Bajarildi")]).await;
    assert_eq!(refused.status(), 404);

    // Reminded once the day before; told, with the head, once the day has passed.
    let due_at = shared::calendar::end_of(shared::calendar::parse_day(&due).unwrap());
    let now = app.services.clock.now_ms();
    app.services.clock.advance_ms(due_at - now - 12 * HOUR_MS);
    assert_eq!(
        services::reports::hearings::remind_decisions(&app.services, 100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        services::reports::hearings::remind_decisions(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    let told = messages(&app, OWNER).await;
    assert!(told.last().unwrap().contains("eslatma"), "{told:?}");
    app.services.clock.advance_ms(24 * HOUR_MS);
    assert_eq!(
        services::reports::hearings::remind_decisions(&app.services, 100)
            .await
            .unwrap(),
        1
    );
    assert!(messages(&app, OWNER).await.last().unwrap().contains("oʻtdi"));
    assert!(
        messages(&app, STAFF[2].phone)
            .await
            .last()
            .unwrap()
            .contains("oʻtdi")
    );
    let owner = app.sign_in(OWNER).await;
    let mine: Vec<Decision> = app
        .call("/api/my_decisions", &owner, &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine[0].status, DecisionStatus::Overdue);

    // Closed by its owner, saying what was done: late now.
    assert_eq!(
        post(&app, &owner, &close, &[("note", " "), ("back", "/decisions")]).await,
        Err("note".into())
    );
    let to = post(
        &app,
        &owner,
        &close,
        &[("note", "Elektron navbat ishga tushdi"), ("back", "/decisions")],
    )
    .await
    .unwrap();
    assert!(to.starts_with("/decisions?done=closed"), "{to}");
    assert_eq!(
        post(
            &app,
            &owner,
            &close,
            &[("note", "Yana"), ("back", "//evil.example")]
        )
        .await,
        Err("closed".into())
    );
    let head = app.sign_in(STAFF[2].phone).await;
    let seen: HearingView = hearing(&app, &head, "body:1", &quarter)
        .await
        .json()
        .await
        .unwrap();
    let d = &seen.hearing.unwrap().decisions[0];
    assert_eq!(d.status, DecisionStatus::DoneLate);
    assert_eq!(d.done_note.as_deref(), Some("Elektron navbat ishga tushdi"));
    assert!(!d.can_close);
}

#[tokio::test]
async fn the_register_of_proposals_opens_each_quarter_reminds_and_records_what_was_sent() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let register = |cookie: String| {
        let app = &app;
        async move {
            let response = app.call("/api/cabinet_proposals", &cookie, &[]).await;
            assert_eq!(response.status(), 200);
            response.json::<Vec<Proposal>>().await.unwrap()
        }
    };
    let now = app.services.clock.now_ms();
    let quarter = Quarter::of(now);
    let (_, next) = quarter.bounds();
    let lines = register(head.clone()).await;
    // The demo head heads the health ministry (body 1): its line only, due on the quarter's
    // last day.
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line = &lines[0];
    assert_eq!((line.body, line.quarter), (1, quarter));
    assert_eq!(line.due_day, day(next - 1));
    assert_eq!((line.status, line.can_submit), (DecisionStatus::Open, true));
    let officer = app.sign_in(STAFF[1].phone).await;
    assert!(register(officer.clone()).await.is_empty());
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770033").await;
    let theirs = register(stranger.clone()).await;
    assert!(
        theirs.iter().all(|p| p.body == 7) && theirs.len() == 1,
        "{theirs:?}"
    );
    let path = format!("/desk/proposals/{}", line.id);
    assert_eq!(
        app.post_form(&path, &stranger, &[("text", "Takliflar")])
            .await
            .status(),
        404
    );

    // A week before the last day the ministry's heads are reminded, once.
    let sent_before = messages(&app, STAFF[2].phone).await.len();
    let due_at = next - 1;
    app.services.clock.advance_ms(due_at - now - 3 * 24 * HOUR_MS);
    assert!(
        services::reports::hearings::remind_proposals(&app.services)
            .await
            .unwrap()
            >= 1
    );
    assert_eq!(
        services::reports::hearings::remind_proposals(&app.services)
            .await
            .unwrap(),
        0
    );
    let told = messages(&app, STAFF[2].phone).await;
    assert_eq!(told.len(), sent_before + 1, "{told:?}");
    assert!(told.last().unwrap().contains("Vazirlar Mahkamasiga"), "{told:?}");

    // Sent: refused without a text, then recorded once.
    let head = app.sign_in(STAFF[2].phone).await;
    assert_eq!(
        post(&app, &head, &path, &[("text", "")]).await,
        Err("text".into())
    );
    let to = post(
        &app,
        &head,
        &path,
        &[("text", "Birlamchi tibbiyotda navbatlarni qisqartirish")],
    )
    .await
    .unwrap();
    assert!(to.contains("done="), "{to}");
    assert_eq!(
        post(&app, &head, &path, &[("text", "Yana")]).await,
        Err("closed".into())
    );
    let lines = register(head.clone()).await;
    assert_eq!(lines[0].status, DecisionStatus::Done);
    assert!(!lines[0].can_submit && lines[0].submitted_at.is_some());
}
