//! Vanish from inside any Sotto page: Shift pressed three times (the GOV.UK "Exit this page"
//! convention: Shift alone, counted on release, three within 5 seconds), and closing the page
//! when the worker says Vanish ran, whoever triggered it.
//!
//! Every Sotto page calls [`install`] once at start.

use crate::client;
use crate::events;
use crate::protocol::{Request, WorkerEvent};
use wasm_bindgen::prelude::*;

/// Three Shift releases within this window vanish.
pub const WINDOW_MS: f64 = 5_000.0;
/// How many lone Shift presses vanish.
pub const PRESSES: usize = 3;

/// Counts lone Shift presses. Pure, so the convention is tested natively.
#[derive(Debug, Default, Clone)]
pub struct TripleShift {
    /// Release times of the lone Shift presses still inside the window.
    releases: Vec<f64>,
    /// Shift is down and no other key was pressed since: its release counts.
    shift_alone: bool,
}

impl TripleShift {
    /// A key went down (`key` as in `KeyboardEvent.key`).
    pub fn key_down(&mut self, key: &str, repeat: bool) {
        if key == "Shift" {
            if !repeat {
                self.shift_alone = true;
            }
        } else {
            // Shift+letter is typing a capital, not an exit: start over.
            self.shift_alone = false;
            self.releases.clear();
        }
    }

    /// A key came up at `now_ms`. True when this release is the third lone Shift in the window.
    pub fn key_up(&mut self, key: &str, now_ms: f64) -> bool {
        if key != "Shift" || !self.shift_alone {
            return false;
        }
        self.shift_alone = false;
        self.releases.retain(|&t| now_ms - t <= WINDOW_MS && now_ms >= t);
        self.releases.push(now_ms);
        if self.releases.len() >= PRESSES {
            self.releases.clear();
            return true;
        }
        false
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = window, js_name = addEventListener)]
    fn window_add_event_listener(kind: &str, listener: &Closure<dyn FnMut(JsValue)>, capture: bool);

    #[wasm_bindgen(js_namespace = window, js_name = close)]
    fn window_close();

    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

fn field(event: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(event, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Asks the worker to vanish, then closes this page (a popup must close itself; the worker also
/// closes Sotto tabs, whichever comes first).
pub fn vanish_now() {
    wasm_bindgen_futures::spawn_local(async {
        // Whatever the answer (even none: the worker may be reloading), this page goes.
        let _ = client::ask(Request::Vanish).await;
        window_close();
    });
}

/// Makes this page take part in Vanish: Shift ×3 triggers it, and the page closes itself when
/// the worker announces that Vanish ran. Call once, at the page's start.
pub fn install() {
    let counter = std::rc::Rc::new(std::cell::RefCell::new(TripleShift::default()));
    let down_counter = counter.clone();
    let down = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let key = field(&event, "key").as_string().unwrap_or_default();
        down_counter.borrow_mut().key_down(&key, field(&event, "repeat").is_truthy());
    });
    let up = Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
        let key = field(&event, "key").as_string().unwrap_or_default();
        if counter.borrow_mut().key_up(&key, performance_now()) {
            vanish_now();
        }
    });
    // Capture phase: a page's own handlers cannot swallow the presses.
    window_add_event_listener("keydown", &down, true);
    window_add_event_listener("keyup", &up, true);
    down.forget();
    up.forget();
    events::on_worker_event(|event| {
        if event == WorkerEvent::Vanished {
            window_close();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(counter: &mut TripleShift, key: &str, at: f64) -> bool {
        counter.key_down(key, false);
        counter.key_up(key, at)
    }

    #[test]
    fn three_lone_shifts_within_five_seconds_vanish() {
        let mut c = TripleShift::default();
        assert!(!press(&mut c, "Shift", 0.0));
        assert!(!press(&mut c, "Shift", 2_000.0));
        assert!(press(&mut c, "Shift", 4_900.0));
        // The count starts over after vanishing.
        assert!(!press(&mut c, "Shift", 5_000.0));
    }

    #[test]
    fn slow_presses_do_not_vanish() {
        let mut c = TripleShift::default();
        press(&mut c, "Shift", 0.0);
        press(&mut c, "Shift", 3_000.0);
        assert!(!press(&mut c, "Shift", 6_000.0), "the first press is outside the window");
        assert!(press(&mut c, "Shift", 7_000.0), "the last three are inside it");
    }

    #[test]
    fn typing_capitals_or_other_keys_starts_over() {
        let mut c = TripleShift::default();
        press(&mut c, "Shift", 0.0);
        press(&mut c, "Shift", 100.0);
        // Shift+A: a capital letter.
        c.key_down("Shift", false);
        c.key_down("A", false);
        c.key_up("A", 200.0);
        assert!(!c.key_up("Shift", 250.0));
        assert!(!press(&mut c, "Shift", 300.0));
        press(&mut c, "Shift", 400.0);
        press(&mut c, "x", 450.0);
        assert!(!press(&mut c, "Shift", 500.0), "another key in between resets the count");
    }

    #[test]
    fn a_held_shift_counts_once_and_only_on_release() {
        let mut c = TripleShift::default();
        c.key_down("Shift", false);
        c.key_down("Shift", true);
        c.key_down("Shift", true);
        assert!(!c.key_up("Shift", 0.0));
        assert!(!c.key_up("Shift", 10.0), "a release without a press does not count");
        press(&mut c, "Shift", 20.0);
        assert!(press(&mut c, "Shift", 30.0));
    }
}
