//! Waiting and leaving the page. Browser only.

use js_sys::{Function, Promise};
use wasm_bindgen_futures::JsFuture;

fn window() -> web_sys::Window {
    web_sys::window().expect("a browser window")
}

/// Waits without blocking the page.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve: Function, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(promise).await;
}

/// Goes to another address with a full page load (fresh balances and histories).
pub fn go(url: &str) {
    let _ = window().location().assign(url);
}
