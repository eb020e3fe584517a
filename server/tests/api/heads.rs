//! What a head of a body sees that an officer does not: each officer's load, open and overdue.

use crate::helpers::{DeskAnswer, desk_action, desk_list, spawn_app};
use services::demo::{RESIDENTS, STAFF};

#[tokio::test]
async fn a_head_sees_each_officers_open_and_overdue_appeals() {
    let app = spawn_app().await;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(RESIDENTS[0].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let mut ids = Vec::new();
    for subject in ["Navbat", "Dori", "Shifokor"] {
        let appeal = services::appeals::NewAppeal {
            user_id: user,
            body_id: 4,
            topic: "healthcare",
            kind: "application",
            subject,
            text: "Matn",
            region: "1726",
            district: "1726266",
            mahalla: None,
            applicant: "Karimova Dilnoza",
            address: "Amir Temur koʻchasi 1",
            cosigners: &[],
            files: &[],
            about: None,
            locale: shared::Locale::Uz,
            channel: shared::appeal::Channel::Web,
        };
        ids.push(services::appeals::file(&app.services, &appeal).await.unwrap().id);
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
