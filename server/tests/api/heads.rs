//! What a head of a body sees that an officer does not: each officer's load, open and overdue.

use crate::helpers::{DeskAnswer, desk_action, desk_list, file_appeal, spawn_app};
use services::demo::STAFF;

#[tokio::test]
async fn a_head_sees_each_officers_open_and_overdue_appeals() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for subject in ["Navbat", "Dori", "Shifokor"] {
        ids.push(file_appeal(&app, 4, "1726", "1726266", subject).await.id);
    }
    let officer_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(STAFF[1].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let officer = app.sign_in(STAFF[1].phone).await;
    let assign = [("action", "assign"), ("assignee", &officer_id.to_string())];
    for id in &ids[..2] {
        assert_eq!(desk_action(&app, &officer, *id, &assign).await, DeskAnswer::Done);
    }
    // One of the officer's two is urgent and, three weeks on, overdue like the rest.
    let triage = [("action", "triage"), ("category", "urgent")];
    assert_eq!(
        desk_action(&app, &officer, ids[0], &triage).await,
        DeskAnswer::Done
    );
    app.services.clock.advance_ms(5 * services::clock::DAY_MS);

    let head = app.sign_in(STAFF[2].phone).await;
    let desk = desk_list(&app, &head, &[]).await;
    let mine = desk
        .load
        .iter()
        .find(|l| l.officer.as_ref().is_some_and(|o| o.id == officer_id))
        .expect("the officer's line");
    assert_eq!((mine.open, mine.overdue), (2, 1));
    let nobody = desk.load.last().unwrap();
    assert!(nobody.officer.is_none());
    assert_eq!((nobody.open, nobody.overdue), (1, 0));
    // An officer does not see the load.
    let officer = app.sign_in(STAFF[1].phone).await;
    assert!(desk_list(&app, &officer, &[]).await.load.is_empty());
}

#[tokio::test]
async fn a_head_approves_or_refuses_an_officers_extension_and_the_resident_sees_only_the_outcome() {
    let app = spawn_app().await;
    let filed = file_appeal(&app, 4, "1726", "1726266", "Navbat").await;
    let id = filed.id;
    let officer = app.sign_in(STAFF[1].phone).await;
    let head = app.sign_in(STAFF[2].phone).await;
    let ask = [("action", "extend"), ("text", "Ekspertiza kerak")];
    assert_eq!(desk_action(&app, &officer, id, &ask).await, DeskAnswer::Done);
    // The heads above the body are asked by SMS; the term has not moved.
    let texts = services::sms::recent(&app.db, Some(&shared::Phone::parse(STAFF[2].phone).unwrap()), 5)
        .await
        .unwrap();
    assert!(texts.iter().any(|m| m.body.contains(&filed.number)));
    let case = |cookie: String| {
        let app = &app;
        async move {
            let response = app
                .call("/api/desk_case", &cookie, &[("id", &id.to_string())])
                .await;
            response.json::<shared::appeal::DeskCase>().await.unwrap()
        }
    };
    let seen = case(head.clone()).await;
    assert!(seen.heads && !seen.extended);
    assert_eq!(
        seen.extension_request.as_ref().map(|(r, _)| r.as_str()),
        Some("Ekspertiza kerak")
    );
    assert!(!case(officer.clone()).await.heads);

    // Refused without a reason, then refused with one: the request is gone, the term stands.
    let refuse = |text: &'static str| [("action", "refuse_extension"), ("text", text)];
    assert_eq!(
        desk_action(&app, &head, id, &refuse(" ")).await,
        DeskAnswer::Refused(shared::appeal::Problem::ReasonRequired)
    );
    assert_eq!(
        desk_action(&app, &head, id, &refuse("Muddat yetarli")).await,
        DeskAnswer::Done
    );
    assert!(case(head.clone()).await.extension_request.is_none());
    assert_eq!(
        desk_action(&app, &head, id, &[("action", "approve_extension")]).await,
        DeskAnswer::Refused(shared::appeal::Problem::NoExtensionRequest)
    );
    let due: String = sqlx::query_scalar("SELECT due_day FROM appeals WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(due, filed.due_day);

    // Asked again and approved: a month from the old end, the resident told.
    assert_eq!(desk_action(&app, &officer, id, &ask).await, DeskAnswer::Done);
    assert_eq!(
        desk_action(&app, &head, id, &[("action", "approve_extension")]).await,
        DeskAnswer::Done
    );
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let old = shared::calendar::parse_day(&filed.due_day).unwrap();
    let expected = shared::calendar::Term::CalendarDays(30).due(&calendar, old);
    let due: String = sqlx::query_scalar("SELECT due_day FROM appeals WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(shared::calendar::parse_day(&due), Some(expected));
    // The resident's timeline shows the extension, not the asking or the refusal.
    let resident = app.sign_in(services::demo::RESIDENTS[0].phone).await;
    let response = app
        .call("/api/appeal", &resident, &[("id", &id.to_string())])
        .await;
    let view: shared::appeal::AppealView = response.json().await.unwrap();
    let kinds: Vec<&str> = view.events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(kinds, ["registered", "extended"]);
}
