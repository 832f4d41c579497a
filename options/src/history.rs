//! History: entries by day, filtered by date range, region, quality, tag and text; edit and
//! delete (with confirmation; the worker leaves a tombstone).

use sotto_glue::protocol::{Entry, EntryId, EntryQuery, Request, Response};
use sotto_vault::{Quality, Region};
use yew::prelude::*;

use crate::SectionProps;
use crate::dates::{day_start_ms, entry_day, entry_time, iso_date, parse_iso_date};
use crate::entry_editor::EntryEditor;
use crate::ui::{Answer, outcome_view, quality_label, region_label, request, t, tf, unexpected};
use sotto_glue::wording::problem_texts;
use crate::web::{event_value, local_offset_minutes, long_date, today};

#[derive(Clone, PartialEq)]
struct Filters {
    from: String,
    to: String,
    region: String,
    quality: String,
    tag: String,
    text: String,
}

impl Filters {
    fn query(&self) -> EntryQuery {
        let offset = local_offset_minutes();
        let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
        EntryQuery {
            from_ms: parse_iso_date(&self.from).map(|d| day_start_ms(d, offset)),
            // Through the end of the "to" day.
            to_ms: parse_iso_date(&self.to).map(|d| day_start_ms(d + 1, offset)),
            limit: None,
            region: some(&self.region),
            quality: some(&self.quality),
            tag: some(&self.tag),
            text: some(&self.text),
        }
    }
}

#[function_component(History)]
pub fn history(props: &SectionProps) -> Html {
    let filters = use_state(|| Filters {
        from: iso_date(today() - 29),
        to: iso_date(today()),
        region: String::new(),
        quality: String::new(),
        tag: String::new(),
        text: String::new(),
    });
    let entries = use_state(|| None::<Result<Vec<Entry>, String>>);
    let unreadable = use_state(Vec::<String>::new);
    let editing = use_state(|| None::<EntryId>);
    let confirming = use_state(|| None::<EntryId>);
    let notice = use_state(|| None::<Result<String, String>>);
    let reload = use_state(|| 0u32);
    {
        let (entries, unreadable, on_locked) = (entries.clone(), unreadable.clone(), props.on_locked.clone());
        use_effect_with(((*filters).clone(), props.journal_version, *reload), move |(filters, _, _)| {
            let query = filters.query();
            wasm_bindgen_futures::spawn_local(async move {
                match request(Request::ListEntries { query }, &on_locked).await {
                    Answer::Got(Response::Entries { entries: got, unreadable: bad, unreadable_wordings }) => {
                        let bad = problem_texts(bad, &unreadable_wordings);
                        entries.set(Some(Ok(got)));
                        unreadable.set(bad);
                    }
                    Answer::Got(other) => entries.set(Some(Err(unexpected(&other)))),
                    Answer::Locked => {}
                    Answer::Failed { text, .. } => entries.set(Some(Err(text))),
                }
            });
        });
    }
    let set_filter = |apply: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |e: Event| {
            let mut next = (*filters).clone();
            apply(&mut next, event_value(&e));
            filters.set(next);
        })
    };
    let set_text = |apply: fn(&mut Filters, String)| {
        let filters = filters.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = (*filters).clone();
            apply(&mut next, event_value(&e));
            filters.set(next);
        })
    };
    let region_options = Region::ALL.iter().map(|r| {
        html! { <option value={r.key().to_string()} selected={filters.region == r.key()}>{ region_label(r) }</option> }
    });
    let quality_options = Quality::ALL.iter().map(|q| {
        html! { <option value={q.key().to_string()} selected={filters.quality == q.key()}>{ quality_label(q) }</option> }
    });
    let filter_form = html! {
        <form class="filters card" role="search" aria-label={t("options_history_filters")} onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <div class="field">
                <label for="filter-from">{ t("options_filter_from") }</label>
                <input autocomplete="off" id="filter-from" type="date" value={filters.from.clone()} onchange={set_filter(|f, v| f.from = v)} />
            </div>
            <div class="field">
                <label for="filter-to">{ t("options_filter_to") }</label>
                <input autocomplete="off" id="filter-to" type="date" value={filters.to.clone()} onchange={set_filter(|f, v| f.to = v)} />
            </div>
            <div class="field">
                <label for="filter-region">{ t("options_filter_region") }</label>
                <select autocomplete="off" id="filter-region" onchange={set_filter(|f, v| f.region = v)}>
                    <option value="" selected={filters.region.is_empty()}>{ t("options_filter_any") }</option>
                    { for region_options }
                </select>
            </div>
            <div class="field">
                <label for="filter-quality">{ t("options_filter_quality") }</label>
                <select autocomplete="off" id="filter-quality" onchange={set_filter(|f, v| f.quality = v)}>
                    <option value="" selected={filters.quality.is_empty()}>{ t("options_filter_any") }</option>
                    { for quality_options }
                </select>
            </div>
            <div class="field">
                <label for="filter-tag">{ t("options_filter_tag") }</label>
                <input autocomplete="off" id="filter-tag" type="text" value={filters.tag.clone()} oninput={set_text(|f, v| f.tag = v)} />
            </div>
            <div class="field">
                <label for="filter-text">{ t("options_filter_text") }</label>
                <input autocomplete="off" id="filter-text" type="search" value={filters.text.clone()} oninput={set_text(|f, v| f.text = v)} />
            </div>
        </form>
    };

    let after_change = {
        let (reload, on_changed, editing, confirming, notice) =
            (reload.clone(), props.on_changed.clone(), editing.clone(), confirming.clone(), notice.clone());
        Callback::from(move |result: Result<String, String>| {
            if result.is_ok() {
                editing.set(None);
                confirming.set(None);
                on_changed.emit(());
            }
            reload.set(reload.wrapping_add(1));
            notice.set(Some(result));
        })
    };

    let list = match &*entries {
        None => html! { <p class="status">{ t("options_loading") }</p> },
        Some(Err(why)) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => html! { <p class="status">{ t("options_history_empty") }</p> },
        Some(Ok(list)) => {
            // Newest first, grouped by each entry's own local day.
            let mut days: Vec<(i64, Vec<&Entry>)> = Vec::new();
            for e in list {
                let day = entry_day(e);
                match days.last_mut() {
                    Some((d, group)) if *d == day => group.push(e),
                    _ => days.push((day, vec![e])),
                }
            }
            html! {
                <>
                    <p class="status" role="status">{ tf("options_history_count", &[&list.len().to_string()]) }</p>
                    { for days.into_iter().map(|(day, group)| html! {
                        <section class="day" aria-labelledby={format!("day-{day}")}>
                            <h3 id={format!("day-{day}")}>{ long_date(day) }</h3>
                            <ul class="entries">
                                { for group.into_iter().map(|e| entry_view(e, &editing, &confirming, &after_change, &props.on_locked)) }
                            </ul>
                        </section>
                    }) }
                </>
            }
        }
    };
    let notice_view = outcome_view(&notice);
    html! {
        <>
            { filter_form }
            { for unreadable.iter().map(|u| html! { <p class="error" role="alert">{ u.clone() }</p> }) }
            { notice_view }
            { list }
        </>
    }
}

/// "6/10" or "no pain", as people say it.
pub fn intensity_text(e: &Entry) -> String {
    if e.no_pain { t("options_no_pain") } else { tf("options_intensity_of_ten", &[&e.intensity.to_string()]) }
}

fn entry_view(
    e: &Entry,
    editing: &UseStateHandle<Option<EntryId>>,
    confirming: &UseStateHandle<Option<EntryId>>,
    after_change: &Callback<Result<String, String>>,
    on_locked: &Callback<()>,
) -> Html {
    let when = format!("{} {}", long_date(entry_day(e)), entry_time(e));
    if **editing == Some(e.id) {
        let cancel = {
            let editing = editing.clone();
            Callback::from(move |_| editing.set(None))
        };
        return html! {
            <li class="entry editing">
                <EntryEditor entry={e.clone()} on_done={after_change.clone()} on_cancel={cancel} on_locked={on_locked.clone()} />
            </li>
        };
    }
    let regions: Vec<String> = e
        .regions
        .iter()
        .map(|r| match r.intensity {
            Some(i) => format!("{} ({i})", region_label(&r.region)),
            None => region_label(&r.region),
        })
        .chain(e.custom_regions.iter().cloned())
        .collect();
    let qualities: Vec<String> = e.qualities.iter().map(quality_label).chain(e.custom_qualities.iter().cloned()).collect();
    let medications: Vec<String> =
        e.medications.iter().map(|m| if m.dose.is_empty() { m.name.clone() } else { format!("{} {}", m.name, m.dose) }).collect();
    let start_edit = {
        let (editing, confirming, id) = (editing.clone(), confirming.clone(), e.id);
        Callback::from(move |_| {
            confirming.set(None);
            editing.set(Some(id));
        })
    };
    let ask_delete = {
        let (confirming, id) = (confirming.clone(), e.id);
        Callback::from(move |_| confirming.set(Some(id)))
    };
    let confirm_row = if **confirming == Some(e.id) {
        let keep = {
            let confirming = confirming.clone();
            Callback::from(move |_| confirming.set(None))
        };
        let delete = {
            let (entry, after_change, on_locked) = (e.clone(), after_change.clone(), on_locked.clone());
            Callback::from(move |_| {
                let (entry, after_change, on_locked) = (entry.clone(), after_change.clone(), on_locked.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    after_change.emit(match request(Request::DeleteEntry { entry }, &on_locked).await {
                        Answer::Got(Response::Done) => Ok(t("options_deleted")),
                        Answer::Got(other) => Err(unexpected(&other)),
                        Answer::Locked => Err(t("options_locked_meanwhile")),
                        Answer::Failed { text, .. } => Err(text),
                    });
                });
            })
        };
        html! {
            <div class="confirm" role="group" aria-label={t("options_delete_confirm")}>
                <p>{ t("options_delete_confirm") }</p>
                <button type="button" class="danger" onclick={delete}>{ t("options_delete_yes") }</button>
                <button type="button" class="secondary" onclick={keep}>{ t("options_delete_no") }</button>
            </div>
        }
    } else {
        html! {}
    };
    html! {
        <li class="entry">
            <div class="entry-head">
                <span class="time">{ entry_time(e) }</span>
                <span class={classes!("intensity", format!("level-{}", e.intensity.min(10)))}>{ intensity_text(e) }</span>
                <span class="entry-actions">
                    <button type="button" class="secondary" onclick={start_edit}
                        aria-label={tf("options_edit_entry_of", &[&when])}>{ t("options_edit") }</button>
                    <button type="button" class="secondary" onclick={ask_delete}
                        aria-label={tf("options_delete_entry_of", &[&when])}>{ t("options_delete") }</button>
                </span>
            </div>
            <dl class="entry-details">
                if !regions.is_empty() { <dt>{ t("options_field_regions") }</dt><dd>{ regions.join(", ") }</dd> }
                if !qualities.is_empty() { <dt>{ t("options_field_qualities") }</dt><dd>{ qualities.join(", ") }</dd> }
                if !medications.is_empty() { <dt>{ t("options_field_medications") }</dt><dd>{ medications.join(", ") }</dd> }
                if !e.tags.is_empty() { <dt>{ t("options_field_tags") }</dt><dd>{ e.tags.join(", ") }</dd> }
            </dl>
            if !e.note.is_empty() { <p class="note">{ e.note.clone() }</p> }
            { confirm_row }
        </li>
    }
}
