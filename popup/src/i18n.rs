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

/// A label by vocabulary key: the message `{prefix}_{key}` when the locale has it, otherwise the
/// vault's English label (a key from a newer version shows as written rather than blank).
fn vocabulary_label(prefix: &str, key: &str, english: &str) -> String {
    let name = format!("{prefix}_{key}");
    let text = message(&name, &[]);
    if text == name { english.to_string() } else { text }
}

pub fn region_label(key: &str) -> String {
    let region = Region::from_key(key);
    vocabulary_label("region", key, region.label())
}

pub fn quality_label(key: &str) -> String {
    let quality = Quality::from_key(key);
    vocabulary_label("quality", key, quality.label())
}
