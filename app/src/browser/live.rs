//! Live updates in the browser: gloo-net's EventSource on the appeals stream, calling back on
//! every `appeal` event. The browser reconnects by itself and sends Last-Event-ID, and the
//! server resumes after it, so nothing is missed across a dropped connection; an error event
//! (a reconnect under way) is not an appeal event and calls nothing. Browser only.

use futures_util::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    /// The open streams, by a number the page keeps to close its own when it is left.
    static STREAMS: RefCell<HashMap<u64, EventSource>> = RefCell::new(HashMap::new());
    static NEXT: RefCell<u64> = const { RefCell::new(1) };
}

/// Opens a stream at `url` and calls `on_event` for each appeal event. Returns its number, or
/// `None` where the browser has no EventSource (the page then shows the state of each load).
pub fn follow(url: &str, on_event: impl Fn() + 'static) -> Option<u64> {
    let mut source = EventSource::new(url).ok()?;
    let mut events = source.subscribe("appeal").ok()?;
    let id = NEXT.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    STREAMS.with(|s| s.borrow_mut().insert(id, source));
    // Ends when the source is dropped ([`unfollow`]).
    wasm_bindgen_futures::spawn_local(async move {
        while let Some(event) = events.next().await {
            if event.is_ok() {
                on_event();
            }
        }
    });
    Some(id)
}

/// Closes a stream opened by [`follow`].
pub fn unfollow(id: u64) {
    // Dropping gloo-net's EventSource closes it and ends its subscriptions.
    STREAMS.with(|s| s.borrow_mut().remove(&id));
}
