//! The mahalla seven as people, through HTTP: the People's Reception names members of its
//! region's mahallas by phone and role; members and confirmed co-signers give or refuse
//! consent to close a collective appeal themselves, with an SMS code; every refusal says why
//! and records nothing.

use crate::appeals_flow::ADOLAT;
use crate::helpers::{TestApp, location, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use shared::appeal::{ConsentCase, SevenDesk, SevenProblem};

/// Names a member through the People's Reception's form; the redirect's location.
pub(crate) async fn name(
    app: &TestApp,
    cookie: &str,
    mahalla: &str,
    role: &str,
    person: &str,
    phone: &str,
) -> String {
    let fields = [
        ("district", "1726266"),
        ("mahalla", mahalla),
        ("role", role),
        ("name", person),
        ("phone", phone),
    ];
    location(&app.post_form("/desk/mahalla-seven", cookie, &fields).await)
}

/// The six digits of the newest SMS to `phone`.
async fn code_to(app: &TestApp, phone: &str) -> String {
    let phone = shared::Phone::parse(phone).unwrap();
    let text = services::sms::recent(&app.db, Some(&phone), 1).await.unwrap()[0]
        .body
        .clone();
    // The last six digits: the appeal's number comes before the code.
    text.split(|c: char| !c.is_ascii_digit())
        .rfind(|p| p.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_string()
}

/// Asks for a code and gives a word with it; the redirect's location.
async fn word(
    app: &TestApp,
    cookie: &str,
    appeal: i64,
    role: &str,
    consent: &str,
    code: Option<&str>,
) -> String {
    let fields = [
        ("role", role),
        ("consent", consent),
        ("code", code.unwrap_or_default()),
    ];
    location(
        &app.post_form(&format!("/consents/{appeal}"), cookie, &fields)
            .await,
    )
}

async fn ask(app: &TestApp, cookie: &str, appeal: i64, role: &str, consent: &str) -> reqwest::Response {
    let fields = [("role", role), ("consent", consent)];
    app.post_form(&format!("/consents/{appeal}/code"), cookie, &fields)
        .await
}

/// A person's whole word: the code asked for, read from their SMS and given back.
pub(crate) async fn say(app: &TestApp, cookie: &str, appeal: i64, role: &str, consent: &str, phone: &str) {
    let asked = location(&ask(app, cookie, appeal, role, consent).await);
    assert!(asked.contains("sent=1"), "{asked}");
    let code = code_to(app, phone).await;
    let said = word(app, cookie, appeal, role, consent, Some(&code)).await;
    assert_eq!(said, format!("/consents?done=1#case-{appeal}"));
}

fn problem_in(to: &str) -> SevenProblem {
    let code = to
        .split(['?', '&', '#'])
        .find_map(|p| p.strip_prefix("error="))
        .unwrap_or_else(|| panic!("no refusal in {to}"));
    SevenProblem::parse(code).expect("a known problem")
}

async fn seven_at(app: &TestApp, cookie: &str, mahalla: &str) -> SevenDesk {
    app.call("/api/mahalla_seven", cookie, &[("mahalla", mahalla)])
        .await
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_peoples_reception_names_the_seven_of_its_own_region() {
    let app = spawn_app().await;
    let coordinator = app.sign_in(STAFF[3].phone).await;
    // Refused, each with its reason, nothing named.
    for (mahalla, role, person, phone, problem) in [
        (
            "17090001",
            "mahalla_chair",
            "Aliyeva Gulnora",
            "+998905550011",
            SevenProblem::Mahalla,
        ),
        (
            "nowhere",
            "mahalla_chair",
            "Aliyeva Gulnora",
            "+998905550011",
            SevenProblem::Mahalla,
        ),
        (
            ADOLAT,
            "representative",
            "Aliyeva Gulnora",
            "+998905550011",
            SevenProblem::Role,
        ),
        (ADOLAT, "mahalla_chair", " ", "+998905550011", SevenProblem::Name),
        (
            ADOLAT,
            "mahalla_chair",
            "Aliyeva Gulnora",
            "12345",
            SevenProblem::Phone,
        ),
    ] {
        let to = name(&app, &coordinator, mahalla, role, person, phone).await;
        assert_eq!(problem_in(&to), problem, "{mahalla} {role} {phone}");
    }
    // A wrong phone is said above the phone field, the name typed kept in its field.
    let fields = [
        ("district", "1726266"),
        ("mahalla", ADOLAT),
        ("role", "mahalla_chair"),
        ("name", "Aliyeva Gulnora"),
        ("phone", "12345"),
    ];
    let refused = app.post_form("/desk/mahalla-seven", &coordinator, &fields).await;
    let token = crate::helpers::set_cookie(&refused, shared::cookies::KEPT).expect("the form is kept");
    let both = format!("{coordinator}; {}={token}", shared::cookies::KEPT);
    let (_, page) = app.get_text_as(&location(&refused), &both).await;
    let (name_at, message_at, phone_at) = (
        page.find("id=\"seven-name\"").unwrap(),
        page.find("id=\"seven-error\"").unwrap(),
        page.find("id=\"seven-phone\"").unwrap(),
    );
    assert!(
        name_at < message_at && message_at < phone_at,
        "the message stands above the phone"
    );
    assert!(page.contains("value=\"Aliyeva Gulnora\""));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM mahalla_members")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // Named: told by SMS; named again in the same role, the new person replaces the old.
    let to = name(
        &app,
        &coordinator,
        ADOLAT,
        "mahalla_chair",
        "Aliyeva Gulnora",
        "90 555 00 11",
    )
    .await;
    assert!(to.contains("named=1"), "{to}");
    let told = services::sms::recent(&app.db, Some(&shared::Phone::parse("+998905550011").unwrap()), 1)
        .await
        .unwrap();
    assert!(told[0].body.contains("Adolat MFY") && told[0].body.contains("/consents"));
    name(
        &app,
        &coordinator,
        ADOLAT,
        "youth_leader",
        "Soliyev Jamshid",
        "+998905550022",
    )
    .await;
    name(
        &app,
        &coordinator,
        ADOLAT,
        "mahalla_chair",
        "Qodirova Malika",
        "+998905550033",
    )
    .await;
    let seen = seven_at(&app, &coordinator, ADOLAT).await;
    let members: Vec<(&str, &str)> = seen
        .members
        .iter()
        .map(|m| (m.role.code(), m.name.as_str()))
        .collect();
    assert_eq!(
        members,
        [
            ("youth_leader", "Soliyev Jamshid"),
            ("mahalla_chair", "Qodirova Malika")
        ]
    );
    assert!(seen.members.iter().all(|m| m.phone.contains('*')));
    assert!(
        seen.regions.iter().all(|(r, _)| r == "1726"),
        "only the coordinator's region"
    );
    // Another region's mahalla is not shown to this coordinator.
    assert!(seven_at(&app, &coordinator, "17090001").await.mahalla.is_none());

    // Removed: gone from the seven (a second removal changes nothing).
    let youth = seen.members[0].id;
    let path = format!("/desk/mahalla-seven/{youth}/remove");
    let fields = [("district", "1726266"), ("mahalla", ADOLAT)];
    let removed = app.post_form(&path, &coordinator, &fields).await;
    assert!(location(&removed).contains("removed=1"));
    assert!(location(&app.post_form(&path, &coordinator, &fields).await).contains("removed=1"));
    assert_eq!(seven_at(&app, &coordinator, ADOLAT).await.members.len(), 1);

    // An officer names no one.
    let officer = app.sign_in(STAFF[1].phone).await;
    let refused = app
        .post_form("/desk/mahalla-seven", &officer, &[("mahalla", ADOLAT)])
        .await;
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn members_and_cosigners_give_their_word_themselves_with_a_code() {
    let app = spawn_app().await;
    let filer: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(RESIDENTS[0].phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let cosigner = shared::Phone::parse("+998931112233").unwrap();
    let mut new = services::appeals::NewAppeal {
        user_id: filer,
        body_id: 4,
        topic: "healthcare",
        kind: "application",
        subject: "Koʻcha yoritilishi",
        text: "Koʻchada chiroq yoʻq.",
        region: "1726",
        district: "1726266",
        mahalla: None,
        applicant: "Karimov Anvar",
        address: "Chilonzor 1",
        cosigners: std::slice::from_ref(&cosigner),
        files: &[],
        about: None,
        locale: shared::Locale::Uz,
        channel: shared::appeal::Channel::Web,
    };
    // A collective appeal names its mahalla.
    assert!(matches!(
        services::appeals::file(&app.services, &new).await,
        Err(services::appeals::FileError::MahallaRequired)
    ));
    new.mahalla = Some(ADOLAT);
    let appeal = services::appeals::file(&app.services, &new).await.unwrap();
    let id = appeal.id;

    let coordinator = app.sign_in(STAFF[3].phone).await;
    name(
        &app,
        &coordinator,
        ADOLAT,
        "mahalla_chair",
        "Aliyeva Gulnora",
        "+998905550011",
    )
    .await;
    // A member of another mahalla's seven.
    name(
        &app,
        &coordinator,
        "107-0085",
        "mahalla_chair",
        "Boboyev Olim",
        "+998905550044",
    )
    .await;
    let chair = app.sign_in("+998905550011").await;
    let stranger = app.sign_in("+998905550044").await;

    // The chair sees the appeal; the other mahalla's chair does not, and may not speak on it.
    let cases = |cookie: String| {
        let app = &app;
        async move {
            let list: Vec<ConsentCase> = app
                .call("/api/consent_cases", &cookie, &[])
                .await
                .json()
                .await
                .unwrap();
            list
        }
    };
    let seen = cases(chair.clone()).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].appeal, seen[0].role.code(), seen[0].said),
        (id, "mahalla_chair", None)
    );
    assert!(cases(stranger.clone()).await.is_empty());
    assert_eq!(
        ask(&app, &stranger, id, "mahalla_chair", "yes").await.status(),
        404
    );
    // The co-signer is not a representative before confirming their signature.
    let signer = app.sign_in("+998931112233").await;
    assert!(cases(signer.clone()).await.is_empty());

    // Without a code, with a malformed or wrong one, or in a role not theirs: refused.
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "yes", Some("123456")).await),
        SevenProblem::NoCode
    );
    ask(&app, &chair, id, "mahalla_chair", "yes").await;
    let right = code_to(&app, "+998905550011").await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "yes", Some("12ab")).await),
        SevenProblem::Code
    );
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "yes", Some(wrong)).await),
        SevenProblem::Code
    );
    assert_eq!(
        problem_in(&word(&app, &chair, id, "youth_leader", "yes", Some(&right)).await),
        SevenProblem::NotYours
    );
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "maybe", Some(&right)).await),
        SevenProblem::Consent
    );
    let recorded = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM appeal_consents")
            .fetch_one(&app.db.pool)
            .await
            .unwrap()
    };
    assert_eq!(recorded().await, 0);
    // The right code records the word once: the code is spent.
    assert_eq!(
        word(&app, &chair, id, "mahalla_chair", "no", Some(&right)).await,
        format!("/consents?done=1#case-{id}")
    );
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "yes", Some(&right)).await),
        SevenProblem::NoCode
    );
    assert_eq!(cases(chair.clone()).await[0].said, Some(false));
    say(&app, &chair, id, "mahalla_chair", "yes", "+998905550011").await;
    assert_eq!(cases(chair.clone()).await[0].said, Some(true));
    let (person, user): (String, Option<i64>) =
        sqlx::query_as("SELECT person, user_id FROM appeal_consents ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(person, "Aliyeva Gulnora");
    assert!(user.is_some());

    // Five wrong codes end the tries, even for the right one.
    ask(&app, &chair, id, "mahalla_chair", "yes").await;
    let right = code_to(&app, "+998905550011").await;
    let wrong = if right == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        word(&app, &chair, id, "mahalla_chair", "yes", Some(wrong)).await;
    }
    assert_eq!(
        problem_in(&word(&app, &chair, id, "mahalla_chair", "yes", Some(&right)).await),
        SevenProblem::TooManyTries
    );

    // The resident's timeline does not show who consented; the desk's does.
    let resident = app.sign_in(RESIDENTS[0].phone).await;
    let view: shared::appeal::AppealView = app
        .call("/api/appeal", &resident, &[("id", &id.to_string())])
        .await
        .json()
        .await
        .unwrap();
    assert!(view.events.iter().all(|e| e.kind.code() != "consent"));
    let (status, page) = app.get_text_as("/consents", &chair).await;
    assert_eq!(status, 200);
    assert!(page.contains(&appeal.number), "the page lists the appeal");
}
