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

/// Moves the focus to the element `id` once it is on the page (after the next paint), and
/// scrolls it into the middle of the screen: a message the person must read, where they are.
pub fn focus(id: &'static str) {
    use wasm_bindgen::JsCast;
    leptos::prelude::request_animation_frame(move || {
        let Some(element) = window().document().and_then(|d| d.get_element_by_id(id)) else {
            return;
        };
        if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
            let _ = element.focus();
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            element.scroll_into_view_with_scroll_into_view_options(&options);
        }
    });
}

/// Brings the element `id` into view when the address's fragment names it: after a
/// navigation inside the app the router shows the new page at its top, where a full load
/// would have gone to the fragment (a pager's `#charges`).
pub fn reveal_if_target(id: &'static str) {
    let here = window().location().hash().unwrap_or_default();
    if here.strip_prefix('#') != Some(id) {
        return;
    }
    leptos::prelude::request_animation_frame(move || {
        if let Some(element) = window().document().and_then(|d| d.get_element_by_id(id)) {
            element.scroll_into_view();
        }
    });
}
