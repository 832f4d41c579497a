//! How a page (popup or options) asks the worker something.

use crate::chrome;
use crate::protocol::{Envelope, Request, Response, Wording};
use wasm_bindgen::JsValue;

/// Why a page could not get an answer from the worker at all.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientError {
    /// `sendMessage` failed: the worker could not be reached (extension reloading, or disabled).
    Unreachable(String),
    /// The worker answered something this page cannot read (another extension version).
    Unreadable(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Unreachable(why) => write!(f, "Sotto's background worker did not answer ({why}). Close this page and open it again."),
            ClientError::Unreadable(why) => write!(f, "Sotto's background worker sent an answer this page cannot read ({why}). Close this page and open it again."),
        }
    }
}

impl ClientError {
    /// The same words as `Display` (the English fallback), as a `messages.json` key.
    pub fn wording(&self) -> Wording {
        match self {
            ClientError::Unreachable(why) => Wording::new("error_worker_unreachable", vec![why.clone()]),
            ClientError::Unreadable(why) => Wording::new("error_worker_unreadable", vec![why.clone()]),
        }
    }
}

fn js_error_text(value: &JsValue) -> String {
    js_sys::Reflect::get(value, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| value.as_string())
        .unwrap_or_else(|| "unknown error".to_string())
}

/// Sends one request to the worker and waits for its response.
pub async fn ask(request: Request) -> Result<Response, ClientError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let message = serde::Serialize::serialize(&Envelope::new(request), &serializer)
        .map_err(|e| ClientError::Unreadable(e.to_string()))?;
    let answer = chrome::send_message(&message).await.map_err(|e| ClientError::Unreachable(js_error_text(&e)))?;
    read(answer)
}

/// The response to a request this page's JavaScript already sent (the promise
/// `chrome.runtime.sendMessage` returned), read exactly as [`ask`] reads its own: a page's loader
/// can ask its first question while the Wasm is still loading.
pub async fn answer_to(sent: js_sys::Promise) -> Result<Response, ClientError> {
    let answer = wasm_bindgen_futures::JsFuture::from(sent).await.map_err(|e| ClientError::Unreachable(js_error_text(&e)))?;
    read(answer)
}

fn read(answer: JsValue) -> Result<Response, ClientError> {
    let envelope: Envelope<Response> =
        serde_wasm_bindgen::from_value(answer).map_err(|e| ClientError::Unreadable(e.to_string()))?;
    Ok(envelope.body)
}
