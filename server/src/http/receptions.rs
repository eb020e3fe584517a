//! Receptions over HTTP, each a plain form post answered with a redirect: staff publish a
//! reception of a body they handle or call it off; a resident books a slot or cancels it.

use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{AppealsStaff, Caller, Resident, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use services::receptions::{BookError, NewReception, PublishError};
use shared::reception::ReceptionProblem;

pub fn router() -> Area {
    Area::new()
        .post("/desk/receptions", publish)
        .post("/desk/receptions/{id}/cancel", call_off)
        .post("/receptions/{id}/book", book)
        .post("/receptions/{id}/cancel", cancel)
}

/// The publishing form, as pairs: its topics are checkboxes sharing one name.
pub async fn publish(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    };
    let topics: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "topic")
        .map(|(_, v)| v.clone())
        .collect();
    let new = NewReception {
        body_id: field("body").trim().parse().unwrap_or(0),
        kind: field("kind"),
        host: field("host"),
        place: field("place"),
        district: field("district"),
        mahalla: Some(field("mahalla")),
        day: field("day"),
        time: field("time"),
        slots: field("slots"),
        slot_minutes: field("minutes"),
        topics: &topics,
    };
    match services::receptions::publish(&state.services, &principal, &new).await {
        Ok(id) => redirect(&format!("/desk/receptions/{id}?published=1")),
        Err(PublishError::Service(error)) => {
            unavailable(caller.locale, "publishing a reception failed", &error)
        }
        Err(PublishError::Refused(problem)) => {
            let to = format!("/desk/receptions?error={problem}#reception-error");
            // The ticked topics are kept as one field, their codes joined by spaces.
            let ticked = topics.join(" ");
            let mut kept: Vec<(&str, &str)> = [
                "body", "kind", "host", "place", "district", "mahalla", "day", "time", "slots", "minutes",
            ]
            .into_iter()
            .map(|name| (name, field(name)))
            .collect();
            kept.push(("topics", &ticked));
            refuse(&state, &caller, &to, "reception_publish", &kept).await
        }
    }
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: String,
}

/// Staff call off a reception of a body they handle; everyone booked is told by SMS.
pub async fn call_off(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let svc = &state.services;
    // Only staff who could see it may call it off; to anyone else it does not exist.
    match services::receptions::desk_reception(svc, &principal, id).await {
        Ok(r) if r.manages => {}
        Ok(_) => return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(services::Error::NotFound) => {
            return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound);
        }
        Err(error) => return unavailable(caller.locale, "loading a reception failed", &error),
    }
    if form.confirm != "yes" {
        return redirect(&format!(
            "/desk/receptions/{id}?error={}#call-off",
            ReceptionProblem::ConfirmRequired
        ));
    }
    match services::receptions::call_off(svc, id).await {
        Ok(true) => redirect(&format!("/desk/receptions/{id}?called_off=1")),
        Ok(false) => redirect(&format!(
            "/desk/receptions/{id}?error={}#call-off",
            ReceptionProblem::NotCalledOff
        )),
        Err(error) => booking_failure(&caller, error),
    }
}

#[derive(Deserialize)]
pub struct BookForm {
    #[serde(default)]
    slot: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    question: String,
}

/// A resident books a slot.
pub async fn book(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<BookForm>,
) -> Response {
    let result = services::receptions::book(
        &state.services,
        principal.user_id,
        id,
        &form.slot,
        &form.name,
        &form.question,
    )
    .await;
    match result {
        Ok(_) => redirect(&format!("/receptions/{id}?booked=1")),
        Err(BookError::Refused(problem)) => {
            let fields = [
                ("slot", form.slot.as_str()),
                ("name", form.name.as_str()),
                ("question", form.question.as_str()),
            ];
            refuse(&state, &caller, &refused_at(id, problem), "reception", &fields).await
        }
        Err(error) => booking_failure(&caller, error),
    }
}

/// A resident cancels their booking.
pub async fn cancel(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
) -> Response {
    match services::receptions::cancel_booking(&state.services, principal.user_id, id).await {
        Ok(()) => redirect(&format!("/receptions/{id}?cancelled=1")),
        Err(BookError::Refused(problem)) => redirect(&refused_at(id, problem)),
        Err(error) => booking_failure(&caller, error),
    }
}

/// The reception's page with the refusal's message by the booking form.
fn refused_at(id: i64, problem: ReceptionProblem) -> String {
    format!("/receptions/{id}?error={problem}#booking-error")
}

fn booking_failure(caller: &Caller, error: BookError) -> Response {
    match error {
        BookError::NotFound => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        BookError::Service(error) => unavailable(caller.locale, "a reception booking failed", &error),
        BookError::Refused(problem) => {
            tracing::error!(%problem, "a refusal reached the failure path");
            text(StatusCode::BAD_REQUEST, caller.locale, Key::ErrorBadRequest)
        }
    }
}
