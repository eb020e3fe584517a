//! The Fuqaro UI: pages and components rendered on the server and hydrated in the browser,
//! the translations, and the server functions the pages call.
#![recursion_limit = "256"]

pub mod api;
pub mod components;
pub mod error;
pub mod i18n;
pub mod pages;
mod routes;
mod shell;

pub use shell::{App, shell};

/// The browser entry point: attaches the server-rendered page to the WASM app.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Lazily loaded pages (`routes`) hydrate once their chunk has arrived.
    leptos::mount::hydrate_lazy(App);
}
