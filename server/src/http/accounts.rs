//! Linking and unlinking utility accounts (`/accounts/*` form posts).

use super::guard::{text, unavailable};
use crate::AppState;
use crate::http::area::Area;
use crate::http::guard::{Resident, Signed};
use crate::http::redirect::refuse;
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
    // Send the resident back to the form with the reason: the choices in the address (they
    // lead the form's steps), the number typed kept on the server.
    let back = |problem: LinkProblem| {
        let (state, caller) = (&state, &caller);
        let query = [
            ("error", problem.code()),
            ("service", form.service.as_str()),
            ("region", form.region.as_str()),
            ("district", form.district.as_str()),
        ];
        let query: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        let to = format!("/accounts/link?{}#link-error", query.join("&"));
        let number = form.number.as_str();
        async move { refuse(state, caller, &to, "link", &[("number", number)]).await }
    };
    let number = match AccountNumber::parse(&form.number) {
        Ok(n) => n,
        Err(AccountNumberError::Empty) => return back(LinkProblem::NumberEmpty).await,
        Err(AccountNumberError::NotDigits) => return back(LinkProblem::NumberDigits).await,
        Err(AccountNumberError::WrongLength) => return back(LinkProblem::NumberLength).await,
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
        Err(LinkOrService::Link(LinkError::NotProven)) => back(LinkProblem::NotProven).await,
        Err(LinkOrService::Link(LinkError::RateLimited)) => back(LinkProblem::RateLimited).await,
        Err(LinkOrService::Link(LinkError::DistrictNotInRegion)) => {
            back(LinkProblem::DistrictNotInRegion).await
        }
        Err(LinkOrService::Link(LinkError::UnknownService)) => back(LinkProblem::UnknownService).await,
        Err(LinkOrService::Service(error)) => unavailable(caller.locale, "linking an account failed", &error),
    }
}

#[derive(Deserialize)]
pub struct UnlinkForm {
    /// The resident's tick of "yes, unlink it": without it nothing happens.
    #[serde(default)]
    confirm: String,
}

/// Unlinks one of the resident's own accounts once they confirmed it (the form's tick, so it
/// works without JavaScript). Another resident's account is "not found".
pub async fn unlink(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(id): Path<i64>,
    Form(form): Form<UnlinkForm>,
) -> Response {
    let not_found = || {
        text(
            StatusCode::NOT_FOUND,
            caller.locale,
            app::i18n::Key::ErrorNotFound,
        )
    };
    // Whose it is first: a stranger learns nothing, confirmed or not.
    match services::accounts::is_linked(&state.services.db, principal.user_id, id).await {
        Ok(true) => {}
        Ok(false) => return not_found(),
        Err(error) => return unavailable(caller.locale, "unlinking an account failed", &error),
    }
    if form.confirm != "yes" {
        return Redirect::to(&format!(
            "/accounts/{id}?error={}#unlink",
            LinkProblem::ConfirmUnlink
        ))
        .into_response();
    }
    match services::accounts::unlink(&state.services, principal.user_id, id).await {
        Ok(()) => Redirect::to("/accounts?done=unlinked").into_response(),
        Err(services::Error::NotFound) => not_found(),
        Err(error) => unavailable(caller.locale, "unlinking an account failed", &error),
    }
}
