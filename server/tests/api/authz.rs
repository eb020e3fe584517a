//! Every server function and route, called by every kind of caller: the table says who may,
//! and the test fails on any access someone should not have (and on any refused access
//! someone should have). A server function or a route missing from the table fails the test
//! too (the routes come from the router itself, `server::http::listed_routes`).

use crate::helpers::{TestApp, known_account, location, owner_of, spawn_app};
use services::demo::{RESIDENTS, STAFF};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Nobody,
    ResidentA,
    ResidentB,
    Inspector,
    Officer,
    Head,
    Coordinator,
    Admin,
}

const EVERYONE: &[Who] = &[
    Who::Nobody,
    Who::ResidentA,
    Who::ResidentB,
    Who::Inspector,
    Who::Officer,
    Who::Head,
    Who::Coordinator,
    Who::Admin,
];
const INSPECTORS: &[Who] = &[Who::Inspector, Who::Admin];
const APPEALS: &[Who] = &[Who::Officer, Who::Head, Who::Admin];
/// Who reads appeals on the desk: their bodies' staff, and the People's Reception of the
/// appeal's region (the fixture appeal is from Toshkent shahri, the demo coordinator's).
const READERS: &[Who] = &[Who::Officer, Who::Head, Who::Coordinator, Who::Admin];
const COORDINATORS: &[Who] = &[Who::Coordinator, Who::Admin];
const SIGNED_IN: &[Who] = &[
    Who::ResidentA,
    Who::ResidentB,
    Who::Inspector,
    Who::Officer,
    Who::Head,
    Who::Coordinator,
    Who::Admin,
];

/// The objects the table's paths name, made before it runs: `{A}` an account of resident A,
/// `{O}` its payment order, `{CODE}` a reading's code, `{RUN}` a reconciliation run, `{R}` a
/// reading, `{AP}` an appeal, `{F}` its file, `{G}` a staff grant, `{RC}` an upcoming
/// reception, `{IN}` an instruction, `{RV}` a reception under way and `{VI}` a visitor's
/// appeal at it waiting for confirmation, `{MS}` a member of a mahalla seven (`{HB}` is body
/// 1, which the demo head heads), `{HR}` a hearing of body 1's report, `{DE}` its decision
/// owned by resident A, `{PR}` body 1's line of proposals to the Cabinet, `{DUE}` a day a
/// month ahead, `{PB}` a systemic problem of body 1 the demo head took up.
struct Fixtures {
    account: i64,
    order: i64,
    code: String,
    run: i64,
    reading: i64,
    appeal: i64,
    file: i64,
    grant: i64,
    reception: i64,
    instruction: i64,
    begun: i64,
    visit: i64,
    member: i64,
    hearing: i64,
    decision: i64,
    proposal: i64,
    due: String,
    problem: i64,
}

#[derive(Clone, Copy)]
enum Call {
    ServerFn(&'static str, &'static [(&'static str, &'static str)]),
    Get(&'static str),
    Form(&'static str, &'static [(&'static str, &'static str)]),
    /// A multipart form (the routes that take files).
    Multipart(&'static str, &'static [(&'static str, &'static str)]),
}

/// Did the caller get what they asked for?
async fn allowed(app: &TestApp, call: Call, cookie: &str, fixtures: &Fixtures) -> (bool, String) {
    let fill = |s: &str| {
        let f = fixtures;
        s.replace("{A}", &f.account.to_string())
            .replace("{O}", &f.order.to_string())
            .replace("{CODE}", &f.code)
            .replace("{RUN}", &f.run.to_string())
            .replace("{R}", &f.reading.to_string())
            .replace("{AP}", &f.appeal.to_string())
            .replace("{F}", &f.file.to_string())
            .replace("{G}", &f.grant.to_string())
            .replace("{RC}", &f.reception.to_string())
            .replace("{IN}", &f.instruction.to_string())
            .replace("{RV}", &f.begun.to_string())
            .replace("{VI}", &f.visit.to_string())
            .replace("{MS}", &f.member.to_string())
            .replace("{HR}", &f.hearing.to_string())
            .replace("{DE}", &f.decision.to_string())
            .replace("{PR}", &f.proposal.to_string())
            .replace("{DUE}", &f.due)
            .replace("{PB}", &f.problem.to_string())
            // The body the demo head heads.
            .replace("{HB}", "1")
    };
    let response = match call {
        Call::ServerFn(path, args) => {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, fill(v))).collect();
            app.client
                .post(app.url(path))
                .header("cookie", cookie)
                .form(&args)
                .send()
                .await
                .unwrap()
        }
        Call::Get(path) => app.get_as(&fill(path), cookie).await,
        Call::Form(path, args) => {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, fill(v))).collect();
            app.client
                .post(app.url(&fill(path)))
                .header("cookie", cookie)
                .form(&args)
                .send()
                .await
                .unwrap()
        }
        Call::Multipart(path, args) => {
            // A refusal may be answered before the body is read, and the connection closed
            // while the client still writes it (a broken pipe on the client's side, not a
            // server error): the request is sent again, as a browser would resubmit.
            let mut tries = 0;
            loop {
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in args.iter() {
                    form = form.text(*k, fill(v));
                }
                let sent = app
                    .client
                    .post(app.url(&fill(path)))
                    .header("cookie", cookie)
                    .multipart(form)
                    .send()
                    .await;
                match sent {
                    Ok(response) => break response,
                    Err(error) if error.is_request() && tries < 3 => tries += 1,
                    Err(error) => panic!("{path}: {error}"),
                }
            }
        }
    };
    let status = response.status().as_u16();
    let to = location(&response);
    let ok = match status {
        200 => true,
        // Let in, but the object was not theirs to change: someone allowed before already
        // decided the reading or took the slot (so nothing of theirs to cancel), or called the
        // reception off.
        303 => {
            let after_another = [
                "error=taken",
                "error=no_booking",
                "error=not_called_off",
                "error=already_signed",
                "error=recorded",
                "error=closed",
            ];
            to != "/sign-in" && (!to.contains("error=") || after_another.iter().any(|e| to.contains(e)))
        }
        _ => false,
    };
    (ok, format!("{status} {to}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_caller_gets_exactly_the_access_the_table_gives() {
    let app = spawn_app().await;
    let mut cookies = Vec::new();
    for who in EVERYONE {
        let phone = match who {
            Who::Nobody => None,
            Who::ResidentA => Some(RESIDENTS[0].phone),
            Who::ResidentB => Some(RESIDENTS[1].phone),
            Who::Inspector => Some(STAFF[0].phone),
            Who::Officer => Some(STAFF[1].phone),
            Who::Head => Some(STAFF[2].phone),
            Who::Coordinator => Some(STAFF[3].phone),
            Who::Admin => Some(STAFF[4].phone),
        };
        let cookie = match phone {
            Some(phone) => app.sign_in(phone).await,
            None => String::new(),
        };
        cookies.push((*who, cookie));
    }
    let a_account = known_account(&app, 0).await;
    // A paid order of resident A's, and its receipt's public code.
    let a_user = owner_of(&app, a_account).await;
    let order = services::payments::orders::create(
        &app.services,
        a_user,
        a_account,
        100_000,
        services::payments::orders::Method::Payme,
    )
    .await
    .unwrap();
    let now = app.services.clock.now_ms();
    services::payments::sandbox::pay_with_payme(&app.address, &app.payme_key(), order, 100_000, now)
        .await
        .unwrap();
    let receipt = services::payments::orders::receipt(&app.services, a_user, order)
        .await
        .unwrap();
    let code = receipt.verify_url.rsplit('/').next().unwrap().to_string();
    let run = services::payments::reconcile::run_payme(&app.services, 0, 1, "[]", None)
        .await
        .unwrap();
    // A pending meter reading of resident A's, with a photo.
    let mahalla: String = sqlx::query_scalar(
        "SELECT m.code FROM mahallas m JOIN utility_accounts a ON a.district_soato = m.district_soato WHERE a.id = $1 LIMIT 1",
    )
    .bind(a_account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let photo = services::storage::fixtures::sample(400, 300, image::ImageFormat::Jpeg);
    let reading = services::readings::submit(
        &app.services,
        services::readings::NewReading {
            user_id: a_user,
            account_id: a_account,
            mahalla_code: &mahalla,
            value: "999999",
            photo: &photo,
            idempotency_key: "authz-reading-key",
        },
    )
    .await
    .unwrap()
    .reading_id;
    // An appeal of resident A's with a photo, answered (so that it can be rated and returned).
    let files = services::appeals::attachments::check_all(&[("a.jpg".into(), photo.clone())]).unwrap();
    let appeal = services::appeals::file(
        &app.services,
        &services::appeals::NewAppeal {
            user_id: a_user,
            body_id: 4,
            topic: "healthcare",
            kind: "application",
            subject: "Navbat",
            text: "Matn",
            region: "1726",
            district: "1726266",
            mahalla: None,
            applicant: "Aliyeva Zarina",
            address: "Chilonzor 9-kvartal, 3-uy",
            cosigners: &[],
            files: &files,
            about: None,
            locale: shared::Locale::Uz,
            channel: shared::appeal::Channel::Web,
        },
    )
    .await
    .unwrap()
    .id;
    let admin = shared::auth::Principal {
        user_id: a_user,
        grants: vec![shared::auth::Grant {
            role: shared::auth::Role::Administrator,
            scopes: vec![],
        }],
    };
    services::appeals::act(
        &app.services,
        &admin,
        appeal,
        &services::appeals::Action::Answer("Javob".into()),
    )
    .await
    .unwrap();
    let file: i64 = sqlx::query_scalar("SELECT id FROM appeal_files WHERE appeal_id = $1")
        .bind(appeal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    // A staff grant an administrator may revoke.
    let grant = services::identity::users::grant_role(
        &app.services,
        &shared::Phone::parse("+998907770099").unwrap(),
        Some("Vaqtinchalik xodim"),
        shared::auth::Role::ReceptionCoordinator,
        &[shared::auth::Scope::Region("1703".into())],
        None,
        shared::Locale::Uz,
    )
    .await
    .unwrap();
    // A reception of body 1, three days ahead.
    let day = shared::time::format_iso_date(now + 3 * services::clock::DAY_MS);
    let reception = services::receptions::publish(
        &app.services,
        &admin,
        &services::receptions::NewReception {
            body_id: 1,
            kind: "personal",
            host: "Vazir",
            place: "Vazirlik, 1-xona",
            district: "1726266",
            mahalla: None,
            day: &day,
            time: "10:00",
            slots: "20",
            slot_minutes: "10",
            topics: &[],
        },
    )
    .await
    .unwrap();
    // An instruction of the People's Reception to body 2 (Toshkent shahri).
    let instruction = services::appeals::coordination::give_instruction(
        &app.services,
        &admin,
        2,
        "Navbatlarni qisqartiring",
    )
    .await
    .unwrap();
    // A reception under way (its first slot ten minutes ago), and a visitor's appeal at it
    // waiting for their code.
    let begun: i64 = sqlx::query_scalar(
        "INSERT INTO receptions (body_id, kind, host, place, region_soato, district_soato, starts_at, slot_minutes, \
           slots, created_at) VALUES (1, 'personal', 'Vazir', 'Vazirlik', '1726', '1726266', $1, 10, 20, $1) RETURNING id",
    )
    .bind(now - 10 * 60_000)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let visit = services::receptions::record_visit(
        &app.services,
        &admin,
        begun,
        &services::receptions::NewVisit {
            entry_key: "authz-visit-0001",
            name: "Mehmon",
            address: "Chilonzor 1",
            phone: "+998931112299",
            topic: "healthcare",
            summary: "Savol",
            outcome: "appeal",
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .visit;
    // A member of a mahalla's seven in Toshkent shahri (the demo coordinator's region).
    let member = services::appeals::seven::name_member(
        &app.services,
        &admin,
        "107-0084",
        "social_worker",
        "Ijtimoiy xodim",
        "+998905550099",
    )
    .await
    .unwrap();
    // A hearing of body 1's report of 2026-Q2, with a decision resident A owns; body 1's line
    // of proposals to the Cabinet this quarter.
    let head_cookie = &cookies.iter().find(|(w, _)| *w == Who::Head).unwrap().1;
    let head = services::identity::auth::principal(&app.services, head_cookie.split('=').nth(1).unwrap())
        .await
        .unwrap()
        .unwrap();
    let hearing = services::reports::hearings::record(
        &app.services,
        &head,
        &shared::report::ReportScope::Body(1),
        shared::report::Quarter::parse("2026-Q2").unwrap(),
        "2026-07-10",
        "Rahbariyat",
    )
    .await
    .unwrap();
    let due = shared::time::format_iso_date(app.services.clock.now_ms() + 30 * 86_400_000);
    let decision = services::reports::hearings::decide(
        &app.services,
        &head,
        hearing,
        &services::reports::hearings::NewDecision {
            text: "Navbatlar qisqartirilsin",
            owner_name: "Resident A",
            owner_phone: RESIDENTS[0].phone,
            due_day: &due,
            locale: shared::Locale::Uz,
        },
    )
    .await
    .unwrap();
    let proposal = services::reports::hearings::proposals(&app.services, &head)
        .await
        .unwrap()[0]
        .id;
    let problem = services::reports::problems::take(
        &app.services,
        &head,
        &services::reports::problems::Take {
            scope: &shared::report::ReportScope::Body(1),
            quarter: shared::report::Quarter::parse("2026-Q3").unwrap(),
            topic: "healthcare",
            mahalla: None,
            title: "Navbatlar",
        },
    )
    .await
    .unwrap();
    let fixtures = Fixtures {
        account: a_account,
        order,
        code,
        run,
        reading,
        appeal,
        file,
        grant,
        reception,
        instruction,
        begun,
        visit,
        member,
        hearing,
        decision,
        proposal,
        due,
        problem,
    };

    let table: Vec<(Call, &[Who])> = vec![
        (Call::ServerFn("/api/service_types", &[]), EVERYONE),
        (Call::ServerFn("/api/regions", &[]), EVERYONE),
        (Call::ServerFn("/api/region", &[("soato", "1703")]), EVERYONE),
        (Call::ServerFn("/api/reference_counts", &[]), EVERYONE),
        (Call::ServerFn("/api/current_user", &[]), EVERYONE),
        (Call::ServerFn("/api/sign_in_phone", &[]), EVERYONE),
        (Call::ServerFn("/api/kept_form", &[("form", "appeal")]), EVERYONE),
        (Call::ServerFn("/api/my_accounts", &[]), SIGNED_IN),
        (
            Call::ServerFn(
                "/api/account",
                &[
                    ("id", "{A}"),
                    ("readings", "1"),
                    ("charges", "1"),
                    ("payments", "1"),
                ],
            ),
            &[Who::ResidentA],
        ),
        (Call::ServerFn("/api/staff", &[]), &[Who::Admin]),
        (
            Call::ServerFn("/api/account_orders", &[("account_id", "{A}")]),
            &[Who::ResidentA],
        ),
        (Call::ServerFn("/api/order", &[("id", "{O}")]), &[Who::ResidentA]),
        (
            Call::ServerFn("/api/receipt", &[("id", "{O}")]),
            &[Who::ResidentA],
        ),
        (
            Call::ServerFn("/api/check_receipt", &[("code", "{CODE}")]),
            EVERYONE,
        ),
        (Call::ServerFn("/api/payment_methods", &[]), EVERYONE),
        (
            Call::ServerFn("/api/reconciliation", &[("id", "{RUN}")]),
            &[Who::Admin],
        ),
        (
            Call::Form(
                "/admin/reconcile",
                &[("from", "2026-11-01"), ("to", "2026-11-30"), ("statement", "[]")],
            ),
            &[Who::Admin],
        ),
        (Call::Get("/pay/{O}"), &[Who::ResidentA]),
        (Call::Get("/receipts/{O}/pdf"), &[Who::ResidentA]),
        (Call::ServerFn("/api/tariffs", &[]), &[Who::Admin]),
        (Call::ServerFn("/api/api_keys", &[]), &[Who::Admin]),
        (Call::ServerFn("/api/appeal_choices", &[]), SIGNED_IN),
        (Call::ServerFn("/api/my_appeals", &[]), SIGNED_IN),
        (
            Call::ServerFn("/api/appeal", &[("id", "{AP}")]),
            &[Who::ResidentA],
        ),
        (Call::Get("/appeals"), SIGNED_IN),
        (Call::Get("/appeals/{AP}"), &[Who::ResidentA]),
        (
            Call::ServerFn("/api/appeal_mahallas", &[("district", "1726266")]),
            SIGNED_IN,
        ),
        (
            Call::Get("/appeals/{AP}/files/{F}"),
            &[Who::ResidentA, Who::Officer, Who::Head, Who::Admin],
        ),
        (Call::Get("/api/appeals/events"), SIGNED_IN),
        (Call::Get("/api/appeals/events?appeal={AP}"), &[Who::ResidentA]),
        (Call::Get("/appeals/cosign"), EVERYONE),
        // A made-up code gets nobody through, whoever asks.
        (
            Call::Form(
                "/appeals/cosign",
                &[
                    ("number", "M-2026-000001"),
                    ("phone", "+998901112233"),
                    ("code", "123456"),
                ],
            ),
            &[],
        ),
        (
            Call::Form("/appeals/{AP}/rating", &[("score", "4"), ("comment", "Yaxshi")]),
            &[Who::ResidentA],
        ),
        (
            Call::ServerFn(
                "/api/desk",
                &[
                    ("category", ""),
                    ("body", "0"),
                    ("overdue", "false"),
                    ("mine", "false"),
                ],
            ),
            READERS,
        ),
        (Call::ServerFn("/api/desk_case", &[("id", "{AP}")]), READERS),
        (Call::ServerFn("/api/instructions", &[]), READERS),
        (Call::Get("/desk"), READERS),
        (Call::Get("/desk/appeals/{AP}"), READERS),
        (
            Call::Form(
                "/desk/instructions",
                &[("body", "2"), ("text", "Qabul kunlarini eʼlon qiling")],
            ),
            COORDINATORS,
        ),
        (Call::Form("/desk/instructions/{IN}/acknowledge", &[]), APPEALS),
        (
            Call::Multipart(
                "/desk/appeals/{AP}",
                &[("action", "triage"), ("category", "urgent")],
            ),
            APPEALS,
        ),
        (
            Call::ServerFn("/api/calendar_days", &[("year", "2026")]),
            &[Who::Admin],
        ),
        (Call::Get("/admin/calendar"), &[Who::Admin]),
        (Call::Get("/admin/terms"), &[Who::Admin]),
        (Call::ServerFn("/api/appeal_terms", &[]), &[Who::Admin]),
        (
            Call::Form(
                "/admin/terms",
                &[
                    ("urgent_working_days", "3"),
                    ("ordinary_days", "15"),
                    ("consultation_days", "15"),
                    ("extension_days", "30"),
                    ("return_working_days", "3"),
                    ("forward_working_days", "5"),
                    ("remind_hours", "24"),
                ],
            ),
            &[Who::Admin],
        ),
        (Call::Get("/admin/bodies"), &[Who::Admin]),
        (Call::ServerFn("/api/admin_bodies", &[]), &[Who::Admin]),
        (
            Call::Form(
                "/admin/calendar",
                &[("day", "2027-06-01"), ("kind", "off"), ("name", "Bolalar kuni")],
            ),
            &[Who::Admin],
        ),
        (
            Call::Form(
                "/admin/bodies",
                &[
                    ("parent", "1"),
                    ("kind", "regional"),
                    ("name_uz", "Buxoro viloyati sogʻliqni saqlash boshqarmasi"),
                    ("name_uz_cyrl", "Бухоро вилояти соғлиқни сақлаш бошқармаси"),
                    ("name_ru", "Управление здравоохранения Бухарской области"),
                    ("topics", "healthcare"),
                ],
            ),
            &[Who::Admin],
        ),
        (
            Call::Multipart(
                "/appeals",
                &[
                    ("body", "4"),
                    ("topic", "healthcare"),
                    ("kind", "complaint"),
                    ("subject", "Navbat"),
                    ("text", "Matn"),
                    ("district", "1726266"),
                    ("applicant", "Aliyeva Zarina"),
                    ("address", "Chilonzor 9-kvartal, 3-uy"),
                ],
            ),
            SIGNED_IN,
        ),
        (
            Call::ServerFn(
                "/api/receptions",
                &[("region", "1726"), ("district", ""), ("body", "0")],
            ),
            EVERYONE,
        ),
        (Call::ServerFn("/api/reception_choices", &[]), EVERYONE),
        (Call::ServerFn("/api/reception", &[("id", "{RC}")]), EVERYONE),
        (Call::ServerFn("/api/desk_receptions", &[]), READERS),
        (Call::ServerFn("/api/desk_reception", &[("id", "{RC}")]), READERS),
        (Call::Get("/receptions"), EVERYONE),
        (Call::Get("/receptions/{RC}"), EVERYONE),
        (Call::Get("/desk/receptions"), READERS),
        (Call::Get("/desk/receptions/{RC}"), READERS),
        (Call::Get("/desk/receptions/{RV}/protocol"), READERS),
        (Call::Get("/desk/receptions/{RV}/protocol.pdf"), READERS),
        (
            Call::Form(
                "/desk/receptions/{RV}/visits",
                &[
                    ("key", "authz-entry-0001"),
                    ("name", "Mehmon"),
                    ("address", "Chilonzor 2"),
                    ("summary", "Savol"),
                    ("outcome", "resolved"),
                    ("resolution", "Tushuntirildi"),
                ],
            ),
            APPEALS,
        ),
        (
            Call::Form("/desk/receptions/{RV}/visits/{VI}/confirm", &[("paper", "yes")]),
            APPEALS,
        ),
        (Call::Form("/desk/receptions/{RV}/held", &[]), APPEALS),
        (Call::ServerFn("/api/field_notices", &[]), SIGNED_IN),
        (
            Call::Get("/desk/mahalla-seven?district=1726266&mahalla=107-0084"),
            COORDINATORS,
        ),
        (
            Call::ServerFn("/api/mahalla_seven", &[("mahalla", "107-0084")]),
            COORDINATORS,
        ),
        (
            Call::Form(
                "/desk/mahalla-seven",
                &[
                    ("district", "1726266"),
                    ("mahalla", "107-0084"),
                    ("role", "youth_leader"),
                    ("name", "Yoshlar yetakchisi"),
                    ("phone", "+998905550098"),
                ],
            ),
            COORDINATORS,
        ),
        (
            Call::Form(
                "/desk/mahalla-seven/{MS}/remove",
                &[("district", "1726266"), ("mahalla", "107-0084")],
            ),
            COORDINATORS,
        ),
        (Call::Get("/consents"), SIGNED_IN),
        (Call::ServerFn("/api/report_choices", &[]), READERS),
        // Body 1's report: its staff and the administrator (the People's Reception reads
        // its region's, not a body's).
        (
            Call::ServerFn("/api/report", &[("scope", "body:1"), ("quarter", "2026-Q3")]),
            APPEALS,
        ),
        (Call::Get("/desk/reports"), READERS),
        (
            Call::ServerFn(
                "/api/report_appeals",
                &[
                    ("scope", "body:1"),
                    ("quarter", "2026-Q3"),
                    ("section", "received"),
                    ("figure", "total"),
                ],
            ),
            APPEALS,
        ),
        (
            Call::Get("/desk/reports/appeals?scope=body:1&quarter=2026-Q3&section=received&figure=total"),
            APPEALS,
        ),
        (
            Call::Get("/desk/reports.csv?scope=body:1&quarter=2026-Q3"),
            APPEALS,
        ),
        (
            Call::Get("/desk/reports.xlsx?scope=body:1&quarter=2026-Q3"),
            APPEALS,
        ),
        (
            Call::Get("/desk/reports.pdf?scope=body:1&quarter=2026-Q3"),
            APPEALS,
        ),
        // The rating is public: its pages, its data and its files.
        (Call::Get("/rating"), EVERYONE),
        (Call::Get("/rating/body/1"), EVERYONE),
        (Call::ServerFn("/api/rating", &[("period", "")]), EVERYONE),
        (Call::ServerFn("/api/rating_body", &[("id", "1")]), EVERYONE),
        (Call::Get("/rating.csv"), EVERYONE),
        (Call::Get("/rating.xlsx"), EVERYONE),
        (Call::Get("/rating.pdf"), EVERYONE),
        (Call::Get("/admin/rating"), &[Who::Admin]),
        (Call::ServerFn("/api/rating_settings", &[]), &[Who::Admin]),
        (
            Call::Form(
                "/admin/rating",
                &[
                    ("green", "800"),
                    ("yellow", "500"),
                    ("min_closed", "5"),
                    ("weight_share", "0"),
                    ("weight_resolution", "1"),
                    ("weight_deadline", "1"),
                    ("weight_reexecution", "1"),
                    ("weight_repetition", "1"),
                ],
            ),
            &[Who::Admin],
        ),
        // Hearings of reports: read by whoever reads the report, recorded by a head of the
        // body; a decision closed by its owner or the head; the register by ministries' heads.
        (
            Call::ServerFn(
                "/api/report_hearing",
                &[("scope", "body:1"), ("quarter", "2026-Q3")],
            ),
            APPEALS,
        ),
        (
            Call::Form(
                "/desk/reports/hearing",
                &[
                    ("scope", "body:1"),
                    ("quarter", "2026-Q3"),
                    ("held_day", "2026-10-01"),
                    ("participants", "Rahbariyat"),
                ],
            ),
            &[Who::Head, Who::Admin],
        ),
        (
            Call::Form(
                "/desk/reports/hearing/{HR}/decision",
                &[
                    ("scope", "body:1"),
                    ("quarter", "2026-Q2"),
                    ("text", "Hisobot eʼlon qilinsin"),
                    ("owner_name", "Nodira Yusupova"),
                    ("owner_phone", "+998900000102"),
                    ("due_day", "{DUE}"),
                ],
            ),
            &[Who::Head, Who::Admin],
        ),
        (Call::Get("/decisions"), SIGNED_IN),
        (Call::ServerFn("/api/my_decisions", &[]), SIGNED_IN),
        (
            Call::Form(
                "/decisions/{DE}/done",
                &[("note", "Bajarildi"), ("back", "/decisions")],
            ),
            &[Who::ResidentA, Who::Head, Who::Admin],
        ),
        (Call::Get("/desk/proposals"), READERS),
        (Call::ServerFn("/api/cabinet_proposals", &[]), READERS),
        (
            Call::Form("/desk/proposals/{PR}", &[("text", "Takliflar")]),
            &[Who::Head, Who::Admin],
        ),
        // Systemic problems: read by whoever reads the body's report, taken up and changed
        // by a head of it.
        (Call::Get("/desk/problems"), READERS),
        (
            Call::ServerFn("/api/problems", &[("scope", "body:1"), ("quarter", "2026-Q3")]),
            APPEALS,
        ),
        (Call::Get("/desk/problems/{PB}"), APPEALS),
        (Call::ServerFn("/api/problem", &[("id", "{PB}")]), APPEALS),
        (
            Call::Form(
                "/desk/problems",
                &[
                    ("scope", "body:1"),
                    ("quarter", "2026-Q3"),
                    ("topic", "healthcare"),
                    ("mahalla", ""),
                    ("title", "Dori-darmon"),
                ],
            ),
            &[Who::Head, Who::Admin],
        ),
        (
            Call::Form(
                "/desk/problems/{PB}/plan",
                &[("members", "Guruh"), ("plan", "Reja")],
            ),
            &[Who::Head, Who::Admin],
        ),
        (
            Call::Form("/desk/problems/{PB}/close", &[("result", "Natija")]),
            &[Who::Head, Who::Admin],
        ),
        (Call::ServerFn("/api/consent_cases", &[]), SIGNED_IN),
        // The demo head heads body 1 (an officer of it may not set its review).
        (
            Call::Form("/desk/bodies/{HB}/review", &[("on", "")]),
            &[Who::Head, Who::Admin],
        ),
        (
            Call::Form("/profile/field-notices", &[("mahalla", "")]),
            SIGNED_IN,
        ),
        (
            Call::Form(
                "/desk/receptions",
                &[
                    ("body", "1"),
                    ("kind", "personal"),
                    ("host", "Vazir oʻrinbosari"),
                    ("place", "Vazirlik, 2-xona"),
                    ("district", "1726266"),
                    ("day", "2099-01-05"),
                    ("time", "09:00"),
                    ("slots", "5"),
                    ("minutes", "20"),
                ],
            ),
            APPEALS,
        ),
        (
            Call::Form(
                "/receptions/{RC}/book",
                &[("slot", "0"), ("name", "Ism Familiya"), ("question", "Savol")],
            ),
            SIGNED_IN,
        ),
        (Call::Form("/receptions/{RC}/cancel", &[]), SIGNED_IN),
        (Call::Get("/admin/tariffs"), &[Who::Admin]),
        (Call::Get("/admin/api-keys"), &[Who::Admin]),
        (
            Call::Form(
                "/admin/api-keys",
                &[("party", "Ishonch telefoni"), ("per_day", "10")],
            ),
            &[Who::Admin],
        ),
        (Call::Get("/open311/discovery.json"), EVERYONE),
        (Call::Get("/open311/v2/services.xml"), EVERYONE),
        (Call::Get("/open311/v2/requests.json"), EVERYONE),
        (
            Call::Form(
                "/admin/tariffs",
                &[
                    ("tariff", "gas-household"),
                    ("from", "2099-01-01"),
                    ("tiers", "1000"),
                ],
            ),
            &[Who::Admin],
        ),
        (
            Call::ServerFn("/api/reading_form", &[("account_id", "{A}")]),
            &[Who::ResidentA],
        ),
        (Call::ServerFn("/api/inspector_scope", &[]), INSPECTORS),
        (
            Call::ServerFn("/api/inspector_queue", &[("flagged", "false")]),
            INSPECTORS,
        ),
        (Call::ServerFn("/api/reading_case", &[("id", "{R}")]), INSPECTORS),
        (Call::Get("/inspector"), INSPECTORS),
        (Call::Get("/inspector/readings/{R}"), INSPECTORS),
        (
            Call::Get("/readings/{R}/photo"),
            &[Who::ResidentA, Who::Inspector, Who::Admin],
        ),
        (
            Call::Form("/inspector/readings/{R}", &[("action", "confirm")]),
            INSPECTORS,
        ),
        (Call::Get("/"), EVERYONE),
        (Call::Get("/regions/1703"), EVERYONE),
        (Call::Get("/about"), EVERYONE),
        (Call::Get("/sign-in"), EVERYONE),
        (Call::Get("/healthz"), EVERYONE),
        (Call::Get("/readyz"), EVERYONE),
        (Call::Get("/metrics"), EVERYONE),
        (Call::Get("/dev/sms"), EVERYONE),
        (Call::Get("/accounts/{A}"), &[Who::ResidentA]),
        (Call::Get("/admin/staff"), &[Who::Admin]),
        (
            Call::Form(
                "/accounts/link",
                &[
                    ("service", "electricity"),
                    ("region", "1726"),
                    ("district", "1726266"),
                    ("number", "10000003"),
                    // The code printed on its bill (services::demo::bill_code).
                    ("code", "52348347"),
                ],
            ),
            SIGNED_IN,
        ),
        (
            Call::Form(
                "/admin/staff",
                &[
                    ("phone", "+998 91 000 00 99"),
                    ("role", "inspector"),
                    ("scopes", "district:1726266 service:gas"),
                ],
            ),
            &[Who::Admin],
        ),
        // Last, because they end things: calling a reception off, unlinking (only the owner
        // can), sign-out everywhere.
        (
            Call::Form("/desk/receptions/{RC}/cancel", &[("confirm", "yes")]),
            APPEALS,
        ),
        // After the resident's rating and return rows have used the answer.
        (
            Call::Form(
                "/desk/appeals/{AP}/send-back",
                &[("reason", "Javob yetarli emas")],
            ),
            COORDINATORS,
        ),
        (Call::Form("/admin/staff/{G}/revoke", &[]), &[Who::Admin]),
        (
            Call::Form("/accounts/{A}/unlink", &[("confirm", "yes")]),
            &[Who::ResidentA],
        ),
        (
            Call::Form("/appeals/{AP}/return", &[("reason", "Javob toʻliq emas")]),
            &[Who::ResidentA],
        ),
        (
            Call::Form("/profile/name", &[("name", "Aliyev Bobur")]),
            SIGNED_IN,
        ),
        (Call::Form("/profile/notices", &[("by", "sms")]), SIGNED_IN),
        (Call::Form("/profile/telegram/unlink", &[]), SIGNED_IN),
        (Call::ServerFn("/api/telegram_link", &[]), SIGNED_IN),
        (Call::Form("/auth/sign-out-everywhere", &[]), SIGNED_IN),
    ];

    // Every registered server function is in the table.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    let listed: BTreeSet<String> = table
        .iter()
        .filter_map(|(call, _)| {
            if let Call::ServerFn(path, _) = call {
                Some(path.to_string())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(registered, listed, "server functions and the table differ");

    // Every route the router serves besides the pages is in the table, or below with the
    // reason it is not: a new route fails here until someone decides who may call it.
    let pattern = |path: &str| {
        let path = path.split('?').next().unwrap_or_default();
        path.split('/')
            .map(|part| if part.starts_with('{') { "{}" } else { part })
            .collect::<Vec<_>>()
            .join("/")
    };
    let in_table: BTreeSet<(&str, String)> = table
        .iter()
        .filter_map(|(call, _)| match call {
            Call::Get(p) => Some(("GET", pattern(p))),
            Call::Form(p, _) | Call::Multipart(p, _) => Some(("POST", pattern(p))),
            Call::ServerFn(..) => None,
        })
        .collect();
    // Routes whose callers are decided elsewhere than a session, or whose refusal is a
    // message on the form (so this table cannot tell it from a guard's): each names the test
    // that checks who may call it.
    let elsewhere: &[(&str, &str, &str)] = &[
        (
            "POST",
            "/lang",
            "anyone: sets the language cookie (pages.rs, security.rs)",
        ),
        (
            "POST",
            "/auth/code",
            "anyone, limited by phone and client (sign_in.rs)",
        ),
        (
            "POST",
            "/auth/resend",
            "anyone, limited by phone and client (sign_in.rs)",
        ),
        ("POST", "/auth/verify", "anyone holding the code (sign_in.rs)"),
        (
            "POST",
            "/auth/sign-out",
            "anyone: ends the caller's own session (sign_in.rs)",
        ),
        (
            "POST",
            "/payments/payme",
            "Payme's credentials, never a session (payme.rs)",
        ),
        (
            "POST",
            "/telegram/webhook",
            "Telegram's secret-token header, never a session (telegram.rs)",
        ),
        (
            "POST",
            "/payments/click/prepare",
            "Click's signature, never a session (click.rs)",
        ),
        (
            "POST",
            "/payments/click/complete",
            "Click's signature, never a session (click.rs)",
        ),
        (
            "POST",
            "/payments/orders",
            "a resident, for an account linked to them (pay.rs)",
        ),
        ("POST", "/pay/{}/card", "the order's payer (pay.rs)"),
        ("POST", "/pay/{}/card/code", "the order's payer (pay.rs)"),
        (
            "POST",
            "/sandbox/checkout/{}",
            "development: the order's payer (pay.rs)",
        ),
        (
            "POST",
            "/accounts/{}/readings",
            "the account's resident (readings.rs)",
        ),
        (
            "POST",
            "/consents/{}/code",
            "a member of the appeal's mahalla seven or its confirmed co-signer (mahalla_seven.rs)",
        ),
        (
            "POST",
            "/consents/{}",
            "a member of the appeal's mahalla seven or its confirmed co-signer (mahalla_seven.rs)",
        ),
        (
            "POST",
            "/admin/api-keys/{}/revoke",
            "an administrator, recently signed in (open311.rs)",
        ),
        ("GET", "/open311/{}", "anyone: Open311 discovery (open311.rs)"),
        ("GET", "/open311/v2/{}", "anyone: Open311 lists (open311.rs)"),
        (
            "POST",
            "/open311/v2/{}",
            "an Open311 api_key an administrator issued, never a session (open311.rs)",
        ),
        ("GET", "/open311/v2/services/{}", "anyone (open311.rs)"),
        ("GET", "/open311/v2/requests/{}", "anyone (open311.rs)"),
        ("GET", "/open311/v2/tokens/{}", "anyone (open311.rs)"),
        (
            "POST",
            "/admin/staff/{}/revoke",
            "an administrator, recently signed in (sign_in.rs)",
        ),
        (
            "GET",
            "/dev/sms.json",
            "development, loopback peers only (security.rs)",
        ),
        (
            "POST",
            "/dev/clock",
            "development, loopback peers only (security.rs)",
        ),
    ];
    let mut unlisted = Vec::new();
    for (method, path) in server::http::listed_routes(true) {
        let key = (method, pattern(path));
        let explained = elsewhere.iter().any(|(m, p, _)| *m == method && *p == key.1);
        if !in_table.contains(&key) && !explained {
            unlisted.push(format!("{method} {path}"));
        }
    }
    assert!(
        unlisted.is_empty(),
        "routes missing from the access table: {unlisted:?}"
    );

    let mut wrong = Vec::new();
    for (call, may) in &table {
        // Owners act last so that the destructive rows test the others against intact data.
        let mut order: Vec<&(Who, String)> = cookies.iter().filter(|(w, _)| !may.contains(w)).collect();
        order.extend(cookies.iter().filter(|(w, _)| may.contains(w)));
        for (who, cookie) in order {
            let (got, detail) = allowed(&app, *call, cookie, &fixtures).await;
            let expected = may.contains(who);
            if got != expected {
                let what = match call {
                    Call::ServerFn(p, _) | Call::Get(p) | Call::Form(p, _) | Call::Multipart(p, _) => p,
                };
                wrong.push(format!(
                    "{what} as {who:?}: expected {}, got {detail}",
                    if expected { "allowed" } else { "refused" }
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "access table violated:\n{}", wrong.join("\n"));
}
