//! Payment providers' callbacks. They are server-to-server calls, authorized by the
//! provider's own credentials (checked in the service), never by a session.

use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::{Form, Json};
use serde_json::Value;
use std::collections::HashMap;

/// `POST /payments/payme`: Payme's JSON-RPC. Always HTTP 200; errors are in the body.
pub async fn payme(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Json<Value> {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    Json(
        services::payments::payme::handle(
            &state.services,
            state.config.effective_payme_key(),
            authorization,
            &body,
        )
        .await,
    )
}

/// `POST /payments/click/prepare`: Click's Prepare (`action=0`).
pub async fn click_prepare(
    State(state): State<AppState>,
    Form(fields): Form<HashMap<String, String>>,
) -> Json<Value> {
    click(&state, "0", &fields).await
}

/// `POST /payments/click/complete`: Click's Complete (`action=1`).
pub async fn click_complete(
    State(state): State<AppState>,
    Form(fields): Form<HashMap<String, String>>,
) -> Json<Value> {
    click(&state, "1", &fields).await
}

async fn click(state: &AppState, action: &str, fields: &HashMap<String, String>) -> Json<Value> {
    let (service_id, secret) = state.config.effective_click();
    Json(services::payments::click::handle(&state.services, service_id, secret, action, fields).await)
}
