//! The few direct DOM touches Yew does not cover: focus, field values, marks.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::NodeRef;

/// Focuses the first element matching `selector` inside `container`.
pub fn focus_within(container: &NodeRef, selector: &str) {
    let found = container.cast::<Element>().and_then(|root| root.query_selector(selector).ok().flatten());
    if let Some(element) = found.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = element.focus();
    }
}

/// Selects the text of an input, so typing replaces it.
pub fn select_all(node: &NodeRef) {
    if let Some(input) = node.cast::<HtmlInputElement>() {
        let _ = input.focus();
        input.select();
    }
}

/// The current value of the input, textarea or select that fired `event`.
pub fn value_of(event: &Event) -> String {
    let Some(target) = event.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<HtmlInputElement>() {
        input.value()
    } else if let Some(area) = target.dyn_ref::<HtmlTextAreaElement>() {
        area.value()
    } else if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        select.value()
    } else {
        String::new()
    }
}

/// Whether keys typed into `event`'s target are text (so a digit is not an intensity shortcut).
pub fn is_typing_target(event: &Event) -> bool {
    let Some(element) = event.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return false };
    match element.tag_name().as_str() {
        "TEXTAREA" | "SELECT" => true,
        "INPUT" => {
            let kind = element.get_attribute("type").unwrap_or_default();
            !matches!(kind.as_str(), "radio" | "checkbox" | "button" | "submit")
        }
        _ => false,
    }
}

/// The tag name of `event`'s target ("BUTTON", "TEXTAREA", …).
pub fn target_tag(event: &Event) -> String {
    event.target().and_then(|t| t.dyn_into::<Element>().ok()).map(|e| e.tag_name()).unwrap_or_default()
}

/// `performance.mark("sotto:ready")`: the moment a screen is ready to type into (read by the
/// open-to-ready benchmark).
pub fn mark_ready() {
    mark("sotto:ready");
}

/// A promise popup.js left on the global object under `name` (`self.sottoFirst`, …), taken off
/// it so that it is read once; `None` when popup.js did not set it.
pub fn take_promise(name: &str) -> Option<js_sys::Promise> {
    let global: js_sys::Object = js_sys::global();
    let key = JsValue::from_str(name);
    let value = js_sys::Reflect::get(&global, &key).ok()?;
    let _ = js_sys::Reflect::delete_property(&global, &key);
    value.dyn_into::<js_sys::Promise>().ok()
}

/// Waits until popup.js says the document is parsed and its styles are in
/// (`self.sottoDocumentReady`); at once when popup.js did not set it.
pub async fn document_ready() {
    if let Some(ready) = take_promise("sottoDocumentReady") {
        let _ = wasm_bindgen_futures::JsFuture::from(ready).await;
    }
}

/// `performance.mark(name)`, for the open-to-ready benchmark.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
