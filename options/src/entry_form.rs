//! The entry editor's form as data: read from an entry, changed one edit at a time, and turned
//! back into the entry. Pure: tested natively.
//!
//! What the user did not touch is given back exactly as it was, not as the form would write it
//! again: an entry's seconds, a trigger with a comma in it, a region's own rating, a medication's
//! relief, values from a newer version. Editing must never lose what the form cannot show.

use sotto_glue::protocol::Entry;
use sotto_glue::words::{sleep_hours_text, sleep_minutes, split_list};
use sotto_vault::entry::{MedicationTaken, RegionPain};
use sotto_vault::{Quality, Region};

use crate::dates::{day_start_ms, parse_iso_date};

/// Everything the editor shows, as typed.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryForm {
    pub date: String,
    pub time: String,
    pub no_pain: bool,
    pub intensity: String,
    /// Region keys, in the entry's order, then in the order chosen.
    pub regions: Vec<String>,
    pub qualities: Vec<String>,
    /// Each row keeps the medication it came from (its time taken, relief, unknown fields).
    pub medications: Vec<MedicationTaken>,
    pub triggers: String,
    pub sleep_hours: String,
    pub sleep_quality: Option<u8>,
    pub mood: Option<u8>,
    pub interference: Option<u8>,
    pub note: String,
    pub tags: String,
}

/// One change the user makes.
#[derive(Clone, Debug, PartialEq)]
pub enum FormEdit {
    Date(String),
    Time(String),
    NoPain(bool),
    Intensity(String),
    ToggleRegion(String),
    ToggleQuality(String),
    MedicationName(usize, String),
    MedicationDose(usize, String),
    AddMedication,
    RemoveMedication(usize),
    Triggers(String),
    SleepHours(String),
    SleepQuality(Option<u8>),
    Mood(Option<u8>),
    Interference(Option<u8>),
    Note(String),
    Tags(String),
}

/// What keeps the form from becoming the entry, said to the user by message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormProblem {
    Date,
    Time,
    Intensity,
    Sleep,
}

impl FormProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FormProblem::Date => "options_edit_bad_date",
            FormProblem::Time => "options_edit_bad_time",
            FormProblem::Intensity => "options_edit_bad_intensity",
            FormProblem::Sleep => "popup_problem_sleep",
        }
    }
}

/// A list as the form shows it: comma-separated.
fn joined(list: &[String]) -> String {
    list.join(", ")
}

impl EntryForm {
    pub fn from_entry(e: &Entry) -> EntryForm {
        let (date, time) = sotto_vault::report::local_date_time(e.occurred_at, e.utc_offset_minutes);
        EntryForm {
            date,
            time,
            no_pain: e.no_pain,
            intensity: e.intensity.to_string(),
            regions: e.regions.iter().map(|r| r.region.key().to_string()).collect(),
            qualities: e.qualities.iter().map(|q| q.key().to_string()).collect(),
            medications: e.medications.clone(),
            triggers: joined(&e.triggers),
            sleep_hours: e.sleep_minutes.map(sleep_hours_text).unwrap_or_default(),
            sleep_quality: e.sleep_quality,
            mood: e.mood,
            interference: e.interference_activity,
            note: e.note.clone(),
            tags: joined(&e.tags),
        }
    }

    pub fn apply(&mut self, edit: FormEdit) {
        match edit {
            FormEdit::Date(text) => self.date = text,
            FormEdit::Time(text) => self.time = text,
            FormEdit::NoPain(on) => {
                self.no_pain = on;
                // "No pain" is intensity 0 (the model's rule); unticking leaves 0 to change.
                if on {
                    self.intensity = "0".into();
                }
            }
            FormEdit::Intensity(text) => self.intensity = text,
            FormEdit::ToggleRegion(key) => toggle(&mut self.regions, &key),
            FormEdit::ToggleQuality(key) => toggle(&mut self.qualities, &key),
            FormEdit::MedicationName(at, text) => {
                if let Some(m) = self.medications.get_mut(at) {
                    m.name = text;
                }
            }
            FormEdit::MedicationDose(at, text) => {
                if let Some(m) = self.medications.get_mut(at) {
                    m.dose = text;
                }
            }
            FormEdit::AddMedication => self.medications.push(MedicationTaken::default()),
            FormEdit::RemoveMedication(at) => {
                if at < self.medications.len() {
                    self.medications.remove(at);
                }
            }
            FormEdit::Triggers(text) => self.triggers = text,
            FormEdit::SleepHours(text) => self.sleep_hours = text,
            FormEdit::SleepQuality(value) => self.sleep_quality = value,
            FormEdit::Mood(value) => self.mood = value,
            FormEdit::Interference(value) => self.interference = value,
            FormEdit::Note(text) => self.note = text,
            FormEdit::Tags(text) => self.tags = text,
        }
    }

    /// `previous` with the form's changes; what the form left as it was stays exactly as it was.
    pub fn to_entry(&self, previous: &Entry) -> Result<Entry, FormProblem> {
        let before = EntryForm::from_entry(previous);
        let mut edited = previous.clone();
        if self.date != before.date || self.time != before.time {
            let day = parse_iso_date(&self.date).ok_or(FormProblem::Date)?;
            let minutes = self
                .time
                .split_once(':')
                .and_then(|(h, m)| Some(h.parse::<i64>().ok()? * 60 + m.parse::<i64>().ok()?))
                .filter(|m| (0..24 * 60).contains(m))
                .ok_or(FormProblem::Time)?;
            // The entry keeps the offset it was written at: its day is where it happened.
            edited.occurred_at = day_start_ms(day, previous.utc_offset_minutes) + minutes * 60_000;
        }
        edited.no_pain = self.no_pain;
        edited.intensity = if self.no_pain {
            0
        } else {
            self.intensity.trim().parse::<u8>().ok().filter(|v| *v <= 10).ok_or(FormProblem::Intensity)?
        };
        // A region kept keeps its own rating; one from a newer version has no box and stays.
        edited.regions = self
            .regions
            .iter()
            .map(|key| {
                previous
                    .regions
                    .iter()
                    .find(|r| r.region.key() == key)
                    .cloned()
                    .unwrap_or_else(|| RegionPain { region: Region::from_key(key), intensity: None })
            })
            .collect();
        edited.qualities = self.qualities.iter().map(|key| Quality::from_key(key)).collect();
        edited.medications = self
            .medications
            .iter()
            .filter(|m| !m.name.trim().is_empty())
            .map(|m| MedicationTaken { name: m.name.trim().to_string(), dose: m.dose.trim().to_string(), ..m.clone() })
            .collect();
        if self.triggers != before.triggers {
            edited.triggers = split_list(&self.triggers);
        }
        if self.sleep_hours != before.sleep_hours {
            edited.sleep_minutes = sleep_minutes(&self.sleep_hours).map_err(|_| FormProblem::Sleep)?;
        }
        edited.sleep_quality = self.sleep_quality;
        edited.mood = self.mood;
        edited.interference_activity = self.interference;
        edited.note = self.note.clone();
        if self.tags != before.tags {
            edited.tags = split_list(&self.tags);
        }
        Ok(edited)
    }
}

fn toggle(list: &mut Vec<String>, key: &str) {
    if let Some(at) = list.iter().position(|k| k == key) {
        list.remove(at);
    } else {
        list.push(key.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry() -> Entry {
        serde_json::from_value(json!({
            "id": "00000000000000000000000000000001", "revision": 3, "occurred_at": 1_763_900_000_000i64,
            "utc_offset_minutes": 60, "intensity": 6, "note": "stairs",
            "regions": [{"region": "knee_left", "intensity": 7}, {"region": "from_the_future"}],
            "qualities": ["sharp"], "medications": [{"name": "ibuprofen", "dose": "400 mg", "relief": 0, "later": 1}],
            "triggers": ["cold, wet weather"], "sleep_minutes": 401, "mood": 0, "tags": ["a;b"],
            "interference_work": 10, "from_a_newer_version": {"kept": true}
        }))
        .unwrap()
    }

    #[test]
    fn an_untouched_form_gives_back_the_same_entry() {
        let e = entry();
        assert_eq!(EntryForm::from_entry(&e).to_entry(&e), Ok(e));
    }

    #[test]
    fn every_change_lands_and_nothing_else_moves() {
        let e = entry();
        let mut form = EntryForm::from_entry(&e);
        for edit in [
            FormEdit::ToggleRegion("knee_right".into()),
            FormEdit::ToggleQuality("sharp".into()),
            FormEdit::ToggleQuality("aching".into()),
            FormEdit::MedicationDose(0, " 200 mg ".into()),
            FormEdit::AddMedication,
            FormEdit::MedicationName(1, "heat pad".into()),
            FormEdit::AddMedication,
            FormEdit::Triggers("stress; cold".into()),
            FormEdit::SleepHours("7,5".into()),
            FormEdit::Mood(None),
            FormEdit::Interference(Some(0)),
            FormEdit::Time("08:30".into()),
            FormEdit::Intensity("9".into()),
        ] {
            form.apply(edit);
        }
        let got = form.to_entry(&e).unwrap();
        let keys: Vec<&str> = got.regions.iter().map(|r| r.region.key()).collect();
        assert_eq!(keys, ["knee_left", "from_the_future", "knee_right"]);
        assert_eq!(got.regions[0].intensity, Some(7), "a kept region keeps its own rating");
        assert_eq!(got.qualities, vec![Quality::Aching]);
        assert_eq!(got.medications.len(), 2, "an empty row is no medication");
        assert_eq!((got.medications[0].dose.as_str(), got.medications[0].relief), ("200 mg", Some(0)));
        assert_eq!(got.medications[0].extra.get("later"), Some(&json!(1)));
        assert_eq!(got.medications[1].name, "heat pad");
        assert_eq!(got.triggers, vec!["stress", "cold"]);
        assert_eq!(got.sleep_minutes, Some(450));
        assert_eq!((got.mood, got.interference_activity), (None, Some(0)));
        assert_eq!(got.intensity, 9);
        assert_eq!(sotto_vault::report::local_date_time(got.occurred_at, 60).1, "08:30");
        assert_eq!(got.tags, vec!["a;b"], "untouched tags are not split again");
        assert_eq!(got.interference_work, Some(10));
        assert_eq!(got.extra, e.extra);
        assert_eq!((got.id, got.revision, got.note.as_str()), (e.id, e.revision, "stairs"));
    }

    #[test]
    fn no_pain_is_intensity_zero_and_bad_values_are_named() {
        let e = entry();
        let mut form = EntryForm::from_entry(&e);
        form.apply(FormEdit::NoPain(true));
        let got = form.to_entry(&e).unwrap();
        assert!(got.no_pain);
        assert_eq!(got.intensity, 0);
        form.apply(FormEdit::NoPain(false));
        form.apply(FormEdit::Intensity("11".into()));
        assert_eq!(form.to_entry(&e), Err(FormProblem::Intensity));
        form.apply(FormEdit::Intensity("4".into()));
        form.apply(FormEdit::SleepHours("lots".into()));
        assert_eq!(form.to_entry(&e), Err(FormProblem::Sleep));
        form.apply(FormEdit::SleepHours(String::new()));
        assert_eq!(form.to_entry(&e).map(|g| g.sleep_minutes), Ok(None));
        form.apply(FormEdit::Date("2025-02-31".into()));
        assert_eq!(form.to_entry(&e), Err(FormProblem::Date));
    }
}
