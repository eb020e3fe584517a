//! The router: Leptos pages and server functions, the HTTP edges that are not Leptos
//! (health, metrics, the language form), and the layers every request passes through.

mod accounts;
mod admin;
mod appeals;
mod auth;
mod dev;
mod form;
pub mod guard;
mod health;
mod lang;
pub mod metrics;
mod pay;
mod payments;
mod readings;
mod security;

use crate::AppState;
use app::{App, shell};
use axum::Router;
use axum::routing::{get, post};
use http::HeaderName;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower::ServiceBuilder;
use tower::layer::util::Stack;
use tower::limit::ConcurrencyLimitLayer;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Uploads each upload route reads at once (the rest wait before a byte is read): with the
/// form limits this bounds the memory that uploads buffer to a few hundred megabytes.
const UPLOADS_AT_ONCE: usize = 4;

/// An upload route's limits: its body size, and how many are read at once.
fn upload_limits(bytes: usize) -> Stack<axum::extract::DefaultBodyLimit, ConcurrencyLimitLayer> {
    Stack::new(
        axum::extract::DefaultBodyLimit::max(bytes),
        ConcurrencyLimitLayer::new(UPLOADS_AT_ONCE),
    )
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(state: AppState) -> Router {
    // Generated once per process. Generating runs the app with resource loading suppressed
    // process-wide (a global flag in leptos_server), and a resource first polled meanwhile by
    // another server in the same process never resolves (leptos issue #4773): tests build
    // many servers in one process while others are serving pages.
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| generate_route_list(App)).clone();
    let services = state.services.clone();
    let context = move || {
        provide_context(services.clone());
        // This request's nonce (`security::headers` names it in the page's policy).
        if let Some(nonce) = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<security::PageNonce>().cloned())
        {
            provide_context(nonce.0);
        }
    };

    let mut router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/lang", post(lang::switch))
        .route("/auth/code", post(auth::request_code))
        .route("/auth/resend", post(auth::resend))
        .route("/auth/verify", post(auth::verify))
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/auth/sign-out-everywhere", post(auth::sign_out_everywhere))
        .route("/accounts/link", post(accounts::link))
        .route("/accounts/{id}/unlink", post(accounts::unlink))
        .route("/admin/staff", post(admin::grant))
        .route("/admin/staff/{id}/revoke", post(admin::revoke))
        .route("/admin/reconcile", post(admin::reconcile))
        .route("/admin/tariffs", post(admin::add_price_list))
        .route("/payments/payme", post(payments::payme))
        .route("/payments/click/prepare", post(payments::click_prepare))
        .route("/payments/click/complete", post(payments::click_complete))
        .route("/payments/orders", post(pay::create_order))
        .route("/receipts/{order}/pdf", get(pay::receipt_pdf))
        .route("/pay/{order}/card", post(pay::card_start))
        .route("/pay/{order}/card/code", post(pay::card_confirm))
        .route(
            "/accounts/{id}/readings",
            post(readings::submit).layer(upload_limits(readings::UPLOAD_LIMIT)),
        )
        .route("/readings/{id}/photo", get(readings::photo))
        .route("/inspector/readings/{id}", post(readings::decide))
        .route(
            "/appeals",
            post(appeals::file).layer(upload_limits(appeals::FORM_LIMIT)),
        )
        .route("/appeals/cosign", post(appeals::cosign))
        .route("/appeals/{id}/return", post(appeals::return_to_control))
        .route("/appeals/{id}/rating", post(appeals::rate))
        .route("/appeals/{id}/files/{file}", get(appeals::attachment))
        .route(
            "/desk/appeals/{id}",
            post(appeals::desk_action).layer(upload_limits(appeals::FORM_LIMIT)),
        )
        .route("/admin/calendar", post(appeals::calendar_day))
        .route("/admin/bodies", post(appeals::save_body))
        .route("/api/appeals/events", get(appeals::events));
    // Development only (which serves only on loopback): the outbox, the clock and the
    // payment sandbox; the developer pages answer loopback peers alone.
    if state.config.development() {
        let developer_pages = Router::new()
            .route("/dev/sms", get(dev::sms_page))
            .route("/dev/sms.json", get(dev::sms_json))
            .route("/dev/clock", post(dev::advance_clock))
            .route_layer(axum::middleware::from_fn(dev::loopback_only));
        router = router
            .merge(developer_pages)
            .route("/sandbox/checkout/{order}", post(pay::sandbox_checkout));
    }
    router
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(
            // Outermost first: every request gets an id, a span, metrics, a panic guard,
            // the security headers and the origin check; responses are compressed.
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(security::request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(axum::middleware::from_fn(metrics::track))
                .layer(CatchPanicLayer::custom(security::panic_response))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    security::headers,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    security::same_origin_writes,
                ))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
}
