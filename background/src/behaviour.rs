//! Applying the behaviour preferences (`prefs.rs`) to the browser: the context-menu item and
//! discreet mode (neutral toolbar title and icon). They work while locked and from the first
//! moment after a browser restart, because they are read from the unencrypted prefs record.

use crate::browser;
use crate::prefs::{BehaviourPrefs, PREFS_KEY};
use sotto_vault::Settings;

/// The id of Sotto's one context-menu item (Vanish).
pub const MENU_ITEM_ID: &str = "sotto-vanish";

/// The neutral toolbar icon (the release engineer's `extension/icons/neutral-*.png`).
const NEUTRAL_ICON: [(u32, &str); 4] =
    [(16, "icons/neutral-16.png"), (32, "icons/neutral-32.png"), (48, "icons/neutral-48.png"), (128, "icons/neutral-128.png")];

/// The stored record, or the defaults before the first unlock wrote one.
pub async fn load() -> BehaviourPrefs {
    match browser::local_read(PREFS_KEY).await {
        Ok(value) if value.is_object() => serde_wasm_bindgen::from_value(value).unwrap_or_default(),
        _ => BehaviourPrefs::default(),
    }
}

/// Keeps the record in step with the encrypted settings, and applies any change.
pub async fn settings_changed(settings: &Settings) {
    let prefs = BehaviourPrefs::from_settings(settings);
    let stored = load().await;
    if prefs == stored {
        return;
    }
    if let Err(why) = browser::local_write(PREFS_KEY, &browser::to_js(&prefs)).await {
        web_log(&format!("Sotto could not store its behaviour preferences: {why}"));
    }
    apply_menu(&prefs).await;
    apply_discreet_mode(&prefs, stored.discreet_mode != prefs.discreet_mode).await;
}

/// Installs or removes the context-menu item.
pub async fn apply_menu(prefs: &BehaviourPrefs) {
    let label = prefs.menu_label();
    let item = prefs.context_menu_enabled.then_some((MENU_ITEM_ID, label.as_str()));
    if let Err(why) = browser::set_context_menu(item).await {
        web_log(&format!("Sotto could not set its context-menu item: {why}"));
    }
}

/// Sets the neutral title and icon, or restores the manifest's when `changed` turned it off.
pub async fn apply_discreet_mode(prefs: &BehaviourPrefs, changed: bool) {
    if prefs.discreet_mode {
        let title = sotto_glue::chrome::message("worker_discreet_title", &[]);
        let _ = browser::set_action_title(Some(&title)).await;
        if let Err(why) = browser::set_action_icon(Some(&NEUTRAL_ICON)).await {
            web_log(&format!("Sotto could not set the neutral toolbar icon ({why}); the title is neutral"));
        }
    } else if changed {
        let _ = browser::set_action_title(None).await;
        let _ = browser::set_action_icon(None).await;
    }
}

/// A warning in the worker's console (never `console.error`: nothing here loses data).
fn web_log(text: &str) {
    web_warn(text);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn web_warn(text: &str);
}
