//! The browser's own message for a field left empty or malformed, in the page's language
//! rather than the browser's (D27). Only the page's script can set it; without JavaScript the
//! browser says it in its own language, and the server's message follows the post.

use crate::i18n::{Key, detect_locale, tr};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// One message per kind of trouble, set when the browser finds a field invalid.
fn message(missing: bool) -> &'static str {
    tr(
        detect_locale(),
        if missing {
            Key::FormRequired
        } else {
            Key::FormInvalid
        },
    )
}

/// Sets (`Some`) or clears (`None`, the field as the browser sees it again) a field's message.
fn set(target: &web_sys::EventTarget, message: Option<&str>) {
    let text = message.unwrap_or_default();
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        let missing = input.validity().value_missing();
        input.set_custom_validity(message.map_or("", |_| self::message(missing)));
    } else if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let missing = area.validity().value_missing();
        area.set_custom_validity(message.map_or("", |_| self::message(missing)));
    } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        select.set_custom_validity(text);
    }
}

/// Listens on the whole document: on `invalid` the field gets the page's message; on any edit
/// it is cleared (a custom message keeps a field invalid until then).
pub fn localize() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_invalid = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        if let Some(target) = event.target() {
            set(&target, Some(message(true)));
        }
    });
    let on_edit = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        if let Some(target) = event.target() {
            set(&target, None);
        }
    });
    let _ = document.add_event_listener_with_callback_and_bool(
        "invalid",
        on_invalid.as_ref().unchecked_ref(),
        true,
    );
    for kind in ["input", "change"] {
        let _ =
            document.add_event_listener_with_callback_and_bool(kind, on_edit.as_ref().unchecked_ref(), true);
    }
    // They live as long as the page.
    on_invalid.forget();
    on_edit.forget();
}
