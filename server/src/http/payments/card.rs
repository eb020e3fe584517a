//! Paying by card through the configured processor: the card form, then the code the
//! processor sent to the card holder's phone.

use crate::AppState;
use crate::http::guard::{Resident, Signed};
use crate::http::guard::{text, unavailable};
use crate::http::redirect::refuse;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::payment::PayProblem;

#[derive(Deserialize)]
pub struct CardForm {
    number: String,
    expiry: String,
    #[serde(default)]
    phone: String,
}

/// Card step 1: the card, its expiry and the phone the code goes to.
pub async fn card_start(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(order_id): Path<i64>,
    Form(form): Form<CardForm>,
) -> Response {
    use shared::card::{CardError, CardNumber, Expiry};
    // Refused: back to the card form with its message; the expiry and the phone are kept on
    // the server (never the card's number: it is typed again).
    let back = |problem: PayProblem| {
        let (state, caller) = (&state, &caller);
        let fields = [("expiry", form.expiry.as_str()), ("phone", form.phone.as_str())];
        let to = format!("/pay/{order_id}?error={problem}#pay-error");
        async move { refuse(state, caller, &to, "card", &fields).await }
    };
    let (y, m, _, _, _) = shared::time::tashkent(state.services.clock.now_ms());
    let card = match CardNumber::parse(&form.number) {
        Ok(card) => card,
        Err(CardError::NumberChecksum) => return back(PayProblem::CardChecksum).await,
        Err(CardError::UnknownScheme) => return back(PayProblem::CardScheme).await,
        Err(_) => return back(PayProblem::CardNumber).await,
    };
    let expiry = match Expiry::parse(&form.expiry, (y, m)) {
        Ok(expiry) => expiry,
        Err(CardError::Expired) => return back(PayProblem::CardExpired).await,
        Err(_) => return back(PayProblem::CardExpiry).await,
    };
    // The sandbox sends its code to the phone typed here; a real processor to the card's own.
    let phone = if state.services.card.as_ref().is_some_and(|c| c.asks_phone()) {
        match shared::Phone::parse(&form.phone) {
            Ok(phone) => Some(phone),
            Err(_) => return back(PayProblem::CardPhone).await,
        }
    } else {
        None
    };
    let new = services::payments::card::NewCard {
        number: &card,
        expiry,
        phone: phone.as_ref(),
    };
    match services::payments::card::start(&state.services, principal.user_id, order_id, &new, caller.locale)
        .await
    {
        Ok(_) => Redirect::to(&format!("/pay/{order_id}?step=code")).into_response(),
        Err(error) => card_failure(order_id, error, caller.locale),
    }
}

#[derive(Deserialize)]
pub struct CardCodeForm {
    code: String,
}

/// Card step 2: the code from the SMS; the card is charged and the receipt shown.
pub async fn card_confirm(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(order_id): Path<i64>,
    Form(form): Form<CardCodeForm>,
) -> Response {
    let Ok(code) = shared::account::OneTimeCode::parse(&form.code) else {
        return Redirect::to(&format!(
            "/pay/{order_id}?step=code&error={}",
            PayProblem::CodeMalformed
        ))
        .into_response();
    };
    match services::payments::card::confirm(&state.services, principal.user_id, order_id, &code).await {
        Ok(()) => Redirect::to(&format!("/receipts/{order_id}")).into_response(),
        Err(error) => card_failure(order_id, error, caller.locale),
    }
}

fn card_failure(
    order_id: i64,
    error: services::payments::card::CardError,
    locale: shared::Locale,
) -> Response {
    use services::payments::card::{CardError, CardFailure};
    let to = |query: String| Redirect::to(&format!("/pay/{order_id}?{query}")).into_response();
    match error {
        CardError::Failure(CardFailure::WrongCode(left)) => {
            to(format!("step=code&error={}&left={left}", PayProblem::WrongCode))
        }
        CardError::Failure(CardFailure::CodeExpired) => to(format!("error={}", PayProblem::CodeExpired)),
        CardError::Failure(CardFailure::TooManyTries) => to(format!("error={}", PayProblem::TooManyTries)),
        CardError::Failure(CardFailure::NoCharge) => to(format!("error={}", PayProblem::NoCharge)),
        CardError::Failure(CardFailure::RateLimited) => to(format!("error={}", PayProblem::RateLimited)),
        CardError::Failure(CardFailure::Refused) => to(format!("error={}", PayProblem::Refused)),
        CardError::Failure(CardFailure::NotPayable) | CardError::Service(services::Error::NotFound) => {
            text(StatusCode::NOT_FOUND, locale, app::i18n::Key::ErrorNotFound)
        }
        CardError::Service(error) => unavailable(locale, "card payment failed", &error),
    }
}
