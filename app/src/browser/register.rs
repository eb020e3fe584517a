//! The reception register kept on the device: each entry staff write goes first into
//! localStorage, then to the server, and leaves the device only when the server has answered
//! that it stored it (or why it would not). An entry carries the key the form gave it, so one
//! sent twice (the answer lost on a bad connection) is stored once. Browser only.

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, HtmlInputElement};

/// An entry waiting on the device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The form's fields as typed, the entry's key among them.
    pub fields: Vec<(String, String)>,
    /// The server's reason, in the reader's language, when it refused the entry: kept on
    /// the device until staff have read it and dismissed it.
    pub refused: Option<String>,
}

impl Entry {
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_default()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn storage_key(reception: i64) -> String {
    format!("fuqaro.register.{reception}")
}

/// The entries kept for a reception.
pub fn load(reception: i64) -> Vec<Entry> {
    storage()
        .and_then(|s| s.get_item(&storage_key(reception)).ok().flatten())
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// Keeps the entries (none: forgets the key).
pub fn save(reception: i64, entries: &[Entry]) {
    let Some(storage) = storage() else { return };
    let key = storage_key(reception);
    if entries.is_empty() {
        let _ = storage.remove_item(&key);
    } else if let Ok(json) = serde_json::to_string(entries) {
        let _ = storage.set_item(&key, &json);
    }
}

fn form(form_id: &str) -> Option<HtmlFormElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(form_id)?
        .dyn_into()
        .ok()
}

/// The form's text fields as typed.
pub fn fields(form_id: &str) -> Vec<(String, String)> {
    let Some(data) = form(form_id).and_then(|f| FormData::new_with_form(&f).ok()) else {
        return Vec::new();
    };
    let Ok(Some(iter)) = js_sys::try_iter(&data) else {
        return Vec::new();
    };
    iter.flatten()
        .filter_map(|pair| {
            let pair = js_sys::Array::from(&pair);
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Empties the form for the next visitor, with a fresh key.
pub fn reset(form_id: &str) {
    let Some(form) = form(form_id) else { return };
    form.reset();
    if let Ok(Some(key)) = form.query_selector("[name=\"key\"]")
        && let Ok(key) = key.dyn_into::<HtmlInputElement>()
    {
        key.set_value(&new_key());
    }
}

/// A fresh entry key: 128 random bits from the browser's generator, as hex.
pub fn new_key() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// How sending one entry ended.
pub enum Outcome {
    Stored,
    Refused(String),
    /// No answer, or not one that says: try again later.
    NotYet,
}

/// Sends one entry.
pub async fn send(url: &str, entry: &Entry) -> Outcome {
    let body: String = entry
        .fields
        .iter()
        .map(|(k, v)| format!("{}={}", shared::url::encode(k), shared::url::encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    match super::upload::send_body(url, super::upload::Body::Encoded(&body), |_| ()).await {
        super::upload::Sent::Answered(status, text) => {
            let json: Option<serde_json::Value> = serde_json::from_str(&text).ok();
            match (status, json) {
                (200, Some(v)) if v.get("visit").is_some() => Outcome::Stored,
                (422, Some(v)) => Outcome::Refused(
                    v.get("message")
                        .and_then(|m| m.as_str())
                        .unwrap_or_default()
                        .to_string(),
                ),
                _ => Outcome::NotYet,
            }
        }
        super::upload::Sent::Lost => Outcome::NotYet,
    }
}
