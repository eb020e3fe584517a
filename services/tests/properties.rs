//! Property tests: arbitrary input to the parsers that face the world — the Payme and Click
//! callbacks, amounts, phone numbers, the upload sniffer and photo pipeline, attachments.
//! None may panic; each answers with its documented shape, and what parses round-trips.
//!
//! By default each property runs 256 cases. `FUQARO_PROPERTY_SECONDS=600` runs each for ten
//! minutes (scripts/properties.sh), printing how many cases ran.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde_json::{Value, json};
use services::Services;
use shared::{Phone, Tiyin};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Runs `test` on values of `strategy`: 256 cases, or as many as fit in the configured time.
fn run_for<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let seconds: u64 = std::env::var("FUQARO_PROPERTY_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let cases = std::cell::Cell::new(0u64);
    loop {
        let mut runner = TestRunner::new(Config {
            cases: 256,
            failure_persistence: None,
            ..Config::default()
        });
        if let Err(failure) = runner.run(&strategy, |value| {
            cases.set(cases.get() + 1);
            test(value)
        }) {
            panic!("{name}: {failure}");
        }
        if Instant::now() >= deadline {
            break;
        }
    }
    println!("property {name}: {} cases, 0 panics", cases.get());
}

#[test]
fn amounts_parse_or_say_why_and_round_trip() {
    let typed = prop_oneof![
        any::<String>(),
        "[0-9 ,.\u{a0}-]{0,24}",
        "-?[0-9]{1,15}([.,][0-9]{0,4})?",
    ];
    run_for("amount", typed, |text| {
        if let Ok(amount) = Tiyin::parse_som(&text) {
            prop_assert!(
                amount > Tiyin::ZERO && amount <= Tiyin::MAX_PAYMENT,
                "{text:?} → {amount:?}"
            );
            prop_assert_eq!(Tiyin::parse_som(&amount.to_decimal_string()), Ok(amount));
        }
        Ok(())
    });
}

#[test]
fn phones_parse_or_say_why_and_round_trip() {
    let typed = prop_oneof![
        any::<String>(),
        "[+]?[0-9 ()-]{0,20}",
        "\\+?998 ?[0-9]{2} ?[0-9]{3} ?[0-9]{2} ?[0-9]{2}",
    ];
    run_for("phone", typed, |text| {
        if let Ok(phone) = Phone::parse(&text) {
            prop_assert_eq!(Phone::parse(&phone.e164()), Ok(phone.clone()));
            prop_assert!(phone.e164().starts_with("+998") && phone.e164().len() == 13);
        }
        Ok(())
    });
}

/// Bytes that start like a photo or a PDF (so the sniffer lets them through to the decoders),
/// or anything at all.
fn upload() -> impl Strategy<Value = Vec<u8>> {
    let magic = prop_oneof![
        Just(Vec::new()),
        Just(vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]),
        Just(vec![0xff, 0xd8, 0xff, 0xe0]),
        Just(b"RIFF\x10\x00\x00\x00WEBPVP8 ".to_vec()),
        Just(b"%PDF-1.4\n".to_vec()),
        Just(b"\x00\x00\x00\x18ftypheic".to_vec()),
    ];
    (magic, prop::collection::vec(any::<u8>(), 0..4096)).prop_map(|(mut head, tail)| {
        head.extend(tail);
        head
    })
}

#[test]
fn the_upload_sniffer_and_photo_pipeline_refuse_garbage_without_panicking() {
    run_for("upload", upload(), |bytes| {
        let _ = services::storage::photos::sniff(&bytes);
        if let Ok(photo) = services::storage::photos::process(&bytes) {
            prop_assert!(photo.jpeg.starts_with(&[0xff, 0xd8]), "a photo comes out as JPEG");
        }
        let _ = services::appeals::attachments::check("file.bin", &bytes);
        Ok(())
    });
}

/// A services instance on a fresh SQLite file with the reference data and a few payment
/// orders (ids 1 to 5) for the callbacks to find.
fn services() -> &'static (tokio::runtime::Runtime, Services) {
    static SERVICES: OnceLock<(tokio::runtime::Runtime, Services)> = OnceLock::new();
    SERVICES.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let svc = runtime.block_on(async {
            let path = std::env::temp_dir().join(format!("fuqaro_properties_{}.db", std::process::id()));
            let _ = std::fs::remove_file(&path);
            let db = services::Db::open(&format!("sqlite://{}?mode=rwc", path.display()), 4)
                .await
                .unwrap();
            services::reference::load(&db).await.unwrap();
            let svc = Services::new(
                db,
                std::sync::Arc::new(services::sms::OutboxOnly),
                true,
                "http://127.0.0.1",
                "",
            )
            .await
            .unwrap();
            services::demo::seed(&svc, 5).await.unwrap();
            let (account, user): (i64, i64) =
                sqlx::query_as("SELECT account_id, user_id FROM account_links LIMIT 1")
                    .fetch_one(&svc.db.pool)
                    .await
                    .unwrap();
            for (amount, method) in [
                (100_000, services::payments::orders::Method::Payme),
                (250_050, services::payments::orders::Method::Payme),
                (100_000, services::payments::orders::Method::Click),
                (500_000, services::payments::orders::Method::Click),
                (100, services::payments::orders::Method::Payme),
            ] {
                services::payments::orders::create(&svc, user, account, amount, method)
                    .await
                    .unwrap();
            }
            svc
        });
        (runtime, svc)
    })
}

const PAYME_KEY: &str = "property-test-cash-desk-key";

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (0i64..10).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        "[0-9a-f]{24}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::hash_map("[a-z_]{1,10}", inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Payme's params: its own field names with values of any shape.
fn payme_params() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        Just("id"),
        Just("time"),
        Just("amount"),
        Just("account"),
        Just("reason"),
        Just("from"),
        Just("to"),
        Just("order_id"),
    ];
    let order = (0i64..8).prop_map(|n| json!({"order_id": n.to_string()}));
    prop::collection::vec((field, prop_oneof![json_value(), order]), 0..6)
        .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

fn payme_body() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        Just("CheckPerformTransaction".to_string()),
        Just("CreateTransaction".to_string()),
        Just("PerformTransaction".to_string()),
        Just("CancelTransaction".to_string()),
        Just("CheckTransaction".to_string()),
        Just("GetStatement".to_string()),
        Just("ChangePassword".to_string()),
        ".{0,10}",
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        (json_value(), method, payme_params()).prop_map(|(id, method, params)| {
            serde_json::to_vec(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
                .unwrap()
        }),
        json_value().prop_map(|v| serde_json::to_vec(&v).unwrap()),
    ]
}

#[test]
fn paymes_callback_answers_every_body_with_one_json_rpc_reply() {
    let (runtime, svc) = services();
    let auth = {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("Paycom:{PAYME_KEY}"))
        )
    };
    run_for("payme", (payme_body(), any::<bool>()), |(body, signed)| {
        let header = signed.then_some(auth.as_str());
        let reply = runtime.block_on(services::payments::payme::handle(svc, PAYME_KEY, header, &body));
        prop_assert_eq!(&reply["jsonrpc"], "2.0");
        let has_result = !reply["result"].is_null();
        let has_error = reply.get("error").is_some_and(|e| !e.is_null());
        prop_assert!(
            has_result != has_error,
            "exactly one of result and error: {reply}"
        );
        if has_error {
            prop_assert!(reply["error"]["code"].is_i64(), "{reply}");
        }
        if !signed {
            prop_assert!(has_error, "nothing is done without the key: {reply}");
        }
        Ok(())
    });
}

fn click_fields() -> impl Strategy<Value = (HashMap<String, String>, bool)> {
    let key = prop_oneof![
        Just("click_trans_id"),
        Just("service_id"),
        Just("click_paydoc_id"),
        Just("merchant_trans_id"),
        Just("merchant_prepare_id"),
        Just("amount"),
        Just("action"),
        Just("error"),
        Just("error_note"),
        Just("sign_time"),
        Just("sign_string"),
    ];
    let value = prop_oneof![
        ".{0,16}",
        "-?[0-9]{1,12}",
        "[0-9]{1,8}\\.[0-9]{0,3}",
        Just("90001".to_string()),
        (1i64..8).prop_map(|n| n.to_string()),
    ];
    (
        prop::collection::hash_map(key.prop_map(str::to_string), value, 0..12),
        any::<bool>(),
    )
}

#[test]
fn clicks_callbacks_answer_every_form_with_an_error_code() {
    let (runtime, svc) = services();
    let secret = "property-test-click-secret";
    run_for(
        "click",
        (click_fields(), any::<bool>()),
        |((mut fields, sign), complete)| {
            let action = if complete { "1" } else { "0" };
            if sign {
                // Correctly signed, so the checks past the signature are reached too.
                fields.insert("service_id".into(), "90001".into());
                let signature = services::payments::click::sign(
                    &fields,
                    secret,
                    fields.get("action").map_or("", String::as_str),
                );
                fields.insert("sign_string".into(), signature);
            }
            let reply = runtime.block_on(services::payments::click::handle(
                svc, "90001", secret, action, &fields,
            ));
            prop_assert!(reply["error"].is_i64(), "{reply}");
            prop_assert!(reply["error_note"].is_string(), "{reply}");
            Ok(())
        },
    );
}
