//! How a page hears what the worker broadcasts ([`WorkerEvent`]): above all "locked", so an open
//! popup or options page returns to its lock screen the moment the worker forgets the key.
//!
//! ```ignore
//! sotto_glue::events::on_worker_event(move |event| match event {
//!     WorkerEvent::Locked { .. } => show_lock_screen(),
//!     WorkerEvent::Vanished => {} // `sotto_glue::vanish::install` already closes the page
//! });
//! ```

use crate::protocol::{EventEnvelope, PROTOCOL_VERSION, WorkerEvent};
use crate::sender::Sender;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime", "onMessage"], js_name = addListener)]
    fn on_message_add_listener(listener: &Closure<dyn FnMut(JsValue, JsValue) -> JsValue>);
}

/// Reads a message as a worker event. Requests from other pages (`{v, body}`) and anything
/// else are not events: `None`.
pub fn parse_event(message: JsValue) -> Option<WorkerEvent> {
    let envelope: EventEnvelope = serde_wasm_bindgen::from_value(message).ok()?;
    (envelope.v == PROTOCOL_VERSION).then_some(envelope.event)
}

/// Calls `listener` with every event the worker broadcasts, for the life of the page.
///
/// The listener never answers (it returns `undefined`), so it cannot steal the worker's reply to
/// another page's request: every extension page receives every page's `sendMessage` too, and a
/// content script's. Only Sotto's own contexts are heard: a content script forging "vanished"
/// would otherwise close every Sotto page, and "locked" would hide an open journal.
pub fn on_worker_event(mut listener: impl FnMut(WorkerEvent) + 'static) {
    let closure = Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(move |message: JsValue, sender: JsValue| {
        let from_sotto = Sender::from_js(&sender).is_some_and(|s| s.is_own_page(&crate::chrome::runtime_id()));
        if let Some(event) = parse_event(message).filter(|_| from_sotto) {
            listener(event);
        }
        JsValue::UNDEFINED
    });
    on_message_add_listener(&closure);
    // The page lives as long as the listener; there is nothing to remove it for.
    closure.forget();
}
