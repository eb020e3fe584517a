//! The People's Reception through HTTP: a coordinator reads every appeal of their region on
//! the desk (overdue first) and no other, sends an inadequate answer back for re-execution,
//! and gives a body of the region an instruction its staff acknowledge; every refusal says
//! why and stores nothing.

use crate::helpers::{DeskAnswer, TestApp, desk_action, desk_list, file_appeal, location, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use shared::appeal::{DeskCase, Detail, EventKind, Instructions, Problem};

async fn case(app: &TestApp, cookie: &str, id: i64) -> Result<DeskCase, u16> {
    let response = app
        .call("/api/desk_case", cookie, &[("id", &id.to_string())])
        .await;
    match response.status().as_u16() {
        200 => Ok(response.json().await.unwrap()),
        status => Err(status),
    }
}

/// A coordinator's form post: the problem it was refused with, or where it led.
async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Result<String, Problem> {
    let response = app.post_form(path, cookie, form).await;
    assert_eq!(response.status(), 303, "{path}");
    let to = location(&response);
    match to.split_once("error=") {
        Some((_, rest)) => {
            Err(Problem::parse(rest.split(['&', '#']).next().unwrap()).expect("a known problem"))
        }
        None => Ok(to),
    }
}

#[tokio::test]
async fn the_peoples_reception_reads_its_regions_appeals_and_sends_an_answer_back() {
    let app = spawn_app().await;
    // One appeal from Toshkent shahri (the demo coordinator's region) to a hospital there,
    // one from Andijon to the ministry.
    let here = file_appeal(&app, 4, "1726", "1726266", "Poliklinikada navbat")
        .await
        .id;
    let elsewhere = file_appeal(&app, 1, "1703", "1703202", "Poliklinikada navbat")
        .await
        .id;
    let coordinator = app.sign_in(STAFF[3].phone).await;

    let desk = desk_list(&app, &coordinator, &[]).await;
    let ids: Vec<i64> = desk.items.iter().map(|a| a.id).collect();
    assert!(ids.contains(&here) && !ids.contains(&elsewhere), "{ids:?}");
    // Its bodies filter lists the region's bodies.
    assert!(desk.bodies.iter().any(|b| b.id == 4) && !desk.bodies.iter().any(|b| b.id == 6));
    let seen = case(&app, &coordinator, here).await.unwrap();
    assert!(
        !seen.can_act && !seen.can_send_back,
        "reads; nothing to send back yet"
    );
    assert_eq!(case(&app, &coordinator, elsewhere).await.unwrap_err(), 404);
    // The officers' actions are not the coordinator's.
    let triage = app
        .post_multipart(
            &format!("/desk/appeals/{here}"),
            &coordinator,
            &[("action", "triage"), ("category", "urgent")],
            &[],
        )
        .await;
    assert_eq!(triage.status(), 403);

    let send_back = format!("/desk/appeals/{here}/send-back");
    let reason = [("reason", "Javobda navbat qachon qisqarishi aytilmagan")];
    assert_eq!(
        post(&app, &coordinator, &send_back, &reason).await,
        Err(Problem::NoAnswer)
    );
    let officer = app.sign_in(STAFF[1].phone).await;
    let answer = [("action", "answer"), ("text", "Navbat tartibga solinadi.")];
    assert_eq!(desk_action(&app, &officer, here, &answer).await, DeskAnswer::Done);
    assert!(case(&app, &coordinator, here).await.unwrap().can_send_back);

    // Refused without a reason, and nothing changes.
    assert_eq!(
        post(&app, &coordinator, &send_back, &[("reason", "  ")]).await,
        Err(Problem::ReasonRequired)
    );
    let status: String = sqlx::query_scalar("SELECT status FROM appeals WHERE id = $1")
        .bind(here)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "answered");
    // An officer may not send it back, and nobody may for another region's appeal.
    assert_eq!(app.post_form(&send_back, &officer, &reason).await.status(), 403);
    let other = format!("/desk/appeals/{elsewhere}/send-back");
    assert_eq!(app.post_form(&other, &coordinator, &reason).await.status(), 404);

    let to = post(&app, &coordinator, &send_back, &reason).await.unwrap();
    assert_eq!(to, format!("/desk/appeals/{here}?done=send_back"));
    let (status, due_day): (String, String) =
        sqlx::query_as("SELECT status, due_day FROM appeals WHERE id = $1")
            .bind(here)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(status, "in_progress");
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let now = app.services.clock.now_ms();
    let expected = services::appeals::terms(&app.services)
        .await
        .unwrap()
        .returned()
        .due(&calendar, calendar.registration_day(now));
    assert_eq!(shared::calendar::parse_day(&due_day), Some(expected));
    // The resident sees why, and is told by SMS.
    let a = app.sign_in(RESIDENTS[0].phone).await;
    let response = app.call("/api/appeal", &a, &[("id", &here.to_string())]).await;
    let view: shared::appeal::AppealView = response.json().await.unwrap();
    let last = view.events.last().unwrap();
    assert_eq!(last.kind, EventKind::SentBack);
    assert_eq!(last.detail, Detail::Note(reason[0].1.into()));
    let texts = services::sms::recent(
        &app.db,
        Some(&shared::Phone::parse(RESIDENTS[0].phone).unwrap()),
        5,
    )
    .await
    .unwrap();
    assert!(
        texts
            .iter()
            .any(|m| m.purpose == "appeal" && m.body.contains(&view.summary.number))
    );
}

#[tokio::test]
async fn instructions_go_to_the_regions_bodies_and_their_staff_acknowledge_them() {
    let app = spawn_app().await;
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM body_instructions")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    let text = "Qabul kunlarini har oy eʼlon qiling va navbatlarni qisqartiring.";
    // Body 6 serves another region, body 1 the whole country: not this coordinator's.
    for body in ["6", "1", "999"] {
        let refused = post(
            &app,
            &coordinator,
            "/desk/instructions",
            &[("body", body), ("text", text)],
        )
        .await;
        let expected = if body == "999" {
            Problem::Body
        } else {
            Problem::OutsideRegion
        };
        assert_eq!(refused, Err(expected), "body {body}");
    }
    assert_eq!(
        post(
            &app,
            &coordinator,
            "/desk/instructions",
            &[("body", "2"), ("text", " ")]
        )
        .await,
        Err(Problem::InstructionEmpty)
    );
    assert_eq!(count().await, 0, "nothing stored");
    let to = post(
        &app,
        &coordinator,
        "/desk/instructions",
        &[("body", "2"), ("text", text)],
    )
    .await
    .unwrap();
    assert_eq!(to, "/desk?instruction=given#instructions");
    let id: i64 = sqlx::query_scalar("SELECT id FROM body_instructions")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();

    let list = |cookie: String| {
        let app = &app;
        async move {
            let response = app.call("/api/instructions", &cookie, &[]).await;
            assert_eq!(response.status(), 200);
            response.json::<Instructions>().await.unwrap()
        }
    };
    let given = list(coordinator.clone()).await;
    assert_eq!(given.given.len(), 1);
    assert!(given.given[0].acknowledged.is_none());
    assert!(given.bodies.iter().any(|(b, _)| *b == 2) && !given.bodies.iter().any(|(b, _)| *b == 6));

    // A head of another ministry does not find it; the officer of body 1 (above body 2) does.
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770022").await;
    assert!(list(stranger.clone()).await.received.is_empty());
    let acknowledge = format!("/desk/instructions/{id}/acknowledge");
    assert_eq!(app.post_form(&acknowledge, &stranger, &[]).await.status(), 404);
    assert_eq!(app.post_form(&acknowledge, &coordinator, &[]).await.status(), 403);
    let officer = app.sign_in(STAFF[1].phone).await;
    assert_eq!(list(officer.clone()).await.received.len(), 1);
    let to = post(&app, &officer, &acknowledge, &[]).await.unwrap();
    assert_eq!(to, "/desk?instruction=acknowledged#instructions");
    // Once: a second acknowledgement changes nothing.
    post(&app, &officer, &acknowledge, &[]).await.unwrap();
    let given = list(coordinator).await;
    let (_, who) = given.given[0].acknowledged.clone().expect("acknowledged");
    assert_eq!(who, STAFF[1].name);
}
