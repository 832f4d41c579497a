//! The local clock and calendar, through the browser's `Date` and `Intl` (no time-zone data in
//! the Wasm). Entry times are shown in the UTC offset they were logged with, so a day stays the
//! day it was, whatever zone the user is in today.

use crate::form::{FormProblem, When};
use js_sys::{Date, Object, Reflect};
use sotto_glue::chrome;
use wasm_bindgen::JsValue;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

pub fn now_ms() -> i64 {
    Date::now() as i64
}

fn date_at(ms: i64) -> Date {
    Date::new(&JsValue::from_f64(ms as f64))
}

/// The local UTC offset at that instant, minutes east of UTC (what entries store).
pub fn offset_at(ms: i64) -> i16 {
    // getTimezoneOffset is minutes *west*; real offsets are within ±14 h, so this always fits.
    (-date_at(ms).get_timezone_offset()) as i16
}

/// Minutes since local midnight, now.
pub fn minute_of_day_now() -> u16 {
    let now = Date::new_0();
    (now.get_hours() * 60 + now.get_minutes()) as u16
}

/// The instant and offset the user meant by `when`, or why it cannot be (a time still to come).
pub fn resolve(when: When, now: i64) -> Result<(i64, i16), FormProblem> {
    let (minute, days_back) = match when {
        When::Now => return Ok((now, offset_at(now))),
        When::Today { minute } => (minute, 0),
        When::Yesterday { minute } => (minute, 1),
    };
    let date = date_at(now);
    // setDate(0) is the last day of the previous month: JS does the calendar arithmetic.
    date.set_date(date.get_date() - days_back);
    date.set_hours(u32::from(minute / 60));
    date.set_minutes(u32::from(minute % 60));
    date.set_seconds(0);
    date.set_milliseconds(0);
    let at = date.get_time() as i64;
    if at > now + MINUTE_MS {
        return Err(FormProblem::TimeInTheFuture);
    }
    Ok((at, offset_at(at)))
}

/// The local day number of an instant in a given offset (days since 1970-01-01 there).
pub fn day_number(ms: i64, offset_minutes: i16) -> i64 {
    (ms + i64::from(offset_minutes) * MINUTE_MS).div_euclid(DAY_MS)
}

fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    object.into()
}

/// "14:30" (or "2:30 PM", as the user's language writes it) for an instant shown in `offset_minutes`.
pub fn time_text(ms: i64, offset_minutes: i16) -> String {
    // Shift to the wall-clock time of that offset, then format it as UTC.
    let shifted = date_at(ms + i64::from(offset_minutes) * MINUTE_MS);
    shifted
        .to_locale_time_string_with_options(&chrome::ui_language(), &options(&[("hour", "numeric"), ("minute", "2-digit"), ("timeZone", "UTC")]))
        .into()
}

/// "Today 14:30", "Yesterday 09:10", "Tue 03:12", or "Tue 3 Mar 03:12" for older ones.
pub fn day_and_time(ms: i64, offset_minutes: i16, now: i64) -> String {
    let time = time_text(ms, offset_minutes);
    let days_ago = day_number(now, offset_at(now)) - day_number(ms, offset_minutes);
    match days_ago {
        0 => crate::i18n::t1("popup_day_today", &time),
        1 => crate::i18n::t1("popup_day_yesterday", &time),
        _ => {
            let shifted = date_at(ms + i64::from(offset_minutes) * MINUTE_MS);
            let day_fields: &[(&str, &str)] = if (2..7).contains(&days_ago) {
                &[("weekday", "short"), ("timeZone", "UTC")]
            } else {
                &[("weekday", "short"), ("day", "numeric"), ("month", "short"), ("timeZone", "UTC")]
            };
            let day: String = shifted.to_locale_date_string(&chrome::ui_language(), &options(day_fields)).into();
            format!("{day} {time}")
        }
    }
}

/// "14:05" for an `<input type="time">`.
pub fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Reads an `<input type="time">` value ("14:05", or "14:05:00").
pub fn parse_hhmm(text: &str) -> Option<u16> {
    let mut parts = text.split(':');
    let hours: u16 = parts.next()?.parse().ok()?;
    let minutes: u16 = parts.next()?.parse().ok()?;
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_fields_round_trip() {
        assert_eq!(parse_hhmm("14:05"), Some(845));
        assert_eq!(parse_hhmm("00:00:00"), Some(0));
        assert_eq!(parse_hhmm("24:00"), None);
        assert_eq!(parse_hhmm(""), None);
        assert_eq!(hhmm(845), "14:05");
    }

    #[test]
    fn days_follow_the_stored_offset() {
        // 2026-03-03T23:30Z is already the 4th in UTC+1.
        let at = 1_772_580_600_000;
        assert_eq!(day_number(at, 60) - day_number(at, 0), 1);
        assert_eq!(day_number(-1, 0), -1);
    }
}
