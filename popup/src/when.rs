//! When it happened: now (the default), earlier today at a time, or yesterday at a time.

use crate::clock::{hhmm, minute_of_day_now, parse_hhmm};
use crate::dom::value_of;
use crate::form::When;
use crate::i18n::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WhenPickerProps {
    pub value: When,
    pub on_change: Callback<When>,
}

/// A sensible first guess for "earlier": an hour ago today (or the same time yesterday),
/// on a quarter hour.
fn default_minute(day: &str) -> u16 {
    let now = minute_of_day_now();
    let guess = if day == "today" { now.saturating_sub(60) } else { now };
    guess - guess % 15
}

#[component(WhenPicker)]
pub fn when_picker(props: &WhenPickerProps) -> Html {
    let current = props.value;
    let on_day = props.on_change.reform(move |event: Event| {
        let day = value_of(&event);
        let minute = current.minute().unwrap_or_else(|| default_minute(&day));
        match day.as_str() {
            "today" => When::Today { minute },
            "yesterday" => When::Yesterday { minute },
            _ => When::Now,
        }
    });
    let on_time = props.on_change.reform(move |event: Event| {
        let minute = parse_hhmm(&value_of(&event));
        match (current, minute) {
            (When::Today { .. }, Some(minute)) => When::Today { minute },
            (When::Yesterday { .. }, Some(minute)) => When::Yesterday { minute },
            (unchanged, _) => unchanged,
        }
    });
    let day = match current {
        When::Now => "now",
        When::Today { .. } => "today",
        When::Yesterday { .. } => "yesterday",
    };
    let option = |value: &'static str, key: &str| html! { <option value={value} selected={day == value}>{ t(key) }</option> };
    html! {
        <div class="when">
            <label for="when-day">{ t("popup_when") }</label>
            <select autocomplete="off" id="when-day" onchange={on_day}>
                { option("now", "popup_when_now") }
                { option("today", "popup_when_today") }
                { option("yesterday", "popup_when_yesterday") }
            </select>
            if let Some(minute) = current.minute() {
                <label for="when-time" class="visually-hidden">{ t("popup_when_time") }</label>
                <input autocomplete="off" id="when-time" type="time" value={hhmm(minute)} onchange={on_time} />
            }
        </div>
    }
}
