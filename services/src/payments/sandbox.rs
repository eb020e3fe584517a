//! The built-in sandbox of the payment providers, for the embedded default: it plays Payme or
//! Click against our own `/payments/payme` and `/payments/click/*` endpoints over HTTP, with
//! the real protocol, so a sandbox payment takes exactly the production code path.

use base64::Engine;
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SandboxError {
    #[error("the provider refused: {0}")]
    Refused(String),
    #[error("our endpoint could not be reached: {0}")]
    Unreachable(String),
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("a plain HTTP client builds")
}

/// Pays `order_id` the way Payme does: CheckPerformTransaction, CreateTransaction,
/// PerformTransaction. Returns Payme's transaction id.
pub async fn pay_with_payme(
    base_url: &str,
    key: &str,
    order_id: i64,
    amount_tiyin: i64,
    now_ms: i64,
) -> Result<String, SandboxError> {
    let http = client();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("Paycom:{key}"))
    );
    // Payme's ids are 24 hexadecimal characters.
    let id: String = crate::secret::random_bytes::<12>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let account = json!({"order_id": order_id.to_string()});
    let calls = [
        (
            "CheckPerformTransaction",
            json!({"amount": amount_tiyin, "account": account}),
        ),
        (
            "CreateTransaction",
            json!({"id": id, "time": now_ms, "amount": amount_tiyin, "account": account}),
        ),
        ("PerformTransaction", json!({"id": id})),
    ];
    for (n, (method, params)) in calls.into_iter().enumerate() {
        let reply: Value = http
            .post(format!("{base_url}/payments/payme"))
            .header("authorization", &auth)
            .json(&json!({"jsonrpc": "2.0", "id": n + 1, "method": method, "params": params}))
            .send()
            .await
            .map_err(|e| SandboxError::Unreachable(e.to_string()))?
            .json()
            .await
            .map_err(|e| SandboxError::Unreachable(e.to_string()))?;
        if let Some(error) = reply.get("error").filter(|e| !e.is_null()) {
            return Err(SandboxError::Refused(format!("{method}: {}", error["code"])));
        }
    }
    Ok(id)
}

/// Pays `order_id` the way Click does: Prepare, then Complete, each signed. Returns Click's
/// transaction id.
pub async fn pay_with_click(
    base_url: &str,
    service_id: &str,
    secret: &str,
    order_id: i64,
    amount_tiyin: i64,
    sign_time: &str,
) -> Result<String, SandboxError> {
    let http = client();
    let click_trans_id =
        (u64::from_le_bytes(crate::secret::random_bytes::<8>()) % 9_000_000_000 + 1_000_000_000).to_string();
    let amount = format!("{}.{:02}", amount_tiyin / 100, amount_tiyin % 100);
    let mut prepare_id = String::new();
    for action in ["0", "1"] {
        let mut fields: HashMap<String, String> = [
            ("click_trans_id", click_trans_id.as_str()),
            ("service_id", service_id),
            ("click_paydoc_id", click_trans_id.as_str()),
            ("merchant_trans_id", &order_id.to_string()),
            ("amount", amount.as_str()),
            ("action", action),
            ("error", "0"),
            ("error_note", "Success"),
            ("sign_time", sign_time),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        if action == "1" {
            fields.insert("merchant_prepare_id".into(), prepare_id.clone());
        }
        let sign = crate::payments::click::sign(&fields, secret, action);
        fields.insert("sign_string".into(), sign);
        let path = if action == "0" { "prepare" } else { "complete" };
        let reply: Value = http
            .post(format!("{base_url}/payments/click/{path}"))
            .form(&fields)
            .send()
            .await
            .map_err(|e| SandboxError::Unreachable(e.to_string()))?
            .json()
            .await
            .map_err(|e| SandboxError::Unreachable(e.to_string()))?;
        if reply["error"].as_i64() != Some(0) {
            return Err(SandboxError::Refused(format!("{path}: {}", reply["error"])));
        }
        prepare_id = reply["merchant_prepare_id"].to_string();
    }
    Ok(click_trans_id)
}
