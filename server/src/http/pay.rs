//! The resident's side of paying (`/payments/orders`, `/sandbox/*`): create a payment order
//! from the account page, then pay it through the built-in provider sandbox.

use super::accounts::urlencode;
use super::guard::{Caller, text, unavailable};
use crate::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::payments::orders::Method;
use shared::Tiyin;
use shared::auth::Need;
use shared::money::AmountError;

#[derive(Deserialize)]
pub struct OrderForm {
    account_id: i64,
    amount: String,
    method: String,
}

pub async fn create_order(
    State(state): State<AppState>,
    caller: Caller,
    Form(form): Form<OrderForm>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let back = |error: &str| {
        Redirect::to(&format!(
            "/accounts/{}?pay_error={error}&amount={}",
            form.account_id,
            urlencode(&form.amount)
        ))
        .into_response()
    };
    let amount = match Tiyin::parse_som(&form.amount) {
        Ok(a) => a,
        Err(AmountError::Empty) => return back("amount_empty"),
        Err(AmountError::Malformed) => return back("amount_malformed"),
        Err(AmountError::NotPositive) => return back("amount_not_positive"),
        Err(AmountError::TooLarge) => return back("amount_too_large"),
    };
    let method = match form.method.as_str() {
        "payme" => Method::Payme,
        "click" => Method::Click,
        "card" => Method::Card,
        _ => return back("method"),
    };
    if !state.services.payment_methods().contains(&method) {
        return back("method");
    }
    match services::payments::orders::create(
        &state.services,
        principal.user_id,
        form.account_id,
        amount.get(),
        method,
    )
    .await
    {
        Ok(id) => Redirect::to(&format!("/pay/{id}")).into_response(),
        Err(services::Error::NotFound) => text(
            StatusCode::NOT_FOUND,
            caller.locale,
            app::i18n::Key::ErrorNotFound,
        ),
        Err(error) => unavailable(caller.locale, "creating a payment order failed", &error),
    }
}

/// Pays the order through the built-in sandbox of its provider, which calls our own
/// merchant endpoints over HTTP with the real protocol. Only while the sandbox is on
/// (development, no production credentials).
pub async fn sandbox_checkout(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_id): Path<i64>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let order = match services::payments::orders::view(&state.services, principal.user_id, order_id).await {
        Ok(o) => o,
        Err(services::Error::NotFound) => {
            return text(
                StatusCode::NOT_FOUND,
                caller.locale,
                app::i18n::Key::ErrorNotFound,
            );
        }
        Err(error) => {
            return unavailable(caller.locale, "loading a payment order failed", &error);
        }
    };
    if order.status != "pending" {
        return Redirect::to(&format!("/pay/{order_id}")).into_response();
    }
    let Some(base) = state.self_url.get() else {
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            caller.locale,
            app::i18n::Key::ErrorUnavailable,
        );
    };
    let config = &state.config;
    let now = state.services.clock.now_ms();
    let result = match order.method.as_str() {
        "payme" if config.sandbox_plays("payme") => {
            services::payments::sandbox::pay_with_payme(
                base,
                config.effective_payme_key(),
                order_id,
                order.amount.get(),
                now,
            )
            .await
        }
        "click" if config.sandbox_plays("click") => {
            let (service_id, secret) = config.effective_click();
            let (y, m, d, h, min) = shared::time::tashkent(now);
            let sign_time = format!("{y}-{m:02}-{d:02} {h:02}:{min:02}:00");
            services::payments::sandbox::pay_with_click(
                base,
                service_id,
                secret,
                order_id,
                order.amount.get(),
                &sign_time,
            )
            .await
        }
        _ => {
            return text(
                StatusCode::NOT_FOUND,
                caller.locale,
                app::i18n::Key::ErrorNotFound,
            );
        }
    };
    match result {
        Ok(_) => Redirect::to(&format!("/receipts/{order_id}")).into_response(),
        Err(error) => {
            tracing::warn!(%error, order = order_id, "sandbox payment refused");
            Redirect::to(&format!("/pay/{order_id}?error=refused")).into_response()
        }
    }
}

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
    caller: Caller,
    Path(order_id): Path<i64>,
    Form(form): Form<CardForm>,
) -> Response {
    use shared::card::{CardError, CardNumber, Expiry};
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let back = |error: &str| Redirect::to(&format!("/pay/{order_id}?error={error}")).into_response();
    let (y, m, _, _, _) = shared::time::tashkent(state.services.clock.now_ms());
    let card = match CardNumber::parse(&form.number) {
        Ok(card) => card,
        Err(CardError::NumberChecksum) => return back("card_checksum"),
        Err(CardError::UnknownScheme) => return back("card_scheme"),
        Err(_) => return back("card_number"),
    };
    let expiry = match Expiry::parse(&form.expiry, (y, m)) {
        Ok(expiry) => expiry,
        Err(CardError::Expired) => return back("card_expired"),
        Err(_) => return back("card_expiry"),
    };
    // The sandbox sends its code to the phone typed here; a real processor to the card's own.
    let phone = if state.services.card.as_ref().is_some_and(|c| c.asks_phone()) {
        match shared::Phone::parse(&form.phone) {
            Ok(phone) => Some(phone),
            Err(_) => return back("card_phone"),
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
    caller: Caller,
    Path(order_id): Path<i64>,
    Form(form): Form<CardCodeForm>,
) -> Response {
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let Ok(code) = shared::account::OneTimeCode::parse(&form.code) else {
        return Redirect::to(&format!("/pay/{order_id}?step=code&error=code_malformed")).into_response();
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
            to(format!("step=code&error=wrong_code&left={left}"))
        }
        CardError::Failure(CardFailure::CodeExpired) => to("error=code_expired".into()),
        CardError::Failure(CardFailure::TooManyTries) => to("error=too_many_tries".into()),
        CardError::Failure(CardFailure::NoCharge) => to("error=no_charge".into()),
        CardError::Failure(CardFailure::RateLimited) => to("error=rate_limited".into()),
        CardError::Failure(CardFailure::Refused) => to("error=refused".into()),
        CardError::Failure(CardFailure::NotPayable) | CardError::Service(services::Error::NotFound) => {
            text(StatusCode::NOT_FOUND, locale, app::i18n::Key::ErrorNotFound)
        }
        CardError::Service(error) => unavailable(locale, "card payment failed", &error),
    }
}

/// The receipt as a PDF the resident keeps: the same facts as the printable page, in the
/// resident's language, with the QR code of the verification link.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_id): Path<i64>,
) -> Response {
    use app::i18n::{Key, tr};
    use axum::http::header;
    use services::payments::receipt_pdf::{A4, Ink, Page};
    let principal = match caller.require(&state, &Need::SignedIn).await {
        Ok(p) => p,
        Err(refusal) => return refusal,
    };
    let receipt =
        match services::payments::orders::receipt(&state.services, principal.user_id, order_id).await {
            Ok(r) => r,
            Err(services::Error::NotFound) => {
                return text(StatusCode::NOT_FOUND, caller.locale, Key::ErrorNotFound);
            }
            Err(error) => return unavailable(caller.locale, "loading a receipt failed", &error),
        };
    let locale = caller.locale;
    let title = tr(locale, Key::ReceiptTitle);
    let mut page = Page::new(A4, 56.0);
    page.paragraph("Fuqaro", 10.0, Ink::Muted);
    page.paragraph(title, 20.0, Ink::Black);
    page.space(8.0);
    for (label, value, _) in app::pages::pay::receipt_facts(locale, &receipt) {
        page.row(tr(locale, label), &value, 11.0, 170.0);
    }
    page.space(16.0);
    page.qr(&receipt.verify_url, 150.0);
    page.paragraph(tr(locale, Key::ReceiptQr), 9.0, Ink::Muted);
    page.paragraph(&receipt.verify_url, 9.0, Ink::Muted);
    let pdf = page.finish(&format!("{title} {}", receipt.number));
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.pdf\"", receipt.number),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        pdf,
    )
        .into_response()
}
