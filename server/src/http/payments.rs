//! Payment providers' callbacks. They are server-to-server calls, authorized by the
//! provider's own credentials (checked in the service), never by a session.

use crate::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde_json::Value;

/// `POST /payments/payme`: Payme's JSON-RPC. Always HTTP 200; errors are in the body.
pub async fn payme(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Json<Value> {
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    Json(
        services::payme::handle(
            &state.services,
            state.config.effective_payme_key(),
            authorization,
            &body,
        )
        .await,
    )
}
