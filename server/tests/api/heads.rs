//! What a head of a body sees that an officer does not: each officer's load, open and overdue.

use crate::helpers::{DeskAnswer, desk_action, desk_list, file_appeal, spawn_app};
use services::demo::STAFF;

#[tokio::test]
async fn a_head_sees_each_officers_open_and_overdue_appeals() {
    let app = spawn_app().await;
    app.to_monday_morning();
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
    // One of the officer's two is urgent (three working days): filed on a Monday morning, it is
    // overdue by Saturday; the others' fifteen days run on.
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

#[tokio::test]
async fn a_head_who_reviews_answers_lets_an_officers_answer_go_or_sends_it_back() {
    let app = spawn_app().await;
    let filed = file_appeal(&app, 4, "1726", "1726266", "Navbat").await;
    let id = filed.id;
    let officer = app.sign_in(STAFF[1].phone).await;
    let head = app.sign_in(STAFF[2].phone).await;
    let resident = app.sign_in(services::demo::RESIDENTS[0].phone).await;
    let timeline = |cookie: String| {
        let app = &app;
        async move {
            let response = app.call("/api/appeal", &cookie, &[("id", &id.to_string())]).await;
            let view: shared::appeal::AppealView = response.json().await.unwrap();
            view.events
                .iter()
                .map(|e| e.kind.code().to_string())
                .collect::<Vec<_>>()
        }
    };

    // The head turns the review on for the body they head; an officer cannot, and a body the
    // head does not head is not found.
    let desk = desk_list(&app, &head, &[]).await;
    let (body, _, on) = desk.reviewed.first().expect("the head's body").clone();
    assert!(!on);
    let review = |cookie: String, body: i64, on: &'static str| {
        let app = &app;
        async move {
            app.post_form(&format!("/desk/bodies/{body}/review"), &cookie, &[("on", on)])
                .await
        }
    };
    assert_eq!(review(officer.clone(), body, "yes").await.status(), 404);
    let response = review(head.clone(), body, "yes").await;
    assert_eq!(crate::helpers::location(&response), "/desk?review=saved");
    assert!(desk_list(&app, &head, &[]).await.reviewed[0].2);
    assert!(desk_list(&app, &officer, &[]).await.reviewed.is_empty());

    // The officer's answer waits for the head: the resident sees nothing of it, heads are told.
    let answer = [("action", "answer"), ("text", "Navbat 5-dekabrga berildi")];
    assert_eq!(desk_action(&app, &officer, id, &answer).await, DeskAnswer::Done);
    assert_eq!(timeline(resident.clone()).await, ["registered"]);
    let heads_told = services::sms::recent(&app.db, Some(&shared::Phone::parse(STAFF[2].phone).unwrap()), 5)
        .await
        .unwrap();
    assert!(
        heads_told
            .iter()
            .any(|m| m.body.contains(&filed.number) && m.body.contains("javob"))
    );
    let listed = desk_list(&app, &officer, &[]).await;
    assert!(listed.items.iter().find(|a| a.id == id).unwrap().awaiting_review);
    // Meanwhile the officer neither answers again nor closes it.
    assert_eq!(
        desk_action(&app, &officer, id, &answer).await,
        DeskAnswer::Refused(shared::appeal::Problem::AnswerPending)
    );
    let close = [
        ("action", "resolve"),
        ("resolution", "satisfied"),
        ("confirm", "yes"),
    ];
    assert_eq!(
        desk_action(&app, &officer, id, &close).await,
        DeskAnswer::Refused(shared::appeal::Problem::AnswerPending)
    );
    // Only a head decides it.
    assert_eq!(
        desk_action(&app, &officer, id, &[("action", "approve_answer")]).await,
        DeskAnswer::Refused(shared::appeal::Problem::HeadOnly)
    );

    // Sent back with a reason: the officer is told, the resident still sees nothing.
    assert_eq!(
        desk_action(&app, &head, id, &[("action", "return_answer"), ("text", " ")]).await,
        DeskAnswer::Refused(shared::appeal::Problem::ReasonRequired)
    );
    let back = [
        ("action", "return_answer"),
        ("text", "Qaysi poliklinika ekanini yozing"),
    ];
    assert_eq!(desk_action(&app, &head, id, &back).await, DeskAnswer::Done);
    let officer_told =
        services::sms::recent(&app.db, Some(&shared::Phone::parse(STAFF[1].phone).unwrap()), 5)
            .await
            .unwrap();
    assert!(officer_told.iter().any(|m| m.body.contains(&filed.number)));
    assert_eq!(timeline(resident.clone()).await, ["registered"]);
    assert_eq!(
        desk_action(&app, &head, id, &[("action", "approve_answer")]).await,
        DeskAnswer::Refused(shared::appeal::Problem::NoDraftAnswer)
    );

    // Written again and let go: the resident gets the answer, the staff see how it came.
    let again = [
        ("action", "answer"),
        ("text", "Navbat 5-dekabrga, 12-poliklinikada"),
    ];
    assert_eq!(desk_action(&app, &officer, id, &again).await, DeskAnswer::Done);
    let seen: shared::appeal::DeskCase = app
        .call("/api/desk_case", &head, &[("id", &id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        seen.draft_answer.as_ref().map(|(t, _)| t.as_str()),
        Some("Navbat 5-dekabrga, 12-poliklinikada")
    );
    assert_eq!(
        desk_action(&app, &head, id, &[("action", "approve_answer")]).await,
        DeskAnswer::Done
    );
    assert_eq!(timeline(resident.clone()).await, ["registered", "answered"]);
    let response = app
        .call("/api/appeal", &resident, &[("id", &id.to_string())])
        .await;
    let view: shared::appeal::AppealView = response.json().await.unwrap();
    assert!(
        matches!(&view.events[1].detail, shared::appeal::Detail::Note(t) if t.contains("12-poliklinikada"))
    );
    let staff: shared::appeal::DeskCase = app
        .call("/api/desk_case", &officer, &[("id", &id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let kinds: Vec<&str> = staff.view.events.iter().map(|e| e.kind.code()).collect();
    assert_eq!(
        kinds,
        [
            "registered",
            "answer_proposed",
            "answer_returned",
            "answer_proposed",
            "answered"
        ]
    );

    // The head's own answers go out at once.
    let head_answer = [("action", "answer"), ("text", "Qoʻshimcha: navbat tasdiqlandi")];
    assert_eq!(desk_action(&app, &head, id, &head_answer).await, DeskAnswer::Done);
    assert_eq!(
        timeline(resident).await.last().map(String::as_str),
        Some("answered")
    );
}
