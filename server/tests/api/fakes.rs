//! The edge of the world, played locally: a test certificate authority and https servers
//! signed by it, and an SMS gateway that speaks Eskiz's protocol over https.

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex};
use tokio_rustls::rustls;

/// A certificate authority made for this test process, and a server certificate it signed
/// for `localhost` and `127.0.0.1`.
pub struct TestCa {
    /// The CA certificate as PEM, written to [`TestCa::pem_file`] for `tls_ca_file`.
    pub pem_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

pub static TEST_CA: LazyLock<TestCa> = LazyLock::new(|| {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, "Fuqaro test CA");
    let ca = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &ca, &ca_key)
        .unwrap();
    // Named like the test databases, so the next run removes it once this process has ended.
    let pem_file = std::env::temp_dir().join(format!("fuqaro_test_{}_ca.pem", std::process::id()));
    std::fs::write(&pem_file, ca.pem()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .unwrap();
    TestCa {
        pem_file,
        server: Arc::new(server),
    }
});

/// Serves `router` over https with the test CA's certificate; returns `https://127.0.0.1:port`.
pub async fn serve_https(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("https://127.0.0.1:{}", listener.local_addr().unwrap().port());
    let acceptor = tokio_rustls::TlsAcceptor::from(TEST_CA.server.clone());
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let router = router.clone();
            tokio::spawn(async move {
                // A client that refuses our certificate ends the handshake: nothing to serve.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(router);
                let _ = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    address
}

/// What the fake gateway saw, and how it should misbehave.
#[derive(Default)]
pub struct Eskiz {
    pub logins: usize,
    /// (phone digits, text, sender) of every accepted message.
    pub sent: Vec<(String, String, String)>,
    /// Tokens issued so far; only the newest is accepted.
    pub token: String,
    /// Answer this many sends with 500 before accepting.
    pub fail_sends: usize,
}

pub type SharedEskiz = Arc<Mutex<Eskiz>>;

pub const ESKIZ_EMAIL: &str = "ops@fuqaro.uz";
pub const ESKIZ_PASSWORD: &str = "s3cret";

async fn login(State(fake): State<SharedEskiz>, Form(form): Form<HashMap<String, String>>) -> Response {
    if form.get("email").map(String::as_str) != Some(ESKIZ_EMAIL)
        || form.get("password").map(String::as_str) != Some(ESKIZ_PASSWORD)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Invalid credentials"})),
        )
            .into_response();
    }
    let mut fake = fake.lock().unwrap();
    fake.logins += 1;
    fake.token = format!("token-{}", fake.logins);
    Json(json!({"message": "token_generated", "data": {"token": fake.token}, "token_type": "bearer"}))
        .into_response()
}

fn bearer_ok(fake: &Eskiz, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    bearer == format!("Bearer {}", fake.token)
}

async fn send(
    State(fake): State<SharedEskiz>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut fake = fake.lock().unwrap();
    if !bearer_ok(&fake, &headers) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"message": "Expired"}))).into_response();
    }
    if fake.fail_sends > 0 {
        fake.fail_sends -= 1;
        return (StatusCode::INTERNAL_SERVER_ERROR, "upstream down").into_response();
    }
    let id = format!("msg-{}", fake.sent.len() + 1);
    fake.sent.push((
        form["mobile_phone"].clone(),
        form["message"].clone(),
        form["from"].clone(),
    ));
    Json(json!({"id": id, "message": "Waiting for SMS provider", "status": "waiting"})).into_response()
}

async fn status(State(fake): State<SharedEskiz>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let fake = fake.lock().unwrap();
    if !bearer_ok(&fake, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    Json(json!({"status": "success", "data": {"id": id, "status": "DELIVRD"}})).into_response()
}

/// An Eskiz-style gateway over https (signed by [`TEST_CA`]); returns its base URL.
pub async fn eskiz(fail_sends: usize) -> (String, SharedEskiz) {
    let fake: SharedEskiz = Arc::new(Mutex::new(Eskiz {
        fail_sends,
        ..Eskiz::default()
    }));
    let router = Router::new()
        .route("/api/auth/login", post(login))
        .route("/api/message/sms/send", post(send))
        .route("/api/message/sms/status_by_id/{id}", get(status))
        .with_state(fake.clone());
    (serve_https(router).await, fake)
}

/// The six-digit codes the gateway delivered to `phone`, oldest first.
pub fn codes_to(fake: &SharedEskiz, phone: &str) -> Vec<String> {
    let digits = shared::Phone::parse(phone)
        .unwrap()
        .e164()
        .trim_start_matches('+')
        .to_string();
    fake.lock()
        .unwrap()
        .sent
        .iter()
        .filter(|(to, _, _)| *to == digits)
        .filter_map(|(_, text, _)| {
            text.split(|c: char| !c.is_ascii_digit())
                .find(|w| w.len() == 6)
                .map(str::to_string)
        })
        .collect()
}

/// The newest code delivered to `phone` once more than `seen` have been (waits up to 5 s
/// for the outbox job).
pub async fn code_after(fake: &SharedEskiz, phone: &str, seen: usize) -> String {
    for _ in 0..250 {
        let codes = codes_to(fake, phone);
        if codes.len() > seen {
            return codes.last().cloned().unwrap();
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no new code reached the gateway for {phone}");
}

/// The newest six-digit code the gateway delivered to `phone` (waits for the first).
pub async fn delivered_code(fake: &SharedEskiz, phone: &str) -> String {
    code_after(fake, phone, 0).await
}

/// The outbound clients the server makes: the system's roots and the test CA.
pub fn outbound() -> services::outbound::Outbound {
    services::outbound::Outbound::with_roots_pem(&std::fs::read(&TEST_CA.pem_file).unwrap()).unwrap()
}

/// Payme's Subscribe API as its documentation describes it (cards.create, get_verify_code,
/// verify; receipts.create, pay), over https. Paying a receipt calls the merchant's own
/// Merchant API (CheckPerformTransaction, CreateTransaction, PerformTransaction) the way Payme
/// does, with the cash desk's key. The code it "sends" is Payme sandbox's, 666666; a card
/// number ending in 9073 is blocked.
#[derive(Default)]
pub struct PaymeSubscribe {
    pub merchant_id: String,
    pub key: String,
    /// Where the merchant's callbacks are (set once the server is up).
    pub merchant_api: String,
    /// Every call: (method, X-Auth had the key).
    pub calls: Vec<(String, bool)>,
    /// The card numbers and expiries it was given.
    pub cards_seen: Vec<(String, String)>,
    /// Pay the receipt, then lose the answer (a gateway timeout on the way back).
    pub lose_pay_answer: bool,
    tokens: HashMap<String, bool>,
    receipts: HashMap<String, (i64, String, i64)>,
}

pub type SharedSubscribe = Arc<Mutex<PaymeSubscribe>>;
pub const PAYME_CODE: &str = "666666";

fn rpc_error(id: &serde_json::Value, code: i64, message: &str) -> Response {
    Json(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})).into_response()
}

fn rpc_result(id: &serde_json::Value, result: serde_json::Value) -> Response {
    Json(json!({"jsonrpc": "2.0", "id": id, "result": result})).into_response()
}

async fn subscribe(
    State(fake): State<SharedSubscribe>,
    headers: HeaderMap,
    Json(request): Json<serde_json::Value>,
) -> Response {
    let id = request["id"].clone();
    let method = request["method"].as_str().unwrap_or_default().to_string();
    let params = request["params"].clone();
    let auth = headers
        .get("x-auth")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (merchant, key) = {
        let fake = fake.lock().unwrap();
        (fake.merchant_id.clone(), fake.key.clone())
    };
    let with_key = auth == format!("{merchant}:{key}");
    if auth != merchant && !with_key {
        return rpc_error(&id, -32504, "Insufficient privileges");
    }
    fake.lock().unwrap().calls.push((method.clone(), with_key));
    let token_of = |params: &serde_json::Value| params["token"].as_str().unwrap_or_default().to_string();
    match method.as_str() {
        "cards.create" => {
            let number = params["card"]["number"].as_str().unwrap_or_default().to_string();
            let expire = params["card"]["expire"].as_str().unwrap_or_default().to_string();
            let mut fake = fake.lock().unwrap();
            fake.cards_seen.push((number.clone(), expire.clone()));
            if number.len() != 16 || expire.len() != 4 {
                return rpc_error(&id, -31630, "Invalid card");
            }
            if number.ends_with("9073") {
                return rpc_error(&id, -31300, "Card is blocked");
            }
            let token = format!("tok-{}", uuid::Uuid::new_v4().simple());
            fake.tokens.insert(token.clone(), false);
            let masked = format!("{}******{}", &number[..6], &number[12..]);
            rpc_result(
                &id,
                json!({"card": {"number": masked, "expire": format!("{}/{}", &expire[..2], &expire[2..]), "token": token, "recurrent": false, "verify": false}}),
            )
        }
        "cards.get_verify_code" => {
            if !fake.lock().unwrap().tokens.contains_key(&token_of(&params)) {
                return rpc_error(&id, -31400, "Card not found");
            }
            rpc_result(&id, json!({"sent": true, "phone": "99890*****31", "wait": 60000}))
        }
        "cards.verify" => {
            let mut fake = fake.lock().unwrap();
            let token = token_of(&params);
            if !fake.tokens.contains_key(&token) {
                return rpc_error(&id, -31400, "Card not found");
            }
            if params["code"].as_str() != Some(PAYME_CODE) {
                return rpc_error(&id, -31103, "Invalid code");
            }
            // The token changes on verification: the new one must be used from now on.
            fake.tokens.remove(&token);
            let verified = format!("{token}-verified");
            fake.tokens.insert(verified.clone(), true);
            rpc_result(
                &id,
                json!({"card": {"number": "860006******6311", "expire": "03/99", "token": verified, "recurrent": false, "verify": true}}),
            )
        }
        "receipts.create" if with_key => {
            let amount = params["amount"].as_i64().unwrap_or(0);
            let order = params["account"]["order_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let receipt = format!("{:024x}", uuid::Uuid::new_v4().as_u128() >> 32);
            fake.lock()
                .unwrap()
                .receipts
                .insert(receipt.clone(), (amount, order, 0));
            rpc_result(
                &id,
                json!({"receipt": {"_id": receipt, "state": 0, "amount": amount}}),
            )
        }
        "receipts.pay" if with_key => {
            let receipt = params["id"].as_str().unwrap_or_default().to_string();
            let token = token_of(&params);
            let (entry, verified, merchant_api, key) = {
                let fake = fake.lock().unwrap();
                (
                    fake.receipts.get(&receipt).cloned(),
                    fake.tokens.get(&token).copied(),
                    fake.merchant_api.clone(),
                    fake.key.clone(),
                )
            };
            let Some((amount, order, _)) = entry else {
                return rpc_error(&id, -31602, "Receipt not found");
            };
            if verified != Some(true) {
                return rpc_error(&id, -31400, "Card not verified");
            }
            // Payme pays through the merchant's callbacks.
            let client = reqwest::Client::new();
            let auth = {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(format!("Paycom:{key}"))
            };
            let now = services::Clock::default().now_ms();
            let call = |method: &'static str, params: serde_json::Value| {
                let (client, merchant_api, auth) = (client.clone(), merchant_api.clone(), auth.clone());
                async move {
                    client
                        .post(format!("{merchant_api}/payments/payme"))
                        .header("authorization", format!("Basic {auth}"))
                        .json(&json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}))
                        .send()
                        .await
                        .unwrap()
                        .json::<serde_json::Value>()
                        .await
                        .unwrap()
                }
            };
            let account = json!({"order_id": order});
            let check = call(
                "CheckPerformTransaction",
                json!({"amount": amount, "account": account}),
            )
            .await;
            if check.get("error").is_some_and(|e| !e.is_null()) {
                return rpc_error(&id, -31630, "The merchant refused the payment");
            }
            let create = call(
                "CreateTransaction",
                json!({"id": receipt, "time": now, "amount": amount, "account": account}),
            )
            .await;
            let perform = call("PerformTransaction", json!({"id": receipt})).await;
            if create.get("error").is_some_and(|e| !e.is_null())
                || perform.get("error").is_some_and(|e| !e.is_null())
            {
                return rpc_error(&id, -31630, "The merchant refused the payment");
            }
            let lose = {
                let mut fake = fake.lock().unwrap();
                fake.receipts.insert(receipt.clone(), (amount, order, 4));
                fake.lose_pay_answer
            };
            if lose {
                return (StatusCode::GATEWAY_TIMEOUT, "upstream timed out").into_response();
            }
            rpc_result(
                &id,
                json!({"receipt": {"_id": receipt, "state": 4, "amount": amount, "pay_time": now}}),
            )
        }
        _ => rpc_error(&id, -32601, "Method not found"),
    }
}

/// Payme's Subscribe API over https for the cash desk `merchant_id` with `key`; returns its URL.
pub async fn payme_subscribe(merchant_id: &str, key: &str) -> (String, SharedSubscribe) {
    let fake: SharedSubscribe = Arc::new(Mutex::new(PaymeSubscribe {
        merchant_id: merchant_id.into(),
        key: key.into(),
        ..PaymeSubscribe::default()
    }));
    let router = Router::new()
        .route("/api", post(subscribe))
        .with_state(fake.clone());
    (format!("{}/api", serve_https(router).await), fake)
}

/// Telegram's Bot API as its documentation describes it, over https: every call recorded
/// (method and parameters), `sendMessage` answered with the message, `getFile` and the file
/// download served from `files`, `getUpdates` empty after a while (the long poll), and any
/// call answered with an error from `refuse` first (a 429 with `retry_after`, a 403).
#[derive(Default)]
pub struct BotApi {
    pub token: String,
    /// (method, parameters) of every call, in order.
    pub calls: Vec<(String, serde_json::Value)>,
    /// file_id → bytes.
    pub files: HashMap<String, Vec<u8>>,
    /// Errors to answer `sendMessage` with, first in first out: (status, description, retry_after).
    pub refuse: std::collections::VecDeque<(u16, String, Option<u32>)>,
    /// When each sendMessage was answered, with its chat.
    pub sent_at: Vec<(i64, std::time::Instant)>,
}

pub type SharedBotApi = Arc<Mutex<BotApi>>;
pub const BOT_TOKEN: &str = "123456:TEST-token_for-the-fake";

/// A call's parameters: JSON, or multipart (teloxide sends `setWebhook` so, for its optional
/// certificate) as an object of its text fields.
async fn bot_params(request: axum::extract::Request) -> serde_json::Value {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let mut fields = serde_json::Map::new();
        if let Ok(mut form) = axum::extract::Multipart::from_request(request, &()).await {
            while let Ok(Some(field)) = form.next_field().await {
                let name = field.name().unwrap_or_default().to_string();
                let text = field.text().await.unwrap_or_default();
                fields.insert(name, serde_json::Value::String(text));
            }
        }
        return serde_json::Value::Object(fields);
    }
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null)
}

async fn bot_method(
    State(fake): State<SharedBotApi>,
    Path((bot, method)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Response {
    let params = bot_params(request).await;
    // Method names are case-insensitive in the Bot API (teloxide writes `SendMessage`).
    let method = match method.to_ascii_lowercase().as_str() {
        "sendmessage" => "sendMessage",
        "getupdates" => "getUpdates",
        "getfile" => "getFile",
        "answercallbackquery" => "answerCallbackQuery",
        "setwebhook" => "setWebhook",
        "deletewebhook" => "deleteWebhook",
        "getme" => "getMe",
        _ => "unknown",
    }
    .to_string();
    if method == "getUpdates" {
        // A long poll with nothing new (the tests post updates to the webhook).
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        return Json(json!({"ok": true, "result": []})).into_response();
    }
    let mut fake = fake.lock().unwrap();
    if bot != format!("bot{}", fake.token) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"ok": false, "error_code": 401, "description": "Unauthorized"})),
        )
            .into_response();
    }
    fake.calls.push((method.clone(), params.clone()));
    let ok = |result: serde_json::Value| Json(json!({"ok": true, "result": result})).into_response();
    match method.as_str() {
        "sendMessage" => {
            if let Some((status, description, retry_after)) = fake.refuse.pop_front() {
                // Recorded as refused: it never reached the chat.
                if let Some(call) = fake.calls.last_mut() {
                    call.0 = format!("sendMessage refused {status}");
                }
                let mut answer = json!({"ok": false, "error_code": status, "description": description});
                if let Some(seconds) = retry_after {
                    answer["parameters"] = json!({"retry_after": seconds});
                }
                return (StatusCode::from_u16(status).unwrap(), Json(answer)).into_response();
            }
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            fake.sent_at.push((chat, std::time::Instant::now()));
            let id = fake.sent_at.len();
            ok(json!({
                "message_id": id, "date": 1_764_547_200,
                "chat": {"id": chat, "type": "private", "first_name": "Test"},
                "text": params["text"],
            }))
        }
        "answerCallbackQuery" | "setWebhook" | "deleteWebhook" => ok(json!(true)),
        "getMe" => {
            ok(json!({"id": 123456, "is_bot": true, "first_name": "Fuqaro", "username": "fuqaro_test_bot"}))
        }
        "getFile" => {
            let id = params["file_id"].as_str().unwrap_or_default().to_string();
            match fake.files.get(&id) {
                Some(bytes) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": bytes.len(), "file_path": format!("photos/{id}.bin"),
                })),
                None => (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"ok": false, "error_code": 400, "description": "Bad Request: invalid file_id"})),
                )
                    .into_response(),
            }
        }
        _ => ok(json!(true)),
    }
}

async fn bot_file(State(fake): State<SharedBotApi>, Path((_bot, path)): Path<(String, String)>) -> Response {
    let id = path
        .trim_start_matches("photos/")
        .trim_end_matches(".bin")
        .to_string();
    let fake = fake.lock().unwrap();
    match fake.files.get(&id) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The fake Bot API over https (signed by [`TEST_CA`]); returns its base URL.
pub async fn bot_api() -> (String, SharedBotApi) {
    let fake: SharedBotApi = Arc::new(Mutex::new(BotApi {
        token: BOT_TOKEN.into(),
        ..BotApi::default()
    }));
    let router = Router::new()
        .route("/{bot}/{method}", post(bot_method))
        .route("/file/{bot}/{*path}", get(bot_file))
        .with_state(fake.clone());
    (serve_https(router).await, fake)
}

/// The texts the bot sent to `chat`, in order.
pub fn said_to(fake: &SharedBotApi, chat: i64) -> Vec<serde_json::Value> {
    fake.lock()
        .unwrap()
        .calls
        .iter()
        .filter(|(method, params)| method == "sendMessage" && params["chat_id"].as_i64() == Some(chat))
        .map(|(_, params)| params.clone())
        .collect()
}

/// Waits (up to 10 s) until the bot has sent `chat` more than `seen` messages; returns them all.
pub async fn said_after(fake: &SharedBotApi, chat: i64, seen: usize) -> Vec<serde_json::Value> {
    for _ in 0..500 {
        let said = said_to(fake, chat);
        if said.len() > seen {
            // Let a reply of several messages arrive whole: until nothing more comes for a
            // while (the outbox paces a chat's messages).
            let mut count = said.len();
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(400)).await;
                let now = said_to(fake, chat);
                if now.len() == count {
                    return now;
                }
                count = now.len();
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the bot said nothing more to chat {chat} (had said {seen})");
}
