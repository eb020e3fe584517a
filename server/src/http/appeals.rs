//! Filing an appeal (`POST /appeals`, a plain form).

use super::accounts::urlencode;
use super::guard::{Caller, unavailable};
use crate::AppState;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::appeals::{FileError, NewAppeal};
use shared::auth::Need;

#[derive(Deserialize)]
pub struct AppealForm {
    body: String,
    topic: String,
    kind: String,
    subject: String,
    text: String,
    district: String,
}

pub async fn file(State(state): State<AppState>, caller: Caller, Form(form): Form<AppealForm>) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let back = |error: &str| {
        // What was typed comes back with the message (the text too, so nothing is lost).
        let fields = [
            ("error", error),
            ("body", form.body.as_str()),
            ("topic", form.topic.as_str()),
            ("kind", form.kind.as_str()),
            ("subject", form.subject.as_str()),
            ("text", form.text.as_str()),
            ("district", form.district.as_str()),
        ];
        let query: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        Redirect::to(&format!("/appeals/new?{}", query.join("&"))).into_response()
    };
    let Ok(body_id) = form.body.parse::<i64>() else {
        return back("body");
    };
    // A district's SOATO code starts with its region's four digits.
    let region = form.district.get(..4).unwrap_or_default();
    let new = NewAppeal {
        user_id: principal.user_id,
        body_id,
        topic: &form.topic,
        kind: &form.kind,
        subject: &form.subject,
        text: &form.text,
        region,
        district: &form.district,
        mahalla: None,
    };
    match services::appeals::file(&state.services, &new).await {
        Ok(registered) => Redirect::to(&format!("/appeals/{}?filed=1", registered.id)).into_response(),
        Err(FileError::Service(error)) => unavailable(caller.locale, "filing an appeal failed", &error),
        // A text too long for a URL comes back without itself; the length was the problem.
        Err(FileError::TextTooLong) => Redirect::to(&format!(
            "/appeals/new?error=text_too_long&subject={}",
            urlencode(&form.subject)
        ))
        .into_response(),
        Err(error) => back(error.code()),
    }
}
