//! The Telegram bot, driven through whole conversations: updates posted to the webhook as
//! Telegram posts them, the bot's calls read from a local fake of the Bot API over https.

use crate::fakes::{self, BOT_TOKEN, SharedBotApi};
use crate::helpers::{TestApp, known_account, location, spawn_app_with, test_config};
use serde_json::{Value, json};
use services::demo::{RESIDENTS, STAFF};

const SECRET: &str = "webhook-secret_of-the-test";

async fn spawn_with_bot() -> (TestApp, SharedBotApi) {
    let (url, fake) = fakes::bot_api().await;
    let mut config = test_config().await;
    config.telegram.token = BOT_TOKEN.into();
    config.telegram.webhook_secret = SECRET.into();
    config.telegram.api_url = url;
    config.tls_ca_file = Some(fakes::TEST_CA.pem_file.clone());
    // A tenth of Telegram's one message a second to a chat, so conversations run quickly
    // (the pace itself is measured by the benchmark).
    config.telegram.chat_interval_ms = 100;
    (spawn_app_with(config).await, fake)
}

/// A Telegram user of the tests: their chat id equals their user id (a private chat).
struct Person {
    id: i64,
}

impl Person {
    fn from(&self) -> Value {
        json!({"id": self.id, "is_bot": false, "first_name": "Test", "language_code": "uz"})
    }
    fn chat(&self) -> Value {
        json!({"id": self.id, "type": "private", "first_name": "Test"})
    }
    fn message(&self, update: i64, content: Value) -> Value {
        let mut message =
            json!({"message_id": update, "date": 1_764_547_200, "chat": self.chat(), "from": self.from()});
        for (k, v) in content.as_object().unwrap() {
            message[k] = v.clone();
        }
        json!({"update_id": update, "message": message})
    }
    fn text(&self, update: i64, text: &str) -> Value {
        self.message(update, json!({"text": text}))
    }
    fn contact(&self, update: i64, phone: &str, owner: Option<i64>) -> Value {
        let mut contact = json!({"phone_number": phone, "first_name": "Test"});
        if let Some(owner) = owner {
            contact["user_id"] = json!(owner);
        }
        self.message(update, json!({"contact": contact}))
    }
    fn photo(&self, update: i64, file: &str, size: usize) -> Value {
        self.message(
            update,
            json!({"photo": [{"file_id": file, "file_unique_id": format!("u{file}"), "width": 1600, "height": 1200, "file_size": size}]}),
        )
    }
    fn document(&self, update: i64, file: &str, size: usize) -> Value {
        self.message(
            update,
            json!({"document": {"file_id": file, "file_unique_id": format!("u{file}"), "file_size": size, "file_name": "meter.jpg", "mime_type": "image/jpeg"}}),
        )
    }
    fn button(&self, update: i64, data: &str) -> Value {
        json!({"update_id": update, "callback_query": {
            "id": format!("q{update}"), "from": self.from(), "chat_instance": "ci", "data": data,
            "message": {"message_id": 1, "date": 1_764_547_200, "chat": self.chat(), "text": "…"},
        }})
    }
}

async fn post(app: &TestApp, update: &Value, secret: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(app.url("/telegram/webhook"))
        .json(update);
    if let Some(secret) = secret {
        request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
    }
    request.send().await.unwrap().status().as_u16()
}

/// Posts an update with the secret and returns the texts the bot answered with: once the
/// bot has said something and nothing is left in the chat's outbox.
async fn say(app: &TestApp, fake: &SharedBotApi, person: &Person, update: Value) -> Vec<Value> {
    let seen = fakes::said_to(fake, person.id).len();
    assert_eq!(post(app, &update, Some(SECRET)).await, 200);
    quiet(app, person.id).await;
    fakes::said_after(fake, person.id, seen).await[seen..].to_vec()
}

/// Waits (up to 20 s) until nothing is waiting in the chat's outbox.
async fn quiet(app: &TestApp, chat: i64) {
    for _ in 0..1000 {
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM telegram_outbox WHERE chat_id = $1 AND status = 'pending'",
        )
        .bind(chat)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        if pending == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the chat's outbox did not empty");
}

fn texts(said: &[Value]) -> String {
    said.iter()
        .map(|m| m["text"].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn buttons(said: &[Value]) -> Vec<String> {
    said.iter()
        .flat_map(|m| {
            m["reply_markup"]["inline_keyboard"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["callback_data"].as_str().map(str::to_string))
        .collect()
}

fn bot_words(locale: shared::Locale, key: shared::i18n::Bot) -> String {
    shared::i18n::bot(locale, key, &[])
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db.pool).await.unwrap()
}

/// Signs a person in through the chat with their own contact, in Uzbek.
async fn signed_in(app: &TestApp, fake: &SharedBotApi, person: &Person, phone: &str, first: i64) {
    say(app, fake, person, person.text(first, "/start")).await;
    say(app, fake, person, person.button(first + 1, "l:uz")).await;
    let said = say(
        app,
        fake,
        person,
        person.contact(first + 2, phone, Some(person.id)),
    )
    .await;
    assert!(texts(&said).contains(&bot_words(shared::Locale::Uz, shared::i18n::Bot::Menu)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_takes_ones_own_contact_only_and_each_update_once() {
    use shared::Locale::Ru;
    use shared::i18n::Bot;
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_001 };

    // Without the secret, or with a wrong one: refused, nothing taken.
    assert_eq!(post(&app, &person.text(1, "/start"), None).await, 401);
    assert_eq!(post(&app, &person.text(1, "/start"), Some("guess")).await, 401);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM telegram_updates").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM telegram_chats").await, 0);

    let said = say(&app, &fake, &person, person.text(1, "/start")).await;
    assert_eq!(buttons(&said), ["l:uz", "l:uz-Cyrl", "l:ru"]);
    let said = say(&app, &fake, &person, person.button(2, "l:ru")).await;
    assert_eq!(texts(&said), bot_words(Ru, Bot::ShareContact));
    assert_eq!(said[0]["reply_markup"]["keyboard"][0][0]["request_contact"], true);

    // Someone else's contact (or one without its owner) is refused; the chat stays unlinked.
    let said = say(
        &app,
        &fake,
        &person,
        person.contact(3, RESIDENTS[0].phone, Some(9_999)),
    )
    .await;
    assert!(texts(&said).contains(&bot_words(Ru, Bot::NotYourContact)));
    let said = say(&app, &fake, &person, person.contact(4, RESIDENTS[0].phone, None)).await;
    assert!(texts(&said).contains(&bot_words(Ru, Bot::NotYourContact)));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM telegram_chats WHERE user_id IS NOT NULL"
        )
        .await,
        0
    );

    // Their own: linked to the same person as the web's sign-in with that phone.
    let phone = shared::Phone::parse(RESIDENTS[0].phone).unwrap().e164();
    let said = say(
        &app,
        &fake,
        &person,
        person.contact(5, phone.trim_start_matches('+'), Some(person.id)),
    )
    .await;
    assert!(texts(&said).contains(&bot_words(Ru, Bot::Menu)));
    let web_user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE phone = $1")
        .bind(&phone)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let linked: Option<i64> = sqlx::query_scalar("SELECT user_id FROM telegram_chats WHERE chat_id = $1")
        .bind(person.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(linked, Some(web_user));

    // A replayed update is taken once: nothing more is said or stored.
    let before = fakes::said_to(&fake, person.id).len();
    let calls = fake.lock().unwrap().calls.len();
    assert_eq!(
        post(&app, &person.contact(5, &phone, Some(person.id)), Some(SECRET)).await,
        200
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    assert_eq!(fakes::said_to(&fake, person.id).len(), before);
    assert_eq!(fake.lock().unwrap().calls.len(), calls);

    // Unknown button data, and text where nothing is asked: a clear answer, nothing stored.
    let said = say(&app, &fake, &person, person.button(6, "zz:<script>")).await;
    assert_eq!(texts(&said), bot_words(Ru, Bot::UnknownButton));
    let said = say(&app, &fake, &person, person.button(7, "a:999999")).await;
    assert_eq!(texts(&said), bot_words(Ru, Bot::UnknownButton));
    let said = say(&app, &fake, &person, person.text(8, "salom")).await;
    assert!(texts(&said).contains(&bot_words(Ru, Bot::NotUnderstood)));

    // Unlinking from the chat.
    let said = say(&app, &fake, &person, person.text(9, "/stop")).await;
    assert_eq!(texts(&said), bot_words(Ru, Bot::Unlinked));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM telegram_chats WHERE user_id IS NOT NULL"
        )
        .await,
        0
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_linked_with_buttons_and_its_payment_is_confirmed_in_the_chat() {
    use shared::Locale::Uz;
    use shared::i18n::Bot;
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_002 };
    signed_in(&app, &fake, &person, RESIDENTS[1].phone, 1).await;

    let said = say(&app, &fake, &person, person.button(10, "m:add")).await;
    assert!(buttons(&said).contains(&"s:electricity".to_string()));
    let said = say(&app, &fake, &person, person.button(11, "s:electricity")).await;
    assert!(buttons(&said).contains(&"r:1703".to_string()));
    let said = say(&app, &fake, &person, person.button(12, "r:1703")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::ChooseDistrict));
    // A district of another region is not offered here.
    let said = say(&app, &fake, &person, person.button(13, "d:1726266")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::UnknownButton));
    let said = say(&app, &fake, &person, person.button(14, "d:1703401")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::TypeNumber));
    let said = say(&app, &fake, &person, person.text(15, "12ab")).await;
    assert!(texts(&said).contains("6"));
    let said = say(&app, &fake, &person, person.text(16, "10000002")).await;
    let account = known_account(&app, 3).await;
    assert!(texts(&said).contains("10000002"));
    let pay = format!("pay:{account}:payme");
    assert!(buttons(&said).contains(&pay), "{said:?}");

    // Pay: a payment order of the debt and its checkout behind a link button.
    let said = say(&app, &fake, &person, person.button(17, &pay)).await;
    let link = said[0]["reply_markup"]["inline_keyboard"][0][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let order: i64 = link.rsplit('/').next().unwrap().parse().unwrap();
    let amount: i64 = sqlx::query_scalar("SELECT amount_tiyin FROM payment_orders WHERE id = $1")
        .bind(order)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(
        -services::accounts::balance(&app.db, account).await.unwrap().get(),
        amount
    );
    let seen = fakes::said_to(&fake, person.id).len();
    services::payments::sandbox::pay_with_payme(
        &app.address,
        &app.payme_key(),
        order,
        amount,
        app.services.clock.now_ms(),
    )
    .await
    .unwrap();
    quiet(&app, person.id).await;
    let said = fakes::said_after(&fake, person.id, seen).await[seen..].to_vec();
    assert!(texts(&said).contains(&format!("/receipts/{order}")), "{said:?}");
    // In the chat instead of an SMS.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM sms_outbox WHERE purpose = 'payment'").await,
        0
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meter_photo_reaches_the_inspector_and_the_decision_comes_back() {
    use shared::Locale::Uz;
    use shared::i18n::Bot;
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_003 };
    signed_in(&app, &fake, &person, RESIDENTS[0].phone, 1).await;
    let account = known_account(&app, 0).await;
    {
        let mut fake = fake.lock().unwrap();
        fake.files.insert(
            "meter".into(),
            services::storage::fixtures::sample(2000, 1500, image::ImageFormat::Jpeg),
        );
        fake.files.insert(
            "bomb".into(),
            services::storage::fixtures::bomb_png(60_000, 60_000),
        );
    }
    let readings = || count(&app, "SELECT COUNT(*) FROM meter_readings");
    let before = readings().await;

    let said = say(&app, &fake, &person, person.button(10, &format!("rd:{account}"))).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::SendPhoto));
    // Text where a photo is expected.
    let said = say(&app, &fake, &person, person.text(11, "1234")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::PhotoExpected));
    // A 50 MB file: refused by its size, never fetched.
    let said = say(
        &app,
        &fake,
        &person,
        person.document(12, "huge", 50 * 1024 * 1024),
    )
    .await;
    assert!(texts(&said).contains("50.0"), "{said:?}");
    assert!(
        !fake
            .lock()
            .unwrap()
            .calls
            .iter()
            .any(|(m, p)| m == "getFile" && p["file_id"] == "huge")
    );
    // A photo bomb: refused by its header.
    let said = say(&app, &fake, &person, person.photo(13, "bomb", 4_000)).await;
    assert_eq!(
        texts(&said),
        shared::i18n::tr(Uz, shared::reading::ReadingProblem::PhotoTooManyPixels.key())
    );
    assert_eq!(readings().await, before);

    let said = say(&app, &fake, &person, person.photo(14, "meter", 10_000)).await;
    assert_eq!(said[0]["text"], bot_words(Uz, Bot::ChooseMahalla));
    let mahalla = buttons(&said)[0].clone();
    assert!(mahalla.starts_with("h:"));
    let said = say(&app, &fake, &person, person.button(15, &mahalla)).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::TypeValue));
    let last: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(value_milli), 0) FROM meter_readings WHERE account_id = $1 AND status IN ('confirmed', 'corrected')",
    )
    .bind(account)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let value = format!("{}", last / 1000 + 150);
    let said = say(&app, &fake, &person, person.text(16, &value)).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::ReadingSent));
    assert_eq!(readings().await, before + 1);
    let reading: i64 = sqlx::query_scalar("SELECT MAX(id) FROM meter_readings")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();

    // The inspector confirms on the web; the decision comes back in the chat, not by SMS.
    let inspector = app.sign_in(STAFF[0].phone).await;
    let seen = fakes::said_to(&fake, person.id).len();
    let response = app
        .post_form(
            &format!("/inspector/readings/{reading}"),
            &inspector,
            &[("action", "confirm")],
        )
        .await;
    assert_eq!(location(&response), format!("/inspector?done={reading}"));
    let said = fakes::said_after(&fake, person.id, seen).await[seen..].to_vec();
    assert!(texts(&said).contains("10000001"), "{said:?}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM sms_outbox WHERE purpose = 'reading'").await,
        0
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_outbox_waits_out_a_429_and_a_blocked_bot_unlinks_the_chat_with_an_sms_instead() {
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_004 };
    signed_in(&app, &fake, &person, RESIDENTS[0].phone, 1).await;
    let user: i64 = sqlx::query_scalar("SELECT user_id FROM telegram_chats WHERE chat_id = $1")
        .bind(person.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let now = app.services.clock.now_ms();
    let seen = fakes::said_to(&fake, person.id).len();
    fake.lock()
        .unwrap()
        .refuse
        .push_back((429, "Too Many Requests: retry after 1".into(), Some(1)));
    let refused_at = std::time::Instant::now();
    services::telegram::outbox::enqueue(
        &app.db.pool,
        person.id,
        &services::telegram::outbox::Outgoing::plain("after the wait"),
        "test",
        None,
        now,
    )
    .await
    .unwrap();
    app.services.telegram.as_ref().unwrap().wakeup.notify_one();
    let said = fakes::said_after(&fake, person.id, seen).await;
    assert_eq!(said.last().unwrap()["text"], "after the wait");
    assert!(
        refused_at.elapsed() >= std::time::Duration::from_secs(1),
        "retry_after honoured"
    );

    // 403: the bot was blocked. The chat is unlinked and the notice goes by SMS.
    fake.lock()
        .unwrap()
        .refuse
        .push_back((403, "Forbidden: bot was blocked by the user".into(), None));
    services::telegram::outbox::enqueue(
        &app.db.pool,
        person.id,
        &services::telegram::outbox::Outgoing::plain("blocked"),
        "test",
        Some(services::telegram::outbox::Fallback {
            user_id: user,
            text: "Fuqaro: by SMS instead",
        }),
        app.services.clock.now_ms(),
    )
    .await
    .unwrap();
    app.services.telegram.as_ref().unwrap().wakeup.notify_one();
    let mut sms = 0;
    for _ in 0..250 {
        sms = count(
            &app,
            "SELECT COUNT(*) FROM sms_outbox WHERE body = 'Fuqaro: by SMS instead'",
        )
        .await;
        if sms == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(sms, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM telegram_chats WHERE user_id IS NOT NULL AND blocked_at IS NULL"
        )
        .await,
        0
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_with_a_bot_token_and_no_webhook_secret_refuses_to_start() {
    for secret in ["", "has spaces", &"x".repeat(257)] {
        let (mut config, _) = crate::helpers::production_config().await;
        config.telegram.token = BOT_TOKEN.into();
        config.telegram.webhook_secret = secret.into();
        let error = server::Application::build(config)
            .await
            .err()
            .expect("start-up fails")
            .to_string();
        assert!(error.contains("FUQARO_TELEGRAM__WEBHOOK_SECRET"), "{error}");
    }
    // Without a token there is no bot, and no webhook to post to.
    let app = crate::helpers::spawn_app().await;
    let person = Person { id: 7_005 };
    assert_eq!(post(&app, &person.text(1, "/start"), Some(SECRET)).await, 404);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_appeal_is_filed_in_the_chat_and_its_steps_are_pushed_there() {
    use shared::Locale::Uz;
    use shared::i18n::Bot;
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_006 };
    signed_in(&app, &fake, &person, RESIDENTS[0].phone, 1).await;

    let said = say(&app, &fake, &person, person.button(10, "m:appeal")).await;
    assert_eq!(said[0]["text"], bot_words(Uz, Bot::ChooseTopic));
    let topic = buttons(&said)[0].clone();
    assert!(topic.starts_with("t:"), "{topic}");
    // The district is the resident's usual one (their account's): the body is suggested.
    let said = say(&app, &fake, &person, person.button(11, &topic)).await;
    assert!(texts(&said).contains(&bot_words(Uz, Bot::ChooseKind)), "{said:?}");
    assert_eq!(
        &buttons(&said)[..3],
        ["k:application", "k:proposal", "k:complaint"]
    );
    // A district button is not the kind asked for.
    let said = say(&app, &fake, &person, person.button(30, "d:1726266")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::UnknownButton));
    let said = say(&app, &fake, &person, person.button(31, "k:complaint")).await;
    assert!(texts(&said).contains(&bot_words(Uz, Bot::TypeText)), "{said:?}");
    // A photo where the text belongs.
    let said = say(&app, &fake, &person, person.photo(12, "early", 1_000)).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::TextExpected));
    let mut said = say(
        &app,
        &fake,
        &person,
        person.text(13, "Hovlida suv quvuri yorilgan\nIltimos, tuzating."),
    )
    .await;
    let mut update = 14;
    if texts(&said).contains(&bot_words(Uz, Bot::TypeName)) {
        said = say(
            &app,
            &fake,
            &person,
            person.text(update, "Karimov Anvar Ali oʻgʻli"),
        )
        .await;
        update += 1;
    }
    assert_eq!(texts(&said), bot_words(Uz, Bot::TypeAddress));
    let said = say(
        &app,
        &fake,
        &person,
        person.text(update, "Navoiy koʻchasi 5, 12-xonadon"),
    )
    .await;
    assert!(buttons(&said).contains(&"send".to_string()));
    // A photo of the burst pipe goes with it.
    fake.lock().unwrap().files.insert(
        "pipe".into(),
        services::storage::fixtures::sample(1200, 900, image::ImageFormat::Jpeg),
    );
    let said = say(&app, &fake, &person, person.photo(update + 10, "pipe", 50_000)).await;
    assert!(texts(&said).contains("1/5"), "{said:?}");
    let appeals = || count(&app, "SELECT COUNT(*) FROM appeals WHERE channel = 'telegram'");
    assert_eq!(appeals().await, 0);
    let said = say(&app, &fake, &person, person.button(update + 1, "send")).await;
    let number: String = sqlx::query_scalar("SELECT number FROM appeals WHERE channel = 'telegram'")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let attachments: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM appeal_files f JOIN appeals a ON a.id = f.appeal_id WHERE a.number = $1",
    )
    .bind(&number)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(attachments, 1);
    let kind: String = sqlx::query_scalar("SELECT kind FROM appeals WHERE number = $1")
        .bind(&number)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(kind, "complaint");
    assert!(texts(&said).contains(&number), "{said:?}");
    // Its registration, the same step the live page shows, is pushed into the chat.
    assert!(
        texts(&said).contains(&shared::i18n::bot(
            Uz,
            Bot::AppealEvent,
            &[
                ("number", &number),
                (
                    "event",
                    shared::i18n::tr(Uz, shared::appeal::EventKind::Registered.key())
                )
            ]
        )),
        "{said:?}"
    );
    assert_eq!(appeals().await, 1);
    // Pressing "send" again (an old button) files nothing more.
    let said = say(&app, &fake, &person, person.button(update + 2, "send")).await;
    assert_eq!(texts(&said), bot_words(Uz, Bot::UnknownButton));
    assert_eq!(appeals().await, 1);

    // An appeal (filed on the web) passes up when its term runs out: pushed into the chat,
    // and no SMS to the resident.
    let registered = crate::helpers::file_appeal(&app, 4, "1726", "1726266", "Navbat").await;
    quiet(&app, person.id).await;
    let seen = fakes::said_to(&fake, person.id).len();
    app.services.clock.advance_ms(40 * 86_400_000);
    assert!(
        services::appeals::escalate_overdue(&app.services, 100)
            .await
            .unwrap()
            >= 1
    );
    quiet(&app, person.id).await;
    let said = fakes::said_after(&fake, person.id, seen).await[seen..].to_vec();
    let escalated = shared::i18n::bot(
        Uz,
        Bot::AppealEvent,
        &[
            ("number", &registered.number),
            (
                "event",
                shared::i18n::tr(Uz, shared::appeal::EventKind::Escalated.key()),
            ),
        ],
    );
    assert!(texts(&said).contains(&escalated), "{said:?}");
    let phone = shared::Phone::parse(RESIDENTS[0].phone).unwrap().e164();
    let resident_sms: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sms_outbox WHERE phone = $1 AND purpose = 'appeal'")
            .bind(&phone)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(resident_sms, 0);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_chooses_sms_for_notices_and_unlinks_the_chat() {
    use shared::Locale::Uz;
    use shared::i18n::Bot;
    let (app, fake) = spawn_with_bot().await;
    let person = Person { id: 7_007 };
    signed_in(&app, &fake, &person, RESIDENTS[0].phone, 1).await;
    let web = app.sign_in(RESIDENTS[0].phone).await;
    let link = |body: String| {
        serde_json::from_str::<Option<shared::auth::TelegramLink>>(&body)
            .unwrap()
            .unwrap()
    };
    let (_, body) = app.get_text_as("/profile", &web).await;
    assert!(
        body.contains("/profile/telegram/unlink"),
        "the profile offers unlinking"
    );
    let current = link(
        app.call("/api/telegram_link", &web, &[])
            .await
            .text()
            .await
            .unwrap(),
    );
    assert_eq!((current.chats, current.by_sms), (1, false));

    let user: i64 = sqlx::query_scalar("SELECT user_id FROM telegram_chats WHERE chat_id = $1")
        .bind(person.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let phone = shared::Phone::parse(RESIDENTS[0].phone).unwrap();
    let notify = |text: &'static str| {
        let (app, phone) = (&app, phone.clone());
        async move {
            let mut conn = app.db.pool.acquire().await.unwrap();
            let now = app.services.clock.now_ms();
            services::notify::person(&app.services, &mut conn, user, (&phone, Uz), text, "test", now)
                .await
                .unwrap();
        }
    };
    let sms = |text: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM sms_outbox WHERE body = $1")
                .bind(text)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
        }
    };
    notify("Fuqaro: to the chat").await;
    assert_eq!(sms("Fuqaro: to the chat").await, 0);
    quiet(&app, person.id).await;
    assert!(texts(&fakes::said_to(&fake, person.id)).contains("Fuqaro: to the chat"));

    // SMS chosen on the profile: notices go by SMS though the chat is linked.
    let response = app.post_form("/profile/notices", &web, &[("by", "sms")]).await;
    assert_eq!(location(&response), "/profile?done=notices#telegram");
    notify("Fuqaro: by SMS").await;
    assert_eq!(sms("Fuqaro: by SMS").await, 1);
    // An unknown choice changes nothing.
    app.post_form("/profile/notices", &web, &[("by", "pigeon")]).await;
    assert!(
        link(
            app.call("/api/telegram_link", &web, &[])
                .await
                .text()
                .await
                .unwrap()
        )
        .by_sms
    );

    // Unlinking from the web: the chat is told and unlinked.
    let seen = fakes::said_to(&fake, person.id).len();
    let response = app.post_form("/profile/telegram/unlink", &web, &[]).await;
    assert_eq!(location(&response), "/profile?done=telegram_unlinked#telegram");
    let said = fakes::said_after(&fake, person.id, seen).await[seen..].to_vec();
    assert_eq!(texts(&said), bot_words(Uz, Bot::Unlinked));
    assert_eq!(
        link(
            app.call("/api/telegram_link", &web, &[])
                .await
                .text()
                .await
                .unwrap()
        )
        .chats,
        0
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_tells_telegram_its_webhook_and_secret_and_never_polls() {
    let (url, fake) = fakes::bot_api().await;
    let app = crate::helpers::spawn_production(move |config| {
        config.telegram.token = BOT_TOKEN.into();
        config.telegram.webhook_secret = SECRET.into();
        config.telegram.api_url = url;
    })
    .await;
    let mut set = None;
    for _ in 0..250 {
        set = fake
            .lock()
            .unwrap()
            .calls
            .iter()
            .find(|(method, _)| method == "setWebhook")
            .map(|(_, params)| params.clone());
        if set.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let set = set.expect("setWebhook called at start");
    assert_eq!(set["url"], "https://fuqaro.test/telegram/webhook");
    assert_eq!(set["secret_token"], SECRET);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !fake
            .lock()
            .unwrap()
            .calls
            .iter()
            .any(|(m, _)| m == "getUpdates" || m == "deleteWebhook"),
        "no long polling in production"
    );
    let person = Person { id: 7_008 };
    assert_eq!(post(&app, &person.text(1, "/start"), None).await, 401);
    assert_eq!(post(&app, &person.text(1, "/start"), Some(SECRET)).await, 200);
    app.stop().await;
}
