//! Sotto's service worker. The JS loader (`extension/background.js`) registers every listener
//! synchronously at top level and forwards each event here once the Wasm module is ready.
//! Every entry point first runs the lock check (`locking::wake`): a worker that slept through
//! its deadline locks before doing anything else.

use sotto_glue::chrome;
use sotto_glue::protocol::{Envelope, ErrorCode, Request, Response, check_version};
use sotto_glue::secret::Secret;
use sotto_glue::sender::Sender;
use zeroize::Zeroize;
use wasm_bindgen::prelude::*;

mod behaviour;
mod browser;
mod epoch;
mod errors;
mod handlers;
mod kdf;
mod lock_policy;
mod locking;
mod prefs;
mod session;
mod strength;
mod transfer;
mod vanish;
#[cfg(any(target_arch = "wasm32", test))]
mod wipe_on_free;

/// Every block the worker frees is wiped first (see `wipe_on_free`): Wasm memory is never given
/// back, and a freed copy of an entry would otherwise stay readable until reused.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: wipe_on_free::WipeOnFree = wipe_on_free::WipeOnFree;

pub use kdf::install_kdf;
pub use transfer::{export_bytes, import_bytes};

/// The `commands` names in manifest.json.
const VANISH_COMMAND: &str = "vanish";

/// Handles one `chrome.runtime.onMessage` event; the loader passes the result to `sendResponse`.
#[wasm_bindgen]
pub async fn handle_message(message: JsValue, sender: JsValue) -> JsValue {
    let response = match Sender::from_js(&sender) {
        Some(s) if s.is_own_page(&chrome::runtime_id()) => answer(message).await,
        _ => errors::said(ErrorCode::Forbidden, "error_forbidden", vec![], "Sotto answers only its own pages.".to_string()),
    };
    let envelope = Envelope::new(response);
    let answer = to_js(&envelope);
    wipe_answer(envelope.body);
    answer
}

/// Once an answer is copied to JavaScript, what it carried of the journal (entries, a draft, a
/// recovery code, the times of failed unlock attempts) is wiped, not just freed: the worker's memory must not keep every entry ever
/// listed until the allocator reuses the bytes. (The copy JavaScript holds is out of reach.)
fn wipe_answer(response: Response) {
    match response {
        Response::Created { mut recovery_code } | Response::RecoveryCode { mut recovery_code } => recovery_code.zeroize(),
        Response::EntrySaved { mut entry } => entry.zeroize(),
        Response::Entries { mut entries, .. } => entries.zeroize(),
        Response::Draft { draft: Some(mut draft) } => sotto_vault::wipe_json(&mut draft),
        Response::Unlocked { mut failed_attempts, .. } => failed_attempts.zeroize(),
        _ => {}
    }
}

async fn answer(message: JsValue) -> Response {
    let envelope: Envelope<Request> = match serde_wasm_bindgen::from_value(message) {
        Ok(envelope) => envelope,
        Err(e) => {
            return errors::said(ErrorCode::BadRequest, "error_unreadable_request", vec![e.to_string()], format!("Unreadable request: {e}"));
        }
    };
    if let Err(refusal) = check_version(&envelope) {
        return refusal;
    }
    handlers::answer(typed_passphrases_in_nfc(envelope.body)).await
}

/// Runs once per worker start, after the module loaded.
#[wasm_bindgen]
pub async fn worker_started() {
    let _ = browser::restrict_session_storage().await;
    // The toolbar title and icon set at runtime last only for the browser session: a discreet
    // toolbar must be neutral from the first moment, while locked.
    let prefs = behaviour::load().await;
    if prefs.discreet_mode {
        behaviour::apply_discreet_mode(&prefs, false).await;
    }
    let mut session = session::session().await;
    locking::wake(&mut session).await;
}

/// `runtime.onInstalled` and `runtime.onStartup`: put the context-menu item and the toolbar in
/// the state the behaviour preferences say.
#[wasm_bindgen]
pub async fn on_installed_or_startup() {
    let prefs = behaviour::load().await;
    behaviour::apply_menu(&prefs).await;
    behaviour::apply_discreet_mode(&prefs, false).await;
}

/// `alarms.onAlarm`: the inactivity deadline may have come.
#[wasm_bindgen]
pub async fn on_alarm(name: String) {
    if name != locking::LOCK_ALARM {
        return;
    }
    let mut session = session::session().await;
    locking::wake(&mut session).await;
    // Still unlocked (activity moved the deadline): wake again at the new one.
    locking::rearm(&session).await;
}

/// `idle.onStateChanged`: "idle" locks if the settings say so; "locked" (screen) always locks.
#[wasm_bindgen]
pub async fn on_idle_state(state: String) {
    if state == "locked" {
        // The screen locked: that always locks, at once, not after a running request.
        return locking::lock_now(sotto_glue::protocol::LockReason::ScreenLocked).await;
    }
    let mut session = session::session().await;
    locking::wake(&mut session).await;
    if session.is_unlocked()
        && let Some(cause) = lock_policy::on_idle_state(&session.policy, &state)
    {
        let reason = match cause {
            lock_policy::LockCause::ScreenLocked => sotto_glue::protocol::LockReason::ScreenLocked,
            _ => sotto_glue::protocol::LockReason::SystemIdle,
        };
        locking::lock(&mut session, reason).await;
    }
}

/// `commands.onCommand` (the quick-log command is `_execute_action`, handled by Chrome itself).
#[wasm_bindgen]
pub async fn on_command(command: String, tab: JsValue) {
    if command == VANISH_COMMAND {
        vanish::vanish(browser::tab_id(&tab)).await;
    }
}

/// `contextMenus.onClicked`.
#[wasm_bindgen]
pub async fn on_context_menu(item_id: JsValue, tab: JsValue) {
    if item_id.as_string().as_deref() == Some(behaviour::MENU_ITEM_ID) {
        vanish::vanish(browser::tab_id(&tab)).await;
    }
}

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// The vault compares passphrases as bytes (docs/format.md §1), so the same passphrase typed
/// with another keyboard or input method (some produce decomposed accents) must give the same
/// bytes: every passphrase a page sends is normalised to Unicode NFC here, the one place all of
/// them pass through. (JavaScript's own `normalize` costs the Wasm nothing.) The text as typed
/// is wiped once normalised, as its `Secret` drops.
fn typed_passphrases_in_nfc(request: Request) -> Request {
    let normalized = |text: &str| -> String { js_sys::JsString::from(text).normalize("NFC").into() };
    let nfc = |text: Secret| -> Secret { normalized(text.expose()).into() };
    match request {
        Request::CreateVault { passphrase } => Request::CreateVault { passphrase: nfc(passphrase) },
        Request::Unlock { passphrase } => Request::Unlock { passphrase: nfc(passphrase) },
        Request::ResetPassphrase { recovery_code, new_passphrase } => {
            Request::ResetPassphrase { recovery_code, new_passphrase: nfc(new_passphrase) }
        }
        Request::ChangePassphrase { current, new_passphrase } => {
            Request::ChangePassphrase { current: nfc(current), new_passphrase: nfc(new_passphrase) }
        }
        Request::RotateRecoveryCode { passphrase } => Request::RotateRecoveryCode { passphrase: nfc(passphrase) },
        Request::ExportBundle { passphrase, is_vault_passphrase } => {
            Request::ExportBundle { passphrase: nfc(passphrase), is_vault_passphrase }
        }
        Request::ImportPreview { passphrase } => Request::ImportPreview { passphrase: nfc(passphrase) },
        Request::SetKdfParams { passphrase, params } => Request::SetKdfParams { passphrase: nfc(passphrase), params },
        other => other,
    }
}
