//! The forms of a systemic problem (issue 15, point 3): taken up by a head, its working
//! group's plan written, closed with what came of it.

use crate::AppState;
use crate::http::guard::{AppealsReader, Caller, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use shared::report::{Quarter, ReportScope};

#[derive(Deserialize)]
pub struct TakeForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    topic: String,
    #[serde(default)]
    mahalla: String,
    #[serde(default)]
    title: String,
}

/// A head takes up a systemic problem, leading its working group.
pub(super) async fn take_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Form(form): Form<TakeForm>,
) -> Response {
    use services::reports::problems::{ProblemError, Take};
    use shared::problems::ProblemProblem;
    let mahalla = Some(form.mahalla.trim()).filter(|m| !m.is_empty());
    let done = match (ReportScope::parse(&form.scope), Quarter::parse(&form.quarter)) {
        (Some(scope), Some(quarter)) => {
            let take = Take {
                scope: &scope,
                quarter,
                topic: form.topic.trim(),
                mahalla,
                title: &form.title,
            };
            services::reports::problems::take(&state.services, &principal, &take).await
        }
        (None, _) => Err(ProblemError::Refused(ProblemProblem::Scope)),
        (_, None) => Err(ProblemError::Refused(ProblemProblem::Period)),
    };
    match done {
        Ok(id) => redirect(&format!("/desk/problems/{id}?done=taken")),
        Err(ProblemError::Refused(problem)) => {
            let to = format!(
                "/desk/problems?scope={}&quarter={}&error={problem}&topic={}&mahalla={}#problems-error",
                shared::url::encode(&form.scope),
                shared::url::encode(&form.quarter),
                shared::url::encode(&form.topic),
                shared::url::encode(form.mahalla.trim()),
            );
            refuse(&state, &caller, &to, "problem", &[("title", form.title.as_str())]).await
        }
        Err(ProblemError::Service(error)) => unavailable(caller.locale, "taking up a problem failed", &error),
    }
}

#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    members: String,
    #[serde(default)]
    plan: String,
}

/// The working group's members and plan, written or rewritten.
pub(super) async fn plan_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<PlanForm>,
) -> Response {
    let done =
        services::reports::problems::plan(&state.services, &principal, id, &form.members, &form.plan).await;
    let kept = [("members", form.members.as_str()), ("plan", form.plan.as_str())];
    problem_answer(&state, &caller, id, "plan", done, &kept).await
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    result: String,
}

/// A problem closed with what came of it.
pub(super) async fn close_problem(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<CloseForm>,
) -> Response {
    let done = services::reports::problems::close(&state.services, &principal, id, &form.result).await;
    problem_answer(
        &state,
        &caller,
        id,
        "closed",
        done,
        &[("result", form.result.as_str())],
    )
    .await
}

/// Where a problem's form leads: its page with what was done, or refused at the form
/// (`what`'s fields kept); a problem not the caller's is not found.
async fn problem_answer(
    state: &AppState,
    caller: &Caller,
    id: i64,
    what: &str,
    done: Result<(), services::reports::problems::ProblemError>,
    kept: &[(&str, &str)],
) -> Response {
    use services::reports::problems::ProblemError;
    use shared::problems::ProblemProblem;
    match done {
        Ok(()) => redirect(&format!("/desk/problems/{id}?done={what}")),
        Err(ProblemError::Refused(ProblemProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(ProblemError::Refused(problem)) => {
            let to = format!("/desk/problems/{id}?error={problem}#{what}-error");
            refuse(state, caller, &to, &format!("problem-{what}"), kept).await
        }
        Err(ProblemError::Service(error)) => unavailable(caller.locale, "changing a problem failed", &error),
    }
}
