//! The encrypted settings record. Missing fields take their defaults; unknown fields written by a
//! newer version are kept and written back.

use serde::Serialize;
use serde_json::{Map, Value};

fn yes() -> bool {
    true
}
fn five() -> u32 {
    5
}
/// GOV.UK's wording for the same control: says what it does, says nothing about health.
fn default_context_menu_label() -> String {
    "Exit this page".to_string()
}

/// User settings. Field names are the JSON keys (docs/format.md §3.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Lock this many minutes after the last request that used the vault (0: never by this rule).
    pub auto_lock_minutes: u32,
    /// Also lock when the computer has been idle (no input at all) for `idle_minutes`;
    /// a locked screen always locks.
    pub lock_on_idle: bool,
    pub idle_minutes: u32,
    /// Strict mode: the key lives only in the worker's memory, never in the browser's session
    /// storage, so the browser evicting the idle worker (after ~30 s) locks the journal.
    pub strict_mode: bool,
    /// Where Vanish sends the active tab (`http(s)` only; empty: the default neutral page).
    pub vanish_url: String,
    pub context_menu_enabled: bool,
    /// The wording of the Vanish item in every page's context menu; editable, so it can read as
    /// anything the user likes.
    pub context_menu_label: String,
    /// Neutral name and icon in the toolbar.
    pub discreet_mode: bool,
    /// Optional features the user turned on, by key.
    pub used_extras: Vec<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

crate::keep_unknown::deserialize_keeping_unknown! {
    Settings, "Sotto's settings (a JSON object)",
    required {}
    optional {
        auto_lock_minutes: u32 = five(), lock_on_idle: bool = yes(), idle_minutes: u32 = five(), strict_mode: bool,
        vanish_url: String, context_menu_enabled: bool = yes(), context_menu_label: String = default_context_menu_label(),
        discreet_mode: bool, used_extras: Vec<String>,
    }
}

impl Default for Settings {
    fn default() -> Self {
        // Deserializing an empty object applies every serde default in one place.
        serde_json::from_str("{}").unwrap_or_else(|_| Settings {
            auto_lock_minutes: 5,
            lock_on_idle: true,
            idle_minutes: 5,
            strict_mode: false,
            vanish_url: String::new(),
            context_menu_enabled: true,
            context_menu_label: default_context_menu_label(),
            discreet_mode: false,
            used_extras: Vec::new(),
            extra: Map::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_unknown_fields() {
        let s = Settings::default();
        assert_eq!(s.auto_lock_minutes, 5);
        assert!(s.lock_on_idle);
        assert!(!s.strict_mode);
        let s: Settings = serde_json::from_str(r#"{"strict_mode":true,"theme":"dark"}"#).unwrap();
        assert!(s.strict_mode);
        assert_eq!(s.auto_lock_minutes, 5);
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["theme"], "dark");
    }
}
