//! Vanish: lock and zeroize, discard drafts, close every Sotto page, send the active tab to the
//! user's neutral page. In that order, and from any trigger: the popup's button, the keyboard
//! command, the context-menu item, Shift ×3 in a Sotto page. Works when the worker was asleep:
//! every trigger is an event that starts it.

use crate::behaviour;
use crate::browser;
use crate::locking;
use crate::session::session;
use sotto_glue::protocol::{LockReason, WorkerEvent};

/// Runs Vanish. `trigger_tab`: the tab the command or menu click happened in, if known.
pub async fn vanish(trigger_tab: Option<i32>) {
    // Read while the lock runs: both only read, and neither may delay the lock.
    let prefs = behaviour::load();
    let active = async {
        match trigger_tab {
            Some(tab) => Some(tab),
            None => browser::active_tab_id().await.ok().flatten(),
        }
    };
    {
        let mut session = session().await;
        // Keys, decrypted data and drafts are gone before anything else happens.
        session.forget();
        locking::lock(&mut session, LockReason::Vanish).await;
    }
    let (prefs, active) = futures_util::join!(prefs, active);
    let own_tabs = browser::own_page_tabs().await.unwrap_or_default();
    let destination = prefs.vanish_destination().to_string();
    // A Sotto page that is the active tab is not closed but replaced, so the window shows the
    // neutral page rather than whatever tab lies behind it.
    let to_close: Vec<i32> = own_tabs.iter().copied().filter(|&id| Some(id) != active).collect();
    let move_active = async {
        if let Some(tab) = active {
            if let Err(why) = browser::navigate_tab(tab, &destination).await {
                warn(&format!("Vanish could not move the active tab: {why}"));
            }
        }
    };
    let close = async {
        if let Err(why) = browser::close_tabs(&to_close).await {
            warn(&format!("Vanish could not close a Sotto tab: {why}"));
        }
    };
    // The popup (not a tab) closes itself on this event.
    let tell_pages = locking::announce(WorkerEvent::Vanished);
    futures_util::join!(move_active, close, tell_pages);
}

fn warn(text: &str) {
    web_warn(text);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn web_warn(text: &str);
}
