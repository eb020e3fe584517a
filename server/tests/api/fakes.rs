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

/// The newest six-digit code the gateway delivered to `phone` (waits up to 5 s for the job).
pub async fn delivered_code(fake: &SharedEskiz, phone: &str) -> String {
    let digits = shared::Phone::parse(phone)
        .unwrap()
        .e164()
        .trim_start_matches('+')
        .to_string();
    for _ in 0..250 {
        let found = fake
            .lock()
            .unwrap()
            .sent
            .iter()
            .rev()
            .find(|(to, _, _)| *to == digits)
            .and_then(|(_, text, _)| {
                text.split(|c: char| !c.is_ascii_digit())
                    .find(|w| w.len() == 6)
                    .map(str::to_string)
            });
        if let Some(code) = found {
            return code;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("no code reached the gateway for {phone}");
}

/// The outbound clients the server makes: the system's roots and the test CA.
pub fn outbound() -> services::outbound::Outbound {
    services::outbound::Outbound::with_roots_pem(&std::fs::read(&TEST_CA.pem_file).unwrap()).unwrap()
}
