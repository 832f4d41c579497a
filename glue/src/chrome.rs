//! Typed bindings to the `chrome.*` APIs Sotto uses, and nothing more.
//!
//! Each binding is the thinnest possible `wasm_bindgen` import; the promise-returning ones are
//! wrapped into `async fn`s that return `Result<_, JsValue>` so callers decide what a failure
//! means for the user. Off the browser (native tests) these compile but must not be called.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = sendMessage, catch)]
    fn runtime_send_message(message: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = getManifest)]
    fn runtime_get_manifest() -> Object;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = id, thread_local_v2)]
    static RUNTIME_ID: JsValue;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getMessage)]
    fn i18n_get_message(name: &str, substitutions: &JsValue) -> String;

    #[wasm_bindgen(js_namespace = ["chrome", "i18n"], js_name = getUILanguage)]
    fn i18n_get_ui_language() -> String;

    #[wasm_bindgen(js_namespace = ["chrome", "runtime"], js_name = openOptionsPage, catch)]
    fn runtime_open_options_page() -> Result<Promise, JsValue>;
}

/// `chrome.runtime.sendMessage(message)`: resolves to the receiver's `sendResponse` value.
pub async fn send_message(message: &JsValue) -> Result<JsValue, JsValue> {
    JsFuture::from(runtime_send_message(message)?).await
}

/// This extension's id (`chrome.runtime.id`).
pub fn runtime_id() -> String {
    RUNTIME_ID.with(|id| id.as_string().unwrap_or_default())
}

/// The `version` field of the running extension's manifest.
pub fn manifest_version() -> String {
    Reflect::get(&runtime_get_manifest(), &JsValue::from_str("version"))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The localised message `name` from `_locales/*/messages.json`, with `$1`… substitutions.
/// Falls back to the key itself, so a missing translation is visible rather than blank.
pub fn message(name: &str, substitutions: &[&str]) -> String {
    lookup(name, substitutions).unwrap_or_else(|| name.to_string())
}

/// The localised message `name` with its substitutions, `None` when no locale has it
/// (`getMessage` answers an empty string then).
pub fn lookup(name: &str, substitutions: &[&str]) -> Option<String> {
    let subs = js_sys::Array::new();
    for s in substitutions {
        subs.push(&JsValue::from_str(s));
    }
    Some(i18n_get_message(name, &subs)).filter(|text| !text.is_empty())
}

/// The browser's UI language (`chrome.i18n.getUILanguage()`), for formatting dates and numbers
/// the way the messages' language writes them.
pub fn ui_language() -> String {
    i18n_get_ui_language()
}

/// `chrome.runtime.openOptionsPage()`: opens (or focuses) the options page.
pub async fn open_options_page() -> Result<(), JsValue> {
    JsFuture::from(runtime_open_options_page()?).await.map(|_| ())
}
