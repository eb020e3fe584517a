//! The mahalla seven over HTTP: the People's Reception (or an administrator) names and
//! removes members; a member or a confirmed co-signer asks for a code and gives their word on
//! a collective appeal. Plain form posts answered with redirects.

use crate::AppState;
use crate::http::guard::{Caller, Coordinator, Resident, Signed, text, unavailable};
use crate::http::redirect::{redirect, refuse};
use app::i18n::Key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use services::appeals::seven::{self, SevenError};
use shared::url::encode;

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    district: String,
    #[serde(default)]
    mahalla: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
}

/// The naming page at a mahalla.
fn page_at(district: &str, mahalla: &str) -> String {
    format!(
        "/desk/mahalla-seven?district={}&mahalla={}",
        encode(district.trim()),
        encode(mahalla.trim())
    )
}

fn failure(caller: &Caller, error: SevenError) -> Response {
    match error {
        SevenError::NotFound => text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound),
        SevenError::Service(error) => unavailable(caller.locale, "the mahalla seven failed", &error),
        SevenError::Refused(problem) => {
            tracing::error!(%problem, "a refusal reached the failure path");
            text(StatusCode::BAD_REQUEST, caller.locale, Key::ErrorBadRequest)
        }
    }
}

/// Names a member of a mahalla's seven.
pub async fn name(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Coordinator>,
    Form(form): Form<MemberForm>,
) -> Response {
    let at = page_at(&form.district, &form.mahalla);
    match seven::name_member(
        &state.services,
        &principal,
        &form.mahalla,
        &form.role,
        &form.name,
        &form.phone,
    )
    .await
    {
        Ok(_) => redirect(&format!("{at}&named=1#members")),
        Err(SevenError::Refused(problem)) => {
            let to = format!("{at}&error={problem}#seven-error");
            let fields = [
                ("role", form.role.as_str()),
                ("name", form.name.as_str()),
                ("phone", form.phone.as_str()),
            ];
            refuse(&state, &caller, &to, "seven", &fields).await
        }
        Err(error) => failure(&caller, error),
    }
}

/// Removes a member from a mahalla's seven.
pub async fn remove(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Coordinator>,
    Path(id): Path<i64>,
    Form(form): Form<MemberForm>,
) -> Response {
    match seven::remove_member(&state.services, &principal, id).await {
        Ok(_) => redirect(&format!(
            "{}&removed=1#members",
            page_at(&form.district, &form.mahalla)
        )),
        Err(error) => failure(&caller, error),
    }
}

#[derive(Deserialize)]
pub struct WordForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    consent: String,
    #[serde(default)]
    code: String,
}

/// The consents page at one appeal's word in progress (the role and the word chosen).
fn consents_at(id: i64, form: &WordForm) -> String {
    format!(
        "/consents?appeal={id}&role={}&consent={}",
        encode(&form.role),
        encode(&form.consent)
    )
}

/// A member or co-signer asks for the code that confirms their word.
pub async fn ask_code(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<WordForm>,
) -> Response {
    let at = consents_at(id, &form);
    match seven::send_code(&state.services, principal.user_id, id).await {
        Ok(()) => redirect(&format!("{at}&sent=1#case-{id}")),
        Err(SevenError::Refused(problem)) => redirect(&format!("{at}&error={problem}#case-{id}")),
        Err(error) => failure(&caller, error),
    }
}

/// A member or co-signer gives or refuses consent, with the code.
pub async fn give(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<WordForm>,
) -> Response {
    match seven::give(
        &state.services,
        principal.user_id,
        id,
        &form.role,
        &form.consent,
        &form.code,
    )
    .await
    {
        Ok(()) => redirect(&format!("/consents?done=1#case-{id}")),
        Err(SevenError::Refused(problem)) => redirect(&format!(
            "{}&sent=1&error={problem}#case-{id}",
            consents_at(id, &form)
        )),
        Err(error) => failure(&caller, error),
    }
}
