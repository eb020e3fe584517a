//! Administrators add a price list.

use crate::AppState;
use crate::http::guard::unavailable;
use crate::http::guard::{Administrator, Signed};
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::url::encode as urlencode;
use shared::reading::TariffProblem;

#[derive(Deserialize)]
pub struct TariffForm {
    tariff: String,
    from: String,
    tiers: String,
}

/// An administrator adds a price list to a tariff from a day on.
pub async fn add_price_list(
    State(state): State<AppState>,
    Signed { caller, .. }: Signed<Administrator>,
    Form(form): Form<TariffForm>,
) -> Response {
    let back = |problem: TariffProblem| {
        Redirect::to(&format!(
            "/admin/tariffs?error={problem}&tariff={}&from={}&tiers={}",
            urlencode(&form.tariff),
            urlencode(&form.from),
            urlencode(&form.tiers)
        ))
        .into_response()
    };
    let Some(from) = shared::time::parse_tashkent_date(&form.from) else {
        return back(TariffProblem::Date);
    };
    let tiers = match shared::reading::parse_tiers(&form.tiers) {
        Ok(t) => t,
        Err(e) => return back(e.problem()),
    };
    use services::accounts::tariffs::AddError;
    match services::accounts::tariffs::add_price_list(&state.services, &form.tariff, from, &tiers).await {
        Ok(()) => Redirect::to("/admin/tariffs?added=1").into_response(),
        Err(AddError::UnknownTariff) => back(TariffProblem::Tariff),
        Err(AddError::InThePast) => back(TariffProblem::Past),
        Err(AddError::Exists) => back(TariffProblem::Exists),
        Err(AddError::Service(error)) => unavailable(caller.locale, "adding a price list failed", &error),
    }
}
