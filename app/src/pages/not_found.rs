use crate::error::set_status;
use crate::i18n::{Key, tr, use_locale};
use leptos::prelude::*;
use leptos_meta::Title;

/// The page for an address that does not exist; answered with HTTP 404.
#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    let locale = use_locale();
    view! {
        <Title text=tr(locale, Key::NotfoundTitle) />
        <section class="empty-state">
            <h1>{tr(locale, Key::NotfoundTitle)}</h1>
            <p>{tr(locale, Key::NotfoundText)}</p>
            <p><a class="button" href="/">{tr(locale, Key::NotfoundHome)}</a></p>
        </section>
    }
}
