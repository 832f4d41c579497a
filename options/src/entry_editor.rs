//! The entry editor: every field the popup can set (when, pain or no pain, where, what it feels
//! like, medication, triggers, sleep, mood, interference, the note) and the tags. The form's
//! logic is `entry_form.rs`; this draws it and sends the change.

use std::rc::Rc;

use sotto_glue::protocol::{Entry, Request, Response};
use sotto_vault::{Quality, Region};
use yew::prelude::*;

use crate::entry_form::{EntryForm, FormEdit};
use crate::ui::{Answer, quality_label, region_label, request, t, unexpected};
use crate::web::{event_checked, event_value};

#[derive(Clone, PartialEq, Properties)]
pub struct EditorProps {
    pub entry: Entry,
    pub on_done: Callback<Result<String, String>>,
    pub on_cancel: Callback<()>,
    pub on_locked: Callback<()>,
}

/// A reducer rather than a state: two edits between renders (a click, then a key) must both land.
#[derive(Clone, PartialEq)]
struct Form(EntryForm);

impl Reducible for Form {
    type Action = FormEdit;
    fn reduce(self: Rc<Self>, edit: FormEdit) -> Rc<Self> {
        let mut next = (*self).clone();
        next.0.apply(edit);
        Rc::new(next)
    }
}

/// A group of boxes to tick, one per word of the vocabulary, ticked ones as the entry has them.
fn choices(id: &str, legend: &str, all: Vec<(String, String)>, chosen: &[String], on_toggle: Callback<String>) -> Html {
    html! {
        <fieldset class="choices wide" id={id.to_string()}>
            <legend>{ legend }</legend>
            <div class="choice-grid">
                { for all.into_iter().map(|(key, label)| {
                    let checked = chosen.contains(&key);
                    let toggle = { let key = key.clone(); on_toggle.reform(move |_: Event| key.clone()) };
                    html! {
                        <label class={classes!("choice-chip", checked.then_some("checked"))} key={key.clone()}>
                            <input autocomplete="off" type="checkbox" value={key} checked={checked} onchange={toggle} />
                            { label }
                        </label>
                    }
                }) }
            </div>
        </fieldset>
    }
}

/// A 0–10 rating that may be left unrecorded (zero is a value, never "blank"); the popup's words.
fn scale(id: String, label_key: &str, (low_key, high_key): (&str, &str), value: Option<u8>, on_change: Callback<Option<u8>>) -> Html {
    let onchange = on_change.reform(|e: Event| event_value(&e).parse::<u8>().ok());
    let option = |n: u8| {
        html! { <option value={n.to_string()} selected={value == Some(n)}>{ sotto_glue::words::scale_step(n, low_key, high_key) }</option> }
    };
    html! {
        <div class="field">
            <label for={id.clone()}>{ t(label_key) }</label>
            <select autocomplete="off" id={id} onchange={onchange}>
                <option value="" selected={value.is_none()}>{ t("popup_not_recorded") }</option>
                { for (0..=10).map(option) }
            </select>
        </div>
    }
}

#[function_component(EntryEditor)]
pub fn entry_editor(props: &EditorProps) -> Html {
    let e = &props.entry;
    let form = use_reducer(|| Form(EntryForm::from_entry(&props.entry)));
    let problem = use_state(|| None::<String>);
    let saving = use_state(|| false);
    let edit = |make: fn(String) -> FormEdit| {
        let form = form.dispatcher();
        Callback::from(move |e: InputEvent| form.dispatch(make(event_value(&e))))
    };
    let onsubmit = {
        let (previous, form, problem, saving, on_done, on_locked) =
            (e.clone(), form.clone(), problem.clone(), saving.clone(), props.on_done.clone(), props.on_locked.clone());
        Callback::from(move |ev: SubmitEvent| {
            ev.prevent_default();
            if *saving {
                return;
            }
            let edited = match form.0.to_entry(&previous) {
                Ok(edited) => edited,
                Err(why) => return problem.set(Some(t(why.message_key()))),
            };
            problem.set(None);
            saving.set(true);
            let (previous, on_done, on_locked, problem, saving) =
                (previous.clone(), on_done.clone(), on_locked.clone(), problem.clone(), saving.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let failed = match request(Request::UpdateEntry { previous, edited }, &on_locked).await {
                    Answer::Got(Response::EntrySaved { .. }) => return on_done.emit(Ok(t("options_saved_entry"))),
                    Answer::Got(other) => unexpected(&other),
                    Answer::Locked => t("options_locked_meanwhile"),
                    Answer::Failed { text, .. } => text,
                };
                saving.set(false);
                problem.set(Some(failed));
            });
        })
    };
    let cancel = props.on_cancel.reform(|_: MouseEvent| ());
    let id = e.id.to_string();
    let f = &form.0;
    let regions = Region::ALL.iter().map(|r| (r.key().to_string(), region_label(r))).collect();
    let qualities = Quality::ALL.iter().map(|q| (q.key().to_string(), quality_label(q))).collect();
    let dispatcher = form.dispatcher();
    let to_form = dispatcher.to_callback();
    let medication_rows = f.medications.iter().enumerate().map(|(at, m)| {
        let name_id = format!("edit-med-name-{id}-{at}");
        let dose_id = format!("edit-med-dose-{id}-{at}");
        let on_name = dispatcher.clone();
        let on_dose = dispatcher.clone();
        let on_remove = dispatcher.clone();
        html! {
            <div class="medication-row" key={at}>
                <div class="field">
                    <label for={name_id.clone()}>{ t("popup_medication_name") }</label>
                    <input autocomplete="off" id={name_id} type="text" value={m.name.clone()}
                        oninput={Callback::from(move |e: InputEvent| on_name.dispatch(FormEdit::MedicationName(at, event_value(&e))))} />
                </div>
                <div class="field">
                    <label for={dose_id.clone()}>{ t("popup_medication_dose") }</label>
                    <input autocomplete="off" id={dose_id} type="text" value={m.dose.clone()}
                        oninput={Callback::from(move |e: InputEvent| on_dose.dispatch(FormEdit::MedicationDose(at, event_value(&e))))} />
                </div>
                <button type="button" class="secondary" aria-label={crate::ui::tf("options_edit_remove_medication", &[&m.name])}
                    onclick={Callback::from(move |_| on_remove.dispatch(FormEdit::RemoveMedication(at)))}>{ t("options_edit_remove") }</button>
            </div>
        }
    });
    let field_id = |what: &str| format!("edit-{what}-{id}");
    html! {
        <form class="editor" onsubmit={onsubmit} aria-label={t("options_edit_heading")}>
            <div class="field">
                <label for={field_id("date")}>{ t("options_edit_date") }</label>
                <input autocomplete="off" id={field_id("date")} type="date" value={f.date.clone()} oninput={edit(FormEdit::Date)} required=true />
            </div>
            <div class="field">
                <label for={field_id("time")}>{ t("options_edit_time") }</label>
                <input autocomplete="off" id={field_id("time")} type="time" value={f.time.clone()} oninput={edit(FormEdit::Time)} required=true />
            </div>
            <div class="field">
                <label for={field_id("intensity")}>{ t("options_edit_intensity") }</label>
                <input autocomplete="off" id={field_id("intensity")} type="number" min="0" max="10" step="1" disabled={f.no_pain}
                    value={f.intensity.clone()} oninput={edit(FormEdit::Intensity)} required=true />
            </div>
            <div class="field no-pain">
                <label class="choice">
                    <input autocomplete="off" id={field_id("no-pain")} type="checkbox" checked={f.no_pain}
                        onchange={{ let d = dispatcher.clone(); Callback::from(move |e: Event| d.dispatch(FormEdit::NoPain(event_checked(&e)))) }} />
                    { t("options_no_pain") }
                </label>
            </div>
            { choices(&field_id("regions"), &t("popup_where"), regions, &f.regions, to_form.reform(FormEdit::ToggleRegion)) }
            { choices(&field_id("qualities"), &t("popup_feels_like"), qualities, &f.qualities, to_form.reform(FormEdit::ToggleQuality)) }
            <fieldset class="medications wide">
                <legend>{ t("popup_extra_medication") }</legend>
                { for medication_rows }
                <button type="button" class="secondary" onclick={{ let d = dispatcher.clone(); Callback::from(move |_| d.dispatch(FormEdit::AddMedication)) }}>
                    { t("options_edit_add_medication") }
                </button>
            </fieldset>
            <div class="field wide">
                <label for={field_id("triggers")}>{ t("popup_extra_triggers") }</label>
                <input autocomplete="off" id={field_id("triggers")} type="text" value={f.triggers.clone()} oninput={edit(FormEdit::Triggers)}
                    aria-describedby={field_id("triggers-hint")} />
                <p class="hint" id={field_id("triggers-hint")}>{ t("popup_triggers_hint") }</p>
            </div>
            <fieldset class="wide pair">
                <legend>{ t("popup_extra_sleep") }</legend>
                <div class="field">
                    <label for={field_id("sleep-hours")}>{ t("popup_sleep_hours") }</label>
                    <input autocomplete="off" id={field_id("sleep-hours")} type="text" inputmode="decimal" value={f.sleep_hours.clone()} oninput={edit(FormEdit::SleepHours)} />
                </div>
                { scale(field_id("sleep-quality"), "popup_sleep_quality", ("popup_sleep_quality_low", "popup_sleep_quality_high"),
                    f.sleep_quality, to_form.reform(FormEdit::SleepQuality)) }
            </fieldset>
            <div class="wide pair">
                { scale(field_id("mood"), "popup_extra_mood", ("popup_mood_low", "popup_mood_high"), f.mood, to_form.reform(FormEdit::Mood)) }
                { scale(field_id("interference"), "popup_extra_interference", ("popup_interference_low", "popup_interference_high"),
                    f.interference, to_form.reform(FormEdit::Interference)) }
            </div>
            <div class="field wide">
                <label for={field_id("note")}>{ t("options_edit_note") }</label>
                <textarea autocomplete="off" id={field_id("note")} rows="4" value={f.note.clone()} oninput={edit(FormEdit::Note)} />
            </div>
            <div class="field wide">
                <label for={field_id("tags")}>{ t("options_edit_tags") }</label>
                <input autocomplete="off" id={field_id("tags")} type="text" value={f.tags.clone()} oninput={edit(FormEdit::Tags)} />
            </div>
            if let Some(why) = &*problem { <p class="error wide" role="alert">{ why.clone() }</p> }
            <div class="actions wide">
                <button type="submit" disabled={*saving}>{ t("options_edit_save") }</button>
                <button type="button" class="secondary" onclick={cancel}>{ t("options_edit_cancel") }</button>
            </div>
        </form>
    }
}
