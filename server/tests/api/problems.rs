//! Systemic problems through HTTP: a quarter's heat table, growing topics and clusters of a
//! body's appeals checked against a fixture counted by hand; a district's picture by mahalla;
//! a head takes a cluster up, writes the working group's plan and closes it; refusals at the
//! field; others' problems not found.

use crate::helpers::{TestApp, location, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use shared::problems::{ProblemStatus, Problems, SystemicProblem};
use shared::report::Quarter;

const ADOLAT: &str = "107-0084";

/// Files an appeal of the first demo resident to body 4, on a topic, from a place.
async fn file(
    app: &TestApp,
    topic: &str,
    district: (&str, &str),
    mahalla: Option<&str>,
    subject: &str,
) -> i64 {
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(RESIDENTS[0].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let appeal = services::appeals::NewAppeal {
        user_id: user,
        body_id: 4,
        topic,
        kind: "application",
        subject,
        text: "Muammo bir necha oydan beri hal boʻlmayapti.",
        region: district.0,
        district: district.1,
        mahalla,
        applicant: "Karimova Dilnoza",
        address: "Amir Temur koʻchasi 1",
        cosigners: &[],
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
        channel: shared::appeal::Channel::Web,
    };
    services::appeals::file(&app.services, &appeal).await.unwrap().id
}

async fn picture(app: &TestApp, cookie: &str, scope: &str, quarter: &str) -> reqwest::Response {
    app.call("/api/problems", cookie, &[("scope", scope), ("quarter", quarter)])
        .await
}

/// Posts a form; the problem it was refused with, or where it led.
async fn post(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Result<String, String> {
    let response = app.post_form(path, cookie, form).await;
    assert_eq!(response.status(), 303, "{path}");
    let to = location(&response);
    match to.split_once("error=") {
        Some((_, rest)) => Err(rest.split(['&', '#']).next().unwrap().to_string()),
        None => Ok(to),
    }
}

#[tokio::test]
async fn a_quarters_systemic_problems_are_found_taken_up_planned_and_closed() {
    let app = spawn_app().await;
    let other: String = sqlx::query_scalar(
        "SELECT code FROM mahallas WHERE district_soato = '1726266' AND code <> $1 ORDER BY code LIMIT 1",
    )
    .bind(ADOLAT)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let here = ("1726", "1726266");
    let andijon = ("1703", "1703202");

    // The quarter before: one appeal on housing from Adolat.
    file(&app, "housing", here, Some(ADOLAT), "Tom").await;
    let now = app.services.clock.now_ms();
    let (_, next) = Quarter::of(now).bounds();
    app.services
        .clock
        .advance_ms(next - now + 2 * services::clock::HOUR_MS);
    let quarter = Quarter::of(app.services.clock.now_ms());
    // This quarter: three on housing from Adolat (the second a repeat of the first), two on
    // healthcare from another mahalla (the second a repeat), one on healthcare from Andijon
    // with no mahalla.
    file(&app, "housing", here, Some(ADOLAT), "Suv").await;
    file(&app, "housing", here, Some(ADOLAT), "Suv").await;
    file(&app, "housing", here, Some(ADOLAT), "Lift").await;
    file(&app, "healthcare", here, Some(&other), "Navbat").await;
    file(&app, "healthcare", here, Some(&other), "Navbat").await;
    file(&app, "healthcare", andijon, None, "Dori").await;

    let head = app.sign_in(STAFF[2].phone).await;
    let response = picture(&app, &head, "body:1", &quarter.to_string()).await;
    assert_eq!(response.status(), 200);
    let p: Problems = response.json().await.unwrap();
    assert!(p.can_take);
    // Districts, most appeals first; topics in code order.
    let places: Vec<&str> = p.places.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(places, ["1726266", "1703202"]);
    let topics: Vec<&str> = p.topics.iter().map(|(c, _)| c.as_str()).collect();
    let at = |place: usize, topic: &str| p.heat[place][topics.iter().position(|t| *t == topic).unwrap()];
    assert_eq!(
        (at(0, "housing"), at(0, "healthcare"), at(0, "electricity")),
        (3, 2, 0)
    );
    assert_eq!((at(1, "housing"), at(1, "healthcare")), (0, 1));
    assert_eq!(p.hottest(), 3);
    // Growth: healthcare 3 (none before), housing 3 (1 before).
    let growth: Vec<(&str, i64, i64)> = p
        .growth
        .iter()
        .map(|g| (g.topic.as_str(), g.now, g.before))
        .collect();
    assert_eq!(growth, [("healthcare", 3, 0), ("housing", 3, 1)]);
    assert_eq!(p.growth[1].percent(), Some(200));
    // One cluster: housing from Adolat (three appeals, one repeat). Healthcare from the other
    // mahalla is two appeals with one repeat: not a cluster.
    assert_eq!(p.clusters.len(), 1, "{:?}", p.clusters);
    let c = &p.clusters[0];
    assert_eq!(
        (
            c.mahalla.as_str(),
            c.topic.as_str(),
            c.appeals,
            c.repeats,
            c.collective
        ),
        (ADOLAT, "housing", 3, 1, 0)
    );
    assert_eq!(c.mahalla_name.uz, "Adolat MFY");
    assert_eq!(c.examples.len(), 3);

    // A district's picture, read by the People's Reception, is by mahalla.
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let d: Problems = picture(&app, &coordinator, "district:1726266", &quarter.to_string())
        .await
        .json()
        .await
        .unwrap();
    let places: Vec<&str> = d.places.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(places, [ADOLAT, other.as_str()]);
    // Refused: a quarter not begun, a body outside the reader's reach.
    let next = Quarter::of(quarter.bounds().1).to_string();
    assert_eq!(picture(&app, &head, "body:1", &next).await.status(), 400);
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770033").await;
    assert_eq!(
        picture(&app, &stranger, "body:1", &quarter.to_string())
            .await
            .status(),
        400
    );

    // The head takes the cluster up; refusals first.
    let q = quarter.to_string();
    let take = |cookie: String, topic: &'static str, title: &'static str| {
        let (app, q) = (&app, q.clone());
        async move {
            post(
                app,
                &cookie,
                "/desk/problems",
                &[
                    ("scope", "body:1"),
                    ("quarter", &q),
                    ("topic", topic),
                    ("mahalla", ADOLAT),
                    ("title", title),
                ],
            )
            .await
        }
    };
    let officer = app.sign_in(STAFF[1].phone).await;
    assert_eq!(take(officer.clone(), "housing", "Suv").await, Err("scope".into()));
    assert_eq!(take(head.clone(), "roads", "Suv").await, Err("topic".into()));
    assert_eq!(take(head.clone(), "housing", " ").await, Err("title".into()));
    let to = take(head.clone(), "housing", "Adolat MFYda suv taʼminoti")
        .await
        .unwrap();
    let id: i64 = to
        .trim_start_matches("/desk/problems/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let problem = |cookie: String| {
        let app = &app;
        async move {
            app.call("/api/problem", &cookie, &[("id", &id.to_string())])
                .await
        }
    };
    let seen: SystemicProblem = problem(head.clone()).await.json().await.unwrap();
    assert_eq!(seen.leader_name, STAFF[2].name);
    assert_eq!((seen.status, seen.can_edit), (ProblemStatus::Open, true));
    assert_eq!(
        seen.appeals.len(),
        4,
        "every housing appeal from Adolat in the body's tree"
    );
    assert_eq!(problem(stranger.clone()).await.status(), 400);
    let p: Problems = picture(&app, &head, "body:1", &q).await.json().await.unwrap();
    assert_eq!(p.taken.iter().map(|t| t.id).collect::<Vec<_>>(), [id]);

    // Its plan, then closed with what came of it.
    let plan = format!("/desk/problems/{id}/plan");
    let close = format!("/desk/problems/{id}/close");
    assert_eq!(
        post(&app, &head, &close, &[("result", "Hal qilindi")]).await,
        Err("no_plan".into())
    );
    assert_eq!(
        post(&app, &head, &plan, &[("members", ""), ("plan", "  ")]).await,
        Err("plan".into())
    );
    assert_eq!(
        app.post_form(&plan, &stranger, &[("plan", "Reja")])
            .await
            .status(),
        404
    );
    let members = "Suvoqova mutaxassisi, mahalla raisi";
    let steps = "1. Quvurlarni tekshirish. 2. Nasosni almashtirish.";
    assert!(
        post(&app, &head, &plan, &[("members", members), ("plan", steps)])
            .await
            .unwrap()
            .contains("done=plan")
    );
    assert_eq!(
        post(&app, &head, &close, &[("result", "")]).await,
        Err("result".into())
    );
    assert!(
        post(&app, &head, &close, &[("result", "Nasos almashtirildi, suv bor")])
            .await
            .unwrap()
            .contains("done=closed")
    );
    assert_eq!(
        post(&app, &head, &plan, &[("members", members), ("plan", steps)]).await,
        Err("closed".into())
    );
    let seen: SystemicProblem = problem(head.clone()).await.json().await.unwrap();
    assert_eq!(seen.status, ProblemStatus::Closed);
    assert_eq!(
        (seen.members.as_str(), seen.plan.as_deref()),
        (members, Some(steps))
    );
    assert_eq!(seen.result.as_deref(), Some("Nasos almashtirildi, suv bor"));

    // The page shows it all on the server, without JavaScript.
    let (status, page) = app
        .get_text_as(&format!("/desk/problems?scope=body%3A1&quarter={q}"), &head)
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Adolat MFY") && page.contains("heat-5") && page.contains("<svg"));
}
