//! The Fuqaro UI: pages and components rendered on the server and hydrated in the browser,
//! the translations, and the server functions the pages call.
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "hydrate")]
pub mod browser;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
mod routes;
mod shell;

pub use shell::{App, shell};

/// The browser entry point: attaches the server-rendered page to the WASM app. A lazily
/// loaded page (`routes`) hydrates once its chunk has arrived; then the document is marked
/// `data-hydrated` (browser tests wait for it) after a zero timeout, so the page's own
/// effects have run by the time anyone sees the mark.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    use leptos::prelude::{document, set_timeout};
    console_error_panic_hook::set_once();
    let Some(body) = document().body() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::hydrate_from_async(body, App).await.forget();
        crate::browser::validity::localize();
        set_timeout(
            || {
                if let Some(root) = document().document_element() {
                    let _ = root.set_attribute("data-hydrated", "true");
                }
            },
            std::time::Duration::ZERO,
        );
    });
}
