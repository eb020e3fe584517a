//! Quarterly reports through HTTP: every figure of a body's report checked against a fixture
//! counted by hand, each beside the quarter before; the CSV says the same; a quarter not begun,
//! a malformed one and a scope outside the caller's reach are refused with the reason.

use crate::helpers::{DeskAnswer, TestApp, desk_action, resolve_form as resolve, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use shared::report::{Quarter, Report, Section};

/// Files an appeal of the first demo resident to `body` (from Chilonzor tumani), of `kind`,
/// about `subject`.
async fn file(app: &TestApp, body: i64, kind: &str, subject: &str) -> i64 {
    crate::helpers::file_appeal_of_kind(app, body, "1726", "1726266", kind, subject)
        .await
        .id
}

async fn report(app: &TestApp, cookie: &str, scope: &str, quarter: &str) -> reqwest::Response {
    app.call("/api/report", cookie, &[("scope", scope), ("quarter", quarter)])
        .await
}

/// The figures of a section as (code, now, before).
fn figures(report: &Report, section: Section) -> Vec<(String, i64, i64)> {
    report
        .section(section)
        .iter()
        .map(|f| (f.code.clone(), f.now, f.before))
        .collect()
}

fn row(code: &str, now: i64, before: i64) -> (String, i64, i64) {
    (code.to_string(), now, before)
}

#[tokio::test]
async fn a_bodys_quarter_is_counted_beside_the_quarter_before() {
    let app = spawn_app().await;
    let officer = app.sign_in(STAFF[1].phone).await;
    let act = |id: i64, fields: Vec<(&'static str, &'static str)>| {
        let (app, officer) = (&app, officer.clone());
        async move { assert_eq!(desk_action(app, &officer, id, &fields).await, DeskAnswer::Done) }
    };

    // This quarter (the one before the report's): three appeals to body 4 (below body 1), one
    // a repeat of another; one to body 7 (another tree). All answered or closed in time.
    let a1 = file(&app, 4, "application", "Navbat").await;
    let a2 = file(&app, 4, "application", "Navbat").await;
    let a3 = file(&app, 4, "proposal", "Dori").await;
    let elsewhere = file(&app, 7, "application", "Svet").await;
    act(a1, vec![("action", "answer"), ("text", "Navbat qisqartirildi")]).await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let rated = app
        .post_form(
            &format!("/appeals/{a1}/rating"),
            &resident,
            &[("score", "5"), ("comment", "")],
        )
        .await;
    assert!(
        crate::helpers::location(&rated).contains("rated"),
        "{}",
        crate::helpers::location(&rated)
    );
    for id in [a1, a2, a3] {
        act(id, resolve("explained")).await;
    }
    let head7 = crate::helpers::head_of_another_body(&app, "+998907770033").await;
    assert_eq!(
        desk_action(&app, &head7, elsewhere, &resolve("explained")).await,
        DeskAnswer::Done
    );

    // The next quarter begins; two appeals come: one triaged urgent and answered, then rated 4;
    // one closed as satisfied.
    let before = Quarter::of(app.services.clock.now_ms());
    let (_, next_start) = before.bounds();
    let now = app.services.clock.now_ms();
    app.services
        .clock
        .advance_ms(next_start - now + 2 * services::clock::HOUR_MS);
    let quarter = Quarter::of(app.services.clock.now_ms());
    assert_eq!(quarter.previous(), before);
    let officer = app.sign_in(STAFF[1].phone).await;
    let act = |id: i64, fields: Vec<(&'static str, &'static str)>| {
        let (app, officer) = (&app, officer.clone());
        async move { assert_eq!(desk_action(app, &officer, id, &fields).await, DeskAnswer::Done) }
    };
    let a5 = file(&app, 4, "complaint", "Shifokor").await;
    let a6 = file(&app, 4, "application", "Chiroq").await;
    act(a5, vec![("action", "triage"), ("category", "urgent")]).await;
    act(a5, vec![("action", "answer"), ("text", "Shifokor tayinlandi")]).await;
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    app.post_form(
        &format!("/appeals/{a5}/rating"),
        &resident,
        &[("score", "4"), ("comment", "")],
    )
    .await;
    act(a6, resolve("satisfied")).await;

    let head = app.sign_in(STAFF[2].phone).await;
    let response = report(&app, &head, "body:1", &quarter.to_string()).await;
    assert_eq!(response.status(), 200);
    let r: Report = response.json().await.unwrap();
    assert_eq!(
        figures(&r, Section::Received),
        [row("total", 2, 3), row("repeat", 0, 1), row("collective", 0, 0)]
    );
    assert_eq!(figures(&r, Section::Channel), [row("web", 2, 3)]);
    assert_eq!(
        figures(&r, Section::Kind),
        [
            row("application", 1, 2),
            row("complaint", 1, 0),
            row("proposal", 0, 1)
        ]
    );
    assert_eq!(
        figures(&r, Section::Category),
        [row("none", 1, 3), row("urgent", 1, 0)]
    );
    assert_eq!(figures(&r, Section::Topic), [row("healthcare", 2, 3)]);
    assert_eq!(
        figures(&r, Section::Resolved),
        [row("explained", 0, 3), row("satisfied", 1, 0)]
    );
    // Terms ending in each quarter: all three of the quarter before replied to in time; this
    // quarter's both replied to in time (one answered, one closed).
    assert_eq!(
        figures(&r, Section::Terms),
        [row("on_time", 2, 3), row("overdue_now", 0, 0)]
    );
    assert!(figures(&r, Section::Control).is_empty());
    assert_eq!(
        figures(&r, Section::Scores),
        [row("count", 1, 1), row("average", 40, 50)]
    );

    // The CSV says the same.
    let csv = app
        .get_as(
            &format!("/desk/reports.csv?scope=body:1&quarter={quarter}"),
            &head,
        )
        .await;
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    assert!(
        text.starts_with(&format!("section,figure,{quarter},{before}\r\n")),
        "{text}"
    );
    assert!(text.contains("received,total,2,3\r\n"), "{text}");
    assert!(text.contains("scores,average,40,50\r\n"), "{text}");
    // The PDF for print.
    let pdf = app
        .get_as(
            &format!("/desk/reports.pdf?scope=body:1&quarter={quarter}"),
            &head,
        )
        .await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    // So does the XLSX, read back by openpyxl.
    let xlsx = app
        .get_as(
            &format!("/desk/reports.xlsx?scope=body:1&quarter={quarter}"),
            &head,
        )
        .await;
    assert_eq!(xlsx.status(), 200);
    let sheets = crate::helpers::read_xlsx(&xlsx.bytes().await.unwrap());
    let rows = &sheets["report"];
    assert_eq!(
        rows[0],
        ["section", "figure", &quarter.to_string(), &before.to_string()]
    );
    assert!(
        rows.iter().any(|r| r == &["received", "total", "2", "3"]),
        "{rows:?}"
    );
    assert!(
        rows.iter().any(|r| r == &["scores", "average", "40", "50"]),
        "{rows:?}"
    );

    // The head sees each officer's figures: the demo officer closed one (three the quarter
    // before), answered both of this quarter's first and in time (three before), and had one
    // answer scored 4 (one scored 5 before). An officer does not see them.
    assert_eq!(r.officers.len(), 1);
    let (name, officer) = &r.officers[0];
    assert_eq!(name, STAFF[1].name);
    let officer: Vec<(String, i64, i64)> = officer
        .iter()
        .map(|f| (f.code.clone(), f.now, f.before))
        .collect();
    assert_eq!(
        officer,
        [
            row("closed", 1, 3),
            row("on_time", 2, 3),
            row("scores", 1, 1),
            row("average", 40, 50)
        ]
    );
    let officer_cookie = app.sign_in(STAFF[1].phone).await;
    let theirs: Report = report(&app, &officer_cookie, "body:1", &quarter.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs.officers.is_empty());
    assert_eq!(theirs.sections, r.sections);
    // Each figure links to the appeals behind it, newest first: this quarter's and the one
    // before's.
    let behind = |quarter: String, section: &'static str, figure: &'static str| {
        let (app, head) = (&app, head.clone());
        async move {
            app.call(
                "/api/report_appeals",
                &head,
                &[
                    ("scope", "body:1"),
                    ("quarter", &quarter),
                    ("section", section),
                    ("figure", figure),
                ],
            )
            .await
        }
    };
    let ids = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 200);
        let list: shared::report::FigureAppeals = response.json().await.unwrap();
        assert_eq!(list.total, list.appeals.len() as i64);
        list.appeals.iter().map(|a| a.id).collect::<Vec<_>>()
    };
    let (q, b) = (quarter.to_string(), before.to_string());
    assert_eq!(ids(behind(q.clone(), "received", "total").await).await, [a6, a5]);
    assert_eq!(ids(behind(b.clone(), "received", "repeat").await).await, [a2]);
    assert_eq!(
        ids(behind(b.clone(), "category", "none").await).await,
        [a3, a2, a1]
    );
    assert_eq!(ids(behind(q.clone(), "category", "urgent").await).await, [a5]);
    assert_eq!(ids(behind(q.clone(), "resolved", "satisfied").await).await, [a6]);
    assert_eq!(
        ids(behind(b.clone(), "resolved", "explained").await).await,
        [a3, a2, a1]
    );
    assert_eq!(ids(behind(q.clone(), "terms", "on_time").await).await, [a6, a5]);
    assert_eq!(
        ids(behind(q.clone(), "topic", "healthcare").await).await,
        [a6, a5]
    );
    assert!(
        ids(behind(q.clone(), "control", "escalated").await)
            .await
            .is_empty()
    );
    for (section, figure) in [("scores", "average"), ("received", "most"), ("weather", "total")] {
        let response = behind(q.clone(), section, figure).await;
        assert_eq!(response.status(), 400, "{section} {figure}");
        assert!(response.text().await.unwrap().contains("figure"));
    }
    let (status, page) = app
        .get_text_as(
            &format!("/desk/reports/appeals?scope=body%3A1&quarter={q}&section=received&figure=total"),
            &head,
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains(&format!("/desk/appeals/{a6}")), "{page}");
    let (_, page) = app
        .get_text_as(&format!("/desk/reports?scope=body%3A1&quarter={q}"), &head)
        .await;
    assert!(
        page.contains("section=received&amp;figure=total") || page.contains("section=received&figure=total"),
        "the report's figures link to their appeals"
    );

    // Refused, each with its reason: a quarter not begun, a malformed one, a scope outside
    // the caller's reach (another tree, a region, the country).
    let refused = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 400);
        response.text().await.unwrap()
    };
    let next = Quarter::of(quarter.bounds().1);
    assert!(
        refused(report(&app, &head, "body:1", &next.to_string()).await)
            .await
            .contains("future")
    );
    assert!(
        refused(report(&app, &head, "body:1", "2026-Q7").await)
            .await
            .contains("period")
    );
    for scope in ["body:7", "region:1726", "country", "town:1"] {
        assert!(
            refused(report(&app, &head, scope, &quarter.to_string()).await)
                .await
                .contains("scope"),
            "{scope}"
        );
    }
    let csv = app
        .get_as(
            &format!("/desk/reports.csv?scope=body:7&quarter={quarter}"),
            &head,
        )
        .await;
    assert_eq!(csv.status(), 400);
    assert!(csv.text().await.unwrap().contains("huquqingiz yoʻq"));
    // The People's Reception reads its region's report; the body 7 appeal counts there too.
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let r: Report = report(&app, &coordinator, "region:1726", &quarter.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(figures(&r, Section::Received)[0], row("total", 2, 4));
}

/// The report's counts as the database holds them, in order.
async fn counts(app: &TestApp) -> Vec<(String, i64, String, String, i64, i64, i64)> {
    sqlx::query_as(
        "SELECT place, month, section, code, officer_id, n, total FROM report_counts \
         WHERE n <> 0 OR total <> 0 ORDER BY place, month, section, code, officer_id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn each_step_counts_against_the_body_that_held_the_appeal_and_the_counts_rebuild_the_same() {
    let app = spawn_app().await;
    // Begin at the start of the next quarter, so that everything below falls in one.
    let now = app.services.clock.now_ms();
    let quarter = Quarter::of(Quarter::of(now).bounds().1);
    app.services
        .clock
        .advance_ms(quarter.bounds().0 - now + 2 * services::clock::HOUR_MS);
    let officer = app.sign_in(STAFF[1].phone).await;
    let act = |id: i64, fields: Vec<(&'static str, &'static str)>| {
        let (app, officer) = (&app, officer.clone());
        async move { assert_eq!(desk_action(app, &officer, id, &fields).await, DeskAnswer::Done) }
    };
    let answer = vec![("action", "answer"), ("text", "Koʻrib chiqildi")];
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let rate = |id: i64, score: &'static str| {
        let (app, resident) = (&app, resident.clone());
        async move {
            let rated = app
                .post_form(
                    &format!("/appeals/{id}/rating"),
                    &resident,
                    &[("score", score), ("comment", "")],
                )
                .await;
            assert!(crate::helpers::location(&rated).contains("rated"));
        }
    };

    // Four appeals to body 4. A1: triaged urgent, answered, scored 3 and then 5 (the second
    // score replaces the first), closed satisfied. A2: left until its term passes. A3: closed
    // as explained, returned to control by the resident, closed satisfied. A4: answered,
    // sent back by the People's Reception, closed satisfied.
    let a1 = file(&app, 4, "application", "Navbat").await;
    let a2 = file(&app, 4, "application", "Dori").await;
    let a3 = file(&app, 4, "application", "Lift").await;
    let a4 = file(&app, 4, "application", "Shifokor").await;
    act(a1, vec![("action", "triage"), ("category", "urgent")]).await;
    act(a1, answer.clone()).await;
    rate(a1, "3").await;
    rate(a1, "5").await;
    act(a1, resolve("satisfied")).await;
    act(a3, resolve("explained")).await;
    let returned = app
        .post_form(
            &format!("/appeals/{a3}/return"),
            &resident,
            &[("reason", "Lift hali ham ishlamayapti")],
        )
        .await;
    assert!(!crate::helpers::location(&returned).contains("error"));
    act(a3, resolve("satisfied")).await;
    act(a4, answer.clone()).await;
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let sent = app
        .post_form(
            &format!("/desk/appeals/{a4}/send-back"),
            &coordinator,
            &[("reason", "Javobda muddat aytilmagan")],
        )
        .await;
    assert!(!crate::helpers::location(&sent).contains("error"));
    act(a4, resolve("satisfied")).await;
    // Twenty days on, A2's term has passed: it goes up to body 3, against body 4.
    app.services.clock.advance_ms(20 * 86_400_000);
    assert_eq!(
        services::appeals::escalate_overdue(&app.services, 100)
            .await
            .unwrap(),
        1
    );
    assert_eq!(Quarter::of(app.services.clock.now_ms()), quarter);

    let head = app.sign_in(STAFF[2].phone).await;
    let read = |scope: &'static str| {
        let (app, head) = (&app, head.clone());
        async move {
            let response = report(app, &head, scope, &quarter.to_string()).await;
            assert_eq!(response.status(), 200);
            response.json::<Report>().await.unwrap()
        }
    };
    let ministry = read("body:1").await;
    assert_eq!(
        figures(&ministry, Section::Received),
        [row("total", 4, 0), row("repeat", 0, 0), row("collective", 0, 0)]
    );
    assert_eq!(
        figures(&ministry, Section::Category),
        [row("none", 3, 0), row("urgent", 1, 0)]
    );
    assert_eq!(
        figures(&ministry, Section::Resolved),
        [row("explained", 1, 0), row("satisfied", 3, 0)]
    );
    assert_eq!(
        figures(&ministry, Section::Terms),
        [
            row("on_time", 3, 0),
            row("overdue", 1, 0),
            row("overdue_now", 0, 0)
        ]
    );
    assert_eq!(
        figures(&ministry, Section::Control),
        [
            row("escalated", 1, 0),
            row("returned", 1, 0),
            row("sent_back", 1, 0)
        ]
    );
    assert_eq!(
        figures(&ministry, Section::Scores),
        [row("count", 1, 0), row("average", 50, 0)]
    );
    let (_, officer) = &ministry.officers[0];
    let officer: Vec<_> = officer
        .iter()
        .map(|f| (f.code.clone(), f.now, f.before))
        .collect();
    assert_eq!(
        officer,
        [
            row("closed", 4, 0),
            row("on_time", 3, 0),
            row("scores", 1, 0),
            row("average", 50, 0)
        ]
    );
    // The passed term and its passing up count against body 4, which let it pass, not
    // against body 3 (above it), which holds A2 now.
    let polyclinic = read("body:4").await;
    assert_eq!(
        polyclinic.section(Section::Terms)[1],
        shared::report::Figure {
            code: "overdue".into(),
            now: 1,
            before: 0
        }
    );
    assert_eq!(polyclinic.value(Section::Control, "escalated"), 1);
    let against_parent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM report_counts WHERE place = 'b:3' AND code IN ('overdue', 'escalated')",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(against_parent, 0);
    // The district counts the same as the ministry's tree here.
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let coordinator_report: Report = report(&app, &coordinator, "district:1726266", &quarter.to_string())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(coordinator_report.sections, ministry.sections);

    // Each figure's list holds the appeals the figure counts.
    let behind = |scope: &'static str, section: &'static str, figure: &'static str| {
        let (app, head) = (&app, head.clone());
        async move {
            let response = app
                .call(
                    "/api/report_appeals",
                    &head,
                    &[
                        ("scope", scope),
                        ("quarter", &quarter.to_string()),
                        ("section", section),
                        ("figure", figure),
                    ],
                )
                .await;
            assert_eq!(response.status(), 200);
            let list: shared::report::FigureAppeals = response.json().await.unwrap();
            list.appeals.iter().map(|a| a.id).collect::<Vec<_>>()
        }
    };
    assert_eq!(behind("body:4", "terms", "overdue").await, [a2]);
    assert_eq!(behind("body:1", "terms", "on_time").await, [a4, a3, a1]);
    assert_eq!(behind("body:1", "control", "returned").await, [a3]);
    assert_eq!(behind("body:1", "control", "sent_back").await, [a4]);
    assert_eq!(behind("body:1", "category", "none").await, [a4, a3, a2]);
    assert_eq!(behind("body:1", "resolved", "satisfied").await, [a4, a3, a1]);

    // The counts kept step by step are those tallied afresh from every appeal's steps.
    let kept = counts(&app).await;
    assert!(!kept.is_empty());
    assert_eq!(services::reports::counts::rebuild(&app.db).await.unwrap(), 4);
    assert_eq!(counts(&app).await, kept);
}
