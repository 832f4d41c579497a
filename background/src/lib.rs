//! Sotto's service worker. The JS loader (`extension/background.js`) registers every listener
//! synchronously at top level and forwards each event here once the Wasm module is ready.

use sotto_glue::chrome;
use sotto_glue::protocol::{Envelope, ErrorCode, Request, Response, check_version};
use wasm_bindgen::prelude::*;

mod errors;
mod handlers;
mod sender;
mod session;
mod transfer;

/// Handles one `chrome.runtime.onMessage` event; the loader passes the result to `sendResponse`.
#[wasm_bindgen]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    let response = match sender::Sender::from_js(&sender) {
        Some(s) if s.is_own_page(&chrome::runtime_id()) => answer(message).await,
        _ => Response::Error {
            code: ErrorCode::Forbidden,
            message: "Sotto answers only its own pages.".to_string(),
        },
    };
    to_js(&Envelope::new(response))
}

async fn answer(message: JsValue) -> Response {
    let envelope: Envelope<Request> = match serde_wasm_bindgen::from_value(message) {
        Ok(envelope) => envelope,
        Err(e) => {
            return Response::Error { code: ErrorCode::BadRequest, message: format!("Unreadable request: {e}") };
        }
    };
    if let Err(refusal) = check_version(&envelope) {
        return refusal;
    }
    handlers::answer(envelope.body).await
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}
