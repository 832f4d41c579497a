//! The clinician report: after a clear warning that what it makes is not encrypted, a date
//! range and the sections to include, then a printable page (summary, chart, table; the
//! browser prints it or saves it as PDF), a CSV for spreadsheets (the vault's RFC 4180 writer,
//! formula-injection guarded) or a FHIR R4 JSON Bundle.

use sotto_glue::protocol::{Entry, EntryQuery, Request, Response};
use sotto_vault::report::csv::entries_csv;
use yew::prelude::*;

use crate::SectionProps;
use crate::charts::{IntensityChart, RegionChart, Summary};
use crate::chart_data::{daily_rows, region_frequency};
use crate::dates::{day_start_ms, entry_day, entry_time, iso_date, parse_iso_date};
use crate::fhir::{FhirSections, fhir_bundle};
use crate::history::intensity_text;
use crate::ui::{Answer, outcome_view, quality_label, region_label, request, t, tf, unexpected};
use crate::web::{event_checked, event_value, local_offset_minutes, now_ms, print, save_file, short_date, today};

#[derive(Clone, Copy, PartialEq)]
struct Sections {
    summary: bool,
    chart: bool,
    table: bool,
    regions: bool,
    medications: bool,
    notes: bool,
}

impl Sections {
    /// The entries with what the user left out removed, oldest first.
    fn apply(&self, entries: &[Entry]) -> Vec<Entry> {
        let mut out: Vec<Entry> = entries
            .iter()
            .filter(|e| !e.deleted)
            .cloned()
            .map(|mut e| {
                if !self.notes {
                    e.note.clear();
                }
                if !self.medications {
                    e.medications.clear();
                }
                if !self.regions {
                    e.regions.clear();
                    e.custom_regions.clear();
                }
                e
            })
            .collect();
        out.sort_by_key(|e| (e.occurred_at, e.id));
        out
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Output {
    Page,
    Csv,
    Fhir,
}

#[function_component(Report)]
pub fn report(props: &SectionProps) -> Html {
    let understood = use_state(|| false);
    let from = use_state(|| iso_date(today() - 89));
    let to = use_state(|| iso_date(today()));
    let sections = use_state(|| Sections { summary: true, chart: true, table: true, regions: true, medications: true, notes: true });
    let shown = use_state(|| None::<(i64, i64, Vec<Entry>)>);
    let outcome = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);

    let date_input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(event_value(&e)))
    };
    let toggle = |apply: fn(&mut Sections, bool)| {
        let sections = sections.clone();
        Callback::from(move |e: Event| {
            let mut next = *sections;
            apply(&mut next, event_checked(&e));
            sections.set(next);
        })
    };
    let run = |output: Output| {
        let (from, to, sections, shown, outcome, busy, on_locked) =
            (from.clone(), to.clone(), sections.clone(), shown.clone(), outcome.clone(), busy.clone(), props.on_locked.clone());
        Callback::from(move |_| {
            let (Some(first), Some(last)) = (parse_iso_date(&from), parse_iso_date(&to)) else {
                outcome.set(Some(Err(t("options_report_bad_range"))));
                return;
            };
            if last < first {
                outcome.set(Some(Err(t("options_report_bad_range"))));
                return;
            }
            let (sections, shown, outcome, busy, on_locked) = (*sections, shown.clone(), outcome.clone(), busy.clone(), on_locked.clone());
            busy.set(true);
            outcome.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let offset = local_offset_minutes();
                let query = EntryQuery { from_ms: Some(day_start_ms(first, offset)), to_ms: Some(day_start_ms(last + 1, offset)), ..EntryQuery::default() };
                let entries = match request(Request::ListEntries { query }, &on_locked).await {
                    Answer::Got(Response::Entries { entries, .. }) => sections.apply(&entries),
                    Answer::Got(other) => {
                        outcome.set(Some(Err(unexpected(&other))));
                        busy.set(false);
                        return;
                    }
                    Answer::Locked => return,
                    Answer::Failed { text, .. } => {
                        outcome.set(Some(Err(text)));
                        busy.set(false);
                        return;
                    }
                };
                let stamp = iso_date(today());
                let result = match output {
                    Output::Page => {
                        shown.set(Some((first, last, entries)));
                        Ok(t("options_report_page_ready"))
                    }
                    Output::Csv => {
                        // The byte-order mark makes spreadsheet programs read the file as UTF-8.
                        let text = format!("\u{feff}{}", entries_csv(&entries));
                        let name = format!("notes-report-{stamp}.csv");
                        save_file(&[text.into_bytes()], "text/csv;charset=utf-8", &name).map(|_| tf("options_report_saved", &[&name]))
                    }
                    Output::Fhir => {
                        let fhir = FhirSections { body_sites: sections.regions, medications: sections.medications, notes: sections.notes };
                        let bundle = fhir_bundle(&entries, fhir, now_ms());
                        let text = serde_json::to_string_pretty(&bundle).unwrap_or_default();
                        let name = format!("notes-report-{stamp}.fhir.json");
                        save_file(&[text.into_bytes()], "application/fhir+json", &name).map(|_| tf("options_report_saved", &[&name]))
                    }
                };
                outcome.set(Some(result));
                busy.set(false);
            });
        })
    };
    let on_understood = {
        let understood = understood.clone();
        Callback::from(move |e: Event| understood.set(event_checked(&e)))
    };
    let disabled = !*understood || *busy;
    let s = *sections;
    let checkbox = |id: &str, checked: bool, label: &str, apply: fn(&mut Sections, bool)| {
        html! {
            <label class="choice" for={id.to_string()}>
                <input autocomplete="off" id={id.to_string()} type="checkbox" checked={checked} onchange={toggle(apply)} />{ t(label) }
            </label>
        }
    };
    html! {
        <>
            <div class="report-controls">
                <div class="warning" role="note" aria-labelledby="report-warning-heading">
                    <h3 id="report-warning-heading">{ t("options_report_warning_heading") }</h3>
                    <p>{ t("options_report_warning") }</p>
                    <label class="choice" for="report-understood">
                        <input autocomplete="off" id="report-understood" type="checkbox" checked={*understood} onchange={on_understood} />
                        { t("options_report_understood") }
                    </label>
                </div>
                <div class="card">
                    <div class="report-options">
                        <div>
                            <label for="report-from">{ t("options_filter_from") }</label>
                            <input autocomplete="off" id="report-from" type="date" value={(*from).clone()} onchange={date_input(&from)} />
                        </div>
                        <div>
                            <label for="report-to">{ t("options_filter_to") }</label>
                            <input autocomplete="off" id="report-to" type="date" value={(*to).clone()} onchange={date_input(&to)} />
                        </div>
                    </div>
                    <fieldset>
                        <legend>{ t("options_report_sections") }</legend>
                        <div class="report-options">
                            { checkbox("report-summary", s.summary, "options_report_section_summary", |s, v| s.summary = v) }
                            { checkbox("report-chart", s.chart, "options_report_section_chart", |s, v| s.chart = v) }
                            { checkbox("report-table", s.table, "options_report_section_table", |s, v| s.table = v) }
                            { checkbox("report-regions", s.regions, "options_report_section_regions", |s, v| s.regions = v) }
                            { checkbox("report-medications", s.medications, "options_report_section_medications", |s, v| s.medications = v) }
                            { checkbox("report-notes", s.notes, "options_report_section_notes", |s, v| s.notes = v) }
                        </div>
                    </fieldset>
                    <div class="actions">
                        <button type="button" disabled={disabled} onclick={run(Output::Page)}>{ t("options_report_show") }</button>
                        <button type="button" class="secondary" disabled={disabled} onclick={run(Output::Csv)}>{ t("options_report_csv") }</button>
                        <button type="button" class="secondary" disabled={disabled} onclick={run(Output::Fhir)}>{ t("options_report_fhir") }</button>
                    </div>
                    if !*understood { <p class="hint">{ t("options_report_tick_first") }</p> }
                    { outcome_view(&outcome) }
                </div>
            </div>
            if let Some((first, last, entries)) = &*shown {
                { report_page(*first, *last, entries, s) }
            }
        </>
    }
}

fn report_page(first: i64, last: i64, entries: &[Entry], s: Sections) -> Html {
    let rows = daily_rows(entries, first, last);
    let print_now = Callback::from(|_| print());
    html! {
        <article class="report-page" aria-labelledby="report-heading">
            <h2 id="report-heading">{ tf("options_report_heading", &[&short_date(first), &short_date(last)]) }</h2>
            <p class="hint">{ tf("options_report_generated", &[&short_date(today())]) }</p>
            <div class="actions no-print">
                <button type="button" onclick={print_now}>{ t("options_report_print") }</button>
            </div>
            if s.summary { <Summary rows={rows.clone()} /> }
            if s.chart { <IntensityChart rows={rows.clone()} /> }
            if s.chart && s.regions { <RegionChart counts={region_frequency(entries)} /> }
            if s.table {
                <div class="table-wrap">
                    <table>
                        <caption class="hint">{ t("options_report_table_caption") }</caption>
                        <thead><tr>
                            <th scope="col">{ t("options_col_date") }</th>
                            <th scope="col">{ t("options_edit_time") }</th>
                            <th scope="col">{ t("options_col_pain") }</th>
                            if s.regions { <th scope="col">{ t("options_field_regions") }</th> }
                            <th scope="col">{ t("options_field_qualities") }</th>
                            if s.medications { <th scope="col">{ t("options_field_medications") }</th> }
                            if s.notes { <th scope="col">{ t("options_edit_note") }</th> }
                        </tr></thead>
                        <tbody>
                            { for entries.iter().map(|e| html! {
                                <tr>
                                    <th scope="row">{ short_date(entry_day(e)) }</th>
                                    <td>{ entry_time(e) }</td>
                                    <td>{ intensity_text(e) }</td>
                                    if s.regions { <td>{ e.regions.iter().map(|r| region_label(&r.region)).chain(e.custom_regions.iter().cloned()).collect::<Vec<_>>().join(", ") }</td> }
                                    <td>{ e.qualities.iter().map(quality_label).chain(e.custom_qualities.iter().cloned()).collect::<Vec<_>>().join(", ") }</td>
                                    if s.medications { <td>{ e.medications.iter().map(|m| format!("{} {}", m.name, m.dose).trim().to_string()).collect::<Vec<_>>().join(", ") }</td> }
                                    if s.notes { <td class="note-cell">{ e.note.clone() }</td> }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </article>
    }
}
