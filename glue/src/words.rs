//! An entry's words as both pages show and read them: the vocabulary's names in the UI language,
//! and the few typed values (lists, hours of sleep) the popup's form and the options page's
//! editor must read alike, so that an entry edited in one reads the same in the other.

use crate::chrome::message;
use sotto_vault::{Quality, Region};

/// The region's name in the UI language (`region_<key>` when the locale has it).
pub fn region_label(region: &Region) -> String {
    vocabulary_label("region_", region.key(), region.label())
}

/// The quality's name in the UI language (`quality_<key>` when the locale has it).
pub fn quality_label(quality: &Quality) -> String {
    vocabulary_label("quality_", quality.key(), quality.label())
}

/// The message `{prefix}{key}` when the locale has it, otherwise the vault's English label: a
/// key from a newer version shows as written rather than blank.
fn vocabulary_label(prefix: &str, key: &str, english: &str) -> String {
    let name = format!("{prefix}{key}");
    let text = message(&name, &[]);
    if text == name { english.to_string() } else { text }
}

/// A step of a 0–10 rating as its menu reads it: "0 · very poor", "5", "10 · very good" (the
/// two ends named by the messages `low_key` and `high_key`).
pub fn scale_step(n: u8, low_key: &str, high_key: &str) -> String {
    match n {
        0 => format!("0 · {}", message(low_key, &[])),
        10 => format!("10 · {}", message(high_key, &[])),
        n => n.to_string(),
    }
}

/// "stress, bad chair ,  " → ["stress", "bad chair"].
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// What was typed for hours of sleep is not a number of hours from 0 to 24.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotHours;

/// Hours of sleep as typed ("7.5", "7,5") → minutes; `Ok(None)` when nothing was typed.
pub fn sleep_minutes(typed: &str) -> Result<Option<u16>, NotHours> {
    let typed = typed.trim().replace(',', ".");
    if typed.is_empty() {
        return Ok(None);
    }
    let hours: f64 = typed.parse().map_err(|_| NotHours)?;
    if !(0.0..=24.0).contains(&hours) {
        return Err(NotHours);
    }
    // In range 0–1440 by the check above.
    Ok(Some((hours * 60.0).round() as u16))
}

/// Minutes of sleep as hours to type over: 390 → "6.5", 400 → "6.67".
pub fn sleep_hours_text(minutes: u16) -> String {
    let text = format!("{:.2}", f64::from(minutes) / 60.0);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_commas_and_semicolons() {
        assert_eq!(split_list("stress, bad chair ;cold,  "), vec!["stress", "bad chair", "cold"]);
        assert!(split_list(" , ").is_empty());
    }

    #[test]
    fn sleep_hours_read_and_write_back() {
        assert_eq!(sleep_minutes(""), Ok(None));
        assert_eq!(sleep_minutes("6,5"), Ok(Some(390)));
        assert_eq!(sleep_minutes("25"), Err(NotHours));
        assert_eq!(sleep_minutes("lots"), Err(NotHours));
        for minutes in [0, 390, 400, 480, 1440] {
            assert_eq!(sleep_minutes(&sleep_hours_text(minutes)), Ok(Some(minutes)), "{minutes}");
        }
        assert_eq!(sleep_hours_text(390), "6.5");
        assert_eq!(sleep_hours_text(480), "8");
    }
}
