//! CSV export (RFC 4180), safe to open in a spreadsheet.
//!
//! - Fields containing a comma, quote, CR or LF are quoted; quotes are doubled; lines end CRLF.
//! - Formula-injection guard: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a leading
//!   `'`, so a note saying "=HYPERLINK(…)" stays text.
//! - Zero is written as `0`; only absent values are empty.

use crate::entry::{Entry, Pattern};
use crate::report::{local_date_time, offset_label};

/// Column headers, in order.
pub const COLUMNS: &[&str] = &[
    "date",
    "time",
    "utc_offset",
    "intensity",
    "no_pain",
    "regions",
    "other_regions",
    "qualities",
    "other_qualities",
    "pattern",
    "duration_minutes",
    "medications",
    "treatments",
    "triggers",
    "better",
    "worse",
    "sleep_hours",
    "sleep_quality",
    "mood",
    "interference_activity",
    "interference_work",
    "interference_sleep",
    "tags",
    "note",
    "id",
    "revision",
];

/// One cell, guarded and quoted as needed.
pub fn cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_string() };
    if guarded.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// Writes one CSV row (cells already plain text) with CRLF.
pub fn write_row<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c.as_ref()));
    }
    out.push_str("\r\n");
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The row for one entry, in [`COLUMNS`] order.
pub fn entry_row(e: &Entry) -> Vec<String> {
    let (date, time) = local_date_time(e.occurred_at, e.utc_offset_minutes);
    let regions = e
        .regions
        .iter()
        .map(|r| match r.intensity {
            Some(i) => format!("{} ({i})", r.region.label()),
            None => r.region.label().to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let medications = e
        .medications
        .iter()
        .map(|m| {
            let mut s = m.name.clone();
            if !m.dose.is_empty() {
                s.push(' ');
                s.push_str(&m.dose);
            }
            if let Some(t) = m.taken_at {
                let (d, hm) = local_date_time(t, e.utc_offset_minutes);
                s.push_str(&format!(" at {d} {hm}"));
            }
            if let Some(r) = m.relief {
                s.push_str(&format!(" (relief {r})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    let list = |v: &[String]| v.join("; ");
    vec![
        date,
        time,
        offset_label(e.utc_offset_minutes),
        e.intensity.to_string(),
        if e.no_pain { "yes".into() } else { "no".into() },
        regions,
        list(&e.custom_regions),
        e.qualities.iter().map(|q| q.label().to_string()).collect::<Vec<_>>().join("; "),
        list(&e.custom_qualities),
        match e.pattern {
            Some(Pattern::Constant) => "constant".into(),
            Some(Pattern::ComesAndGoes) => "comes and goes".into(),
            None => String::new(),
        },
        opt(e.duration_minutes),
        medications,
        list(&e.treatments),
        list(&e.triggers),
        list(&e.better),
        list(&e.worse),
        e.sleep_minutes.map(|m| format!("{}", f64::from(m) / 60.0)).unwrap_or_default(),
        opt(e.sleep_quality),
        opt(e.mood),
        opt(e.interference_activity),
        opt(e.interference_work),
        opt(e.interference_sleep),
        list(&e.tags),
        e.note.clone(),
        e.id.to_string(),
        e.revision.to_string(),
    ]
}

/// A whole CSV document: header row, then live entries (tombstones are left out).
pub fn entries_csv(entries: &[Entry]) -> String {
    let mut out = String::new();
    write_row(&mut out, COLUMNS);
    for e in entries.iter().filter(|e| !e.deleted) {
        write_row(&mut out, &entry_row(e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{EntryId, MedicationTaken, RegionPain};
    use crate::vocabulary::Region;

    #[test]
    fn quoting_and_guard() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+44"), "'+44");
        assert_eq!(cell("-3"), "'-3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("=HYPERLINK(\"x\",\"y\")"), "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
        assert_eq!(cell("0"), "0");
    }

    #[test]
    fn zero_is_written() {
        let mut e = Entry::new(EntryId::from_bytes([0xab; 16]), 0, 0, 0);
        e.mood = Some(0);
        e.regions.push(RegionPain { region: Region::KneeLeft, intensity: Some(0) });
        e.medications.push(MedicationTaken { name: "ibuprofen".into(), dose: "200 mg".into(), relief: Some(0), ..Default::default() });
        e.note = "=cmd".into();
        let csv = entries_csv(&[e.clone(), e.to_tombstone()]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines.len(), 3, "header, one live entry, trailing empty");
        let row = lines[1];
        assert!(row.starts_with("1970-01-01,00:00,UTC+00:00,0,no,Left knee (0),"), "{row}");
        assert!(row.contains("ibuprofen 200 mg (relief 0)"));
        assert!(row.contains(",'=cmd,"));
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[COLUMNS.iter().position(|c| *c == "mood").unwrap()], "0");
        assert_eq!(cells[COLUMNS.iter().position(|c| *c == "sleep_quality").unwrap()], "");
    }
}
