//! The last seven days: a tiny trend line and the entries, newest first.

use std::rc::Rc;

use crate::clock::{day_and_time, day_number};
use crate::i18n::{quality_label, region_label, t, t1};
use sotto_glue::chrome::message;
use sotto_glue::protocol::Entry;
use yew::prelude::*;

/// How far back the list and the trend line look.
pub const WEEK_MS: i64 = 7 * 86_400_000;
/// Rows shown; the options page has the rest.
const ROWS: usize = 6;
/// The trend line's drawing box (SVG user units; CSS scales it to the popup's width).
const WIDTH: f64 = 300.0;
const HEIGHT: f64 = 56.0;
/// Room for the dots at the edges.
const PAD: f64 = 6.0;

#[derive(Properties, PartialEq)]
pub struct RecentProps {
    /// This week's entries, newest first; `None` while loading.
    pub entries: Option<Rc<Vec<Entry>>>,
    pub now: i64,
    /// Why the list could not be read, in words.
    pub problem: Option<String>,
    /// What the worker could not read ("entries from 3–9 March could not be read").
    pub unreadable: Rc<Vec<String>>,
}

/// The trend line: one point per day of the last seven that has entries (the day's mean),
/// x by day (today on the right), y by intensity (10 on top). Drawn from two points on.
pub fn trend_points(entries: &[Entry], now: i64) -> Vec<(f64, f64)> {
    let today = day_number(now, offset_at_for_trend(now));
    let mut sums = [(0u32, 0u32); 7];
    for entry in entries.iter().filter(|e| !e.deleted) {
        let days_ago = today - day_number(entry.occurred_at, entry.utc_offset_minutes);
        if let Ok(slot) = usize::try_from(6 - days_ago)
            && let Some(sum) = sums.get_mut(slot)
        {
            sum.0 += u32::from(entry.intensity.min(10));
            sum.1 += 1;
        }
    }
    let step = (WIDTH - 2.0 * PAD) / 6.0;
    sums.iter()
        .enumerate()
        .filter(|(_, (_, count))| *count > 0)
        .map(|(slot, (total, count))| {
            let mean = f64::from(*total) / f64::from(*count);
            (PAD + slot as f64 * step, PAD + (10.0 - mean) / 10.0 * (HEIGHT - 2.0 * PAD))
        })
        .collect()
}

/// The local offset now (natively, in tests, UTC: there is no browser clock to ask).
fn offset_at_for_trend(now: i64) -> i16 {
    if cfg!(target_arch = "wasm32") { crate::clock::offset_at(now) } else { 0 }
}

fn trend(entries: &[Entry], now: i64) -> Html {
    let points = trend_points(entries, now);
    if points.len() < 2 {
        // One day of entries makes a lone dot on the dotted middle line, which reads as nothing
        // (or as a broken chart): say when the line will come instead.
        return html! { <p class="status">{ t("popup_trend_one_day") }</p> };
    }
    let (Some(low), Some(high)) = (entries.iter().map(|e| e.intensity).min(), entries.iter().map(|e| e.intensity).max()) else {
        return html! {};
    };
    let summary = message("popup_trend_summary", &[&entries.len().to_string(), &low.to_string(), &high.to_string()]);
    let line: String = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
    let mid = HEIGHT / 2.0;
    html! {
        <svg class="trend" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} preserveAspectRatio="none" role="img" aria-label={summary}>
            <line class="trend-mid" x1="0" x2={WIDTH.to_string()} y1={mid.to_string()} y2={mid.to_string()} vector-effect="non-scaling-stroke" />
            <polyline class="trend-line" points={line} fill="none" vector-effect="non-scaling-stroke" />
            { for points.iter().map(|(x, y)| html! {
                <circle class="trend-dot" cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="2.5" vector-effect="non-scaling-stroke" />
            }) }
        </svg>
    }
}

fn row(entry: &Entry, now: i64) -> Html {
    let mut what: Vec<String> = entry.regions.iter().map(|r| region_label(r.region.key())).collect();
    what.extend(entry.custom_regions.iter().cloned());
    what.extend(entry.qualities.iter().map(|q| quality_label(q.key())));
    let has_note = !entry.note.is_empty();
    html! {
        <li key={entry.id.to_string()}>
            <span class="recent-when">{ day_and_time(entry.occurred_at, entry.utc_offset_minutes, now) }</span>
            <span class={classes!("pill", format!("level-{}", entry.intensity.min(10)))}>
                <span class="visually-hidden">{ t("popup_pain") }{ " " }</span>{ entry.intensity }
            </span>
            <span class="recent-what">
                { what.join(" · ") }
                if has_note {
                    <span class="recent-note">{ if what.is_empty() { "" } else { " · " } }{ t("popup_has_note") }</span>
                }
            </span>
        </li>
    }
}

#[component(Recent)]
pub fn recent(props: &RecentProps) -> Html {
    let body = match (&props.entries, &props.problem) {
        (_, Some(problem)) => html! { <p class="error">{ problem.clone() }</p> },
        (None, None) => html! { <p class="status">{ t("popup_loading") }</p> },
        (Some(entries), None) if entries.is_empty() => html! { <p class="status">{ t("popup_recent_none") }</p> },
        (Some(entries), None) => {
            let hidden = entries.len().saturating_sub(ROWS);
            html! {
                <>
                    { trend(entries, props.now) }
                    <ul class="recent-list">
                        { for entries.iter().take(ROWS).map(|e| row(e, props.now)) }
                    </ul>
                    if hidden > 0 {
                        <p class="status">{ t1("popup_recent_more", &hidden.to_string()) }</p>
                    }
                </>
            }
        }
    };
    html! {
        <section class="recent" aria-labelledby="recent-title">
            <h2 id="recent-title">{ t("popup_recent_title") }</h2>
            { for props.unreadable.iter().map(|what| html! { <p class="error">{ what.clone() }</p> }) }
            { body }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sotto_glue::protocol::EntryId;

    #[test]
    fn the_trend_runs_left_to_right_with_pain_upwards() {
        let now = 1_800_000_000_000;
        let entries = vec![
            Entry::new(EntryId::from_bytes([1; 16]), now - 1_000, 0, 8),
            Entry::new(EntryId::from_bytes([4; 16]), now - 2_000, 0, 6),
            Entry::new(EntryId::from_bytes([2; 16]), now - 3 * 86_400_000, 0, 2),
            Entry::new(EntryId::from_bytes([3; 16]), now - 2 * WEEK_MS, 0, 5),
        ];
        let points = trend_points(&entries, now);
        assert_eq!(points.len(), 2, "one point per day; older than a week is left out");
        assert_eq!(points[1].0, WIDTH - PAD, "today is on the right");
        let seven = PAD + 0.3 * (HEIGHT - 2.0 * PAD);
        assert!((points[1].1 - seven).abs() < 1e-9, "today's point is the mean, 7");
        assert!(points[0].0 < points[1].0);
        assert!(points[1].1 < points[0].1, "8 is drawn higher than 2");
        assert!(points.iter().all(|(x, y)| (0.0..=WIDTH).contains(x) && (0.0..=HEIGHT).contains(y)));
    }
}
