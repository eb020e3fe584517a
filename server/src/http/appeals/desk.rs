//! The officer's actions on the desk: triage, assign, answer (with files), forward, extend,
//! consent, resolve.

use super::filing::read_files_form;
use crate::AppState;
use crate::http::guard::{AppealsStaff, Signed};
use crate::http::guard::{Caller, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::extract::multipart::Multipart;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use services::appeals::attachments::{self};
use services::appeals::{Action, ActionError};
use shared::appeal::{Category, Problem, Resolution};

/// An officer's action on an appeal of their bodies (multipart: an answer may carry files).
pub async fn desk_action(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let page = format!("/desk/appeals/{id}");
    let form = match read_files_form(&headers, &mut multipart, &page).await {
        Ok(f) => f,
        Err(back) => return back,
    };
    // Refused: back to the case with its message; the text typed is kept on the server.
    let back = |problem: Problem| {
        let (state, caller, page, text) = (&state, &caller, &page, form.get("text"));
        async move {
            let to = format!("{page}?error={problem}#desk-error");
            refuse(state, caller, &to, "desk", &[("text", text)]).await
        }
    };
    let svc = &state.services;
    if form.get("action") == "triage" {
        let Some(category) = Category::parse(form.get("category")) else {
            return back(Problem::Category).await;
        };
        return match services::appeals::triage(svc, &principal, id, category).await {
            Ok(_) => redirect(&format!("{page}?done=triage")),
            Err(error) => match action_error(&caller, &page, error) {
                Ok(answer) => answer,
                Err(problem) => back(problem).await,
            },
        };
    }
    let text = form.get("text").to_string();
    let action = match form.get("action") {
        "assign" => match form.get("assignee").parse::<i64>() {
            Ok(user) => Action::Assign(user),
            Err(_) => return back(Problem::Assignee).await,
        },
        "answer" => Action::Answer(text),
        "forward" => match form.get("to").parse::<i64>() {
            Ok(to) => Action::Forward { to, reason: text },
            Err(_) => return back(Problem::Body).await,
        },
        "extend" => Action::Extend(text),
        "approve_extension" => Action::ApproveExtension,
        "refuse_extension" => Action::RefuseExtension(text),
        "approve_answer" => Action::ApproveAnswer,
        "return_answer" => Action::ReturnAnswer(text),
        "resolve" => {
            // One tap never closes an appeal: the form's tick confirms it.
            if form.get("confirm") != "yes" {
                return back(Problem::ConfirmRequired).await;
            }
            let Some(resolution) = Resolution::parse(form.get("resolution")) else {
                return back(Problem::Resolution).await;
            };
            Action::Resolve {
                resolution,
                reason: text,
            }
        }
        _ => return back(Problem::Action).await,
    };
    // An answer's files are checked before anything is done, and kept with the answer.
    let files = match attachments::check_all_off_runtime(form.files_of("files")).await {
        Ok(Ok(f)) => f,
        Ok(Err(e)) => return back(e.problem()).await,
        Err(error) => return unavailable(caller.locale, "checking attachments failed", &error),
    };
    if !files.is_empty() && !matches!(action, Action::Answer(_)) {
        return back(Problem::FilesNotHere).await;
    }
    let stored = match attachments::store(svc, &files).await {
        Ok(s) => s,
        Err(error) => return unavailable(caller.locale, "storing attachments failed", &error),
    };
    match services::appeals::act_with_files(svc, &principal, id, &action, &files, &stored).await {
        Ok(_) => redirect(&format!("{page}?done={}", form.get("action"))),
        Err(error) => match action_error(&caller, &page, error) {
            Ok(answer) => answer,
            Err(problem) => back(problem).await,
        },
    }
}

/// What the desk answers for a refused action: an answer of its own, or the problem to go
/// back to the form with.
fn action_error(caller: &Caller, page: &str, error: ActionError) -> Result<Response, Problem> {
    match error {
        ActionError::NotFound => Ok(text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound)),
        ActionError::Service(error) => Ok(unavailable(caller.locale, "an officer's action failed", &error)),
        ActionError::Resolved => Ok(redirect(&format!(
            "{page}?error={}#desk-error",
            Problem::Resolved
        ))),
        other => Err(other.problem()),
    }
}

#[derive(serde::Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    on: String,
}

/// A head turns on or off the review of their body's officers' answers; a body they do not
/// head is not found.
pub async fn set_review(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsStaff>,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<ReviewForm>,
) -> Response {
    let on = form.on == "yes";
    match services::appeals::set_answers_reviewed(&state.services, &principal, id, on).await {
        Ok(true) => redirect("/desk?review=saved"),
        Ok(false) => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        Err(error) => unavailable(caller.locale, "setting answers' review failed", &error),
    }
}
