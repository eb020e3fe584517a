//! The six-monthly rating through HTTP: every body's counts, criteria, score and grade checked
//! against a fixture worked out by hand (escalations, a return to control, an answer sent back
//! by the People's Reception, a repeat); the half-year frozen once it closes, unchanged by
//! late events and by new settings; the CSV and the XLSX (read back by openpyxl) say the
//! same; the pages are public; bad input is refused with the reason.

use crate::helpers::{DeskAnswer, TestApp, desk_action, location, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use shared::rating::{BodyHistory, Counts, Criterion, Grade, HalfYear, Rating, RegionFigures};

async fn file(app: &TestApp, body: i64, region: &str, district: &str, subject: &str) -> i64 {
    crate::helpers::file_appeal_of_kind(app, body, region, district, "application", subject)
        .await
        .id
}

async fn rating(app: &TestApp, period: &str) -> reqwest::Response {
    app.call("/api/rating", "", &[("period", period)]).await
}

async fn rating_of(app: &TestApp, half: HalfYear) -> Rating {
    let response = rating(app, &half.to_string()).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// A body's line: its counts, score and grade.
fn line(r: &Rating, body: i64) -> (Counts, Option<i64>, Option<Grade>) {
    let b = r
        .bodies
        .iter()
        .find(|b| b.body == body)
        .unwrap_or_else(|| panic!("body {body} in {:?}", r.bodies));
    (b.counts, b.score, b.grade)
}

fn counts(
    received: i64,
    closed: i64,
    satisfied: i64,
    kept: i64,
    late: i64,
    returned: i64,
    repeats: i64,
) -> Counts {
    Counts {
        received,
        closed,
        satisfied,
        kept,
        late,
        returned,
        repeats,
    }
}

fn region<'a>(r: &'a Rating, soato: &str) -> &'a RegionFigures {
    r.regions.iter().find(|g| g.soato == soato).unwrap()
}

#[tokio::test]
async fn the_rating_counts_against_the_body_responsible_and_freezes_when_the_half_year_closes() {
    let app = spawn_app().await;
    // Begin at the start of the next half-year, so that everything below falls in one.
    let now = app.services.clock.now_ms();
    let half = HalfYear::of(now).next();
    let (start, end) = half.bounds();
    app.services
        .clock
        .advance_ms(start - now + 2 * services::clock::HOUR_MS);

    let officer = app.sign_in(STAFF[1].phone).await;
    let act = |id: i64, fields: Vec<(&'static str, &'static str)>| {
        let (app, officer) = (&app, officer.clone());
        async move { assert_eq!(desk_action(app, &officer, id, &fields).await, DeskAnswer::Done) }
    };
    let resolve = |r: &'static str, why: &'static str| {
        vec![
            ("action", "resolve"),
            ("resolution", r),
            ("confirm", "yes"),
            ("text", why),
        ]
    };
    let answer = vec![
        ("action", "answer"),
        ("text", "Koʻrib chiqildi, choralar koʻrilmoqda."),
    ];
    let (r, d) = ("1726", "1726266");

    // Body 4, the polyclinic: eight appeals, the second a repeat of the first.
    let a: Vec<i64> = {
        let mut ids = Vec::new();
        for subject in [
            "Navbat", "Navbat", "Dori", "Shifokor", "Chiroq", "Lift", "Suv", "Gaz",
        ] {
            ids.push(file(&app, 4, r, d, subject).await);
        }
        ids
    };
    // Body 3, the district's association above it: two of its own. Body 7, another tree:
    // one, from Andijon.
    let b1 = file(&app, 3, r, d, "Tez yordam").await;
    let b2 = file(&app, 3, r, d, "Laboratoriya").await;
    let c1 = file(&app, 7, "1703", "1703202", "Svet").await;

    // A1: answered, then closed satisfied. A2: satisfied. A3: explained. A4: rejected.
    act(a[0], answer.clone()).await;
    act(a[0], resolve("satisfied", "")).await;
    act(a[1], resolve("satisfied", "")).await;
    act(a[2], resolve("explained", "")).await;
    act(a[3], resolve("rejected", "Talab asossiz")).await;
    // A5: satisfied, then the resident returns the answer to control; body 3 re-examines it
    // and closes it satisfied.
    act(a[4], resolve("satisfied", "")).await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let returned = app
        .post_form(
            &format!("/appeals/{}/return", a[4]),
            &resident,
            &[("reason", "Lift hali ham ishlamayapti")],
        )
        .await;
    assert!(!location(&returned).contains("error"), "{}", location(&returned));
    act(a[4], resolve("satisfied", "")).await;
    // A6: answered; the People's Reception sends the answer back; closed satisfied.
    act(a[5], answer.clone()).await;
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let sent = app
        .post_form(
            &format!("/desk/appeals/{}/send-back", a[5]),
            &coordinator,
            &[("reason", "Javobda muddat aytilmagan")],
        )
        .await;
    assert!(!location(&sent).contains("error"), "{}", location(&sent));
    act(a[5], resolve("satisfied", "")).await;
    // Body 3's own: one explained, one satisfied. Body 7's: satisfied by its head.
    act(b1, resolve("explained", "")).await;
    act(b2, resolve("satisfied", "")).await;
    let head7 = crate::helpers::head_of_another_body(&app, "+998907770033").await;
    assert_eq!(
        desk_action(&app, &head7, c1, &resolve("satisfied", "")).await,
        DeskAnswer::Done
    );
    // A7 and A8 are left: their terms pass and they go up to body 3, against body 4. Body 3
    // closes A7 within its new term; A8 stays open.
    app.services.clock.advance_ms(20 * 86_400_000);
    services::appeals::escalate_overdue(&app.services, 100)
        .await
        .unwrap();
    let officer = app.sign_in(STAFF[1].phone).await;
    assert_eq!(
        desk_action(&app, &officer, a[6], &resolve("satisfied", "")).await,
        DeskAnswer::Done
    );
    assert!(app.services.clock.now_ms() < end);

    // The running half-year, provisional. By hand:
    // body 4: received 8 (A1–A8), closed 6 (A1–A6), satisfied 4 (A1, A2, A5, A6), first
    //   answers in time 6 (A1–A6), terms let pass 2 (A7, A8), answers sent back 2 (A5
    //   returned, A6 sent back), repeats 1 (A2);
    //   resolution 4/6 = 667, deadlines 6/8 = 750, re-execution 2/6 = 333 (counts 667),
    //   repetition 1/8 = 125 (counts 875): score (667 + 750 + 667 + 875) / 4 = 740, yellow.
    // body 3: received 2, closed 4 (B1, B2, A5 again, A7), satisfied 3, first answers in
    //   time 3 (B1, B2, A7: A5's was body 4's): 4 closed is fewer than 5, not graded.
    // body 7: received 1, closed 1, satisfied 1, kept 1: not graded.
    // Share: 8, 2 and 1 of 11 appeals.
    let running = rating(&app, "").await;
    assert_eq!(running.status(), 200);
    let running: Rating = running.json().await.unwrap();
    assert_eq!(running.period, half);
    assert_eq!(running.frozen_at, None);
    assert_eq!(running.periods.first(), Some(&half));
    let body4 = (counts(8, 6, 4, 6, 2, 2, 1), Some(740), Some(Grade::Yellow));
    let body3 = (counts(2, 4, 3, 3, 0, 0, 0), None, None);
    let body7 = (counts(1, 1, 1, 1, 0, 0, 0), None, None);
    assert_eq!(line(&running, 4), body4);
    assert_eq!(line(&running, 3), body3);
    assert_eq!(line(&running, 7), body7);
    assert_eq!(running.bodies.len(), 3, "{:?}", running.bodies);
    assert_eq!(running.bodies[0].body, 4, "graded bodies first");
    let b4 = running.bodies.iter().find(|b| b.body == 4).unwrap();
    let values: Vec<Option<i64>> = Criterion::ALL.iter().map(|c| b4.value(*c)).collect();
    assert_eq!(values, [Some(727), Some(667), Some(750), Some(333), Some(125)]);
    assert_eq!(region(&running, "1726").counts, counts(10, 10, 7, 9, 2, 2, 1));
    assert_eq!(region(&running, "1703").counts, counts(1, 1, 1, 1, 0, 0, 0));

    // The half-year closes. Read after it, it is frozen, with the same figures.
    let now = app.services.clock.now_ms();
    app.services
        .clock
        .advance_ms(end - now + services::clock::HOUR_MS);
    let frozen = rating_of(&app, half).await;
    assert!(frozen.frozen_at.is_some());
    assert_eq!(frozen.bodies, running.bodies);
    assert_eq!(frozen.regions, running.regions);
    assert_eq!(frozen.periods.first(), Some(&half.next()));
    assert_eq!(
        services::reports::rating::freeze_closed(&app.services)
            .await
            .unwrap(),
        0,
        "frozen once"
    );

    // Late events: A8 goes up again (against body 3, in the new half-year) and is closed;
    // an administrator lowers the thresholds and the fewest closed appeals to be graded.
    services::appeals::escalate_overdue(&app.services, 100)
        .await
        .unwrap();
    let officer = app.sign_in(STAFF[1].phone).await;
    assert_eq!(
        desk_action(&app, &officer, a[7], &resolve("satisfied", "")).await,
        DeskAnswer::Done
    );
    let admin = app.sign_in(STAFF[4].phone).await;
    let settings = |green: &'static str, yellow: &'static str, min: &'static str| {
        vec![
            ("green", green),
            ("yellow", yellow),
            ("min_closed", min),
            ("weight_share", "0"),
            ("weight_resolution", "1"),
            ("weight_deadline", "1"),
            ("weight_reexecution", "1"),
            ("weight_repetition", "1"),
        ]
    };
    let saved = app
        .post_form("/admin/rating", &admin, &settings("700", "400", "1"))
        .await;
    assert_eq!(location(&saved), "/admin/rating?saved=1");
    // The closed half-year is as it was published.
    let again = rating_of(&app, half).await;
    assert_eq!(again, frozen);
    assert_eq!(line(&again, 4), body4);
    assert_eq!(line(&again, 3), body3);
    // The running one counts the late events with the new settings: body 3 let A8's term
    // pass (late 1, nothing closed: not graded); body 2 answered it first, in time, and
    // closed it satisfied — graded now that one closed appeal is enough: every criterion
    // that has a value is 100 %.
    let new = rating_of(&app, half.next()).await;
    assert_eq!(new.frozen_at, None);
    assert_eq!(line(&new, 3), (counts(0, 0, 0, 0, 1, 0, 0), None, None));
    assert_eq!(
        line(&new, 2),
        (counts(0, 1, 1, 1, 0, 0, 0), Some(1000), Some(Grade::Green))
    );

    // Settings refused: yellow not below green; a weight out of its range.
    let refused = app
        .post_form("/admin/rating", &admin, &settings("500", "500", "5"))
        .await;
    assert!(
        location(&refused).contains("error=order&field=yellow"),
        "{}",
        location(&refused)
    );
    let mut heavy = settings("800", "500", "5");
    heavy[3] = ("weight_share", "11");
    let refused = app.post_form("/admin/rating", &admin, &heavy).await;
    assert!(
        location(&refused).contains("error=setting&field=weight_share"),
        "{}",
        location(&refused)
    );

    // A body's history: both half-years, newest first.
    let history = app.call("/api/rating_body", "", &[("id", "4")]).await;
    assert_eq!(history.status(), 200);
    let history: BodyHistory = history.json().await.unwrap();
    let halves: Vec<(HalfYear, bool)> = history.periods.iter().map(|p| (p.0, p.1)).collect();
    assert!(halves.contains(&(half, true)), "{halves:?}");
    assert_eq!(
        app.call("/api/rating_body", "", &[("id", "999")]).await.status(),
        400
    );

    // Files for everyone, no sign-in: the CSV's line of body 4, and the XLSX read back.
    let csv = app.get(&format!("/rating.csv?period={half}")).await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let name4 = "Yunusobod tumani 1-son oilaviy poliklinika";
    let expected = format!("{half},final,4,{name4},8,6,4,6,2,2,1,727,667,750,333,125,740,yellow");
    assert!(csv.lines().any(|l| l == expected), "{csv}");
    let xlsx = app.get(&format!("/rating.xlsx?period={half}")).await;
    assert_eq!(xlsx.status(), 200);
    let rows = crate::helpers::read_xlsx(&xlsx.bytes().await.unwrap());
    let rating_sheet = &rows["rating"];
    assert_eq!(rating_sheet[0][2], "body_id");
    let row4 = rating_sheet
        .iter()
        .find(|row| row[2] == "4")
        .expect("body 4 in the spreadsheet");
    assert_eq!(row4.join(","), expected);
    assert!(
        rows["regions"]
            .iter()
            .any(|row| row[1] == "1726" && row[3] == "10"),
        "{:?}",
        rows["regions"]
    );

    let pdf = app.get(&format!("/rating.pdf?period={half}")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));

    // The public pages, rendered on the server.
    let (status, page) = app.get_text(&format!("/rating?period={half}")).await;
    assert_eq!(status, 200);
    assert!(page.contains(name4) && page.contains("Sariq") && page.contains("74.0 %"));
    let (status, page) = app.get_text("/rating/body/4").await;
    assert_eq!(status, 200);
    assert!(page.contains(&half.to_string()) && page.contains("<svg"));

    // Bad input: a malformed period, a half-year not begun, in the caller's language.
    for (period, problem) in [("2027-H3", "period"), ("bir", "period"), ("2999-H1", "future")] {
        let response = rating(&app, period).await;
        assert_eq!(response.status(), 400, "{period}");
        assert!(response.text().await.unwrap().contains(problem), "{period}");
    }
    let (status, text) = app.get_text("/rating.csv?period=2999-H2").await;
    assert_eq!(status, 400);
    assert!(text.contains("hali boshlanmagan"), "{text}");
}
