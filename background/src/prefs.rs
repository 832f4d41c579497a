//! The behaviour preferences: the few settings Sotto needs while the journal is LOCKED and
//! after a browser restart (before any passphrase), so they cannot live only in the encrypted
//! settings. Kept in the clear in `chrome.storage.local` under [`PREFS_KEY`], and rewritten from
//! the encrypted settings at every unlock and every settings change.
//!
//! What it holds, exactly, and nothing else: the Vanish destination URL, whether the
//! context-menu item is shown and its label, and whether discreet mode is on. Nothing about
//! health, no entry, no time of use, nothing the user wrote about themselves. (The label is
//! shown on every page's context menu anyway; the URL is where the user chose to be seen.)

use serde::{Deserialize, Serialize};
use sotto_vault::Settings;

/// The `chrome.storage.local` key of the record (the vault's own keys all start with `v:`).
pub const PREFS_KEY: &str = "behaviour_prefs";

/// Where Vanish sends the tab unless the user chose another page. Wikipedia's portal is one of
/// the most visited pages on the web, identical for everyone (no account, no feed, no location,
/// no history), carries no ads, and is unremarkable on anyone's screen. A new-tab page is not
/// neutral: it shows the user's most visited sites.
pub const DEFAULT_VANISH_URL: &str = "https://www.wikipedia.org/";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviourPrefs {
    pub vanish_url: String,
    pub context_menu_enabled: bool,
    pub context_menu_label: String,
    pub discreet_mode: bool,
}

impl Default for BehaviourPrefs {
    fn default() -> Self {
        BehaviourPrefs::from_settings(&Settings::default())
    }
}

impl BehaviourPrefs {
    pub fn from_settings(settings: &Settings) -> BehaviourPrefs {
        BehaviourPrefs {
            vanish_url: settings.vanish_url.trim().to_string(),
            context_menu_enabled: settings.context_menu_enabled,
            context_menu_label: settings.context_menu_label.trim().to_string(),
            discreet_mode: settings.discreet_mode,
        }
    }

    /// The page Vanish opens: the user's choice if it is an ordinary web page, else the default.
    /// Only `https:`/`http:` are accepted: a `javascript:` or extension URL must never run from
    /// here, and an empty setting means "the default".
    pub fn vanish_destination(&self) -> &str {
        let url = self.vanish_url.as_str();
        let lower = url.to_ascii_lowercase();
        let web = lower.starts_with("https://") || lower.starts_with("http://");
        let clean = url.len() <= 2048 && !url.chars().any(|c| c.is_whitespace() || c.is_control());
        if web && clean && url.len() > "https://".len() { url } else { DEFAULT_VANISH_URL }
    }

    /// The context-menu label; never blank (Chrome refuses an empty title).
    pub fn menu_label(&self) -> String {
        let label: String = self.context_menu_label.chars().filter(|c| !c.is_control()).take(80).collect();
        if label.trim().is_empty() { Settings::default().context_menu_label } else { label }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_pages_are_vanish_destinations() {
        let with = |url: &str| BehaviourPrefs { vanish_url: url.into(), ..BehaviourPrefs::default() };
        assert_eq!(BehaviourPrefs::default().vanish_destination(), DEFAULT_VANISH_URL);
        assert_eq!(with("https://news.example.org/weather").vanish_destination(), "https://news.example.org/weather");
        for bad in ["javascript:alert(1)", "chrome-extension://x/options.html", "data:text/html,x", "https://", "https://a b", "ftp://x"] {
            assert_eq!(with(bad).vanish_destination(), DEFAULT_VANISH_URL, "{bad}");
        }
    }

    #[test]
    fn the_record_holds_only_behaviour() {
        let settings = Settings { vanish_url: " https://example.org/ ".into(), discreet_mode: true, ..Settings::default() };
        let prefs = BehaviourPrefs::from_settings(&settings);
        let json = serde_json::to_value(&prefs).unwrap();
        let mut keys: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["context_menu_enabled", "context_menu_label", "discreet_mode", "vanish_url"]);
        assert_eq!(prefs.vanish_url, "https://example.org/");
        assert!(!BehaviourPrefs { context_menu_label: "  ".into(), ..prefs }.menu_label().trim().is_empty());
    }
}
