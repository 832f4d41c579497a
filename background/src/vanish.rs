//! Vanish: lock and zeroize, discard drafts, close every Sotto page, send the active tab to the
//! user's neutral page. In that order, and from any trigger: the popup's button, the keyboard
//! command, the context-menu item, Shift ×3 in a Sotto page. Works when the worker was asleep:
//! every trigger is an event that starts it.

use crate::behaviour;
use crate::browser;
use crate::locking;
use sotto_glue::protocol::{LockReason, WorkerEvent};

/// Runs Vanish. `trigger_tab`: the tab the command or menu click happened in, if known.
pub async fn vanish(trigger_tab: Option<i32>) {
    // Prepared here, run only after the lock (futures are lazy): nothing may delay the lock.
    let prefs = behaviour::load();
    let active = async {
        match trigger_tab {
            Some(tab) => Some(tab),
            None => browser::active_tab_id().await.ok().flatten(),
        }
    };
    // Keys, decrypted data and drafts are gone before anything else happens, without waiting
    // for a running request (it is abandoned at its current step: see epoch.rs).
    locking::lock_now(LockReason::Vanish).await;
    let (prefs, active, own_tabs) = futures_util::join!(prefs, active, browser::own_page_tabs());
    let own_tabs = own_tabs.unwrap_or_default();
    let destination = prefs.vanish_destination().to_string();
    let close = async {
        if let Err(why) = browser::close_tabs(&own_tabs).await {
            warn(&format!("Vanish could not close a Sotto tab: {why}"));
        }
    };
    // Every Sotto page closes itself on this event; the popup (not a tab) can only close itself.
    let tell_pages = locking::announce(WorkerEvent::Vanished);
    match active {
        Some(tab) if own_tabs.contains(&tab) => {
            // The user is looking at a Sotto page. Navigating it away would race the page's own
            // close (on this event, and after its Shift ×3 request), and closing it alone would
            // uncover the tab beside it, perhaps a new-tab page showing the most-visited sites.
            // So the neutral page opens in its place, active, before any Sotto page goes.
            if let Err(why) = browser::open_tab_in_place_of(tab, &destination).await {
                warn(&format!("Vanish could not open the neutral page: {why}"));
            }
            futures_util::join!(close, tell_pages);
        }
        Some(tab) => {
            let move_active = async {
                if let Err(why) = browser::navigate_tab(tab, &destination).await {
                    warn(&format!("Vanish could not move the active tab: {why}"));
                }
            };
            futures_util::join!(move_active, close, tell_pages);
        }
        None => {
            futures_util::join!(close, tell_pages);
        }
    }
}

fn warn(text: &str) {
    web_warn(text);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn web_warn(text: &str);
}
