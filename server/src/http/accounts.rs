//! Linking and unlinking utility accounts (`/accounts/*` form posts).

use super::guard::{text, unavailable};
use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Resident, Signed};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::accounts::{LinkError, LinkOrService};
use services::url::encode as urlencode;
use shared::account::{AccountNumber, AccountNumberError, LinkProblem};

/// Linking and unlinking a resident's accounts.
pub fn router() -> Area {
    Area::new()
        .post("/accounts/link", link)
        .post("/accounts/{id}/unlink", unlink)
}

#[derive(Deserialize)]
pub struct LinkForm {
    service: String,
    region: String,
    district: String,
    number: String,
    /// The code printed on the bill (not needed when the account is registered to the phone).
    #[serde(default)]
    code: String,
}

/// Finds an account by service, place and number and links it to the signed-in resident once
/// they have proved it is theirs (their phone is the account's, or the bill's code). The code
/// never comes back in the redirect.
pub async fn link(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Form(form): Form<LinkForm>,
) -> Response {
    // Send the resident back to the form as they filled it, with the reason.
    let back = |problem: LinkProblem| {
        let query = [
            ("error", problem.code()),
            ("service", form.service.as_str()),
            ("region", form.region.as_str()),
            ("district", form.district.as_str()),
            ("number", form.number.as_str()),
        ];
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        Redirect::to(&format!("/accounts/link?{}", query.join("&"))).into_response()
    };
    let number = match AccountNumber::parse(&form.number) {
        Ok(n) => n,
        Err(AccountNumberError::Empty) => return back(LinkProblem::NumberEmpty),
        Err(AccountNumberError::NotDigits) => return back(LinkProblem::NumberDigits),
        Err(AccountNumberError::WrongLength) => return back(LinkProblem::NumberLength),
    };
    let request = services::accounts::LinkRequest {
        service: &form.service,
        region: &form.region,
        district: &form.district,
        number: &number,
        bill_code: &form.code,
        client: &caller.client,
    };
    match services::accounts::link(&state.services, principal.user_id, &request).await {
        Ok(id) => Redirect::to(&format!("/accounts/{id}")).into_response(),
        Err(LinkOrService::Link(LinkError::NotProven)) => back(LinkProblem::NotProven),
        Err(LinkOrService::Link(LinkError::RateLimited)) => back(LinkProblem::RateLimited),
        Err(LinkOrService::Link(LinkError::DistrictNotInRegion)) => back(LinkProblem::DistrictNotInRegion),
        Err(LinkOrService::Link(LinkError::UnknownService)) => back(LinkProblem::UnknownService),
        Err(LinkOrService::Service(error)) => unavailable(caller.locale, "linking an account failed", &error),
    }
}

/// Unlinks one of the resident's own accounts. Another resident's account is "not found".
pub async fn unlink(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
) -> Response {
    match services::accounts::unlink(&state.services, principal.user_id, id).await {
        Ok(()) => Redirect::to("/accounts").into_response(),
        Err(services::Error::NotFound) => text(
            StatusCode::NOT_FOUND,
            caller.locale,
            app::i18n::Key::ErrorNotFound,
        ),
        Err(error) => unavailable(caller.locale, "unlinking an account failed", &error),
    }
}
