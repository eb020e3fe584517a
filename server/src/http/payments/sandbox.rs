//! The providers' sandbox checkout (development only): pays or cancels an order the way
//! Payme's or Click's page would, through the real callback handlers.

use crate::AppState;
use crate::http::guard::{Resident, Signed};
use crate::http::guard::{text, unavailable};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// Pays the order through the built-in sandbox of its provider, which calls our own
/// merchant endpoints over HTTP with the real protocol. Only while the sandbox is on
/// (development, no production credentials).
pub async fn sandbox_checkout(
    State(state): State<AppState>,
    Signed {
        principal, caller, ..
    }: Signed<Resident>,
    Path(order_id): Path<i64>,
) -> Response {
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
    if order.status != shared::payment::OrderStatus::Pending {
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
    let result = match order.method {
        shared::payment::PayMethod::Payme if config.sandbox_plays("payme") => {
            services::payments::sandbox::pay_with_payme(
                base,
                config.effective_payme_key(),
                order_id,
                order.amount.get(),
                now,
            )
            .await
        }
        shared::payment::PayMethod::Click if config.sandbox_plays("click") => {
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
            Redirect::to(&format!(
                "/pay/{order_id}?error={}",
                shared::payment::PayProblem::Refused
            ))
            .into_response()
        }
    }
}
