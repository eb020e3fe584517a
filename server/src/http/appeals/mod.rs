//! Appeals over HTTP. Every action is a plain form post that answers with a redirect (to the
//! page, with a message code when something was refused), so each works without JavaScript:
//! filing and co-signing (`filing`), the resident's return to control, rating and attachments
//! (`resident`), the officer's actions (`desk`), and the live stream of events (`stream`,
//! Server-Sent Events). The administrators' calendar and bodies are in `http::admin`.

mod desk;
mod filing;
mod resident;
mod stream;

use crate::AppState;
use crate::http::form::upload_limits;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/appeals",
            post(filing::file).layer(upload_limits(filing::FORM_LIMIT)),
        )
        .route("/appeals/cosign", post(filing::cosign))
        .route("/appeals/{id}/return", post(resident::return_to_control))
        .route("/appeals/{id}/rating", post(resident::rate))
        .route("/appeals/{id}/files/{file}", get(resident::attachment))
        .route(
            "/desk/appeals/{id}",
            post(desk::desk_action).layer(upload_limits(filing::FORM_LIMIT)),
        )
        .route("/api/appeals/events", get(stream::events))
}
