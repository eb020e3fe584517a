//! Appeals after filing, through real HTTP: attachments, collective appeals with co-signers and
//! consent, returns to control and ratings, and the live stream (SSE) with its resume and —
//! on PostgreSQL — its reach across server instances.

use crate::helpers::{
    DeskAnswer, TestApp, desk_action, location, on_postgres, spawn_app, spawn_app_with, test_config,
};
use services::appeals::{Action, NewAppeal};
use services::demo::{RESIDENTS, STAFF};
use shared::appeal::Problem;
use std::time::{Duration, Instant};

/// How long a test waits for an event that must arrive (a deadline for a hung test, not a
/// latency claim: latency is measured by the benchmarks).
const ARRIVES: Duration = Duration::from_secs(10);

async fn principal(app: &TestApp, phone: &str) -> shared::auth::Principal {
    let cookie = app.sign_in(phone).await;
    let token = cookie.split('=').nth(1).unwrap().to_string();
    services::identity::auth::principal(&app.services, &token)
        .await
        .unwrap()
        .unwrap()
}

/// Adolat MFY, a mahalla of Chilonzor tumani (1726266).
pub(crate) const ADOLAT: &str = "107-0084";

fn new_appeal<'a>(user_id: i64, cosigners: &'a [shared::Phone]) -> NewAppeal<'a> {
    NewAppeal {
        user_id,
        body_id: 4,
        topic: "healthcare",
        kind: "application",
        subject: "Poliklinika hovlisi",
        text: "Poliklinika hovlisidagi chiroqlar yoqilmaydi.",
        region: "1726",
        district: "1726266",
        // A collective appeal names its mahalla (its seven consent to close it).
        mahalla: (!cosigners.is_empty()).then_some(ADOLAT),
        applicant: "Karimov Anvar Olimovich",
        address: "Yunusobod 4-mavze, 12-uy",
        cosigners,
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
        channel: shared::appeal::Channel::Web,
    }
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db.pool).await.unwrap()
}

/// The fields of a valid filing form.
fn filing(subject: &str) -> Vec<(&'static str, String)> {
    vec![
        ("body", "4".into()),
        ("topic", "healthcare".into()),
        ("kind", "application".into()),
        ("subject", subject.into()),
        ("text", "Matn".into()),
        ("district", "1726266".into()),
        ("applicant", "Karimov Anvar Olimovich".into()),
        ("address", "Yunusobod 4-mavze, 12-uy".into()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_checked_like_meter_photos_and_shown_to_the_resident_and_officers_only() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let photo = services::storage::fixtures::sample(2400, 1800, image::ImageFormat::Png);
    let pdf =
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
    let post = |files: Vec<(&'static str, &'static str, Vec<u8>)>, fields: Vec<(&'static str, String)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            location(&app.post_multipart("/appeals", &cookie, &fields, &files).await)
        }
    };
    let before = count(&app, "SELECT COUNT(*) FROM appeals").await;
    // A text file named like a photo, six files, a PDF cut short, a pixel bomb: each refused,
    // with what was typed kept, and nothing stored.
    let fields = filing("Soxta");
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let fake = [("files", "photo.jpg", b"not a photo at all".to_vec())];
    let refused = app.post_multipart("/appeals", &cookie, &fields, &fake).await;
    assert_eq!(location(&refused), "/appeals/new?error=file_type#appeal-error");
    let kept = crate::helpers::kept(&app, &refused, &cookie, "appeal").await;
    assert_eq!(kept.get("subject").map(String::as_str), Some("Soxta"));
    let six = (0..6).map(|_| ("files", "a.pdf", pdf.clone())).collect();
    assert!(post(six, filing("Olti")).await.contains("error="), "six files");
    let to = post(vec![("files", "cut.pdf", pdf[..30].to_vec())], filing("Kesik")).await;
    assert!(to.contains("error=pdf_damaged"), "{to}");
    let bomb = services::storage::fixtures::bomb_png(30_000, 30_000);
    let to = post(vec![("files", "bomb.png", bomb)], filing("Bomba")).await;
    assert!(to.contains("error=photo_too_many_pixels"), "{to}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeals").await, before);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeal_files").await, 0);

    // A photo and a PDF: the photo is re-encoded as a JPEG, the PDF kept as sent.
    let to = post(
        vec![
            ("files", "hovli.png", photo),
            ("files", "../../akt.pdf", pdf.clone()),
        ],
        filing("Hovli"),
    )
    .await;
    assert!(to.ends_with("?filed=1"), "{to}");
    let id: i64 = to
        .trim_start_matches("/appeals/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let files: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM appeal_files WHERE appeal_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(
        files.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(),
        ["hovli.jpg", "akt.pdf"]
    );
    let photo_url = format!("/appeals/{id}/files/{}", files[0].0);
    let response = app.get_as(&photo_url, &cookie).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    let jpeg = response.bytes().await.unwrap();
    assert_eq!(&jpeg[..3], [0xFF, 0xD8, 0xFF]);
    let response = app
        .get_as(&format!("/appeals/{id}/files/{}", files[1].0), &cookie)
        .await;
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    let (status, page) = app.get_text_as(&format!("/appeals/{id}"), &cookie).await;
    assert_eq!(status, 200);
    assert!(page.contains(&photo_url), "the page links the photo");

    // The body's officer sees it; another resident and another body's officer do not.
    let officer = app.sign_in(STAFF[1].phone).await;
    assert_eq!(app.get_as(&photo_url, &officer).await.status(), 200);
    let other = app.sign_in(RESIDENTS[1].phone).await;
    assert_eq!(app.get_as(&photo_url, &other).await.status(), 404);
    assert_eq!(
        app.get_as(&format!("/appeals/{}/files/{}", id + 1, files[0].0), &cookie)
            .await
            .status(),
        404
    );

    // An officer's answer carries files too, from the desk form.
    let to = location(
        &app.post_multipart(
            &format!("/desk/appeals/{id}"),
            &officer,
            &[("action", "answer"), ("text", "Chiroqlar almashtirildi.")],
            &[("files", "dalolatnoma.pdf", pdf.clone())],
        )
        .await,
    );
    assert!(to.ends_with("?done=answer"), "{to}");
    let view = services::appeals::view(&app.services, files_owner(&app, id).await, id)
        .await
        .unwrap();
    let answer = view.events.iter().find(|e| e.kind.code() == "answered").unwrap();
    assert_eq!(answer.attachments.len(), 1);
    assert_eq!(view.attachments.len(), 2);
    // Files only go with an answer.
    let to = location(
        &app.post_multipart(
            &format!("/desk/appeals/{id}"),
            &officer,
            &[("action", "extend"), ("text", "Tekshiruv")],
            &[("files", "x.pdf", pdf)],
        )
        .await,
    );
    assert!(to.contains("error=files_not_here"), "{to}");
}

async fn files_owner(app: &TestApp, appeal: i64) -> i64 {
    sqlx::query_scalar("SELECT user_id FROM appeals WHERE id = $1")
        .bind(appeal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

/// The code an SMS invitation carries (after "Kod:", "Код:").
async fn invitation_code(app: &TestApp, phone: &str) -> String {
    let phone = shared::Phone::parse(phone).unwrap();
    let messages = services::sms::recent(&app.db, Some(&phone), 1).await.unwrap();
    let body = &messages.first().expect("an invitation").body;
    let after = body
        .split_once("Kod: ")
        .or_else(|| body.split_once("Код: "))
        .unwrap()
        .1;
    after[..6].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collective_appeal_is_cosigned_by_sms_code_and_closes_only_with_consent() {
    let app = spawn_app().await;
    let filer = principal(&app, RESIDENTS[0].phone).await;
    let cosigners = [
        shared::Phone::parse("+998 93 111 22 33").unwrap(),
        shared::Phone::parse("+998 94 555 66 77").unwrap(),
    ];
    let collective = services::appeals::file(&app.services, &new_appeal(filer.user_id, &cosigners))
        .await
        .unwrap();
    let other = services::appeals::file(&app.services, &new_appeal(filer.user_id, &cosigners[..1]))
        .await
        .unwrap();
    let code_for_other = invitation_code(&app, "+998931112233").await;
    // The first invitation to that phone was for the collective appeal; find it by appeal.
    let first_code = {
        let phone = shared::Phone::parse("+998931112233").unwrap();
        let messages = services::sms::recent(&app.db, Some(&phone), 5).await.unwrap();
        let body = messages
            .iter()
            .find(|m| m.body.contains(&collective.number))
            .unwrap()
            .body
            .clone();
        body.split_once("Kod: ").unwrap().1[..6].to_string()
    };
    let cosign = |number: String, phone: &'static str, code: String| {
        let app = &app;
        async move {
            location(
                &app.post_form(
                    "/appeals/cosign",
                    "",
                    &[("number", &number), ("phone", phone), ("code", &code)],
                )
                .await,
            )
        }
    };
    // A code for another appeal does not sign this one; letters are not a code; a phone not
    // named is not invited.
    let wrong = if code_for_other == first_code {
        "000000".to_string()
    } else {
        code_for_other.clone()
    };
    let to = cosign(collective.number.clone(), "+998931112233", wrong).await;
    assert!(to.contains("error=wrong_code"), "{to}");
    let to = cosign(collective.number.clone(), "+998931112233", "12ab56".into()).await;
    assert!(to.contains("error=code_malformed"), "{to}");
    // A phone the appeal does not name gets the wrong code's answer: nobody learns who co-signed.
    let to = cosign(collective.number.clone(), "+998977777777", first_code.clone()).await;
    assert!(to.contains("error=wrong_code"), "{to}");
    let to = cosign(collective.number.clone(), "+998931112233", first_code.clone()).await;
    assert!(to.contains("done=1"), "{to}");
    let to = cosign(collective.number.clone(), "+998931112233", first_code).await;
    assert!(to.contains("error=already"), "{to}");
    let to = cosign(other.number.clone(), "+998931112233", code_for_other).await;
    assert!(to.contains("done=1"), "{to}");
    let view = services::appeals::view(&app.services, filer.user_id, collective.id)
        .await
        .unwrap();
    assert!(view.collective);
    assert_eq!(
        view.cosigners.iter().map(|c| c.confirmed).collect::<Vec<_>>(),
        [true, false]
    );
    // Five wrong codes end the tries.
    for _ in 0..5 {
        cosign(collective.number.clone(), "+998945556677", "000001".into()).await;
    }
    let to = cosign(collective.number.clone(), "+998945556677", "000001".into()).await;
    assert!(to.contains("error=too_many_tries"), "{to}");

    // Closing needs consent: refused without it, with the reason; a refusal blocks it too.
    // The consent is given by the people themselves (see mahalla_seven.rs for each refusal).
    let desk = app.sign_in(STAFF[1].phone).await;
    let resolve = || {
        vec![
            ("action", "resolve"),
            ("resolution", "satisfied"),
            ("confirm", "yes"),
        ]
    };
    let close = |appeal: i64| {
        let (app, desk) = (&app, desk.clone());
        async move { desk_action(app, &desk, appeal, &resolve()).await }
    };
    assert_eq!(
        close(collective.id).await,
        DeskAnswer::Refused(Problem::ConsentRepresentative)
    );
    // The confirmed co-signer speaks as a representative.
    let representative = app.sign_in("+998931112233").await;
    crate::mahalla_seven::say(
        &app,
        &representative,
        collective.id,
        "representative",
        "yes",
        "+998931112233",
    )
    .await;
    assert_eq!(
        close(collective.id).await,
        DeskAnswer::Refused(Problem::ConsentMahalla)
    );
    // The People's Reception names the mahalla's chair; her refusal blocks closing, her last
    // word counts.
    let coordinator = app.sign_in(STAFF[3].phone).await;
    crate::mahalla_seven::name(
        &app,
        &coordinator,
        ADOLAT,
        "mahalla_chair",
        "Rahimova Dilnoza",
        "+998905550011",
    )
    .await;
    let chair = app.sign_in("+998905550011").await;
    crate::mahalla_seven::say(
        &app,
        &chair,
        collective.id,
        "mahalla_chair",
        "no",
        "+998905550011",
    )
    .await;
    assert_eq!(
        close(collective.id).await,
        DeskAnswer::Refused(Problem::ConsentRefused)
    );
    crate::mahalla_seven::say(
        &app,
        &chair,
        collective.id,
        "mahalla_chair",
        "yes",
        "+998905550011",
    )
    .await;
    assert_eq!(close(collective.id).await, DeskAnswer::Done);
    // An officer records no one's consent.
    assert_eq!(
        desk_action(
            &app,
            &desk,
            other.id,
            &[
                ("action", "consent"),
                ("person", "X"),
                ("role", "representative"),
                ("consent", "yes")
            ]
        )
        .await,
        DeskAnswer::Refused(Problem::Action)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_is_returned_to_control_once_within_30_days_and_rated() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let resident = principal(&app, RESIDENTS[0].phone).await;
    let officer = principal(&app, STAFF[1].phone).await;
    let filed = services::appeals::file(&app.services, &new_appeal(resident.user_id, &[]))
        .await
        .unwrap();
    let post = |path: String, fields: Vec<(&'static str, &'static str)>| {
        let cookie = cookie.clone();
        let app = &app;
        async move { location(&app.post_form(&path, &cookie, &fields).await) }
    };
    let returned = format!("/appeals/{}/return", filed.id);
    let rating = format!("/appeals/{}/rating", filed.id);
    // Nothing to return or rate before an answer.
    assert!(
        post(returned.clone(), vec![("reason", "Javob yoʻq")])
            .await
            .contains("error=no_answer")
    );
    services::appeals::act(
        &app.services,
        &officer,
        filed.id,
        &Action::Answer("Chiroqlar tuzatildi.".into()),
    )
    .await
    .unwrap();
    // Ratings: 1 to 5 only; a second rating of the same answer replaces the first.
    for bad in ["0", "6", "besh", ""] {
        let to = post(rating.clone(), vec![("score", bad)]).await;
        assert!(to.contains("error=score"), "{bad}: {to}");
    }
    assert!(
        post(
            rating.clone(),
            vec![("score", "2"), ("comment", "Hali ham qorongʻi")]
        )
        .await
        .ends_with("done=rated")
    );
    assert!(
        post(rating.clone(), vec![("score", "3"), ("comment", "Qisman")])
            .await
            .ends_with("done=rated")
    );
    let case = services::appeals::desk_case(&app.services, &officer, filed.id)
        .await
        .unwrap();
    assert_eq!(case.ratings.len(), 1);
    assert_eq!(
        (case.ratings[0].score, case.ratings[0].comment.as_str()),
        (3, "Qisman")
    );

    // Returned: to the parent body (the district's polyclinic → Yunusobod), 3 working days.
    assert!(
        post(returned.clone(), vec![("reason", "  ")])
            .await
            .contains("error=reason_required")
    );
    let to = post(returned.clone(), vec![("reason", "Chiroqlar hali ham yonmaydi")]).await;
    assert!(to.ends_with("done=returned"), "{to}");
    let (body, status, due): (i64, String, String) =
        sqlx::query_as("SELECT body_id, status, due_day FROM appeals WHERE id = $1")
            .bind(filed.id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((body, status.as_str()), (3, "in_progress"));
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let today = calendar.registration_day(app.services.clock.now_ms());
    let expected = shared::calendar::Term::WorkingDays(3).due(&calendar, today);
    assert_eq!(
        due,
        shared::time::format_iso_date(shared::calendar::start_of(expected))
    );
    // The same answer cannot be returned twice.
    assert!(
        post(returned.clone(), vec![("reason", "Yana")])
            .await
            .contains("error=already_returned")
    );
    // A new answer can be; but not 31 days later.
    services::appeals::act(
        &app.services,
        &officer,
        filed.id,
        &Action::Answer("Qayta koʻrildi.".into()),
    )
    .await
    .unwrap();
    app.services.clock.advance_ms(31 * 86_400_000);
    // (Sessions end after 30 days as well.)
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let to = location(&app.post_form(&returned, &cookie, &[("reason", "Kech")]).await);
    assert!(to.contains("error=too_late"), "{to}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM appeal_returns").await, 1);
    // Another resident cannot return it at all.
    let other = app.sign_in(RESIDENTS[1].phone).await;
    let response = app.post_form(&returned, &other, &[("reason", "x")]).await;
    assert_eq!(response.status(), 404);

    // A complaint about the answer is marked as a repeat of the earlier appeal.
    let complaint = services::appeals::file(
        &app.services,
        &NewAppeal {
            kind: "complaint",
            subject: "Javobdan norozilik",
            about: Some(filed.id),
            ..new_appeal(resident.user_id, &[])
        },
    )
    .await
    .unwrap();
    let view = services::appeals::view(&app.services, resident.user_id, complaint.id)
        .await
        .unwrap();
    assert_eq!(view.repeat_of.as_deref(), Some(filed.number.as_str()));
    // Not about someone else's appeal, nor as an application.
    let b = principal(&app, RESIDENTS[1].phone).await;
    assert!(matches!(
        services::appeals::file(
            &app.services,
            &NewAppeal {
                kind: "complaint",
                about: Some(filed.id),
                ..new_appeal(b.user_id, &[])
            }
        )
        .await,
        Err(services::appeals::FileError::About)
    ));
}

/// A Server-Sent Events stream read as it arrives.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(app: &TestApp, path: &str, cookie: &str, last: Option<i64>) -> Stream {
        let mut request = app.client.get(app.url(path)).header("cookie", cookie);
        if let Some(last) = last {
            request = request.header("last-event-id", last.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// Whether the server ends the stream within `within` (anything sent meanwhile is read).
    async fn ended(&mut self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        loop {
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return false;
            };
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(_))) => continue,
                Ok(_) => return true,
                Err(_) => return false,
            }
        }
    }

    /// The next event's id and data, or `None` when none comes within `within`.
    async fn next(&mut self, within: Duration) -> Option<(i64, serde_json::Value)> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = serde_json::from_str(v.trim()).ok();
                    }
                }
                if let (Some(id), Some(data)) = (id, data) {
                    return Some((id, data));
                }
                continue; // a keep-alive comment
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            match tokio::time::timeout(left, self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_live_stream_brings_each_event_within_a_second_and_misses_none_across_a_reconnect() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let resident = principal(&app, RESIDENTS[0].phone).await;
    let officer = principal(&app, STAFF[1].phone).await;
    let filed = services::appeals::file(&app.services, &new_appeal(resident.user_id, &[]))
        .await
        .unwrap();
    let path = format!("/api/appeals/events?appeal={}", filed.id);
    let mut one = Stream::open(&app, &path, &cookie, None).await;
    let mut all = Stream::open(&app, "/api/appeals/events", &cookie, None).await;
    // Another resident's appeal: its events never reach this resident's streams.
    let b = principal(&app, RESIDENTS[1].phone).await;
    let theirs = services::appeals::file(&app.services, &new_appeal(b.user_id, &[]))
        .await
        .unwrap();

    // Arrival, not latency: how soon is measured by the benchmarks (docs/PERFORMANCE.md).
    services::appeals::triage(
        &app.services,
        &officer,
        filed.id,
        shared::appeal::Category::Urgent,
    )
    .await
    .unwrap();
    let (first, data) = one.next(ARRIVES).await.expect("the triage");
    assert_eq!(data["kind"], "triaged");
    assert_eq!(data["appeal"], filed.id);
    let (id, data) = all.next(ARRIVES).await.expect("on the list's stream too");
    assert_eq!((id, data["kind"].as_str()), (first, Some("triaged")));

    // The connection drops; two things happen meanwhile; the reconnect brings both, in order.
    drop(one);
    services::appeals::act(
        &app.services,
        &officer,
        filed.id,
        &Action::Assign(officer.user_id),
    )
    .await
    .unwrap();
    services::appeals::act(
        &app.services,
        &officer,
        filed.id,
        &Action::Answer("Tuzatildi.".into()),
    )
    .await
    .unwrap();
    let mut again = Stream::open(&app, &path, &cookie, Some(first)).await;
    let (a, da) = again.next(ARRIVES).await.expect("the missed assignment");
    let (b_id, db) = again.next(ARRIVES).await.expect("the missed answer");
    assert!(first < a && a < b_id);
    assert_eq!(
        (da["kind"].as_str(), db["kind"].as_str()),
        (Some("assigned"), Some("answered"))
    );
    // The list's stream saw them live, and nothing of the other resident's.
    services::appeals::triage(
        &app.services,
        &officer,
        theirs.id,
        shared::appeal::Category::Urgent,
    )
    .await
    .unwrap();
    let kinds: Vec<String> = [all.next(ARRIVES).await, all.next(ARRIVES).await]
        .into_iter()
        .map(|e| e.expect("an event").1["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds, ["assigned", "answered"]);

    // The escalation job's move reaches the stream too.
    app.services.clock.advance_ms(30 * 86_400_000);
    services::appeals::escalate_overdue(&app.services, 100)
        .await
        .unwrap();
    let (_, data) = again.next(ARRIVES).await.expect("the escalation");
    assert_eq!(data["kind"], "escalated");
    // Events arrive in order, so the list's next event being the resident's own escalation
    // shows that the other resident's triage, committed before it, never reached this stream.
    let (_, data) = all
        .next(ARRIVES)
        .await
        .expect("the escalation on the list's stream");
    assert_eq!(
        (data["kind"].as_str(), data["appeal"].as_i64()),
        (Some("escalated"), Some(filed.id)),
        "another resident's event leaked"
    );

    // Another resident's appeal: 404; no session: 401; nothing is opened.
    let other = app.sign_in(RESIDENTS[1].phone).await;
    assert_eq!(app.get_as(&path, &other).await.status(), 404);
    assert_eq!(app.get_as(&path, "").await.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "PostgreSQL only (one SQLite file belongs to one process): scripts/test.sh runs it with --include-ignored"]
async fn on_postgres_an_event_on_one_instance_reaches_a_stream_on_another() {
    assert!(on_postgres(), "this test needs TEST_POSTGRES_URL");
    let first = spawn_app().await;
    let second = spawn_app_with(server::config::Config {
        database_url: first.database_url.clone(),
        ..test_config().await
    })
    .await;
    let cookie = second.sign_in(RESIDENTS[0].phone).await;
    let resident = principal(&second, RESIDENTS[0].phone).await;
    let officer = principal(&first, STAFF[1].phone).await;
    let filed = services::appeals::file(&first.services, &new_appeal(resident.user_id, &[]))
        .await
        .unwrap();
    let mut stream = Stream::open(
        &second,
        &format!("/api/appeals/events?appeal={}", filed.id),
        &cookie,
        None,
    )
    .await;
    // The relay's LISTEN starts a moment after the server: wait until it has.
    tokio::time::timeout(ARRIVES, second.services.live.listening())
        .await
        .expect("the second instance listens");
    services::appeals::triage(
        &first.services,
        &officer,
        filed.id,
        shared::appeal::Category::Ordinary,
    )
    .await
    .unwrap();
    let (_, data) = stream.next(ARRIVES).await.expect("the other instance's event");
    assert_eq!(data["kind"], "triaged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn administrators_edit_the_calendar_and_the_bodies_and_terms_follow() {
    let app = spawn_app().await;
    let admin = app.sign_in(STAFF[4].phone).await;
    let resident = principal(&app, RESIDENTS[0].phone).await;
    let officer = principal(&app, STAFF[1].phone).await;
    // An urgent term counted from a working day, then the same with the next two working days
    // made holidays: the term moves by two working days.
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let today = calendar.registration_day(app.services.clock.now_ms());
    let next = calendar.add_working_days(today, 1);
    let after = calendar.add_working_days(today, 2);
    let iso = |day: i64| shared::time::format_iso_date(shared::calendar::start_of(day));
    let before = services::appeals::file(&app.services, &new_appeal(resident.user_id, &[]))
        .await
        .unwrap();
    let due_before = services::appeals::triage(
        &app.services,
        &officer,
        before.id,
        shared::appeal::Category::Urgent,
    )
    .await
    .unwrap();
    for (day, name) in [(next, "Favqulodda dam olish"), (after, "Koʻchirilgan dam olish")] {
        let to = location(
            &app.post_form(
                "/admin/calendar",
                &admin,
                &[("day", &iso(day)), ("kind", "off"), ("name", name)],
            )
            .await,
        );
        assert!(to.contains("saved=1"), "{to}");
    }
    let later = services::appeals::file(
        &app.services,
        &NewAppeal {
            subject: "Boshqa mavzu",
            ..new_appeal(resident.user_id, &[])
        },
    )
    .await
    .unwrap();
    let due_after = services::appeals::triage(
        &app.services,
        &officer,
        later.id,
        shared::appeal::Category::Urgent,
    )
    .await
    .unwrap();
    let calendar = services::appeals::calendar(&app.services).await.unwrap();
    let moved = shared::calendar::Term::WorkingDays(3).due(&calendar, today);
    assert_eq!(due_after, iso(moved));
    assert_ne!(due_before, due_after, "the new holidays push the term");
    // Bad input: not a date, no name, an unknown kind.
    for (day, kind, name, code) in [
        ("2027-02-30", "off", "X", "error=day"),
        ("2027-06-01", "off", " ", "error=name"),
        ("2027-06-01", "holiday", "X", "error=kind"),
    ] {
        let to = location(
            &app.post_form(
                "/admin/calendar",
                &admin,
                &[("day", day), ("kind", kind), ("name", name)],
            )
            .await,
        );
        assert!(to.contains(code), "{day} {kind} {name}: {to}");
    }
    // Removing a day makes it ordinary again.
    app.post_form("/admin/calendar", &admin, &[("day", &iso(next)), ("remove", "1")])
        .await;
    let year: i32 = iso(next)[..4].parse().unwrap();
    let days = services::appeals::admin::calendar_days(&app.services, year)
        .await
        .unwrap();
    assert!(!days.iter().any(|d| d.day == iso(next)));

    // A new regional department under the ministry, then renamed; a body cannot go under its
    // own descendant.
    let to = location(
        &app.post_form(
            "/admin/bodies",
            &admin,
            &[
                ("parent", "1"),
                ("kind", "regional"),
                ("name_uz", "Buxoro viloyati sogʻliqni saqlash boshqarmasi"),
                ("name_uz_cyrl", "Бухоро вилояти соғлиқни сақлаш бошқармаси"),
                ("name_ru", "Управление здравоохранения Бухарской области"),
                ("topics", "healthcare, medicines, nonsense"),
            ],
        )
        .await,
    );
    let id: i64 = to.split("saved=").nth(1).unwrap().parse().unwrap();
    let choices = services::appeals::choices(&app.services).await.unwrap();
    let added = choices.bodies.iter().find(|b| b.id == id).unwrap();
    assert_eq!((added.parent, added.depth), (Some(1), 1));
    assert_eq!(added.topics, ["healthcare", "medicines"]);
    let to = location(
        &app.post_form(
            "/admin/bodies",
            &admin,
            &[
                ("id", "2"),
                ("parent", "4"),
                ("kind", "regional"),
                ("name_uz", "X"),
                ("name_uz_cyrl", "X"),
                ("name_ru", "X"),
            ],
        )
        .await,
    );
    assert!(to.contains("error=cycle"), "{to}");
    let parent: Option<i64> = sqlx::query_scalar("SELECT parent_id FROM bodies WHERE id = 2")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(parent, Some(1), "unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_codes_spend_no_more_than_five_tries() {
    let app = spawn_app().await;
    let filer = principal(&app, RESIDENTS[0].phone).await;
    let cosigner = shared::Phone::parse("+998 93 111 22 33").unwrap();
    let appeal = services::appeals::file(
        &app.services,
        &new_appeal(filer.user_id, std::slice::from_ref(&cosigner)),
    )
    .await
    .unwrap();
    let right = invitation_code(&app, "+998931112233").await;
    let wrong: Vec<String> = (0..60u32)
        .map(|i| format!("{:06}", (i * 7919 + 1) % 1_000_000))
        .filter(|c| *c != right)
        .take(50)
        .collect();
    // Fifty guesses at once, through the co-signing form as fifty phones would send them.
    let guess = |code: String| {
        let (app, number) = (&app, appeal.number.clone());
        async move {
            location(
                &app.post_form(
                    "/appeals/cosign",
                    "",
                    &[("number", &number), ("phone", "+998931112233"), ("code", &code)],
                )
                .await,
            )
        }
    };
    let answers = futures_util::future::join_all(wrong.into_iter().map(guess)).await;
    for to in &answers {
        assert!(to.contains("error="), "{to}");
    }
    let tries: i64 = count(&app, "SELECT MAX(tries) FROM appeal_cosigners").await;
    assert_eq!(
        tries,
        services::appeals::collective::MAX_TRIES,
        "never past the limit"
    );
    // Even the right code is refused now: the tries are spent. (Asked of the service: after
    // fifty posts the form's per-address limit would answer first.)
    let after =
        services::appeals::collective::confirm(&app.services, &appeal.number, &cosigner, &right).await;
    assert!(matches!(
        after,
        Err(services::appeals::collective::ConfirmError::Cosign(
            services::appeals::collective::CosignError::TooManyTries
        ))
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn co_signer_invitations_are_limited_per_invited_phone() {
    let app = spawn_app().await;
    let per_phone = services::appeals::INVITATIONS_PER_PHONE_PER_DAY;
    // Through the filing form: each filing invites the same phone to co-sign.
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let file = |cosigners: &'static str| {
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let mut fields = filing("Koʻcha chiroqlari");
            fields.push(("cosigners", cosigners.into()));
            fields.push(("mahalla", ADOLAT.into()));
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            location(&app.post_multipart("/appeals", &cookie, &fields, &[]).await)
        }
    };
    // A collective appeal names its mahalla (whose seven consent to close it).
    let mut fields = filing("Koʻcha chiroqlari");
    fields.push(("cosigners", "+998 93 777 00 00".into()));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = location(&app.post_multipart("/appeals", &cookie, &fields, &[]).await);
    assert!(refused.contains("error=mahalla_required"), "{refused}");
    for _ in 0..per_phone {
        let to = file("+998 93 777 00 00").await;
        assert!(!to.contains("error="), "{to}");
    }
    let refused = file("+998 93 777 00 00").await;
    assert!(refused.contains("error=rate_limited"), "{refused}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM sms_outbox WHERE phone = '+998937770000'"
        )
        .await,
        per_phone,
        "nothing sent past the limit"
    );
    // Without co-signers the resident may still file.
    let to = file("").await;
    assert!(!to.contains("error="), "{to}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photo_decoding_never_stops_the_server_answering() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    // Two filings, each with five 50-megapixel photos that compress to almost nothing.
    let bomb = services::storage::fixtures::bomb_png(12_000, 4_166);
    let filing_with_bombs = || {
        let files: Vec<(&str, &str, Vec<u8>)> = (0..5).map(|_| ("files", "b.png", bomb.clone())).collect();
        let fields: Vec<(&str, String)> = filing("Bomba");
        let (app, cookie) = (&app, cookie.clone());
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post_multipart("/appeals", &cookie, &fields, &files).await
        }
    };
    let filed = std::sync::atomic::AtomicBool::new(false);
    let filings = async {
        tokio::join!(filing_with_bombs(), filing_with_bombs());
        filed.store(true, std::sync::atomic::Ordering::SeqCst);
    };
    let health = async {
        // A health check answered while both filings' decodes ran and neither finished proves
        // the decoding leaves the runtime free: on the runtime's two workers it held every
        // request until a decode ended. (How fast it answers is for the benchmarks.)
        let mut answered_mid_decode = 0;
        while !filed.load(std::sync::atomic::Ordering::SeqCst) {
            let before = services::storage::photos::decodes();
            if before.running < 2 {
                tokio::time::sleep(Duration::from_millis(5)).await; // polling, not waiting
                continue;
            }
            assert_eq!(app.get("/healthz").await.status(), 200);
            if services::storage::photos::decodes().finished == before.finished {
                answered_mid_decode += 1;
            }
        }
        answered_mid_decode
    };
    let ((), answered_mid_decode) = tokio::join!(filings, health);
    assert!(
        answered_mid_decode > 0,
        "no health check was answered during a decode"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_open_stream_ends_with_its_session() {
    let app = spawn_app().await;
    let cookie = app.sign_in(RESIDENTS[0].phone).await;
    let resident = principal(&app, RESIDENTS[0].phone).await;
    let mut stream = Stream::open(&app, "/api/appeals/events", &cookie, None).await;
    // Open while the session is: an appeal filed now arrives on it.
    let filed = services::appeals::file(&app.services, &new_appeal(resident.user_id, &[]))
        .await
        .unwrap();
    let (_, data) = stream.next(ARRIVES).await.expect("the registration arrives");
    assert_eq!(data["appeal"], filed.id);
    app.post_form("/auth/sign-out", &cookie, &[]).await;
    // A stolen cookie's stream hears nothing more once its owner has signed out.
    assert!(
        stream.ended(Duration::from_secs(20)).await,
        "ended after sign-out"
    );
}
