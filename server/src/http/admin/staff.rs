//! Administrators grant and revoke staff roles.

use crate::AppState;
use crate::http::guard::{Administrator, Signed};
use crate::http::guard::{text, unavailable};
use crate::http::redirect::refuse;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::identity::users::{CreateStaffError, StaffError};
use shared::Phone;
use shared::auth::StaffProblem;
use shared::auth::{Role, Scope};

#[derive(Deserialize)]
pub struct StaffForm {
    phone: String,
    #[serde(default)]
    name: String,
    role: String,
    /// Scopes, space or comma separated: `district:1703202 service:gas`, `body:1`, `region:1703`.
    #[serde(default)]
    scopes: String,
}

pub async fn grant(
    State(state): State<AppState>,
    Signed {
        principal: admin,
        caller,
        ..
    }: Signed<Administrator>,
    Form(form): Form<StaffForm>,
) -> Response {
    // Refused: back to the form with its message; what was typed kept on the server.
    let back = |problem: StaffProblem| {
        let (state, caller) = (&state, &caller);
        let fields = [
            ("phone", form.phone.as_str()),
            ("name", form.name.as_str()),
            ("role", form.role.as_str()),
            ("scopes", form.scopes.as_str()),
        ];
        let to = format!("/admin/staff?error={problem}#staff-error");
        async move { refuse(state, caller, &to, "staff", &fields).await }
    };
    let Ok(phone) = Phone::parse(&form.phone) else {
        return back(StaffProblem::Phone).await;
    };
    let Some(role) = Role::from_code(&form.role) else {
        return back(StaffProblem::Role).await;
    };
    let scopes: Option<Vec<Scope>> = form
        .scopes
        .split([' ', ',', '\n'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| Scope::decode(s.trim()))
        .collect();
    let Some(scopes) = scopes else {
        return back(StaffProblem::ScopeSyntax).await;
    };
    match services::identity::users::grant_role(
        &state.services,
        &phone,
        Some(form.name.as_str()),
        role,
        &scopes,
        Some(admin.user_id),
        caller.locale,
    )
    .await
    {
        Ok(_) => Redirect::to("/admin/staff?granted=1").into_response(),
        Err(CreateStaffError::Staff(StaffError::MissingScope(_))) => back(StaffProblem::ScopeMissing).await,
        Err(CreateStaffError::Staff(StaffError::WrongScope)) => back(StaffProblem::ScopeWrong).await,
        Err(CreateStaffError::Staff(StaffError::UnknownPlace)) => back(StaffProblem::ScopeUnknown).await,
        Err(CreateStaffError::Service(error)) => unavailable(caller.locale, "granting a role failed", &error),
    }
}

pub async fn revoke(
    State(state): State<AppState>,
    Signed { caller, .. }: Signed<Administrator>,
    Path(grant_id): Path<i64>,
) -> Response {
    match services::identity::users::revoke_grant(&state.services, grant_id).await {
        Ok(true) => Redirect::to("/admin/staff").into_response(),
        Ok(false) => text(
            StatusCode::NOT_FOUND,
            caller.locale,
            app::i18n::Key::ErrorNotFound,
        ),
        Err(error) => unavailable(caller.locale, "revoking a role failed", &error),
    }
}
