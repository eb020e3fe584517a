//! The router: Leptos pages and server functions, the HTTP edges that are not Leptos
//! (health, metrics, the language form), and the layers every request passes through.

mod accounts;
mod admin;
mod appeals;
mod area;
mod auth;
mod dev;
mod form;
pub mod guard;
mod health;
mod lang;
pub mod metrics;
mod open311;
mod payments;
mod readings;
mod receptions;
mod redirect;
mod reports;
mod security;
mod telegram;

use crate::AppState;
use app::{App, shell};
use axum::Router;
use http::HeaderName;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, file_and_error_handler_with_context, generate_route_list};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route besides the Leptos pages and server functions, by area. Development adds the
/// outbox, the clock and the payment sandbox; the developer pages answer loopback peers alone.
/// The Telegram webhook is there only when a bot is configured.
fn areas(development: bool, telegram: bool) -> area::Area {
    let areas = area::Area::new()
        .get("/healthz", health::healthz)
        .get("/readyz", health::readyz)
        .get("/metrics", metrics::render)
        .post("/lang", lang::switch)
        .merge(auth::router())
        .merge(accounts::router())
        .merge(readings::router())
        .merge(payments::provider_callbacks())
        .merge(payments::resident())
        .merge(appeals::router())
        .merge(receptions::router())
        .merge(reports::router())
        .merge(admin::router())
        .merge(open311::router())
        .merge(telegram::profile());
    let areas = if telegram {
        areas.merge(telegram::router())
    } else {
        areas
    };
    if development {
        areas.merge(dev::router()).merge(payments::sandbox())
    } else {
        areas
    }
}

/// The routes [`router`] serves besides the Leptos pages and server functions, as (method,
/// path pattern): the authorization test checks that its table names every one.
pub fn listed_routes(development: bool) -> Vec<(&'static str, &'static str)> {
    areas(development, true).routes().to_vec()
}

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

    let router = areas(state.config.development(), state.services.telegram.is_some()).into_router();
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
