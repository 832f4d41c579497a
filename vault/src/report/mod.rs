//! Reports for people: CSV for spreadsheets (and clinicians), JSON for other programs.

pub mod csv;

use crate::calendar::{civil_from_days, local_day};
use crate::entry::Entry;

/// Local date `YYYY-MM-DD` and time `HH:MM` of an instant at a UTC offset.
pub fn local_date_time(utc_ms: i64, offset_minutes: i16) -> (String, String) {
    let day = local_day(utc_ms, offset_minutes);
    let d = civil_from_days(day);
    let ms_in_day = utc_ms.saturating_add(i64::from(offset_minutes) * 60_000).rem_euclid(86_400_000);
    let minutes = ms_in_day / 60_000;
    (format!("{:04}-{:02}-{:02}", d.year, d.month, d.day), format!("{:02}:{:02}", minutes / 60, minutes % 60))
}

/// `UTC+01:00` style.
pub fn offset_label(offset_minutes: i16) -> String {
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("UTC{sign}{:02}:{:02}", m / 60, m % 60)
}

/// Entries as pretty JSON (the entry JSON of docs/format.md §6), live entries only.
pub fn entries_json(entries: &[Entry]) -> String {
    let live: Vec<&Entry> = entries.iter().filter(|e| !e.deleted).collect();
    serde_json::to_string_pretty(&live).unwrap_or_else(|_| "[]".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times() {
        // 2026-03-08T23:30:00Z
        let ms = crate::calendar::days_from_civil(2026, 3, 8) * 86_400_000 + (23 * 60 + 30) * 60_000;
        assert_eq!(local_date_time(ms, 60), ("2026-03-09".into(), "00:30".into()));
        assert_eq!(local_date_time(ms, -300), ("2026-03-08".into(), "18:30".into()));
        assert_eq!(offset_label(-330), "UTC-05:30");
        assert_eq!(offset_label(60), "UTC+01:00");
    }
}
