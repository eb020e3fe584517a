//! Receptions through HTTP: staff publish one, anyone finds it without signing in, residents
//! book a slot and cancel, the day-before reminder goes out once, staff call one off; and
//! every refusal says why and stores nothing.

use crate::helpers::{TestApp, kept, location, spawn_app};
use services::clock::DAY_MS;
use services::demo::{RESIDENTS, STAFF};
use shared::reception::{DeskReception, ReceptionProblem, ReceptionSummary, ReceptionView};

/// A personal reception of body 1 in Chilonzor tumani (Toshkent shahri), `days` from now at
/// 10:00 Tashkent, as the staff's form sends it; `changes` replace fields.
pub(crate) fn reception_form(
    app: &TestApp,
    days: i64,
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, String)> {
    let day = shared::time::format_iso_date(app.services.clock.now_ms() + days * DAY_MS);
    let mut form: Vec<(&'static str, String)> = vec![
        ("body", "1".into()),
        ("kind", "personal".into()),
        ("host", "Vazir oʻrinbosari A. Karimov".into()),
        ("place", "Chilonzor koʻchasi 12, 3-xona".into()),
        ("district", "1726266".into()),
        ("mahalla", "".into()),
        ("day", day),
        ("time", "10:00".into()),
        ("slots", "2".into()),
        ("minutes", "15".into()),
        ("topic", "healthcare".into()),
        ("topic", "medicines".into()),
    ];
    for (name, value) in changes {
        form.retain(|(n, _)| n != name);
        form.push((name, value.to_string()));
    }
    form
}

/// Publishes through the staff's form: the new reception's id, or the problem shown.
pub(crate) async fn publish(
    app: &TestApp,
    cookie: &str,
    form: &[(&'static str, String)],
) -> Result<i64, ReceptionProblem> {
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form("/desk/receptions", cookie, &pairs).await;
    assert_eq!(response.status(), 303);
    let to = location(&response);
    if let Some(rest) = to.strip_prefix("/desk/receptions?error=") {
        let code = rest.split(['&', '#']).next().unwrap_or_default();
        return Err(ReceptionProblem::parse(code).expect("a known problem"));
    }
    let id = to
        .strip_prefix("/desk/receptions/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok());
    Ok(id.unwrap_or_else(|| panic!("publishing answered {to}")))
}

/// What a booking form's (or a cancellation's) redirect says: Ok, or the problem.
pub(crate) fn answer(
    response: &reqwest::Response,
    reception: i64,
    done: &str,
) -> Result<(), ReceptionProblem> {
    assert_eq!(response.status(), 303);
    let to = location(response);
    let page = format!("/receptions/{reception}?");
    let query = to.strip_prefix(&page).unwrap_or_else(|| panic!("answered {to}"));
    if query == format!("{done}=1") {
        return Ok(());
    }
    let code = query
        .strip_prefix("error=")
        .and_then(|rest| rest.split(['&', '#']).next())
        .unwrap_or_else(|| panic!("answered {to}"));
    Err(ReceptionProblem::parse(code).expect("a known problem"))
}

pub(crate) async fn book(
    app: &TestApp,
    cookie: &str,
    id: i64,
    slot: &str,
    question: &str,
) -> Result<(), ReceptionProblem> {
    let fields = [
        ("slot", slot),
        ("name", "Karimova Dilnoza"),
        ("question", question),
    ];
    let response = app
        .post_form(&format!("/receptions/{id}/book"), cookie, &fields)
        .await;
    answer(&response, id, "booked")
}

async fn cancel(app: &TestApp, cookie: &str, id: i64) -> Result<(), ReceptionProblem> {
    let response = app
        .post_form(&format!("/receptions/{id}/cancel"), cookie, &[])
        .await;
    answer(&response, id, "cancelled")
}

pub(crate) async fn view(app: &TestApp, cookie: &str, id: i64) -> ReceptionView {
    let response = app
        .call("/api/reception", cookie, &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn listed(app: &TestApp, filters: &[(&str, &str)]) -> Vec<ReceptionSummary> {
    let mut args = vec![("region", ""), ("district", ""), ("body", "0")];
    for (name, value) in filters {
        args.retain(|(n, _)| n != name);
        args.push((name, value));
    }
    let response = app.call("/api/receptions", "", &args).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

/// Texts queued to a phone, newest first.
pub(crate) async fn texts_to(app: &TestApp, phone: &str) -> Vec<String> {
    let phone = shared::Phone::parse(phone).unwrap();
    services::sms::recent(&app.db, Some(&phone), 50)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.body)
        .collect()
}

pub(crate) async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_head_publishes_and_residents_find_book_and_cancel_without_double_booking() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 3, &[])).await.unwrap();

    // Anyone finds it without signing in: by region, district and body, and its page.
    let found = listed(&app, &[("region", "1726")]).await;
    let r = found.iter().find(|r| r.id == id).expect("listed by region");
    assert_eq!((r.slots, r.free, r.topics.len()), (2, 2, 2));
    assert!(
        listed(&app, &[("district", "1726266")])
            .await
            .iter()
            .any(|r| r.id == id)
    );
    assert!(listed(&app, &[("body", "1")]).await.iter().any(|r| r.id == id));
    assert!(
        !listed(&app, &[("region", "1703")])
            .await
            .iter()
            .any(|r| r.id == id)
    );
    assert!(!listed(&app, &[("body", "7")]).await.iter().any(|r| r.id == id));
    let (status, page) = app.get_text("/receptions?region=1726").await;
    assert_eq!(status, 200);
    assert!(page.contains("A. Karimov"), "the list is rendered on the server");
    let (status, page) = app.get_text(&format!("/receptions/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("/sign-in?next=%2Freceptions%2F{id}")),
        "asks to sign in to book"
    );

    // Resident A books the first slot, once.
    let a = app.sign_in(RESIDENTS[0].phone).await;
    book(&app, &a, id, "0", "Poliklinikada navbat").await.unwrap();
    assert!(texts_to(&app, RESIDENTS[0].phone).await[0].contains("A. Karimov"));
    assert_eq!(
        book(&app, &a, id, "1", "Yana").await,
        Err(ReceptionProblem::AlreadyBooked)
    );
    let mine = view(&app, &a, id).await.mine.expect("A's booking");
    assert_eq!((mine.slot, mine.question.as_str()), (0, "Poliklinikada navbat"));

    // Resident B cannot take A's slot, and what B typed is kept for the form.
    let b = app.sign_in(RESIDENTS[1].phone).await;
    let fields = [("slot", "0"), ("name", "Aliyev Rustam"), ("question", "Dori")];
    let refused = app
        .post_form(&format!("/receptions/{id}/book"), &b, &fields)
        .await;
    assert_eq!(answer(&refused, id, "booked"), Err(ReceptionProblem::Taken));
    assert_eq!(kept(&app, &refused, &b, "reception").await["question"], "Dori");
    let fields = [("slot", "1"), ("name", "Aliyev Rustam"), ("question", "Dori")];
    let booked = app
        .post_form(&format!("/receptions/{id}/book"), &b, &fields)
        .await;
    answer(&booked, id, "booked").unwrap();

    // Full now: a third person is told so, and the public page offers no slot.
    let c = app.sign_in("+998 90 555 44 33").await;
    assert_eq!(
        book(&app, &c, id, "0", "Savol").await,
        Err(ReceptionProblem::Full)
    );
    let seen = view(&app, "", id).await;
    assert!(seen.free_slots.is_empty() && seen.summary.free == 0 && seen.mine.is_none());

    // A cancels: told by SMS, the slot is free again and C takes it.
    cancel(&app, &a, id).await.unwrap();
    assert!(texts_to(&app, RESIDENTS[0].phone).await[0].contains("bekor"));
    assert_eq!(cancel(&app, &a, id).await, Err(ReceptionProblem::NoBooking));
    assert_eq!(view(&app, "", id).await.free_slots.len(), 1);
    book(&app, &c, id, "0", "Savol").await.unwrap();

    // The body's staff see who comes when, the phone masked.
    let officer = app.sign_in(STAFF[1].phone).await;
    let response = app
        .call("/api/desk_reception", &officer, &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let register: DeskReception = response.json().await.unwrap();
    let names: Vec<(i64, &str)> = register
        .bookings
        .iter()
        .map(|b| (b.slot, b.name.as_str()))
        .collect();
    assert_eq!(names, [(0, "Karimova Dilnoza"), (1, "Aliyev Rustam")]);
    assert!(register.bookings.iter().all(|b| b.phone.contains('*')));
    assert!(register.manages);
    // The People's Reception of the region reads the register, and may not call it off.
    let coordinator = app.sign_in(STAFF[3].phone).await;
    let response = app
        .call("/api/desk_reception", &coordinator, &[("id", &id.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    let read: DeskReception = response.json().await.unwrap();
    assert!(!read.manages && read.bookings.len() == 2);
    let call_off = app
        .post_form(
            &format!("/desk/receptions/{id}/cancel"),
            &coordinator,
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(call_off.status(), 403);
}

#[tokio::test]
async fn refused_receptions_and_bookings_say_why_and_store_nothing() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    // The demo's own receptions are there already.
    let before = (
        count(&app, "receptions").await,
        count(&app, "reception_topics").await,
    );
    let cases: Vec<(Vec<(&'static str, &'static str)>, ReceptionProblem)> = vec![
        // Body 7 (another ministry) is not this head's.
        (vec![("body", "7")], ReceptionProblem::Body),
        (vec![("kind", "online")], ReceptionProblem::Kind),
        (vec![("host", "  ")], ReceptionProblem::Host),
        (vec![("place", "")], ReceptionProblem::Place),
        (vec![("district", "9999999")], ReceptionProblem::Area),
        (vec![("kind", "field")], ReceptionProblem::Mahalla),
        (vec![("mahalla", "nowhere")], ReceptionProblem::Mahalla),
        (vec![("time", "25:00")], ReceptionProblem::When),
        (vec![("day", "2026-02-30")], ReceptionProblem::When),
        (vec![("slots", "0")], ReceptionProblem::Slots),
        (vec![("slots", "201")], ReceptionProblem::Slots),
        (vec![("minutes", "3")], ReceptionProblem::Minutes),
        (vec![("topic", "astrology")], ReceptionProblem::Topic),
    ];
    for (changes, problem) in &cases {
        let form = reception_form(&app, 3, changes);
        assert_eq!(publish(&app, &head, &form).await, Err(*problem), "{changes:?}");
    }
    let past = reception_form(&app, -1, &[]);
    assert_eq!(publish(&app, &head, &past).await, Err(ReceptionProblem::Past));
    // What was typed comes back, the ticked topics too.
    let pairs: Vec<(&str, &str)> = past.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post_form("/desk/receptions", &head, &pairs).await;
    let typed = kept(&app, &refused, &head, "reception_publish").await;
    assert_eq!(typed["host"], "Vazir oʻrinbosari A. Karimov");
    assert_eq!(typed["topics"], "healthcare medicines");
    let after = (
        count(&app, "receptions").await,
        count(&app, "reception_topics").await,
    );
    assert_eq!(after, before, "nothing stored");

    // A field reception names a mahalla of its district.
    let mahalla: String = sqlx::query_scalar(
        "SELECT code FROM mahallas WHERE district_soato = '1726266' ORDER BY code LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let mut field = reception_form(&app, 3, &[("kind", "field")]);
    field.retain(|(n, _)| *n != "mahalla");
    field.push(("mahalla", mahalla));
    let field = publish(&app, &head, &field).await.unwrap();
    let seen = view(&app, "", field).await.summary;
    assert!(seen.mahalla.is_some() && seen.kind == shared::reception::ReceptionKind::Field);

    let id = publish(&app, &head, &reception_form(&app, 1, &[])).await.unwrap();
    let a = app.sign_in(RESIDENTS[0].phone).await;
    assert_eq!(
        book(&app, &a, id, "2", "Savol").await,
        Err(ReceptionProblem::Slot)
    );
    assert_eq!(
        book(&app, &a, id, "x", "Savol").await,
        Err(ReceptionProblem::Slot)
    );
    assert_eq!(
        book(&app, &a, id, "0", "   ").await,
        Err(ReceptionProblem::Question)
    );
    let long = "a".repeat(1001);
    assert_eq!(
        book(&app, &a, id, "0", &long).await,
        Err(ReceptionProblem::Question)
    );
    // Nobody signed in is sent to sign in; a reception that does not exist is not found.
    let response = app
        .post_form(&format!("/receptions/{id}/book"), "", &[("slot", "0")])
        .await;
    assert!(location(&response).starts_with("/sign-in"));
    let response = app
        .post_form(
            "/receptions/999999/book",
            &a,
            &[("slot", "0"), ("question", "Savol")],
        )
        .await;
    assert_eq!(response.status(), 404);
    assert_eq!(count(&app, "reception_bookings").await, 0);

    // Once it has begun, it can be neither booked nor cancelled.
    book(&app, &a, id, "0", "Savol").await.unwrap();
    app.services.clock.advance_ms(2 * DAY_MS);
    let b = app.sign_in(RESIDENTS[1].phone).await;
    assert_eq!(
        book(&app, &b, id, "1", "Savol").await,
        Err(ReceptionProblem::Closed)
    );
    assert_eq!(cancel(&app, &a, id).await, Err(ReceptionProblem::Closed));
    assert!(
        !listed(&app, &[]).await.iter().any(|r| r.id == id),
        "ended: off the list"
    );
    assert_eq!(count(&app, "reception_bookings").await, 1);
}

#[tokio::test]
async fn the_day_before_reminder_goes_out_once() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 3, &[])).await.unwrap();
    let a = app.sign_in(RESIDENTS[0].phone).await;
    book(&app, &a, id, "1", "Savol").await.unwrap();
    let reminders = |texts: Vec<String>| texts.iter().filter(|t| t.contains("eslatma")).count();

    assert_eq!(
        services::receptions::remind_due(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    // The day before: once, however often (and by however many instances) the job runs.
    // (Moved to 20 hours before the start, whatever the hour the test runs at.)
    let starts_at = view(&app, "", id).await.summary.starts_at;
    let now = app.services.clock.now_ms();
    app.services
        .clock
        .advance_ms(starts_at - now - 20 * services::clock::HOUR_MS);
    let runs =
        futures_util::future::join_all((0..4).map(|_| services::receptions::remind_due(&app.services, 100)))
            .await;
    // The server's own minute job may have sent it first: what counts is what was sent.
    let sent: usize = runs.into_iter().map(Result::unwrap).sum();
    assert!(sent <= 1);
    assert_eq!(
        services::receptions::remind_due(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    let texts = texts_to(&app, RESIDENTS[0].phone).await;
    assert_eq!(reminders(texts.clone()), 1);
    assert!(texts[0].contains("10:15"), "the slot's own time: {}", texts[0]);

    // Booked within the last day: the confirmation is all; no second message.
    let b = app.sign_in(RESIDENTS[1].phone).await;
    book(&app, &b, id, "0", "Savol").await.unwrap();
    assert_eq!(
        services::receptions::remind_due(&app.services, 100)
            .await
            .unwrap(),
        0
    );
    assert_eq!(reminders(texts_to(&app, RESIDENTS[1].phone).await), 0);
}

#[tokio::test]
async fn staff_call_a_reception_off_and_everyone_booked_is_told() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 3, &[])).await.unwrap();
    let a = app.sign_in(RESIDENTS[0].phone).await;
    book(&app, &a, id, "0", "Savol").await.unwrap();

    let path = format!("/desk/receptions/{id}/cancel");
    let response = app.post_form(&path, &head, &[]).await;
    assert!(location(&response).contains("error=confirm"), "asks to confirm");
    assert!(!view(&app, "", id).await.summary.cancelled);
    // Staff of another body do not find it at all.
    let stranger = crate::helpers::head_of_another_body(&app, "+998907770011").await;
    let response = app.post_form(&path, &stranger, &[("confirm", "yes")]).await;
    assert_eq!(response.status(), 404);

    let response = app.post_form(&path, &head, &[("confirm", "yes")]).await;
    assert_eq!(location(&response), format!("/desk/receptions/{id}?called_off=1"));
    assert!(texts_to(&app, RESIDENTS[0].phone).await[0].contains("bekor qilindi"));
    assert!(view(&app, "", id).await.summary.cancelled);
    let b = app.sign_in(RESIDENTS[1].phone).await;
    assert_eq!(
        book(&app, &b, id, "1", "Savol").await,
        Err(ReceptionProblem::Closed)
    );
    let response = app.post_form(&path, &head, &[("confirm", "yes")]).await;
    assert!(location(&response).contains("error=not_called_off"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_people_racing_for_one_slot_get_it_once() {
    let app = spawn_app().await;
    let head = app.sign_in(STAFF[2].phone).await;
    let id = publish(&app, &head, &reception_form(&app, 3, &[("slots", "1")]))
        .await
        .unwrap();
    let now = app.services.clock.now_ms();
    let mut people = Vec::new();
    for i in 0..20 {
        let phone = shared::Phone::parse(&format!("+99890600{i:04}")).unwrap();
        people.push(
            services::identity::users::find_or_create(&app.db.pool, &phone, shared::Locale::Uz, now)
                .await
                .unwrap(),
        );
    }
    let tries = people.iter().map(|user| {
        let svc = app.services.clone();
        let user = *user;
        tokio::spawn(
            async move { services::receptions::book(&svc, user, id, "0", "Ism Familiya", "Savol").await },
        )
    });
    let results = futures_util::future::join_all(tries).await;
    let won = results.iter().filter(|r| matches!(r, Ok(Ok(_)))).count();
    assert_eq!(won, 1);
    for result in results {
        match result.unwrap() {
            Ok(_) => {}
            Err(e) => assert!(
                matches!(e.problem(), ReceptionProblem::Taken | ReceptionProblem::Full),
                "{e}"
            ),
        }
    }
    assert_eq!(count(&app, "reception_bookings").await, 1);
}
