//! Appeals over HTTP. Every action is a plain form post that answers with a redirect (to the
//! page, with a message code when something was refused), so each works without JavaScript:
//! filing and co-signing (`filing`), the resident's return to control, rating and attachments
//! (`resident`), the officer's actions (`desk`), the People's Reception's (`coordination`),
//! the mahalla seven and the consent its members and the co-signers give (`seven`),
//! and the live stream of events (`stream`,
//! Server-Sent Events). The administrators' calendar and bodies are in `http::admin`.

mod coordination;
mod desk;
mod filing;
mod resident;
mod seven;
mod stream;

use crate::http::area::Area;
use crate::http::form::upload_limits;
use axum::routing::post;

pub fn router() -> Area {
    Area::new()
        .route(
            "POST",
            "/appeals",
            post(filing::file).layer(upload_limits(filing::FORM_LIMIT)),
        )
        .post("/appeals/cosign", filing::cosign)
        .post("/appeals/{id}/return", resident::return_to_control)
        .post("/appeals/{id}/rating", resident::rate)
        .get("/appeals/{id}/files/{file}", resident::attachment)
        .route(
            "POST",
            "/desk/appeals/{id}",
            post(desk::desk_action).layer(upload_limits(filing::FORM_LIMIT)),
        )
        .post("/desk/appeals/{id}/send-back", coordination::send_back)
        .post("/desk/bodies/{id}/review", desk::set_review)
        .post("/desk/mahalla-seven", seven::name)
        .post("/desk/mahalla-seven/{id}/remove", seven::remove)
        .post("/consents/{id}/code", seven::ask_code)
        .post("/consents/{id}", seven::give)
        .post("/desk/instructions", coordination::give)
        .post("/desk/instructions/{id}/acknowledge", coordination::acknowledge)
        .get("/api/appeals/events", stream::events)
}
