//! What the charts show, computed in plain Rust (tested natively): daily intensity min/mean/max,
//! region frequency, pain-free days and medication use per day, plus the SVG geometry the chart
//! components draw. A day with no entry is "no record", never zero: a chart must not turn a
//! forgotten day into a pain-free one.

use std::collections::BTreeMap;

use crate::dates::entry_day;
use sotto_glue::protocol::Entry;
use sotto_vault::Region;

/// Intensity over one day's entries.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayIntensity {
    pub min: u8,
    pub max: u8,
    pub mean: f64,
}

/// One calendar day of the chosen window.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRow {
    /// Days since 1970-01-01 (local).
    pub day: i64,
    /// How many entries that day.
    pub entries: u32,
    /// `None`: nothing recorded that day.
    pub intensity: Option<DayIntensity>,
    /// Every entry that day says no pain (or rates it 0).
    pub pain_free: bool,
    /// Medications taken that day (each one named in an entry counts once per entry).
    pub medications: u32,
}

/// One row per day from `first_day` to `last_day` inclusive, deleted entries left out.
pub fn daily_rows(entries: &[Entry], first_day: i64, last_day: i64) -> Vec<DayRow> {
    let mut by_day: BTreeMap<i64, Vec<&Entry>> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.deleted) {
        let day = entry_day(e);
        if (first_day..=last_day).contains(&day) {
            by_day.entry(day).or_default().push(e);
        }
    }
    (first_day..=last_day)
        .map(|day| {
            let todays = by_day.get(&day).map(Vec::as_slice).unwrap_or_default();
            let intensity = (!todays.is_empty()).then(|| {
                let values: Vec<u8> = todays.iter().map(|e| e.intensity).collect();
                DayIntensity {
                    min: values.iter().copied().min().unwrap_or(0),
                    max: values.iter().copied().max().unwrap_or(0),
                    mean: values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len() as f64,
                }
            });
            DayRow {
                day,
                entries: todays.len() as u32,
                intensity,
                pain_free: !todays.is_empty() && todays.iter().all(|e| e.no_pain || e.intensity == 0),
                medications: todays.iter().map(|e| e.medications.len() as u32).sum(),
            }
        })
        .collect()
}

/// Totals over a window, for the summary line and the report.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    pub days: u32,
    pub recorded_days: u32,
    pub pain_free_days: u32,
    pub medication_days: u32,
    pub entries: u32,
    /// Mean of the daily means, over recorded days.
    pub mean_intensity: Option<f64>,
    pub max_intensity: Option<u8>,
}

pub fn totals(rows: &[DayRow]) -> Totals {
    let recorded: Vec<&DayIntensity> = rows.iter().filter_map(|r| r.intensity.as_ref()).collect();
    Totals {
        days: rows.len() as u32,
        recorded_days: recorded.len() as u32,
        pain_free_days: rows.iter().filter(|r| r.pain_free).count() as u32,
        medication_days: rows.iter().filter(|r| r.medications > 0).count() as u32,
        entries: rows.iter().map(|r| r.entries).sum(),
        mean_intensity: (!recorded.is_empty()).then(|| recorded.iter().map(|i| i.mean).sum::<f64>() / recorded.len() as f64),
        max_intensity: recorded.iter().map(|i| i.max).max(),
    }
}

/// How many live entries name each region, most frequent first (ties in body order).
pub fn region_frequency(entries: &[Entry]) -> Vec<(Region, u32)> {
    let mut counts: BTreeMap<Region, u32> = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.deleted) {
        let mut seen: Vec<&Region> = Vec::new();
        for r in &e.regions {
            if !seen.contains(&&r.region) {
                seen.push(&r.region);
                *counts.entry(r.region.clone()).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(Region, u32)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// One decimal, for people (`4.5`, `3`).
pub fn one_decimal(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 { format!("{rounded:.0}") } else { format!("{rounded:.1}") }
}

// ---- SVG geometry -------------------------------------------------------------------------

/// The drawing area of every chart: a viewBox of `WIDTH` × `HEIGHT` user units with room for
/// axis labels on the left and bottom. The SVG scales to its container.
pub const WIDTH: f64 = 640.0;
pub const HEIGHT: f64 = 240.0;
pub const LEFT: f64 = 36.0;
pub const RIGHT: f64 = 12.0;
pub const TOP: f64 = 12.0;
pub const BOTTOM: f64 = 28.0;

fn plot_width() -> f64 {
    WIDTH - LEFT - RIGHT
}
fn plot_height() -> f64 {
    HEIGHT - TOP - BOTTOM
}

/// The x of the centre of day `index` of `count` days.
pub fn day_x(index: usize, count: usize) -> f64 {
    let step = plot_width() / count.max(1) as f64;
    LEFT + step * (index as f64 + 0.5)
}

/// The y of a 0–10 value.
pub fn intensity_y(value: f64) -> f64 {
    TOP + (10.0 - value.clamp(0.0, 10.0)) / 10.0 * plot_height()
}

/// The y of the bottom axis.
pub fn baseline_y() -> f64 {
    TOP + plot_height()
}

fn coord(v: f64) -> String {
    one_decimal(v)
}

/// The intensity chart: for each recorded day a min–max whisker and a mean dot; the means of
/// consecutive recorded days joined by a line (a day without record breaks the line).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IntensityGeometry {
    /// `points` attributes of polylines through the daily means.
    pub mean_lines: Vec<String>,
    /// (x, y_of_max, y_of_min) per recorded day.
    pub whiskers: Vec<(String, String, String)>,
    /// (x, y) of each day's mean.
    pub dots: Vec<(String, String)>,
}

pub fn intensity_geometry(rows: &[DayRow]) -> IntensityGeometry {
    let mut out = IntensityGeometry::default();
    let mut run: Vec<String> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let x = day_x(i, rows.len());
        match &row.intensity {
            Some(day) => {
                let y = intensity_y(day.mean);
                run.push(format!("{},{}", coord(x), coord(y)));
                out.dots.push((coord(x), coord(y)));
                out.whiskers.push((coord(x), coord(intensity_y(f64::from(day.max))), coord(intensity_y(f64::from(day.min)))));
            }
            None => {
                if run.len() > 1 {
                    out.mean_lines.push(run.join(" "));
                }
                run.clear();
            }
        }
    }
    if run.len() > 1 {
        out.mean_lines.push(run.join(" "));
    }
    out
}

/// Vertical bars of `values` (one per day) scaled to the largest, as (x, y, width, height).
pub fn column_bars(values: &[u32]) -> (Vec<(String, String, String, String)>, u32) {
    let top = values.iter().copied().max().unwrap_or(0).max(1);
    let step = plot_width() / values.len().max(1) as f64;
    let width = (step * 0.7).max(1.0);
    let bars = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .map(|(i, &v)| {
            let h = f64::from(v) / f64::from(top) * plot_height();
            (coord(day_x(i, values.len()) - width / 2.0), coord(baseline_y() - h), coord(width), coord(h))
        })
        .collect();
    (bars, top)
}

/// Horizontal bar lengths (0–1 of the longest) for the region frequency chart.
pub fn bar_fractions(counts: &[u32]) -> Vec<f64> {
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    counts.iter().map(|&c| f64::from(c) / f64::from(top)).collect()
}

/// Which days get an x-axis label: about `wanted` of them, evenly spaced, always the last.
pub fn label_days(count: usize, wanted: usize) -> Vec<usize> {
    if count == 0 {
        return Vec::new();
    }
    let step = count.div_ceil(wanted.max(1)).max(1);
    let mut out: Vec<usize> = (0..count).rev().step_by(step).collect();
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dates::{day_start_ms, parse_iso_date};
    use sotto_glue::protocol::EntryId;
    use sotto_vault::{MedicationTaken, RegionPain};

    fn entry(n: u8, day: i64, hour: i64, intensity: u8) -> Entry {
        Entry::new(EntryId::from_bytes([n; 16]), day_start_ms(day, 60) + hour * 3_600_000, 60, intensity)
    }

    #[test]
    fn several_entries_a_day_give_min_mean_max_and_gaps_stay_gaps() {
        let d = parse_iso_date("2026-11-20").unwrap();
        let mut pill = entry(4, d + 2, 9, 0);
        pill.no_pain = true;
        pill.medications.push(MedicationTaken { name: "ibuprofen".into(), ..Default::default() });
        let mut gone = entry(5, d, 12, 9);
        gone.deleted = true;
        let entries = vec![entry(1, d, 8, 2), entry(2, d, 20, 7), entry(3, d, 23, 6), pill, gone];
        let rows = daily_rows(&entries, d, d + 2);
        assert_eq!(rows.len(), 3);
        let first = rows[0].intensity.unwrap();
        assert_eq!((first.min, first.max, rows[0].entries), (2, 7, 3));
        assert_eq!(one_decimal(first.mean), "5");
        assert_eq!(rows[1].intensity, None, "no record is not zero");
        assert!(!rows[1].pain_free);
        assert!(rows[2].pain_free);
        assert_eq!(rows[2].medications, 1);
        let t = totals(&rows);
        assert_eq!((t.days, t.recorded_days, t.pain_free_days, t.medication_days, t.entries), (3, 2, 1, 1, 4));
        assert_eq!(t.max_intensity, Some(7));
        assert_eq!(one_decimal(t.mean_intensity.unwrap()), "2.5");
    }

    #[test]
    fn regions_are_counted_once_per_entry_most_frequent_first() {
        let mut a = entry(1, 0, 1, 3);
        a.regions = vec![
            RegionPain { region: Region::KneeLeft, intensity: None },
            RegionPain { region: Region::KneeLeft, intensity: Some(2) },
            RegionPain { region: Region::Head, intensity: None },
        ];
        let mut b = entry(2, 0, 2, 3);
        b.regions = vec![RegionPain { region: Region::KneeLeft, intensity: None }];
        assert_eq!(region_frequency(&[a, b]), vec![(Region::KneeLeft, 2), (Region::Head, 1)]);
    }

    #[test]
    fn geometry_stays_inside_the_plot_and_breaks_at_gaps() {
        let d = 100;
        let entries = vec![entry(1, d, 8, 10), entry(2, d + 1, 8, 0), entry(3, d + 3, 8, 5)];
        let rows = daily_rows(&entries, d, d + 3);
        let g = intensity_geometry(&rows);
        assert_eq!(g.mean_lines.len(), 1, "day 3 stands alone after the gap: {g:?}");
        assert_eq!(g.dots.len(), 3);
        assert_eq!(g.dots[0].1, coord(TOP), "10 at the top");
        assert_eq!(g.dots[1].1, coord(baseline_y()), "0 on the baseline");
        for (x, _) in &g.dots {
            let x: f64 = x.parse().unwrap();
            assert!(x > LEFT && x < WIDTH - RIGHT);
        }
        let (bars, top) = column_bars(&[0, 2, 4]);
        assert_eq!(top, 4);
        assert_eq!(bars.len(), 2, "zero draws no bar");
        assert_eq!(bars[1].3, coord(plot_height()));
        assert_eq!(bar_fractions(&[2, 4]), vec![0.5, 1.0]);
        assert_eq!(label_days(30, 6), vec![4, 9, 14, 19, 24, 29]);
        assert_eq!(label_days(7, 7), vec![0, 1, 2, 3, 4, 5, 6]);
    }
}
