//! The extras behind "More": medication taken, triggers, sleep, mood, interference. The ones this
//! user has used before stay open (remembered in the vault's settings, `used_extras`).

use crate::dom::value_of;
use crate::form::{FormEdit, LogForm};
use crate::i18n::t;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExtrasProps {
    pub form: LogForm,
    /// Which extras to show, by key (`form::EXTRAS`), in that order.
    pub shown: Vec<&'static str>,
    /// Medication names from recent entries, offered as suggestions.
    pub recent_medications: Vec<String>,
    pub on_edit: Callback<FormEdit>,
}

/// A 0–10 rating that may also be left unrecorded (zero is a value, never "blank").
fn scale_select(id: &'static str, label_key: &str, low_key: &str, high_key: &str, value: Option<u8>, on_change: Callback<Option<u8>>) -> Html {
    let onchange = on_change.reform(|event: Event| value_of(&event).parse::<u8>().ok());
    let option = |n: u8| {
        html! { <option value={n.to_string()} selected={value == Some(n)}>{ sotto_glue::words::scale_step(n, low_key, high_key) }</option> }
    };
    html! {
        <div class="field compact">
            <label for={id}>{ t(label_key) }</label>
            <select autocomplete="off" id={id} onchange={onchange}>
                <option value="" selected={value.is_none()}>{ t("popup_not_recorded") }</option>
                { for (0..=10).map(option) }
            </select>
        </div>
    }
}

fn text_field(id: &'static str, label_key: &str, value: &str, edit: fn(String) -> FormEdit, on_edit: &Callback<FormEdit>, extra: Html) -> Html {
    html! {
        <div class="field compact">
            <label for={id}>{ t(label_key) }</label>
            <input autocomplete="off" id={id} type="text" value={value.to_string()} oninput={on_edit.reform(move |e: InputEvent| edit(value_of(&e)))} />
            { extra }
        </div>
    }
}

#[component(Extras)]
pub fn extras(props: &ExtrasProps) -> Html {
    let form = &props.form;
    let on_edit = &props.on_edit;
    let section = |key: &str| -> Html {
        match key {
            "medication" => html! {
                <fieldset class="extra" key="medication">
                    <legend>{ t("popup_extra_medication") }</legend>
                    <div class="pair">
                        <div class="field compact">
                            <label for="extra-medication">{ t("popup_medication_name") }</label>
                            <input autocomplete="off" id="extra-medication" type="text" list="recent-medications" value={form.medication.clone()}
                                oninput={on_edit.reform(|e: InputEvent| FormEdit::Medication(value_of(&e)))} />
                            <datalist id="recent-medications">
                                { for props.recent_medications.iter().map(|m| html! { <option value={m.clone()} /> }) }
                            </datalist>
                        </div>
                        { text_field("extra-dose", "popup_medication_dose", &form.dose, FormEdit::Dose, on_edit, html! {}) }
                    </div>
                </fieldset>
            },
            "triggers" => html! {
                <div class="extra" key="triggers">
                    { text_field("extra-triggers", "popup_extra_triggers", &form.triggers, FormEdit::Triggers, on_edit,
                        html! { <p class="field-hint">{ t("popup_triggers_hint") }</p> }) }
                </div>
            },
            "sleep" => html! {
                <fieldset class="extra" key="sleep">
                    <legend>{ t("popup_extra_sleep") }</legend>
                    <div class="pair even">
                        <div class="field compact">
                            <label for="extra-sleep-hours">{ t("popup_sleep_hours") }</label>
                            <input autocomplete="off" id="extra-sleep-hours" type="text" inputmode="decimal" value={form.sleep_hours.clone()}
                                oninput={on_edit.reform(|e: InputEvent| FormEdit::SleepHours(value_of(&e)))} />
                        </div>
                        { scale_select("extra-sleep-quality", "popup_sleep_quality", "popup_sleep_quality_low", "popup_sleep_quality_high",
                            form.sleep_quality, on_edit.reform(FormEdit::SleepQuality)) }
                    </div>
                </fieldset>
            },
            "mood" => html! {
                <div class="extra" key="mood">
                    { scale_select("extra-mood", "popup_extra_mood", "popup_mood_low", "popup_mood_high", form.mood, on_edit.reform(FormEdit::Mood)) }
                </div>
            },
            "interference" => html! {
                <div class="extra" key="interference">
                    { scale_select("extra-interference", "popup_extra_interference", "popup_interference_low", "popup_interference_high",
                        form.interference, on_edit.reform(FormEdit::Interference)) }
                </div>
            },
            _ => html! {},
        }
    };
    html! {
        <div class="extras">
            { for props.shown.iter().map(|key| section(key)) }
        </div>
    }
}
