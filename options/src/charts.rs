//! Charts: intensity over 7/30/90/365 days (daily min, mean, max), region frequency, pain-free
//! days, medication use per day. Inline SVG from [`crate::chart_data`]; each chart is an image
//! with a title and description for screen readers, and its numbers as a table.

use sotto_glue::protocol::{Entry, EntryQuery, Request, Response};
use sotto_vault::Region;
use yew::prelude::*;

use crate::SectionProps;
use crate::chart_data::{
    self, BOTTOM, DayRow, HEIGHT, LEFT, RIGHT, TOP, WIDTH, bar_fractions, baseline_y, column_bars, daily_rows, intensity_geometry,
    intensity_y, label_days, one_decimal, region_frequency, totals,
};
use crate::dates::day_start_ms;
use crate::ui::{Answer, region_label, request, t, tf, unexpected};
use crate::web::{axis_date, local_offset_minutes, short_date, today};

const WINDOWS: [i64; 4] = [7, 30, 90, 365];

#[function_component(Charts)]
pub fn charts(props: &SectionProps) -> Html {
    let days = use_state(|| 30i64);
    let entries = use_state(|| None::<Result<Vec<Entry>, String>>);
    {
        let (entries, on_locked) = (entries.clone(), props.on_locked.clone());
        use_effect_with((*days, props.journal_version), move |(days, _)| {
            let first = today() - (days - 1);
            let query = EntryQuery { from_ms: Some(day_start_ms(first, local_offset_minutes())), ..EntryQuery::default() };
            wasm_bindgen_futures::spawn_local(async move {
                match request(Request::ListEntries { query }, &on_locked).await {
                    Answer::Got(Response::Entries { entries: got, .. }) => entries.set(Some(Ok(got))),
                    Answer::Got(other) => entries.set(Some(Err(unexpected(&other)))),
                    Answer::Locked => {}
                    Answer::Failed { text, .. } => entries.set(Some(Err(text))),
                }
            });
        });
    }
    let picker = WINDOWS.iter().map(|&n| {
        let pick = {
            let days = days.clone();
            Callback::from(move |_| days.set(n))
        };
        html! {
            <button type="button" class="secondary" aria-pressed={(*days == n).to_string()} onclick={pick}>
                { tf("options_charts_last_days", &[&n.to_string()]) }
            </button>
        }
    });
    let body = match &*entries {
        None => html! { <p class="status">{ t("options_loading") }</p> },
        Some(Err(why)) => html! { <p class="error" role="alert">{ why.clone() }</p> },
        Some(Ok(list)) => {
            let last = today();
            let rows = daily_rows(list, last - (*days - 1), last);
            let regions = region_frequency(list);
            html! {
                <>
                    <Summary rows={rows.clone()} />
                    <IntensityChart rows={rows.clone()} />
                    <PainFreeChart rows={rows.clone()} />
                    <MedicationChart rows={rows} />
                    <RegionChart counts={regions} />
                </>
            }
        }
    };
    html! {
        <>
            <div class="window-picker" role="group" aria-label={t("options_charts_window")}>{ for picker }</div>
            { body }
        </>
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct RowsProps {
    pub rows: Vec<DayRow>,
}

/// Key numbers over the window.
#[function_component(Summary)]
pub fn summary(props: &RowsProps) -> Html {
    let totals = totals(&props.rows);
    let item = |value: String, what: String| html! { <li><span class="value">{ value }</span><span class="what">{ what }</span></li> };
    html! {
        <ul class="summary-grid" aria-label={t("options_summary_label")}>
            { item(totals.entries.to_string(), t("options_summary_entries")) }
            { item(format!("{} / {}", totals.recorded_days, totals.days), t("options_summary_recorded_days")) }
            { item(totals.mean_intensity.map(one_decimal).unwrap_or_else(|| "–".into()), t("options_summary_mean")) }
            { item(totals.max_intensity.map(|m| m.to_string()).unwrap_or_else(|| "–".into()), t("options_summary_max")) }
            { item(totals.pain_free_days.to_string(), t("options_summary_pain_free")) }
            { item(totals.medication_days.to_string(), t("options_summary_medication_days")) }
        </ul>
    }
}

fn grid_and_axes(rows: &[DayRow], top_value: u32, is_intensity: bool) -> Html {
    let mut levels: Vec<u32> = if is_intensity { vec![0, 2, 4, 6, 8, 10] } else { vec![0, top_value.div_ceil(2), top_value] };
    levels.dedup();
    let y_of = |v: u32| if is_intensity { intensity_y(f64::from(v)) } else { baseline_y() - f64::from(v) / f64::from(top_value.max(1)) * (HEIGHT - TOP - BOTTOM) };
    let wanted = if rows.len() <= 7 { 7 } else { 6 };
    html! {
        <g aria-hidden="true">
            { for levels.into_iter().map(|v| {
                let y = one_decimal(y_of(v));
                html! {
                    <>
                        <line class="grid" x1={one_decimal(LEFT)} x2={one_decimal(WIDTH - RIGHT)} y1={y.clone()} y2={y.clone()} />
                        <text class="axis-label" x={one_decimal(LEFT - 6.0)} y={y} text-anchor="end" dominant-baseline="middle">{ v }</text>
                    </>
                }
            }) }
            { for label_days(rows.len(), wanted).into_iter().map(|i| {
                // The last label ends at the plot's edge instead of running past it.
                let (x, anchor) = if i + 1 == rows.len() && rows.len() > 1 { (WIDTH - RIGHT, "end") } else { (chart_data::day_x(i, rows.len()), "middle") };
                html! {
                    <text class="axis-label" x={one_decimal(x)} y={one_decimal(HEIGHT - 8.0)} text-anchor={anchor}>{ axis_date(rows[i].day) }</text>
                }
            }) }
        </g>
    }
}

/// A chart's numbers as a table behind a disclosure. Its caption is the chart's title, so a
/// screen reader names the table after the chart it stands for.
fn data_table(title_key: &str, head: Html, body: Html) -> Html {
    html! {
        <details class="data-table">
            <summary>{ t("options_show_table") }</summary>
            <div class="table-wrap">
                <table>
                    <caption class="hint">{ t(title_key) }</caption>
                    <thead><tr>{ head }</tr></thead>
                    <tbody>{ body }</tbody>
                </table>
            </div>
        </details>
    }
}

/// Daily min–max whiskers, the daily mean as dots joined by a line.
#[function_component(IntensityChart)]
pub fn intensity_chart(props: &RowsProps) -> Html {
    let rows = &props.rows;
    let g = intensity_geometry(rows);
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return html! {} };
    let totals = totals(rows);
    let desc = match totals.mean_intensity {
        Some(mean) => tf(
            "options_chart_intensity_desc",
            &[&short_date(first.day), &short_date(last.day), &one_decimal(mean), &totals.max_intensity.unwrap_or(0).to_string(), &totals.recorded_days.to_string()],
        ),
        None => t("options_chart_no_data"),
    };
    html! {
        <figure class="chart" aria-labelledby="chart-intensity-caption">
            <figcaption id="chart-intensity-caption">{ t("options_chart_intensity") }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-labelledby="chart-intensity-title" aria-describedby="chart-intensity-desc">
                <title id="chart-intensity-title">{ t("options_chart_intensity") }</title>
                <desc id="chart-intensity-desc">{ desc }</desc>
                { grid_and_axes(rows, 10, true) }
                <g aria-hidden="true">
                    { for g.whiskers.iter().map(|(x, y1, y2)| html! { <line class="whisker" x1={x.clone()} x2={x.clone()} y1={y1.clone()} y2={y2.clone()} /> }) }
                    { for g.mean_lines.iter().map(|points| html! { <polyline class="mean-line" points={points.clone()} /> }) }
                    { for g.dots.iter().map(|(x, y)| html! { <circle class="mean-dot" cx={x.clone()} cy={y.clone()} r="3" /> }) }
                </g>
            </svg>
            <ul class="legend" aria-hidden="true">
                <li><span class="swatch mean"></span>{ t("options_legend_mean") }</li>
                <li><span class="swatch pain"></span>{ t("options_legend_range") }</li>
            </ul>
            { data_table("options_chart_intensity", html! {
                <>
                    <th scope="col">{ t("options_col_date") }</th>
                    <th scope="col">{ t("options_col_entries") }</th>
                    <th scope="col">{ t("options_col_min") }</th>
                    <th scope="col">{ t("options_col_mean") }</th>
                    <th scope="col">{ t("options_col_max") }</th>
                </>
            }, html! {
                { for rows.iter().rev().map(|r| match &r.intensity {
                    Some(i) => html! { <tr><th scope="row">{ short_date(r.day) }</th><td>{ r.entries }</td><td>{ i.min }</td><td>{ one_decimal(i.mean) }</td><td>{ i.max }</td></tr> },
                    None => html! { <tr><th scope="row">{ short_date(r.day) }</th><td>{ 0 }</td><td colspan="3">{ t("options_no_record") }</td></tr> },
                }) }
            }) }
        </figure>
    }
}

/// What a day was, as its square's class, its legend swatch's class and its word in the table:
/// pain-free, with pain, or no record.
fn day_kind(r: &DayRow) -> (&'static str, &'static str, &'static str) {
    if r.pain_free {
        ("day-free", "free", "options_legend_pain_free")
    } else if r.intensity.is_some() {
        ("day-pain", "pain", "options_legend_pain")
    } else {
        ("day-none", "none", "options_no_record")
    }
}

/// One square per day: pain-free, with pain, or nothing recorded.
#[function_component(PainFreeChart)]
pub fn pain_free_chart(props: &RowsProps) -> Html {
    let rows = &props.rows;
    let totals = totals(rows);
    let columns = if rows.len() <= 31 { rows.len().max(1) } else { 53 };
    let cell = (WIDTH - LEFT - RIGHT) / columns as f64;
    let size = (cell * 0.8).min(28.0);
    let lines = rows.len().div_ceil(columns);
    let height = TOP * 2.0 + lines as f64 * cell;
    let desc = tf("options_chart_pain_free_desc", &[&totals.pain_free_days.to_string(), &totals.recorded_days.to_string(), &totals.days.to_string()]);
    html! {
        <figure class="chart" aria-labelledby="chart-free-caption">
            <figcaption id="chart-free-caption">{ t("options_chart_pain_free") }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {}", one_decimal(height))} role="img" aria-labelledby="chart-free-title" aria-describedby="chart-free-desc">
                <title id="chart-free-title">{ t("options_chart_pain_free") }</title>
                <desc id="chart-free-desc">{ desc.clone() }</desc>
                <g aria-hidden="true">
                    { for rows.iter().enumerate().map(|(i, r)| {
                        let class = day_kind(r).0;
                        let x = LEFT + (i % columns) as f64 * cell;
                        let y = TOP + (i / columns) as f64 * cell;
                        html! { <rect class={class} x={one_decimal(x)} y={one_decimal(y)} width={one_decimal(size)} height={one_decimal(size)} rx="2" /> }
                    }) }
                </g>
            </svg>
            <ul class="legend" aria-hidden="true">
                <li><span class="swatch free"></span>{ t("options_legend_pain_free") }</li>
                <li><span class="swatch pain"></span>{ t("options_legend_pain") }</li>
                <li><span class="swatch none"></span>{ t("options_no_record") }</li>
            </ul>
            <p class="hint">{ desc }</p>
            { data_table("options_chart_pain_free", html! {
                <><th scope="col">{ t("options_col_date") }</th><th scope="col">{ t("options_col_pain") }</th></>
            }, html! {
                { for rows.iter().rev().map(|r| {
                    let (_, swatch, word) = day_kind(r);
                    html! { <tr><th scope="row">{ short_date(r.day) }</th><td><span class={classes!("swatch", swatch)} aria-hidden="true"></span>{ t(word) }</td></tr> }
                }) }
            }) }
        </figure>
    }
}

/// Medications taken per day, as columns.
#[function_component(MedicationChart)]
pub fn medication_chart(props: &RowsProps) -> Html {
    let rows = &props.rows;
    let values: Vec<u32> = rows.iter().map(|r| r.medications).collect();
    let (bars, top) = column_bars(&values);
    let total: u32 = values.iter().sum();
    let desc = tf("options_chart_medication_desc", &[&total.to_string(), &totals(rows).medication_days.to_string()]);
    html! {
        <figure class="chart" aria-labelledby="chart-med-caption">
            <figcaption id="chart-med-caption">{ t("options_chart_medication") }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img" aria-labelledby="chart-med-title" aria-describedby="chart-med-desc">
                <title id="chart-med-title">{ t("options_chart_medication") }</title>
                <desc id="chart-med-desc">{ desc }</desc>
                { grid_and_axes(rows, top, false) }
                <g aria-hidden="true">
                    { for bars.into_iter().map(|(x, y, w, h)| html! { <rect class="bar" x={x} y={y} width={w} height={h} rx="1" /> }) }
                </g>
            </svg>
            { data_table("options_chart_medication", html! {
                <><th scope="col">{ t("options_col_date") }</th><th scope="col">{ t("options_col_medications") }</th></>
            }, html! {
                { for rows.iter().rev().filter(|r| r.medications > 0).map(|r| html! { <tr><th scope="row">{ short_date(r.day) }</th><td>{ r.medications }</td></tr> }) }
            }) }
        </figure>
    }
}

#[derive(Clone, PartialEq, Properties)]
pub struct RegionProps {
    pub counts: Vec<(Region, u32)>,
}

/// How often each region was named, most frequent first (the top twelve drawn; all in the table).
#[function_component(RegionChart)]
pub fn region_chart(props: &RegionProps) -> Html {
    let shown: Vec<&(Region, u32)> = props.counts.iter().take(12).collect();
    let fractions = bar_fractions(&shown.iter().map(|(_, c)| *c).collect::<Vec<_>>());
    let row_height = 26.0;
    let label_width = 190.0;
    let height = (shown.len().max(1) as f64) * row_height + 8.0;
    let bar_space = WIDTH - label_width - 50.0;
    let desc = match shown.first() {
        Some((region, count)) => tf("options_chart_regions_desc", &[&region_label(region), &count.to_string()]),
        None => t("options_chart_no_data"),
    };
    html! {
        <figure class="chart" aria-labelledby="chart-regions-caption">
            <figcaption id="chart-regions-caption">{ t("options_chart_regions") }</figcaption>
            <svg viewBox={format!("0 0 {WIDTH} {}", one_decimal(height))} role="img" aria-labelledby="chart-regions-title" aria-describedby="chart-regions-desc">
                <title id="chart-regions-title">{ t("options_chart_regions") }</title>
                <desc id="chart-regions-desc">{ desc }</desc>
                <g aria-hidden="true">
                    { for shown.iter().zip(fractions).enumerate().map(|(i, ((region, count), fraction))| {
                        let y = 4.0 + i as f64 * row_height;
                        let w = (fraction * bar_space).max(2.0);
                        html! {
                            <>
                                <text class="bar-label" x={one_decimal(label_width - 8.0)} y={one_decimal(y + row_height / 2.0)} text-anchor="end" dominant-baseline="middle">{ region_label(region) }</text>
                                <rect class="bar" x={one_decimal(label_width)} y={one_decimal(y + 4.0)} width={one_decimal(w)} height={one_decimal(row_height - 8.0)} rx="2" />
                                <text class="bar-label" x={one_decimal(label_width + w + 6.0)} y={one_decimal(y + row_height / 2.0)} dominant-baseline="middle">{ *count }</text>
                            </>
                        }
                    }) }
                </g>
            </svg>
            { data_table("options_chart_regions", html! {
                <><th scope="col">{ t("options_col_region") }</th><th scope="col">{ t("options_col_entries") }</th></>
            }, html! {
                { for props.counts.iter().map(|(region, count)| html! { <tr><th scope="row">{ region_label(region) }</th><td>{ *count }</td></tr> }) }
            }) }
        </figure>
    }
}
