//! Appeals: filing with registration and a term on the working-day calendar, triage by the
//! body's officer, and the control-time regime driven by a controllable clock.

use crate::helpers::{TestApp, spawn_app};
use services::appeals::NewAppeal;
use services::demo::{RESIDENTS, STAFF};
use shared::appeal::Category;

async fn user_id(app: &TestApp, phone: &str) -> i64 {
    app.sign_in(phone).await;
    let phone = shared::Phone::parse(phone).unwrap();
    sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(phone.e164())
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn principal(app: &TestApp, phone: &str) -> shared::auth::Principal {
    let cookie = app.sign_in(phone).await;
    signed_in(app, &cookie).await
}

/// Who a session cookie belongs to.
async fn signed_in(app: &TestApp, cookie: &str) -> shared::auth::Principal {
    let token = cookie.split('=').nth(1).unwrap().to_string();
    services::identity::auth::principal(&app.services, &token)
        .await
        .unwrap()
        .unwrap()
}

fn appeal(user_id: i64, body_id: i64) -> NewAppeal<'static> {
    NewAppeal {
        user_id,
        body_id,
        topic: "healthcare",
        kind: "complaint",
        subject: "Poliklinikada navbat",
        text: "Oilaviy poliklinikada shifokor qabuliga uch haftadan beri yozila olmayapman.",
        region: "1726",
        district: "1726266",
        mahalla: None,
        applicant: "Karimova Dilnoza Akmalovna",
        address: "Amir Temur koʻchasi 1, 5-xonadon",
        cosigners: &[],
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
        channel: shared::appeal::Channel::Web,
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db.pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_is_registered_at_once_with_a_number_and_its_term() {
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let registered = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    let year = shared::time::tashkent(app.services.clock.now_ms()).0;
    assert_eq!(registered.number, format!("M-{year}-{:06}", registered.id));
    // Ordinary until triaged: 15 calendar days from registration, on to a working day.
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let day = calendar.registration_day(app.services.clock.now_ms());
    let due = shared::calendar::Term::CalendarDays(15).due(&calendar, day);
    assert_eq!(
        registered.due_day,
        shared::time::format_iso_date(shared::calendar::start_of(due))
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM appeal_events WHERE kind = 'registered'"
        )
        .await,
        1
    );

    // The same subject to the same body again is marked as a repeat.
    let again = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    let repeat_of: Option<i64> = sqlx::query_scalar("SELECT repeat_of FROM appeals WHERE id = $1")
        .bind(again.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(repeat_of, Some(registered.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_appeals_are_refused_and_nothing_is_stored() {
    use crate::helpers::file_through_form;
    use shared::appeal::Problem;
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let good = [
        ("body", "4"),
        ("topic", "healthcare"),
        ("kind", "complaint"),
        ("subject", "Poliklinikada navbat"),
        (
            "text",
            "Oilaviy poliklinikada shifokor qabuliga uch haftadan beri yozila olmayapman.",
        ),
        ("district", "1726266"),
        ("applicant", "Karimova Dilnoza Akmalovna"),
        ("address", "Amir Temur koʻchasi 1, 5-xonadon"),
    ];
    let long = "x".repeat(100_000);
    let cases: [(&str, &str, Problem); 9] = [
        ("text", "  ", Problem::TextEmpty),
        ("text", &long, Problem::TextTooLong),
        ("subject", "", Problem::SubjectEmpty),
        ("body", "999999", Problem::Body),
        ("topic", "astrology", Problem::Topic),
        ("kind", "petition", Problem::Kind),
        ("district", "1726999", Problem::Place),
        ("mahalla", "0000000", Problem::Place),
        ("address", "  ", Problem::AddressEmpty),
    ];
    for (field, value, problem) in cases {
        let mut fields: Vec<(&str, &str)> = good.iter().copied().filter(|(k, _)| *k != field).collect();
        fields.push((field, value));
        assert_eq!(
            file_through_form(&app, &cookie, &fields).await,
            Err(problem),
            "{field}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeals").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeal_events").await, 0);
    // The same form, whole, files.
    assert!(file_through_form(&app, &cookie, &good).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_triages_and_the_term_follows_the_category() {
    use crate::helpers::{DeskAnswer, desk_action};
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let registered = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    // The demo officer handles the Ministry of Health and every body under it.
    let officer = app.sign_in(STAFF[1].phone).await;
    let triage = [("action", "triage"), ("category", "urgent")];
    assert_eq!(
        desk_action(&app, &officer, registered.id, &triage).await,
        DeskAnswer::Done
    );
    let due: String = sqlx::query_scalar("SELECT due_day FROM appeals WHERE id = $1")
        .bind(registered.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let day = calendar.registration_day(app.services.clock.now_ms());
    let expected = calendar.add_working_days(day, 3);
    assert_eq!(
        due,
        shared::time::format_iso_date(shared::calendar::start_of(expected))
    );

    // A resident cannot reach the desk at all (an officer of another body finds no such
    // appeal: the desk test).
    let stranger = app.sign_in(RESIDENTS[1].phone).await;
    let ordinary = [("action", "triage"), ("category", "ordinary")];
    let response = app
        .post_multipart(
            &format!("/desk/appeals/{}", registered.id),
            &stranger,
            &ordinary,
            &[],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_overdue_appeal_passes_to_the_parent_body_once_per_term() {
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let officer = principal(&app, STAFF[1].phone).await;
    let registered = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    services::appeals::triage(&app.services, &officer, registered.id, Category::Urgent)
        .await
        .unwrap();
    // A top body's appeal has nowhere to go and stays where it is.
    let top = services::appeals::file(&app.services, &appeal(resident, 1))
        .await
        .unwrap();

    assert_eq!(
        services::appeals::escalate_overdue(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    app.services.clock.advance_ms(10 * 86_400_000);
    // Three instances run the job at the same moment: the appeal moves once.
    let (a, b, c) = tokio::join!(
        services::appeals::escalate_overdue(&app.services, 100),
        services::appeals::escalate_overdue(&app.services, 100),
        services::appeals::escalate_overdue(&app.services, 100),
    );
    assert_eq!(a.unwrap() + b.unwrap() + c.unwrap(), 1);
    let (body, escalations): (i64, i64) =
        sqlx::query_as("SELECT body_id, escalations FROM appeals WHERE id = $1")
            .bind(registered.id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        (body, escalations),
        (3, 1),
        "to the district's medical association"
    );
    let top_body: i64 = sqlx::query_scalar("SELECT body_id FROM appeals WHERE id = $1")
        .bind(top.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(top_body, 1);
    // The new term has not ended: nothing more moves now.
    assert_eq!(
        services::appeals::escalate_overdue(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    let events = count(
        &app,
        "SELECT COUNT(*) FROM appeal_events WHERE kind = 'escalated'",
    )
    .await;
    assert_eq!(events, 1);
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
            .any(|m| m.purpose == "appeal" && m.body.contains(&registered.number))
    );
    // The demo officer's grant names body 1, not 3: the message goes to officers of body 3 only.
    let to_officer = services::sms::recent(&app.db, Some(&shared::Phone::parse(STAFF[1].phone).unwrap()), 5)
        .await
        .unwrap();
    assert!(!to_officer.iter().any(|m| m.purpose == "appeal"));

    // After the new term too, it moves on again, to the city's department.
    app.services.clock.advance_ms(10 * 86_400_000);
    assert_eq!(
        services::appeals::escalate_overdue(&app.services, 100)
            .await
            .unwrap(),
        1
    );
    let body: i64 = sqlx::query_scalar("SELECT body_id FROM appeals WHERE id = $1")
        .bind(registered.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(body, 2);

    // Reports count it against where it went first and where it has been: the desk shows the
    // channel and each body with the day it arrived, and the first body is kept.
    let first: i64 = sqlx::query_scalar("SELECT first_body_id FROM appeals WHERE id = $1")
        .bind(registered.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(first, 4);
    let admin = app.sign_in(STAFF[4].phone).await;
    let response = app
        .call("/api/desk_case", &admin, &[("id", &registered.id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let case: shared::appeal::DeskCase = response.json().await.unwrap();
    assert_eq!(case.channel, shared::appeal::Channel::Web);
    let bodies = services::appeals::bodies_tree(&app.services).await.unwrap();
    let name = |id: i64| bodies.iter().find(|b| b.id == id).unwrap().name.clone();
    let passage: Vec<_> = case.passage.iter().map(|s| s.body.clone()).collect();
    assert_eq!(passage, [name(4), name(3), name(2)]);
    assert!(case.passage.windows(2).all(|w| w[0].since < w[1].since));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seeded_calendar_knows_2026_and_2027() {
    let app = spawn_app().await;
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let day = |d: &str| shared::calendar::parse_day(d).unwrap();
    // Navro'z 2026 is a Saturday: it moves to Monday 23 March; 2027's to Monday 22 March.
    for off in [
        "2026-01-01",
        "2026-03-21",
        "2026-03-23",
        "2026-09-01",
        "2027-03-22",
        "2027-12-08",
    ] {
        assert!(!calendar.is_working(day(off)), "{off}");
    }
    for working in ["2026-03-24", "2026-11-23", "2027-03-23"] {
        assert!(calendar.is_working(day(working)), "{working}");
    }
    let days = count(&app, "SELECT COUNT(*) FROM calendar_days").await;
    assert_eq!(days, 23);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officers_desk_orders_by_time_left_and_every_action_is_on_the_timeline() {
    use crate::helpers::{DeskAnswer, desk_action, desk_list};
    use shared::appeal::{Detail, Problem, Resolution};
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let officer_cookie = app.sign_in(STAFF[1].phone).await;
    let officer = signed_in(&app, &officer_cookie).await;
    // Filing is set-up here; what is under test is the desk, through its page's calls and form.
    let ordinary = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    let urgent = services::appeals::file(
        &app.services,
        &NewAppeal {
            subject: "Tez yordam kelmadi",
            ..appeal(resident, 3)
        },
    )
    .await
    .unwrap();
    assert_eq!(
        desk_action(
            &app,
            &officer_cookie,
            urgent.id,
            &[("action", "triage"), ("category", "urgent")]
        )
        .await,
        DeskAnswer::Done
    );
    let energy = services::appeals::file(
        &app.services,
        &NewAppeal {
            topic: "electricity",
            subject: "Elektr uzilishi",
            ..appeal(resident, 9)
        },
    )
    .await
    .unwrap();

    // The Ministry of Health's officer sees its subtree, the urgent one first; not energy's.
    let desk = desk_list(&app, &officer_cookie, &[]).await.items;
    let ids: Vec<i64> = desk.iter().map(|d| d.id).collect();
    assert_eq!(ids, [urgent.id, ordinary.id]);
    // Keyset pages: the one after the first line is the second.
    let (after_at, after_id) = (desk[0].due_at.to_string(), desk[0].id.to_string());
    let after = desk_list(
        &app,
        &officer_cookie,
        &[("after_at", &after_at), ("after_id", &after_id)],
    )
    .await;
    assert_eq!(
        after.items.iter().map(|d| d.id).collect::<Vec<_>>(),
        [ordinary.id]
    );
    assert!(!desk[1].repeat && !desk[0].overdue);
    let only_urgent = desk_list(&app, &officer_cookie, &[("category", "urgent")]).await;
    assert_eq!(only_urgent.items.len(), 1);
    assert_eq!(
        desk_action(
            &app,
            &officer_cookie,
            energy.id,
            &[("action", "extend"), ("text", "x")]
        )
        .await,
        DeskAnswer::NotFound
    );

    let act = |fields: &'static [(&'static str, &'static str)]| {
        let (app, cookie) = (&app, officer_cookie.clone());
        async move { desk_action(app, &cookie, ordinary.id, fields).await }
    };
    let me = officer.user_id.to_string();
    assert_eq!(
        desk_action(
            &app,
            &officer_cookie,
            ordinary.id,
            &[("action", "assign"), ("assignee", &me)]
        )
        .await,
        DeskAnswer::Done
    );
    assert_eq!(
        act(&[("action", "extend"), ("text", "  ")]).await,
        DeskAnswer::Refused(Problem::ReasonRequired)
    );
    // An officer asks; a head of the body decides.
    assert_eq!(
        act(&[("action", "extend"), ("text", "Qoʻshimcha tekshiruv kerak")]).await,
        DeskAnswer::Done
    );
    assert_eq!(
        act(&[("action", "extend"), ("text", "yana")]).await,
        DeskAnswer::Refused(Problem::ExtensionPending)
    );
    assert_eq!(
        act(&[("action", "approve_extension")]).await,
        DeskAnswer::Refused(Problem::HeadOnly)
    );
    let head = app.sign_in(STAFF[2].phone).await;
    assert_eq!(
        desk_action(&app, &head, ordinary.id, &[("action", "approve_extension")]).await,
        DeskAnswer::Done
    );
    assert_eq!(
        act(&[("action", "extend"), ("text", "yana")]).await,
        DeskAnswer::Refused(Problem::AlreadyExtended)
    );
    assert_eq!(
        act(&[
            ("action", "answer"),
            ("text", "Shifokor qabuli 25-noyabrga belgilandi.")
        ])
        .await,
        DeskAnswer::Done
    );
    // One tap never closes it: without the tick nothing happens.
    assert_eq!(
        act(&[("action", "resolve"), ("resolution", "satisfied"), ("text", "")]).await,
        DeskAnswer::Refused(Problem::ConfirmRequired)
    );
    assert_eq!(
        act(&[
            ("action", "resolve"),
            ("resolution", "rejected"),
            ("text", ""),
            ("confirm", "yes")
        ])
        .await,
        DeskAnswer::Refused(Problem::ReasonRequired)
    );
    assert_eq!(
        act(&[
            ("action", "resolve"),
            ("resolution", "satisfied"),
            ("text", ""),
            ("confirm", "yes")
        ])
        .await,
        DeskAnswer::Done
    );
    assert_eq!(
        act(&[("action", "answer"), ("text", "yana")]).await,
        DeskAnswer::Refused(Problem::Resolved)
    );

    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM appeal_events WHERE appeal_id = $1 ORDER BY id")
            .bind(ordinary.id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        [
            "registered",
            "assigned",
            "extension_requested",
            "extended",
            "answered",
            "resolved"
        ]
    );
    let actors: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM appeal_events WHERE appeal_id = $1 AND actor_id = $2")
            .bind(ordinary.id)
            .bind(officer.user_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(actors, 4);
    // The timeline the officer reads: each step's detail in its structured form.
    let case: serde_json::Value = app
        .call(
            "/api/desk_case",
            &officer_cookie,
            &[("id", &ordinary.id.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    // The officers of the body handling it see who wrote it: name, address, the full phone.
    assert_eq!(case["applicant"]["name"], "Karimova Dilnoza Akmalovna");
    assert_eq!(case["applicant"]["address"], "Amir Temur koʻchasi 1, 5-xonadon");
    let full = shared::Phone::parse(RESIDENTS[0].phone).unwrap().to_string();
    assert_eq!(case["applicant"]["phone"], full.as_str());
    let details: Vec<Detail> = case["view"]["events"]
        .as_array()
        .expect("the timeline")
        .iter()
        .map(|e| serde_json::from_value(e["detail"].clone()).unwrap())
        .collect();
    assert!(matches!(&details[1], Detail::Assigned { officer: o, .. } if *o == officer.user_id));
    // The officer's request and the head's approval carry the same reason.
    assert_eq!(details[2], Detail::Note("Qoʻshimcha tekshiruv kerak".into()));
    assert_eq!(details[3], Detail::Note("Qoʻshimcha tekshiruv kerak".into()));
    assert_eq!(
        details[5],
        Detail::Resolved {
            resolution: Resolution::Satisfied,
            reason: String::new()
        }
    );

    // Forwarding: within five working days of registration, not after.
    let admin = app.sign_in(STAFF[4].phone).await;
    let forward = [
        ("action", "forward"),
        ("to", "5"),
        ("text", "Chilonzorga tegishli"),
    ];
    assert_eq!(
        desk_action(&app, &admin, urgent.id, &forward).await,
        DeskAnswer::Done
    );
    let body: i64 = sqlx::query_scalar("SELECT body_id FROM appeals WHERE id = $1")
        .bind(urgent.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(body, 5);
    app.services.clock.advance_ms(12 * 86_400_000);
    let admin = app.sign_in(STAFF[4].phone).await; // twelve days on: a new session
    assert_eq!(
        desk_action(
            &app,
            &admin,
            urgent.id,
            &[("action", "forward"), ("to", "3"), ("text", "qaytadan")]
        )
        .await,
        DeskAnswer::Refused(Problem::TooLateToForward)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resident_files_through_the_form_and_sees_the_number_and_term() {
    use crate::helpers::location;
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let form = |subject: &str, text: &str| {
        vec![
            ("body", "4".to_string()),
            ("topic", "healthcare".to_string()),
            ("kind", "complaint".to_string()),
            ("subject", subject.to_string()),
            ("text", text.to_string()),
            ("district", "1726266".to_string()),
            ("applicant", "Karimova Dilnoza Akmalovna".to_string()),
            ("address", "Amir Temur koʻchasi 1".to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            location(&app.post_multipart("/appeals", &cookie, &fields, &[]).await)
        }
    };
    let to = post(form("Dori yoʻq", "Poliklinikada bepul dori berilmayapti.")).await;
    assert!(to.starts_with("/appeals/") && to.ends_with("?filed=1"), "{to}");
    let (status, page) = app.get_text_as(&to, &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains("M-20") && page.contains("Javob muddati:") && page.contains("Roʻyxatga olindi"));

    // Bad input comes back with its message and what was typed; nothing is stored.
    let before = count(&app, "SELECT COUNT(*) FROM appeals").await;
    let fields = form("Dori", "   ");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post_multipart("/appeals", &cookie, &fields, &[]).await;
    let to = location(&refused);
    assert_eq!(
        to, "/appeals/new?error=text_empty#appeal-error",
        "no typed text in the address"
    );
    let kept = crate::helpers::kept(&app, &refused, &cookie, "appeal").await;
    assert_eq!(kept.get("subject").map(String::as_str), Some("Dori"));
    assert_eq!(kept.get("district").map(String::as_str), Some("1726266"));
    let to = post(form("Dori", &"ж".repeat(100_000))).await;
    assert!(to.contains("error=text_too_long"), "{to}");
    let mut no_body = form("Dori", "Matn");
    no_body[0].1 = "999999".into();
    assert!(post(no_body).await.contains("error=body"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeals").await, before);

    // Another resident does not see it.
    let other = app.sign_in(RESIDENTS[1].phone).await;
    let id = sqlx::query_scalar::<_, i64>("SELECT MAX(id) FROM appeals")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let (status, _) = app.get_text_as(&format!("/appeals/{id}"), &other).await;
    assert_eq!(status, 404);
}

/// Migration 0013 turns the text details written before it ("12: not ours", "rejected: no
/// grounds", "consent: representative · Aziza") into the one JSON form of `Detail`, on the
/// backend under test: the old rows are written as they were, the migration's own file runs
/// over them, and every row then reads back as its structured detail.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_written_before_they_were_structured_are_migrated() {
    use shared::appeal::{ConsentRole, Detail, Resolution};
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let officer = user_id(&app, STAFF[1].phone).await;
    sqlx::query("UPDATE users SET full_name = 'Aziza Karimova' WHERE id = $1")
        .bind(officer)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let filed = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    sqlx::query("DELETE FROM appeal_events")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let officer_text = officer.to_string();
    let old: [(&str, Option<i64>, &str, Detail); 12] = [
        ("registered", Some(4), "", Detail::Nothing),
        ("repeat", None, "3", Detail::RepeatOf(3)),
        ("triaged", Some(4), "urgent", Detail::Category(Category::Urgent)),
        (
            "assigned",
            Some(4),
            &officer_text,
            Detail::Assigned {
                officer,
                name: "Aziza Karimova".into(),
            },
        ),
        (
            "answered",
            Some(4),
            "Tuzatildi: ertaga",
            Detail::Note("Tuzatildi: ertaga".into()),
        ),
        (
            "forwarded",
            Some(9),
            "9: bizning ishimiz emas",
            Detail::Forwarded {
                from: 4,
                reason: "bizning ishimiz emas".into(),
            },
        ),
        ("extended", Some(9), "tekshiruv", Detail::Note("tekshiruv".into())),
        ("escalated", Some(1), "9", Detail::Escalated { from: 9 }),
        (
            "consent",
            Some(1),
            "refusal: mahalla_chair · Bobur Aliyev",
            Detail::Consent {
                role: ConsentRole::MahallaChair,
                consent: false,
                person: "Bobur Aliyev".into(),
            },
        ),
        (
            "resolved",
            Some(1),
            "rejected: asos yo'q",
            Detail::Resolved {
                resolution: Resolution::Rejected,
                reason: "asos yo'q".into(),
            },
        ),
        ("rated", None, "4", Detail::Score(4)),
        (
            "cosigned",
            None,
            "+998 90 *** ** 12",
            Detail::Cosigner("+998 90 *** ** 12".into()),
        ),
    ];
    for (i, (kind, body, detail, _)) in old.iter().enumerate() {
        sqlx::query(
            "INSERT INTO appeal_events (appeal_id, kind, body_id, detail, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(filed.id)
        .bind(*kind)
        .bind(*body)
        .bind(*detail)
        .bind(i as i64)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    let migration = if crate::helpers::on_postgres() {
        include_str!("../../../migrations/postgres/0013_event_details.sql")
    } else {
        include_str!("../../../migrations/sqlite/0013_event_details.sql")
    };
    sqlx::raw_sql(migration).execute(&app.db.pool).await.unwrap();
    let migrated: Vec<String> = sqlx::query_scalar("SELECT detail FROM appeal_events ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(migrated.len(), old.len());
    for ((kind, _, before, expected), json) in old.iter().zip(&migrated) {
        let detail: Detail =
            serde_json::from_str(json).unwrap_or_else(|e| panic!("{kind} {before:?} → {json}: {e}"));
        assert_eq!(&detail, expected, "{kind} {before:?} → {json}");
    }
}

/// The law on appeals asks for an individual's name and address: the name once (kept on the
/// profile, used by later filings), the address on each appeal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_applicant_gives_a_name_once_and_an_address_each_time() {
    use services::appeals::FileError;
    let app = spawn_app().await;
    let newcomer = user_id(&app, "+998 93 555 00 01").await;
    let nameless = NewAppeal {
        applicant: "  ",
        ..appeal(newcomer, 4)
    };
    assert!(matches!(
        services::appeals::file(&app.services, &nameless).await,
        Err(FileError::NameRequired)
    ));
    let homeless = NewAppeal {
        address: "",
        ..appeal(newcomer, 4)
    };
    assert!(matches!(
        services::appeals::file(&app.services, &homeless).await,
        Err(FileError::AddressEmpty)
    ));
    services::appeals::file(&app.services, &appeal(newcomer, 4))
        .await
        .unwrap();
    let (_, name) = services::identity::users::profile(&app.services, newcomer)
        .await
        .unwrap();
    assert_eq!(name.as_deref(), Some("Karimova Dilnoza Akmalovna"));
    // Given once: the next filing may leave it empty and is filed under the profile's name.
    let second = services::appeals::file(
        &app.services,
        &NewAppeal {
            applicant: "",
            subject: "Ikkinchi",
            ..appeal(newcomer, 4)
        },
    )
    .await
    .unwrap();
    let stored: (String, String) =
        sqlx::query_as("SELECT applicant_name, address FROM appeals WHERE id = $1")
            .bind(second.id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        stored,
        (
            "Karimova Dilnoza Akmalovna".to_string(),
            "Amir Temur koʻchasi 1, 5-xonadon".to_string()
        )
    );
}
