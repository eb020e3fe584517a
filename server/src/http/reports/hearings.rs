//! The forms of a report heard (issue 15, point 2): the hearing recorded, a decision added
//! and closed, a ministry's quarterly proposals to the Cabinet of Ministers recorded as sent.
//! Each refusal comes back to its form with the reason and what was typed.

use crate::AppState;
use crate::http::guard::{AppealsReader, Resident, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use shared::report::{Quarter, ReportScope};

/// Where a report's page is, with what was done or refused (`then`: `done=…` or `error=…`)
/// and the anchor to land on.
fn report_page(scope: &str, quarter: &str, then: &str, anchor: &str) -> String {
    format!(
        "/desk/reports?scope={}&quarter={}&{then}#{anchor}",
        shared::url::encode(scope),
        shared::url::encode(quarter)
    )
}

#[derive(Deserialize)]
pub struct HearingForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    held_day: String,
    #[serde(default)]
    participants: String,
}

/// A head (or the People's Reception, or an administrator) records that the report was heard.
pub(super) async fn record_hearing(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Form(form): Form<HearingForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    let scope = ReportScope::parse(&form.scope);
    let quarter = Quarter::parse(&form.quarter);
    let done = match (scope, quarter) {
        (Some(scope), Some(quarter)) => {
            services::reports::hearings::record(
                &state.services,
                &principal,
                &scope,
                quarter,
                &form.held_day,
                &form.participants,
            )
            .await
        }
        (None, _) => Err(HearingError::Refused(HearingProblem::Scope)),
        (_, None) => Err(HearingError::Refused(HearingProblem::Period)),
    };
    match done {
        Ok(_) => redirect(&report_page(
            &form.scope,
            &form.quarter,
            "done=hearing",
            "hearing",
        )),
        Err(HearingError::Refused(problem)) => {
            let to = report_page(
                &form.scope,
                &form.quarter,
                &format!("error={problem}"),
                "hearing-error",
            );
            let kept = [
                ("held_day", form.held_day.as_str()),
                ("participants", form.participants.as_str()),
            ];
            refuse(&state, &caller, &to, "hearing", &kept).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "recording a hearing failed", &error),
    }
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    quarter: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    owner_name: String,
    #[serde(default)]
    owner_phone: String,
    #[serde(default)]
    due_day: String,
}

/// A decision added to a hearing; its owner is told by SMS.
pub(super) async fn add_decision(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    use services::reports::hearings::{HearingError, NewDecision};
    let new = NewDecision {
        text: &form.text,
        owner_name: &form.owner_name,
        owner_phone: &form.owner_phone,
        due_day: &form.due_day,
        locale: caller.locale,
    };
    match services::reports::hearings::decide(&state.services, &principal, id, &new).await {
        Ok(_) => redirect(&report_page(
            &form.scope,
            &form.quarter,
            "done=decision",
            "hearing",
        )),
        Err(HearingError::Refused(problem)) => {
            let to = report_page(
                &form.scope,
                &form.quarter,
                &format!("error={problem}"),
                "decision-error",
            );
            let kept = [
                ("text", form.text.as_str()),
                ("owner_name", form.owner_name.as_str()),
                ("owner_phone", form.owner_phone.as_str()),
                ("due_day", form.due_day.as_str()),
            ];
            refuse(&state, &caller, &to, "decision", &kept).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "adding a decision failed", &error),
    }
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    note: String,
    /// The page the form was on (a path on this site): the owner's list or a report's.
    #[serde(default)]
    back: String,
}

/// A decision marked done, saying what was done: by its owner or whoever may record its
/// hearing.
pub(super) async fn close_decision(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<DoneForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    let back = shared::url::local_path(&form.back).unwrap_or("/decisions");
    let (path, query) = back.split_once('?').map_or((back, ""), |(p, q)| (p, q));
    let then = |what: &str| {
        let query = query.split('#').next().unwrap_or_default();
        let sep = if query.is_empty() { "" } else { "&" };
        format!("{path}?{query}{sep}{what}")
    };
    match services::reports::hearings::close(&state.services, &principal, id, &form.note).await {
        Ok(()) => redirect(&format!("{}#decision-{id}", then("done=closed"))),
        Err(HearingError::Refused(HearingProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(HearingError::Refused(problem)) => {
            let to = format!(
                "{}&decision={id}#decision-{id}-error",
                then(&format!("error={problem}"))
            );
            refuse(
                &state,
                &caller,
                &to,
                "decision-done",
                &[("note", form.note.as_str())],
            )
            .await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "closing a decision failed", &error),
    }
}

#[derive(Deserialize)]
pub struct ProposalsForm {
    #[serde(default)]
    text: String,
}

/// A ministry's head records the quarter's proposals to the Cabinet of Ministers as sent.
pub(super) async fn submit_proposals(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<AppealsReader>,
    Path(id): Path<i64>,
    Form(form): Form<ProposalsForm>,
) -> Response {
    use services::reports::hearings::HearingError;
    use shared::report::HearingProblem;
    match services::reports::hearings::submit(&state.services, &principal, id, &form.text).await {
        Ok(()) => redirect(&format!("/desk/proposals?done={id}#proposal-{id}")),
        Err(HearingError::Refused(HearingProblem::NotFound)) => {
            text(StatusCode::NOT_FOUND, caller.locale, Key::HearingErrorNotFound)
        }
        Err(HearingError::Refused(problem)) => {
            let to = format!("/desk/proposals?error={problem}&proposal={id}#proposal-{id}-error");
            refuse(&state, &caller, &to, "proposals", &[("text", form.text.as_str())]).await
        }
        Err(HearingError::Service(error)) => unavailable(caller.locale, "recording proposals failed", &error),
    }
}
