//! The quick-log form as data: what the user has chosen and typed so far, how it travels as a
//! draft to the worker, and how it becomes an [`Entry`]. Pure: tested natively.

use serde::{Deserialize, Serialize};
use sotto_glue::protocol::{Entry, EntryId};
use sotto_glue::words::split_list;
use sotto_vault::entry::MedicationTaken;
use sotto_vault::vocabulary::{Quality, Region};

/// The optional parts behind "More", by the stable key remembered in `Settings.used_extras`.
pub const EXTRAS: [&str; 5] = ["medication", "triggers", "sleep", "mood", "interference"];

/// When the entry happened.
///
/// Here and in [`Draft`], serde's default (externally tagged) enum shape: an internally tagged
/// one is read through serde's buffering `Content`, which cost the popup's Wasm ~40 KB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// The moment of saving.
    #[default]
    Now,
    /// Earlier today at this many minutes after local midnight.
    Today { minute: u16 },
    /// Yesterday at this many minutes after local midnight.
    Yesterday { minute: u16 },
}

/// The day part of [`When`], as the "When" menu offers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Day {
    Now,
    Today,
    Yesterday,
}

impl When {
    pub fn minute(self) -> Option<u16> {
        match self {
            When::Now => None,
            When::Today { minute } | When::Yesterday { minute } => Some(minute),
        }
    }
}

/// Everything on the quick-log form. Every field has a default, so an older or partial draft
/// still restores what it can.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LogForm {
    pub intensity: Option<u8>,
    /// Region keys, in the order chosen.
    pub regions: Vec<String>,
    /// Quality keys, in the order chosen.
    pub qualities: Vec<String>,
    pub note: String,
    pub when: When,
    pub medication: String,
    pub dose: String,
    /// As typed: comma-separated.
    pub triggers: String,
    /// As typed ("7.5", "7,5"): hours of sleep last night.
    pub sleep_hours: String,
    pub sleep_quality: Option<u8>,
    pub mood: Option<u8>,
    pub interference: Option<u8>,
}

/// What keeps the form from becoming an entry, said to the user by message key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormProblem {
    NoIntensity,
    SleepNotAnumber,
    TimeInTheFuture,
}

impl FormProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FormProblem::NoIntensity => "popup_problem_no_intensity",
            FormProblem::SleepNotAnumber => "popup_problem_sleep",
            FormProblem::TimeInTheFuture => "popup_problem_future",
        }
    }
}

/// One change the user makes to the form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormEdit {
    Intensity(u8),
    ToggleRegion(String),
    ToggleQuality(String),
    Note(String),
    /// Another day was chosen; a time already set stays, else `default_minute` is used.
    WhenDay { day: Day, default_minute: u16 },
    /// A time was typed for the day already chosen ("now" has no time and ignores it).
    WhenTime(u16),
    Medication(String),
    Dose(String),
    Triggers(String),
    SleepHours(String),
    SleepQuality(Option<u8>),
    Mood(Option<u8>),
    Interference(Option<u8>),
}

impl LogForm {
    pub fn apply(&mut self, edit: FormEdit) {
        match edit {
            FormEdit::Intensity(value) => self.intensity = Some(value.min(10)),
            FormEdit::ToggleRegion(key) => toggle(&mut self.regions, &key),
            FormEdit::ToggleQuality(key) => toggle(&mut self.qualities, &key),
            FormEdit::Note(text) => self.note = text,
            // Against the form as it is now, not as the picker last drew it: a burst of keys
            // can change the day and type the time before the picker is drawn again.
            FormEdit::WhenDay { day, default_minute } => {
                let minute = self.when.minute().unwrap_or(default_minute);
                self.when = match day {
                    Day::Now => When::Now,
                    Day::Today => When::Today { minute },
                    Day::Yesterday => When::Yesterday { minute },
                };
            }
            FormEdit::WhenTime(minute) => {
                self.when = match self.when {
                    When::Now => When::Now,
                    When::Today { .. } => When::Today { minute },
                    When::Yesterday { .. } => When::Yesterday { minute },
                };
            }
            FormEdit::Medication(text) => self.medication = text,
            FormEdit::Dose(text) => self.dose = text,
            FormEdit::Triggers(text) => self.triggers = text,
            FormEdit::SleepHours(text) => self.sleep_hours = text,
            FormEdit::SleepQuality(value) => self.sleep_quality = value,
            FormEdit::Mood(value) => self.mood = value,
            FormEdit::Interference(value) => self.interference = value,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == LogForm::default()
    }

    /// The extras this form fills in, by key (see [`EXTRAS`]).
    pub fn used_extras(&self) -> Vec<&'static str> {
        let mut used = Vec::new();
        if !self.medication.trim().is_empty() {
            used.push("medication");
        }
        if !self.triggers.trim().is_empty() {
            used.push("triggers");
        }
        if !self.sleep_hours.trim().is_empty() || self.sleep_quality.is_some() {
            used.push("sleep");
        }
        if self.mood.is_some() {
            used.push("mood");
        }
        if self.interference.is_some() {
            used.push("interference");
        }
        used
    }

    /// Minutes of sleep from what was typed; `Ok(None)` when nothing was typed.
    fn sleep_minutes(&self) -> Result<Option<u16>, FormProblem> {
        sotto_glue::words::sleep_minutes(&self.sleep_hours).map_err(|_| FormProblem::SleepNotAnumber)
    }

    /// The problems that keep this form from being saved (checked before the time is resolved).
    pub fn check(&self) -> Result<u8, FormProblem> {
        let intensity = self.intensity.filter(|i| *i <= 10).ok_or(FormProblem::NoIntensity)?;
        self.sleep_minutes()?;
        Ok(intensity)
    }

    /// The entry to save, with a fresh id, at the resolved time and UTC offset.
    pub fn to_entry(&self, id: EntryId, occurred_at: i64, utc_offset_minutes: i16) -> Result<Entry, FormProblem> {
        let intensity = self.check()?;
        let mut entry = Entry::new(id, occurred_at, utc_offset_minutes, intensity);
        entry.regions = self
            .regions
            .iter()
            .map(|key| sotto_vault::entry::RegionPain { region: Region::from_key(key), intensity: None })
            .collect();
        entry.qualities = self.qualities.iter().map(|key| Quality::from_key(key)).collect();
        entry.note = self.note.trim().to_string();
        let medication = self.medication.trim();
        if !medication.is_empty() {
            entry.medications.push(MedicationTaken {
                name: medication.to_string(),
                dose: self.dose.trim().to_string(),
                ..MedicationTaken::default()
            });
        }
        entry.triggers = split_list(&self.triggers);
        entry.sleep_minutes = self.sleep_minutes()?;
        entry.sleep_quality = self.sleep_quality;
        entry.mood = self.mood;
        entry.interference_activity = self.interference;
        Ok(entry)
    }
}

fn toggle(list: &mut Vec<String>, key: &str) {
    if let Some(at) = list.iter().position(|k| k == key) {
        list.remove(at);
    } else {
        list.push(key.to_string());
    }
}

/// What the popup keeps in the worker's memory between openings (`SetDraft`), only while unlocked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Draft {
    /// The quick-log form as last typed.
    Log { form: LogForm },
    /// A just-created journal whose recovery code the user has not yet confirmed: the popup closing
    /// (any click outside it) must not lose the one chance to write the code down.
    RecoveryPending { recovery_code: String },
}

impl Draft {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// A draft this popup wrote; anything else (another version's shape, nothing) reads as `None`.
    pub fn from_json(value: Option<serde_json::Value>) -> Option<Draft> {
        value.map(whole_numbers).and_then(|v| serde_json::from_value(v).ok())
    }
}

/// JavaScript has only floating-point numbers, so a draft that went through the browser comes
/// back with `7.0` where `7` was written; a rating must read it as the whole number it is.
fn whole_numbers(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&f) => Value::from(f as u64),
            _ => Value::Number(n),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(whole_numbers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_numbers(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id() -> EntryId {
        EntryId::from_bytes([7; 16])
    }

    #[test]
    fn only_intensity_is_needed_and_zero_counts() {
        let mut form = LogForm::default();
        assert_eq!(form.to_entry(id(), 0, 0), Err(FormProblem::NoIntensity));
        form.intensity = Some(0);
        let entry = form.to_entry(id(), 1_700_000_000_000, 60).unwrap();
        assert_eq!(entry.intensity, 0);
        assert_eq!(entry.utc_offset_minutes, 60);
        entry.validate().unwrap();
    }

    #[test]
    fn everything_typed_lands_in_the_entry() {
        let mut form = LogForm { intensity: Some(6), note: "  after the drive ".into(), ..LogForm::default() };
        form.apply(FormEdit::ToggleRegion("lower_back_left".into()));
        form.apply(FormEdit::ToggleRegion("knee_right".into()));
        form.apply(FormEdit::ToggleRegion("knee_right".into()));
        form.apply(FormEdit::ToggleQuality("aching".into()));
        form.medication = "Ibuprofen".into();
        form.dose = "400 mg".into();
        form.triggers = "long drive, cold ,".into();
        form.sleep_hours = "6,5".into();
        form.mood = Some(0);
        form.interference = Some(7);
        let entry = form.to_entry(id(), 1_700_000_000_000, 0).unwrap();
        assert_eq!(entry.regions.len(), 1);
        assert_eq!(entry.regions[0].region, Region::LowerBackLeft);
        assert_eq!(entry.qualities, vec![Quality::Aching]);
        assert_eq!(entry.note, "after the drive");
        assert_eq!(entry.medications[0].dose, "400 mg");
        assert_eq!(entry.triggers, vec!["long drive", "cold"]);
        assert_eq!(entry.sleep_minutes, Some(390));
        assert_eq!(entry.mood, Some(0));
        assert_eq!(entry.interference_activity, Some(7));
        assert_eq!(form.used_extras(), vec!["medication", "triggers", "sleep", "mood", "interference"]);
        entry.validate().unwrap();
    }

    #[test]
    fn the_time_applies_to_the_day_chosen_and_survives_a_change_of_day() {
        let mut form = LogForm::default();
        form.apply(FormEdit::WhenTime(600));
        assert_eq!(form.when, When::Now, "now has no time");
        form.apply(FormEdit::WhenDay { day: Day::Yesterday, default_minute: 900 });
        assert_eq!(form.when, When::Yesterday { minute: 900 });
        form.apply(FormEdit::WhenTime(570));
        form.apply(FormEdit::WhenDay { day: Day::Today, default_minute: 60 });
        assert_eq!(form.when, When::Today { minute: 570 }, "a time already typed stays");
        form.apply(FormEdit::WhenDay { day: Day::Now, default_minute: 60 });
        assert_eq!(form.when, When::Now);
    }

    #[test]
    fn sleep_must_be_hours() {
        let form = LogForm { intensity: Some(3), sleep_hours: "lots".into(), ..LogForm::default() };
        assert_eq!(form.check(), Err(FormProblem::SleepNotAnumber));
        let form = LogForm { intensity: Some(3), sleep_hours: "25".into(), ..LogForm::default() };
        assert_eq!(form.check(), Err(FormProblem::SleepNotAnumber));
    }

    #[test]
    fn drafts_round_trip_and_foreign_shapes_are_ignored() {
        let form = LogForm { intensity: Some(4), note: "n".into(), when: When::Yesterday { minute: 600 }, ..LogForm::default() };
        let draft = Draft::Log { form };
        assert_eq!(Draft::from_json(Some(draft.to_json())), Some(draft));
        assert_eq!(Draft::from_json(Some(serde_json::json!({"something": "else"}))), None);
        assert_eq!(Draft::from_json(None), None);
        // Through the browser, numbers come back as floats.
        let floats = serde_json::json!({"log": {"form": {"intensity": 7.0, "when": {"today": {"minute": 600.0}}}}});
        assert_eq!(
            Draft::from_json(Some(floats)),
            Some(Draft::Log { form: LogForm { intensity: Some(7), when: When::Today { minute: 600 }, ..LogForm::default() } })
        );
        // A partial form (older version) restores what it has.
        let partial = serde_json::json!({"log": {"form": {"intensity": 2}}});
        assert_eq!(
            Draft::from_json(Some(partial)),
            Some(Draft::Log { form: LogForm { intensity: Some(2), ..LogForm::default() } })
        );
    }
}
