//! Every word the popup shows comes from `_locales/*/messages.json` through `chrome.i18n`.

use sotto_glue::chrome::message;
use sotto_vault::{Quality, Region};

/// The message `key`.
pub fn t(key: &str) -> String {
    message(key, &[])
}

/// The message `key` with `$1` replaced.
pub fn t1(key: &str, first: &str) -> String {
    message(key, &[first])
}

/// The message `key` with `$1` and `$2` replaced.
pub fn t2(key: &str, first: &str, second: &str) -> String {
    message(key, &[first, second])
}

/// A region's name by its key (the popup's chips work with keys).
pub fn region_label(key: &str) -> String {
    sotto_glue::words::region_label(&Region::from_key(key))
}

pub fn quality_label(key: &str) -> String {
    sotto_glue::words::quality_label(&Quality::from_key(key))
}
