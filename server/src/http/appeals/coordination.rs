//! The People's Reception on the desk: a coordinator sends an answer back for re-execution
//! and gives a body of the region an instruction; the body's staff acknowledge it.

use crate::AppState;
use crate::http::guard::{AppealsStaff, Coordinator, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use services::appeals::coordination::{self, CoordinationError};
use shared::appeal::Problem;

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// A coordinator sends an appeal's answer back to its body for re-execution.
pub async fn send_back(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Coordinator>,
    Path(id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let page = format!("/desk/appeals/{id}");
    match coordination::send_back(&state.services, &principal, id, &form.reason).await {
        Ok(_) => redirect(&format!("{page}?done=send_back")),
        Err(CoordinationError::Refused(Problem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound)
        }
        Err(CoordinationError::Refused(problem)) => {
            let to = format!("{page}?error={problem}#send-back-error");
            refuse(&state, &caller, &to, "send_back", &[("reason", &form.reason)]).await
        }
        Err(CoordinationError::Service(error)) => {
            unavailable(caller.locale, "sending an answer back failed", &error)
        }
    }
}

#[derive(Deserialize)]
pub struct InstructionForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    text: String,
}

/// A coordinator gives a body of their region a written instruction.
pub async fn give(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Coordinator>,
    Form(form): Form<InstructionForm>,
) -> Response {
    let body = form.body.trim().parse::<i64>().unwrap_or(0);
    match coordination::give_instruction(&state.services, &principal, body, &form.text).await {
        Ok(_) => redirect("/desk?instruction=given#instructions"),
        Err(CoordinationError::Refused(problem)) => {
            let to = format!("/desk?error={problem}#instruction-error");
            let fields = [("body", form.body.as_str()), ("text", form.text.as_str())];
            refuse(&state, &caller, &to, "instruction", &fields).await
        }
        Err(CoordinationError::Service(error)) => {
            unavailable(caller.locale, "giving an instruction failed", &error)
        }
    }
}

/// A body's officer or head acknowledges an instruction given to their body.
pub async fn acknowledge(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
) -> Response {
    match coordination::acknowledge(&state.services, &principal, id).await {
        Ok(_) => redirect("/desk?instruction=acknowledged#instructions"),
        Err(services::Error::NotFound) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(error) => unavailable(caller.locale, "acknowledging an instruction failed", &error),
    }
}
