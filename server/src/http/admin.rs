//! Staff administration (`/admin/*` form posts): administrators grant and revoke roles.

use super::accounts::urlencode;
use super::guard::{Caller, text, unavailable};
use crate::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::identity::users::{CreateStaffError, StaffError};
use shared::Phone;
use shared::auth::{Need, Role, Scope};

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

pub async fn grant(State(state): State<AppState>, caller: Caller, Form(form): Form<StaffForm>) -> Response {
    let admin = match caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let back = |error: &str| {
        Redirect::to(&format!(
            "/admin/staff?error={error}&phone={}&role={}&scopes={}",
            urlencode(&form.phone),
            urlencode(&form.role),
            urlencode(&form.scopes)
        ))
        .into_response()
    };
    let Ok(phone) = Phone::parse(&form.phone) else {
        return back("phone");
    };
    let Some(role) = Role::from_code(&form.role) else {
        return back("role");
    };
    let scopes: Option<Vec<Scope>> = form
        .scopes
        .split([' ', ',', '\n'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| Scope::decode(s.trim()))
        .collect();
    let Some(scopes) = scopes else {
        return back("scope_syntax");
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
        Err(CreateStaffError::Staff(StaffError::MissingScope(_))) => back("scope_missing"),
        Err(CreateStaffError::Staff(StaffError::WrongScope)) => back("scope_wrong"),
        Err(CreateStaffError::Staff(StaffError::UnknownPlace)) => back("scope_unknown"),
        Err(CreateStaffError::Service(error)) => unavailable(caller.locale, "granting a role failed", &error),
    }
}

pub async fn revoke(State(state): State<AppState>, caller: Caller, Path(grant_id): Path<i64>) -> Response {
    if let Err(refusal) = caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        return refusal;
    }
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

#[derive(Deserialize)]
pub struct ReconcileForm {
    from: String,
    to: String,
    statement: String,
}

/// Stores a reconciliation run of Payme's statement for a period and shows its result.
pub async fn reconcile(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<ReconcileForm>,
) -> Response {
    let admin = match caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let (Some(from), Some(to)) = (
        shared::time::parse_tashkent_date(&form.from),
        shared::time::parse_tashkent_date(&form.to),
    ) else {
        return Redirect::to("/admin/reconcile?error=dates").into_response();
    };
    // `to` is a whole day: up to its last millisecond.
    let to = to + 86_400_000 - 1;
    match services::payments::reconcile::run_payme(
        &state.services,
        from,
        to,
        &form.statement,
        Some(admin.user_id),
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/admin/reconcile/{id}")).into_response(),
        Err(services::payments::reconcile::ReconcileError::BadStatement(_)) => {
            Redirect::to("/admin/reconcile?error=statement").into_response()
        }
        Err(services::payments::reconcile::ReconcileError::Service(error)) => {
            unavailable(caller.locale, "reconciliation failed", &error)
        }
    }
}

#[derive(Deserialize)]
pub struct TariffForm {
    tariff: String,
    from: String,
    tiers: String,
}

/// An administrator adds a price list to a tariff from a day on.
pub async fn add_price_list(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<TariffForm>,
) -> Response {
    if let Err(refusal) = caller
        .require_recent(&state, &Need::Role(Role::Administrator))
        .await
    {
        return refusal;
    }
    let back = |error: &str| {
        Redirect::to(&format!(
            "/admin/tariffs?error={error}&tariff={}&from={}&tiers={}",
            urlencode(&form.tariff),
            urlencode(&form.from),
            urlencode(&form.tiers)
        ))
        .into_response()
    };
    let Some(from) = shared::time::parse_tashkent_date(&form.from) else {
        return back("date");
    };
    let tiers = match shared::reading::parse_tiers(&form.tiers) {
        Ok(t) => t,
        Err(e) => return back(e.code()),
    };
    use services::accounts::tariffs::AddError;
    match services::accounts::tariffs::add_price_list(&state.services, &form.tariff, from, &tiers).await {
        Ok(()) => Redirect::to("/admin/tariffs?added=1").into_response(),
        Err(AddError::UnknownTariff) => back("tariff"),
        Err(AddError::InThePast) => back("past"),
        Err(AddError::Exists) => back("exists"),
        Err(AddError::Service(error)) => unavailable(caller.locale, "adding a price list failed", &error),
    }
}
