//! Local days and date text for the options page, in plain Rust (tested natively).
//!
//! An entry belongs to the local day its own UTC offset gives it, so a journal kept across time
//! zones never moves a day. Ranges the user picks are whole local days at the page's offset now.

use sotto_glue::protocol::Entry;
use sotto_vault::calendar::{civil_from_days, days_from_civil, local_day};

pub const MS_PER_DAY: i64 = 86_400_000;

/// Days since 1970-01-01 of the entry's local date.
pub fn entry_day(entry: &Entry) -> i64 {
    local_day(entry.occurred_at, entry.utc_offset_minutes)
}

/// `YYYY-MM-DD` (the value format of `<input type=date>`).
pub fn iso_date(day: i64) -> String {
    let d = civil_from_days(day);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// The day of a `YYYY-MM-DD` text; `None` for anything else (an empty date input included).
pub fn parse_iso_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || !(1900..2200).contains(&year) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // 31 February is not a date: it must round-trip.
    (civil_from_days(days) == sotto_vault::calendar::LocalDate { year, month, day }).then_some(days)
}

/// The UTC instant at which local day `day` starts for someone at `offset_minutes`.
pub fn day_start_ms(day: i64, offset_minutes: i16) -> i64 {
    day * MS_PER_DAY - i64::from(offset_minutes) * 60_000
}

/// Local `HH:MM` of an entry.
pub fn entry_time(entry: &Entry) -> String {
    sotto_vault::report::local_date_time(entry.occurred_at, entry.utc_offset_minutes).1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_reject_nonsense() {
        let day = parse_iso_date("2026-11-23").unwrap();
        assert_eq!(iso_date(day), "2026-11-23");
        assert_eq!(parse_iso_date("2026-02-31"), None);
        assert_eq!(parse_iso_date(""), None);
        assert_eq!(parse_iso_date("2026-13-01"), None);
        assert_eq!(parse_iso_date("1970-01-01"), Some(0));
    }

    #[test]
    fn an_entry_keeps_its_own_local_day() {
        // 2026-03-08T23:30Z is 9 March in Paris (+60) and 8 March in New York (-300).
        let ms = day_start_ms(parse_iso_date("2026-03-08").unwrap(), 0) + (23 * 60 + 30) * 60_000;
        let id = sotto_glue::protocol::EntryId::from_bytes([1; 16]);
        let paris = Entry::new(id, ms, 60, 3);
        let new_york = Entry::new(id, ms, -300, 3);
        assert_eq!(iso_date(entry_day(&paris)), "2026-03-09");
        assert_eq!(iso_date(entry_day(&new_york)), "2026-03-08");
        assert_eq!(entry_time(&paris), "00:30");
        assert_eq!(day_start_ms(0, 60), -3_600_000);
    }
}
