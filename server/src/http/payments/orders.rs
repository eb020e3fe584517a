//! The resident's side of paying: an order for an account's debt (then the provider's
//! checkout), and the receipt as a PDF.

use crate::AppState;
use crate::http::guard::{Resident, Signed};
use crate::http::guard::{text, unavailable};
use crate::http::redirect::refuse;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use services::payments::orders::Method;
use shared::Tiyin;
use shared::money::AmountError;
use shared::payment::PayProblem;

#[derive(Deserialize)]
pub struct OrderForm {
    account_id: i64,
    amount: String,
    method: String,
}

pub async fn create_order(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Form(form): Form<OrderForm>,
) -> Response {
    // Refused: back to the account's pay form with its message; the amount typed is kept on
    // the server.
    let back = |problem: PayProblem| {
        let (state, caller, amount) = (&state, &caller, form.amount.as_str());
        let to = format!("/accounts/{}?pay_error={problem}#pay-error", form.account_id);
        async move { refuse(state, caller, &to, "pay", &[("amount", amount)]).await }
    };
    let amount = match Tiyin::parse_som(&form.amount) {
        Ok(a) => a,
        Err(AmountError::Empty) => return back(PayProblem::AmountEmpty).await,
        Err(AmountError::Malformed) => return back(PayProblem::AmountMalformed).await,
        Err(AmountError::NotPositive) => return back(PayProblem::AmountNotPositive).await,
        Err(AmountError::TooLarge) => return back(PayProblem::AmountTooLarge).await,
    };
    let Some(method) = Method::parse(&form.method) else {
        return back(PayProblem::Method).await;
    };
    if !state.services.payment_methods().contains(&method) {
        return back(PayProblem::Method).await;
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

/// The receipt as a PDF the resident keeps: the same facts as the printable page, in the
/// resident's language, with the QR code of the verification link.
pub async fn receipt_pdf(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(order_id): Path<i64>,
) -> Response {
    use app::i18n::{Key, tr};
    use axum::http::header;
    use services::pdf::{A4, Ink, Page};
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
