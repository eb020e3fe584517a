//! A form's draft kept on the phone (localStorage) while it is typed, so that a dropped
//! connection, a closed tab or a failed send loses nothing. Text fields, selects and radio
//! buttons only: files cannot be kept this way and are picked again. Browser only.

use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(form_id: &str) -> String {
    format!("fuqaro.draft.{form_id}")
}

fn form(form_id: &str) -> Option<HtmlFormElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(form_id)?
        .dyn_into()
        .ok()
}

/// Saves the form's text values (not its files).
pub fn save(form_id: &str) {
    let (Some(form), Some(storage)) = (form(form_id), storage()) else {
        return;
    };
    let Ok(data) = FormData::new_with_form(&form) else {
        return;
    };
    let entries = js_sys::Array::new();
    let Ok(Some(iter)) = js_sys::try_iter(&data) else {
        return;
    };
    for pair in iter.flatten() {
        let pair = js_sys::Array::from(&pair);
        if pair.get(1).is_string() {
            entries.push(&pair);
        }
    }
    if let Ok(json) = js_sys::JSON::stringify(&entries) {
        let _ = storage.set_item(&key(form_id), &String::from(json));
    }
}

/// Puts a saved draft back into the form. Returns whether there was one with any text.
pub fn restore(form_id: &str) -> bool {
    let (Some(form), Some(storage)) = (form(form_id), storage()) else {
        return false;
    };
    let Some(saved) = storage.get_item(&key(form_id)).ok().flatten() else {
        return false;
    };
    let Ok(entries) = js_sys::JSON::parse(&saved) else {
        return false;
    };
    let mut any_text = false;
    for pair in js_sys::Array::from(&entries).iter() {
        let pair = js_sys::Array::from(&pair);
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            continue;
        };
        let Ok(elements) = form.query_selector_all(&format!("[name=\"{name}\"]")) else {
            continue;
        };
        for i in 0..elements.length() {
            let Some(node) = elements.item(i) else { continue };
            if let Some(input) = node.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "radio" | "checkbox" => input.set_checked(input.value() == value),
                    "file" => {}
                    _ => {
                        any_text |= !value.is_empty();
                        input.set_value(&value);
                    }
                }
            } else if let Some(area) = node.dyn_ref::<HtmlTextAreaElement>() {
                any_text |= !value.is_empty();
                area.set_value(&value);
            } else if let Some(select) = node.dyn_ref::<HtmlSelectElement>() {
                select.set_value(&value);
                // Let the page's own handlers follow (a district's mahallas, a topic's body).
                if let Ok(event) = web_sys::Event::new("change") {
                    let _ = select.dispatch_event(&event);
                }
            }
        }
    }
    any_text
}

/// Forgets the draft (the form was sent and accepted).
pub fn clear(form_id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(form_id));
    }
}
