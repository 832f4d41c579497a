//! Who sent a message. The worker answers only Sotto's own extension pages, and the pages hear
//! worker events only from Sotto itself: never from content scripts (which carry our id but a web
//! page's origin and URL), never from web pages or other extensions.

use wasm_bindgen::JsValue;

/// The fields of `chrome.runtime.MessageSender` that decide whether to answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub id: Option<String>,
    pub origin: Option<String>,
    pub url: Option<String>,
}

impl Sender {
    pub fn from_js(value: &JsValue) -> Option<Sender> {
        if !value.is_object() {
            return None;
        }
        let field = |name: &str| js_sys::Reflect::get(value, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
        Some(Sender { id: field("id"), origin: field("origin"), url: field("url") })
    }

    /// True only for a page (or the worker) of the extension `extension_id` itself.
    pub fn is_own_page(&self, extension_id: &str) -> bool {
        if extension_id.is_empty() || self.id.as_deref() != Some(extension_id) {
            return false;
        }
        let own_origin = format!("chrome-extension://{extension_id}");
        let origin_ok = self.origin.as_deref().is_none_or(|o| o == own_origin);
        let url_ok = self.url.as_deref().is_some_and(|u| u.starts_with(&format!("{own_origin}/")));
        origin_ok && url_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sender(id: &str, origin: Option<&str>, url: &str) -> Sender {
        Sender { id: Some(id.into()), origin: origin.map(Into::into), url: Some(url.into()) }
    }

    #[test]
    fn own_pages_are_answered() {
        assert!(sender("abc", Some("chrome-extension://abc"), "chrome-extension://abc/popup.html").is_own_page("abc"));
        // The worker's broadcasts, as pages receive them.
        assert!(sender("abc", Some("chrome-extension://abc"), "chrome-extension://abc/background.js").is_own_page("abc"));
    }

    #[test]
    fn content_scripts_and_other_extensions_are_refused() {
        // A content script carries our id but the web page's origin and URL.
        assert!(!sender("abc", Some("https://example.org"), "https://example.org/").is_own_page("abc"));
        assert!(!sender("abc", None, "https://example.org/").is_own_page("abc"));
        assert!(!sender("other", Some("chrome-extension://other"), "chrome-extension://other/x.html").is_own_page("abc"));
        // A lookalike prefix is not our origin.
        assert!(!sender("abc", Some("chrome-extension://abcd"), "chrome-extension://abcd/popup.html").is_own_page("abc"));
        assert!(!sender("abc", None, "chrome-extension://abc/x").is_own_page(""));
    }
}
