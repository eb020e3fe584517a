//! Appeals: filing with registration and a term on the working-day calendar, triage by the
//! body's officer, and the control-time regime driven by a controllable clock.

use crate::helpers::{TestApp, spawn_app};
use services::appeals::{ActionError, FileError, NewAppeal};
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
        cosigners: &[],
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
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
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let long = "x".repeat(100_000);
    let cases: Vec<(NewAppeal, &str)> = vec![
        (
            NewAppeal {
                text: "  ",
                ..appeal(resident, 4)
            },
            "text_empty",
        ),
        (
            NewAppeal {
                text: &long,
                ..appeal(resident, 4)
            },
            "text_too_long",
        ),
        (
            NewAppeal {
                subject: "",
                ..appeal(resident, 4)
            },
            "subject_empty",
        ),
        (appeal(resident, 999_999), "body"),
        (
            NewAppeal {
                topic: "astrology",
                ..appeal(resident, 4)
            },
            "topic",
        ),
        (
            NewAppeal {
                kind: "petition",
                ..appeal(resident, 4)
            },
            "kind",
        ),
        (
            NewAppeal {
                district: "1703202",
                ..appeal(resident, 4)
            },
            "place",
        ),
        (
            NewAppeal {
                mahalla: Some("0000000"),
                ..appeal(resident, 4)
            },
            "place",
        ),
    ];
    for (new, code) in cases {
        let error: FileError = services::appeals::file(&app.services, &new).await.unwrap_err();
        assert_eq!(error.problem().code(), code);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeals").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeal_events").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_triages_and_the_term_follows_the_category() {
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let registered = services::appeals::file(&app.services, &appeal(resident, 4))
        .await
        .unwrap();
    // The demo officer handles the Ministry of Health and every body under it.
    let officer = principal(&app, STAFF[1].phone).await;
    let due = services::appeals::triage(&app.services, &officer, registered.id, Category::Urgent)
        .await
        .unwrap();
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let day = calendar.registration_day(app.services.clock.now_ms());
    let expected = calendar.add_working_days(day, 3);
    assert_eq!(
        due,
        shared::time::format_iso_date(shared::calendar::start_of(expected))
    );

    // A resident, or an officer of another body, cannot.
    let stranger = principal(&app, RESIDENTS[1].phone).await;
    assert!(matches!(
        services::appeals::triage(&app.services, &stranger, registered.id, Category::Ordinary).await,
        Err(ActionError::NotFound)
    ));
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
    use services::appeals::Action;
    use shared::appeal::Resolution;
    let app = spawn_app().await;
    let resident = user_id(&app, RESIDENTS[0].phone).await;
    let officer = principal(&app, STAFF[1].phone).await;
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
    services::appeals::triage(&app.services, &officer, urgent.id, Category::Urgent)
        .await
        .unwrap();
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
    let desk = services::appeals::desk(&app.services, &officer, &Default::default(), 50)
        .await
        .unwrap();
    let ids: Vec<i64> = desk.iter().map(|d| d.id).collect();
    assert_eq!(ids, [urgent.id, ordinary.id]);
    // Keyset pages: the one after the first line is the second.
    let after = services::appeals::desk(
        &app.services,
        &officer,
        &services::appeals::DeskFilter {
            after: Some((desk[0].due_at, desk[0].id)),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(after.iter().map(|d| d.id).collect::<Vec<_>>(), [ordinary.id]);
    assert!(!desk[1].repeat && !desk[0].overdue);
    let only_urgent = services::appeals::desk(
        &app.services,
        &officer,
        &services::appeals::DeskFilter {
            category: Some(Category::Urgent),
            ..Default::default()
        },
        50,
    )
    .await
    .unwrap();
    assert_eq!(only_urgent.len(), 1);
    assert!(matches!(
        services::appeals::act(&app.services, &officer, energy.id, &Action::Extend("x".into())).await,
        Err(ActionError::NotFound)
    ));

    let act = |action: Action| {
        let officer = officer.clone();
        let app = &app;
        async move { services::appeals::act(&app.services, &officer, ordinary.id, &action).await }
    };
    act(Action::Assign(officer.user_id)).await.unwrap();
    assert!(matches!(
        act(Action::Extend("  ".into())).await,
        Err(ActionError::ReasonRequired)
    ));
    act(Action::Extend("Qoʻshimcha tekshiruv kerak".into()))
        .await
        .unwrap();
    assert!(matches!(
        act(Action::Extend("yana".into())).await,
        Err(ActionError::AlreadyExtended)
    ));
    act(Action::Answer("Shifokor qabuli 25-noyabrga belgilandi.".into()))
        .await
        .unwrap();
    assert!(matches!(
        act(Action::Resolve {
            resolution: Resolution::Rejected,
            reason: "".into()
        })
        .await,
        Err(ActionError::ReasonRequired)
    ));
    act(Action::Resolve {
        resolution: Resolution::Satisfied,
        reason: "".into(),
    })
    .await
    .unwrap();
    assert!(matches!(
        act(Action::Answer("yana".into())).await,
        Err(ActionError::Resolved)
    ));

    let kinds: Vec<String> =
        sqlx::query_scalar("SELECT kind FROM appeal_events WHERE appeal_id = $1 ORDER BY id")
            .bind(ordinary.id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        kinds,
        ["registered", "assigned", "extended", "answered", "resolved"]
    );
    let actors: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM appeal_events WHERE appeal_id = $1 AND actor_id = $2")
            .bind(ordinary.id)
            .bind(officer.user_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(actors, 4);

    // Forwarding: within five working days of registration, not after.
    let admin = principal(&app, STAFF[4].phone).await;
    services::appeals::act(
        &app.services,
        &admin,
        urgent.id,
        &Action::Forward {
            to: 5,
            reason: "Chilonzorga tegishli".into(),
        },
    )
    .await
    .unwrap();
    let body: i64 = sqlx::query_scalar("SELECT body_id FROM appeals WHERE id = $1")
        .bind(urgent.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(body, 5);
    app.services.clock.advance_ms(12 * 86_400_000);
    assert!(matches!(
        services::appeals::act(
            &app.services,
            &admin,
            urgent.id,
            &Action::Forward {
                to: 3,
                reason: "qaytadan".into()
            }
        )
        .await,
        Err(ActionError::TooLateToForward)
    ));
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
    let to = post(form("Dori", "   ")).await;
    assert!(
        to.contains("error=text_empty") && to.contains("subject=Dori"),
        "{to}"
    );
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
