//! An upload with progress that can be retried: XMLHttpRequest, because fetch (and so
//! gloo-net) cannot report upload progress. Browser only.

use js_sys::{Function, Promise};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{FormData, XmlHttpRequest};

/// How one upload attempt ended.
pub enum Sent {
    /// The server answered: its status and body.
    Answered(u16, String),
    /// The connection dropped or timed out: worth another try with the same key.
    Lost,
}

/// What is posted: a multipart form (files), or a form's text fields URL-encoded.
pub enum Body<'a> {
    Form(&'a FormData),
    Encoded(&'a str),
}

/// Posts the form data, reporting upload progress in percent.
pub async fn send(url: &str, data: &FormData, progress: impl Fn(u32) + 'static) -> Sent {
    send_body(url, Body::Form(data), progress).await
}

/// Posts a body, asking for JSON back, reporting upload progress in percent.
pub async fn send_body(url: &str, body: Body<'_>, progress: impl Fn(u32) + 'static) -> Sent {
    let Ok(xhr) = XmlHttpRequest::new() else {
        return Sent::Lost;
    };
    if xhr.open("POST", url).is_err() {
        return Sent::Lost;
    }
    let _ = xhr.set_request_header("Accept", "application/json");
    if let Body::Encoded(_) = body {
        let _ = xhr.set_request_header("Content-Type", "application/x-www-form-urlencoded");
    }
    xhr.set_timeout(120_000);
    let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress((e.loaded() * 100.0 / e.total()) as u32);
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = Promise::new(&mut |resolve: Function, reject: Function| {
        let ok = resolve.clone();
        xhr.set_onload(Some(
            Closure::once_into_js(move || {
                let _ = ok.call0(&JsValue::NULL);
            })
            .unchecked_ref(),
        ));
        let lost = Closure::<dyn Fn()>::new(move || {
            let _ = reject.call0(&JsValue::NULL);
        });
        xhr.set_onerror(Some(lost.as_ref().unchecked_ref()));
        xhr.set_ontimeout(Some(lost.as_ref().unchecked_ref()));
        xhr.set_onabort(Some(lost.as_ref().unchecked_ref()));
        lost.forget();
    });
    let sent = match body {
        Body::Form(data) => xhr.send_with_opt_form_data(Some(data)),
        Body::Encoded(text) => xhr.send_with_opt_str(Some(text)),
    };
    if sent.is_err() {
        return Sent::Lost;
    }
    let result = JsFuture::from(done).await;
    drop(on_progress);
    match result {
        Ok(_) => Sent::Answered(
            xhr.status().unwrap_or(0),
            xhr.response_text().ok().flatten().unwrap_or_default(),
        ),
        Err(_) => Sent::Lost,
    }
}
