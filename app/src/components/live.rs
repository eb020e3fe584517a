//! Live updates in the browser: an EventSource on the appeals stream that calls back on every
//! event. The browser reconnects by itself and sends Last-Event-ID, and the server resumes
//! after it, so nothing is missed across a dropped connection. Browser only.

use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventSource};

type Open = (EventSource, Closure<dyn FnMut(Event)>);

thread_local! {
    /// The open streams, by a number the page keeps to close its own when it is left.
    static STREAMS: RefCell<HashMap<u64, Open>> = RefCell::new(HashMap::new());
    static NEXT: RefCell<u64> = const { RefCell::new(1) };
}

/// Opens a stream at `url` and calls `on_event` for each appeal event. Returns its number, or
/// `None` where the browser has no EventSource (the page then shows the state of each load).
pub fn follow(url: &str, on_event: impl Fn() + 'static) -> Option<u64> {
    let source = EventSource::new(url).ok()?;
    let listener = Closure::<dyn FnMut(Event)>::new(move |_: Event| on_event());
    source
        .add_event_listener_with_callback("appeal", listener.as_ref().unchecked_ref())
        .ok()?;
    let id = NEXT.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    STREAMS.with(|s| s.borrow_mut().insert(id, (source, listener)));
    Some(id)
}

/// Closes a stream opened by [`follow`].
pub fn unfollow(id: u64) {
    if let Some((source, _listener)) = STREAMS.with(|s| s.borrow_mut().remove(&id)) {
        source.close();
    }
}
