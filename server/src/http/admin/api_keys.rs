//! Administrators issue Open311 keys to named parties and revoke them (`services::open311::keys`).

use crate::AppState;
use crate::http::guard::{Administrator, Signed};
use crate::http::guard::{text, unavailable};
use crate::http::redirect::refuse;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::open311::keys::{self, KeyError};
use shared::auth::ApiKeyProblem;

#[derive(Deserialize)]
pub struct KeyForm {
    party: String,
    per_day: String,
}

/// Issues a key. The page shows it once: it is kept for this browser only until the page has
/// read it (`services::kept::take`); only its hash stays.
pub async fn issue(
    State(state): State<AppState>,
    Signed {
        principal: admin,
        caller,
        ..
    }: Signed<Administrator>,
    Form(form): Form<KeyForm>,
) -> Response {
    let back = |problem: ApiKeyProblem| {
        let (state, caller) = (&state, &caller);
        let fields = [("party", form.party.as_str()), ("per_day", form.per_day.as_str())];
        let to = format!("/admin/api-keys?error={problem}#api-key-error");
        async move { refuse(state, caller, &to, "api_keys", &fields).await }
    };
    let Ok(per_day) = form.per_day.trim().parse::<i64>() else {
        return back(ApiKeyProblem::PerDay).await;
    };
    match keys::issue(&state.services, &form.party, per_day, admin.user_id).await {
        Ok((_, key)) => {
            let party = form.party.trim();
            refuse(
                &state,
                &caller,
                "/admin/api-keys?issued=1#api-key-issued",
                ISSUED,
                &[("key", key.as_str()), ("party", party)],
            )
            .await
        }
        Err(KeyError::Party) => back(ApiKeyProblem::Party).await,
        Err(KeyError::PerDay) => back(ApiKeyProblem::PerDay).await,
        Err(KeyError::Service(error)) => unavailable(caller.locale, "issuing an Open311 key failed", &error),
    }
}

/// The kept form the page reads a new key from, once.
pub const ISSUED: &str = shared::auth::API_KEY_ISSUED;

pub async fn revoke(
    State(state): State<AppState>,
    Signed {
        principal: admin,
        caller,
        ..
    }: Signed<Administrator>,
    Path(id): Path<i64>,
) -> Response {
    match keys::revoke(&state.services, id, admin.user_id).await {
        Ok(true) => Redirect::to("/admin/api-keys?revoked=1").into_response(),
        Ok(false) => text(
            StatusCode::NOT_FOUND,
            caller.locale,
            app::i18n::Key::ErrorNotFound,
        ),
        Err(error) => unavailable(caller.locale, "revoking an Open311 key failed", &error),
    }
}
