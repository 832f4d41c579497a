//! When it happened: now (the default), earlier today at a time, or yesterday at a time.

use crate::clock::{hhmm, minute_of_day_now, parse_hhmm};
use crate::dom::value_of;
use crate::form::{Day, FormEdit, When};
use crate::i18n::t;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WhenPickerProps {
    pub value: When,
    pub on_edit: Callback<FormEdit>,
}

/// A sensible first guess for "earlier": an hour ago today (or the same time yesterday),
/// on a quarter hour.
fn default_minute(day: Day) -> u16 {
    let now = minute_of_day_now();
    let guess = if day == Day::Today { now.saturating_sub(60) } else { now };
    guess - guess % 15
}

#[component(WhenPicker)]
pub fn when_picker(props: &WhenPickerProps) -> Html {
    let current = props.value;
    let time_input = use_node_ref();
    // The time field is written only when the form's time changes (a restored draft, Undo), never
    // on every render: while someone is typing a time, the field holds half a value ("--:30")
    // that the form cannot, and a render in between must not put the old time back.
    {
        let time_input = time_input.clone();
        use_effect_with(current.minute(), move |minute| {
            if let (Some(input), Some(minute)) = (time_input.cast::<HtmlInputElement>(), *minute)
                && parse_hhmm(&input.value()) != Some(minute)
            {
                input.set_value(&hhmm(minute));
            }
        });
    }
    // Each edit says what the person did; the form applies it to itself as it is by then.
    let on_day = props.on_edit.reform(|event: Event| {
        let day = match value_of(&event).as_str() {
            "today" => Day::Today,
            "yesterday" => Day::Yesterday,
            _ => Day::Now,
        };
        FormEdit::WhenDay { day, default_minute: default_minute(day) }
    });
    // Half a time typed so far reads as nothing: the form keeps its time until the field holds a
    // whole one. Both events: `input` as each part is typed, `change` for the browser's own picker.
    let time_edit = {
        let on_edit = props.on_edit.clone();
        move |event: &Event| {
            if let Some(minute) = parse_hhmm(&value_of(event)) {
                on_edit.emit(FormEdit::WhenTime(minute));
            }
        }
    };
    let on_time_input = Callback::from({
        let time_edit = time_edit.clone();
        move |event: InputEvent| time_edit(&event)
    });
    let on_time_change = Callback::from(move |event: Event| time_edit(&event));
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
            if current.minute().is_some() {
                <label for="when-time" class="visually-hidden">{ t("popup_when_time") }</label>
                <input autocomplete="off" id="when-time" type="time" ref={time_input} oninput={on_time_input} onchange={on_time_change} />
            }
        </div>
    }
}
