use crate::error::AppError;
use crate::i18n::{tr, use_locale};
use leptos::prelude::*;

/// An error from a server function, told in the resident's language.
#[component]
pub fn ErrorBox(error: AppError) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="notice error" role="alert">
            {tr(locale, error.message_key())}
        </div>
    }
}

/// What a page shows while its data loads (server rendering waits for the data, so this is
/// seen only on client-side navigation).
#[component]
pub fn Loading() -> impl IntoView {
    let locale = use_locale();
    view! { <p class="muted">{tr(locale, crate::i18n::Key::CommonLoading)}</p> }
}
