pub mod about;
pub mod account;
pub mod accounts;
pub mod api_keys;
pub mod appeals;
pub mod appeals_admin;
pub mod desk;
pub mod hearings;
pub mod home;
pub mod inspector;
pub mod not_found;
pub mod pay;
pub mod problems;
pub mod profile;
pub mod rating;
pub mod reading;
pub mod receptions;
pub mod reconcile;
pub mod region;
pub mod regions;
pub mod reports;
pub mod seven;
pub mod sign_in;
pub mod tariffs;

use crate::components::error_box::ErrorBox;
use crate::error::AppError;
use leptos::prelude::*;

/// What a page shows when its data could not be loaded: the not-found page (also for
/// someone else's things), the sign-in prompt, or the error in the resident's language.
pub fn failure_view(error: AppError) -> AnyView {
    match error {
        AppError::NotFound => view! { <not_found::NotFound /> }.into_any(),
        AppError::SignInRequired => view! { <accounts::SignInFirst /> }.into_any(),
        error => view! { <ErrorBox error /> }.into_any(),
    }
}

/// The route's `:id` as a number, tracked (0 — which finds nothing — when it is not one).
pub fn route_id() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}
