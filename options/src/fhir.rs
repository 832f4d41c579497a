//! The clinician report as a FHIR R4 `Bundle` (type `collection`), in plain Rust.
//!
//! - Each entry's overall pain is an `Observation` coded LOINC 72514-3 ("Pain severity - 0-10
//!   verbal numeric rating [Score] - Reported"), its value a `valueQuantity` in the UCUM unit
//!   `{score}`, category `survey`.
//! - Each body region named in an entry is one more 72514-3 `Observation` carrying `bodySite`
//!   (the region's own rating when given, else the overall one), SNOMED CT coded where the
//!   structure has a well-known code, the user's wording as `text` always (it carries the side).
//! - Each medication taken is a `MedicationStatement` (status `completed`, the name as
//!   `medicationCodeableConcept.text`, the dose as `dosage.text`).
//! - One `Patient` with no identifying data at all is the required subject: the report is the
//!   user's to hand over, and says nothing about them the user did not type.
//!
//! Every resource is addressed by a `urn:uuid:` derived from the entry id, so exporting the same
//! entries twice gives the same ids.

use serde_json::{Value, json};
use sotto_glue::protocol::Entry;
use sotto_vault::Region;
use sotto_vault::report::local_date_time;

pub const LOINC: &str = "http://loinc.org";
pub const PAIN_SEVERITY_CODE: &str = "72514-3";
pub const PAIN_SEVERITY_DISPLAY: &str = "Pain severity - 0-10 verbal numeric rating [Score] - Reported";
pub const SNOMED: &str = "http://snomed.info/sct";
pub const UCUM: &str = "http://unitsofmeasure.org";
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// Which parts of each entry go into the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FhirSections {
    pub body_sites: bool,
    pub medications: bool,
    pub notes: bool,
}

/// SNOMED CT body structure concepts for the regions that have an unambiguous one. Sides are
/// not pre-coordinated here: the side stays in the `text`. Each code was checked (Nov 2026)
/// against published FHIR/SNOMED value sets and DICOM CID 4031/7151 listings; the back of the
/// head is coded as the head (less specific, not wrong). The upper and middle back have no
/// concept we could confirm, so they go as `text` only rather than with a guessed code.
fn snomed_structure(region: &Region) -> Option<(&'static str, &'static str)> {
    use Region::*;
    Some(match region {
        Head | BackOfHead => ("69536005", "Head structure"),
        Face => ("89545001", "Face structure"),
        JawLeft | JawRight => ("661005", "Jaw region structure"),
        NeckFront | NeckBack => ("45048000", "Neck structure"),
        ShoulderLeft | ShoulderRight => ("16982005", "Shoulder region structure"),
        UpperArmLeft | UpperArmRight => ("40983000", "Upper arm structure"),
        ElbowLeft | ElbowRight => ("127949000", "Elbow region structure"),
        ForearmLeft | ForearmRight => ("14975008", "Forearm structure"),
        WristLeft | WristRight => ("8205005", "Wrist region structure"),
        HandLeft | HandRight => ("85562004", "Hand structure"),
        Chest => ("51185008", "Thoracic structure"),
        UpperAbdomen | LowerAbdomen => ("113345001", "Abdominal structure"),
        Pelvis => ("12921003", "Pelvic structure"),
        LowerBackLeft | LowerBackRight => ("37822005", "Lower back structure"),
        Tailbone => ("64688005", "Coccyx"),
        HipLeft | HipRight => ("29836001", "Hip region structure"),
        ButtockLeft | ButtockRight => ("46862004", "Buttock structure"),
        ThighLeft | ThighRight => ("68367000", "Thigh structure"),
        KneeLeft | KneeRight => ("72696002", "Knee region structure"),
        LowerLegLeft | LowerLegRight => ("30021000", "Lower leg structure"),
        AnkleLeft | AnkleRight => ("344001", "Ankle region structure"),
        FootLeft | FootRight => ("56459004", "Foot structure"),
        _ => return None,
    })
}

/// A FHIR `dateTime` with seconds and the entry's own offset: `2026-11-23T08:30:00+01:00`.
pub fn fhir_date_time(utc_ms: i64, offset_minutes: i16) -> String {
    let (date, time) = local_date_time(utc_ms, offset_minutes);
    let sign = if offset_minutes < 0 { '-' } else { '+' };
    let m = offset_minutes.unsigned_abs();
    format!("{date}T{time}:00{sign}{:02}:{:02}", m / 60, m % 60)
}

/// A version-4-shaped UUID made from the entry id and a resource number within the entry.
fn resource_uuid(entry: &Entry, resource: u8) -> String {
    let hex = entry.id.to_string();
    let mut bytes: Vec<u8> = (0..16).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2).unwrap_or("00"), 16).unwrap_or(0)).collect();
    if let Some(b) = bytes.get_mut(15) {
        *b ^= resource;
    }
    // The resource number also goes into byte 0 so that two numbers never cancel out.
    if let Some(b) = bytes.get_mut(0) {
        *b = b.wrapping_add(resource.wrapping_mul(97));
    }
    if let Some(b) = bytes.get_mut(6) {
        *b = (*b & 0x0f) | 0x40;
    }
    if let Some(b) = bytes.get_mut(8) {
        *b = (*b & 0x3f) | 0x80;
    }
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

const PATIENT_URL: &str = "urn:uuid:00000000-0000-4000-8000-000000000001";

fn pain_code() -> Value {
    json!({"coding": [{"system": LOINC, "code": PAIN_SEVERITY_CODE, "display": PAIN_SEVERITY_DISPLAY}], "text": "Pain severity (0-10)"})
}

fn score(value: u8) -> Value {
    json!({"value": value, "unit": "{score}", "system": UCUM, "code": "{score}"})
}

fn observation(entry: &Entry, value: u8, body_site: Option<Value>, note: Option<&str>) -> Value {
    let mut obs = json!({
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": pain_code(),
        "subject": {"reference": PATIENT_URL},
        "effectiveDateTime": fhir_date_time(entry.occurred_at, entry.utc_offset_minutes),
        "valueQuantity": score(value),
    });
    if let Some(site) = body_site {
        obs["bodySite"] = site;
    }
    if let Some(text) = note.filter(|t| !t.trim().is_empty()) {
        obs["note"] = json!([{"text": text}]);
    }
    obs
}

fn body_site(region: &Region) -> Value {
    match snomed_structure(region) {
        Some((code, display)) => json!({"coding": [{"system": SNOMED, "code": code, "display": display}], "text": region.label()}),
        None => json!({"text": region.label()}),
    }
}

fn medication_statement(entry: &Entry, med: &sotto_vault::MedicationTaken) -> Value {
    let when = med.taken_at.unwrap_or(entry.occurred_at);
    let mut statement = json!({
        "resourceType": "MedicationStatement",
        "status": "completed",
        "medicationCodeableConcept": {"text": med.name},
        "subject": {"reference": PATIENT_URL},
        "effectiveDateTime": fhir_date_time(when, entry.utc_offset_minutes),
        "dateAsserted": fhir_date_time(entry.occurred_at, entry.utc_offset_minutes),
    });
    if !med.dose.trim().is_empty() {
        statement["dosage"] = json!([{"text": med.dose}]);
    }
    if let Some(relief) = med.relief {
        statement["note"] = json!([{"text": format!("Relief reported: {relief}/10")}]);
    }
    statement
}

/// The report: a `collection` Bundle of the live entries, oldest first.
pub fn fhir_bundle(entries: &[Entry], sections: FhirSections, generated_at_ms: i64) -> Value {
    let mut resources: Vec<(String, Value)> = vec![(PATIENT_URL.to_string(), json!({"resourceType": "Patient", "active": true}))];
    let mut live: Vec<&Entry> = entries.iter().filter(|e| !e.deleted).collect();
    live.sort_by_key(|e| (e.occurred_at, e.id));
    for e in live {
        let note = sections.notes.then_some(e.note.as_str());
        resources.push((resource_uuid(e, 0), observation(e, e.intensity, None, note)));
        if sections.body_sites {
            for (i, r) in e.regions.iter().enumerate() {
                let site = body_site(&r.region);
                resources.push((resource_uuid(e, 1 + i as u8), observation(e, r.intensity.unwrap_or(e.intensity), Some(site), None)));
            }
            for (i, custom) in e.custom_regions.iter().filter(|c| !c.trim().is_empty()).enumerate() {
                let site = json!({"text": custom});
                resources.push((resource_uuid(e, 100 + i as u8), observation(e, e.intensity, Some(site), None)));
            }
        }
        if sections.medications {
            for (i, med) in e.medications.iter().filter(|m| !m.name.trim().is_empty()).enumerate() {
                resources.push((resource_uuid(e, 200 + i as u8), medication_statement(e, med)));
            }
        }
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": fhir_date_time(generated_at_ms, 0).replace("+00:00", "Z"),
        "entry": resources.into_iter().map(|(url, resource)| json!({"fullUrl": url, "resource": resource})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    //! The shape checks below are written from the published FHIR R4 (4.0.1) specification:
    //! Bundle, Observation, MedicationStatement, Patient and the datatypes they use; each rule
    //! cites where it comes from. They run natively in milliseconds; the file the options page
    //! actually saves is also read by an independent implementation, FHIR.js's validator over
    //! the R4 StructureDefinitions (e2e `report::the_fhir_report_passes_an_independent_r4_validator`).
    use super::*;
    use sotto_glue::protocol::EntryId;
    use sotto_vault::{MedicationTaken, RegionPain};
    use std::collections::BTreeSet;

    /// Element names each resource may carry (R4 resource definitions; DomainResource adds
    /// id, meta, implicitRules, language, text, contained, extension, modifierExtension).
    fn allowed(resource_type: &str) -> &'static [&'static str] {
        match resource_type {
            "Bundle" => &["resourceType", "id", "meta", "implicitRules", "language", "identifier", "type", "timestamp", "total", "link", "entry", "signature"],
            "Observation" => &[
                "resourceType", "id", "meta", "text", "identifier", "basedOn", "partOf", "status", "category", "code", "subject", "focus",
                "encounter", "effectiveDateTime", "effectivePeriod", "effectiveTiming", "effectiveInstant", "issued", "performer",
                "valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger", "valueRange", "valueRatio",
                "valueSampledData", "valueTime", "valueDateTime", "valuePeriod", "dataAbsentReason", "interpretation", "note",
                "bodySite", "method", "specimen", "device", "referenceRange", "hasMember", "derivedFrom", "component",
            ],
            "MedicationStatement" => &[
                "resourceType", "id", "meta", "text", "identifier", "basedOn", "partOf", "status", "statusReason", "category",
                "medicationCodeableConcept", "medicationReference", "subject", "context", "effectiveDateTime", "effectivePeriod",
                "dateAsserted", "informationSource", "derivedFrom", "reasonCode", "reasonReference", "note", "dosage",
            ],
            "Patient" => &[
                "resourceType", "id", "meta", "text", "identifier", "active", "name", "telecom", "gender", "birthDate", "deceasedBoolean",
                "deceasedDateTime", "address", "maritalStatus", "multipleBirthBoolean", "multipleBirthInteger", "photo", "contact",
                "communication", "generalPractitioner", "managingOrganization", "link",
            ],
            _ => &[],
        }
    }

    fn digits(s: &str) -> bool {
        !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
    }

    /// R4 `dateTime` with a time part: YYYY-MM-DDThh:mm:ss(.sss)(Z|±hh:mm); the time zone is
    /// required when a time is given (datatypes §2.24.0.8).
    fn is_date_time_with_zone(s: &str) -> bool {
        let (date, rest) = match s.split_once('T') {
            Some(p) => p,
            None => return false,
        };
        let d: Vec<&str> = date.split('-').collect();
        let date_ok = d.len() == 3 && d[0].len() == 4 && d[1].len() == 2 && d[2].len() == 2 && d.iter().all(|p| digits(p));
        let (time, zone) = if let Some(t) = rest.strip_suffix('Z') {
            (t, "Z")
        } else if rest.len() > 6 {
            rest.split_at(rest.len() - 6)
        } else {
            return false;
        };
        let t: Vec<&str> = time.split(':').collect();
        let time_ok = t.len() == 3 && t.iter().all(|p| p.len() == 2 && digits(p));
        let zone_ok = zone == "Z"
            || (zone.len() == 6 && (zone.starts_with('+') || zone.starts_with('-')) && &zone[3..4] == ":" && digits(&zone[1..3]) && digits(&zone[4..6]));
        date_ok && time_ok && zone_ok
    }

    fn is_urn_uuid(s: &str) -> bool {
        let Some(u) = s.strip_prefix("urn:uuid:") else { return false };
        let groups: Vec<&str> = u.split('-').collect();
        groups.iter().map(|g| g.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    }

    /// ele-1 and the JSON format rules (§2.6.2): no empty strings, arrays or objects, no nulls.
    fn no_empty_values(path: &str, v: &Value, problems: &mut Vec<String>) {
        match v {
            Value::Null => problems.push(format!("{path}: null")),
            Value::String(s) if s.trim().is_empty() => problems.push(format!("{path}: empty string")),
            Value::Array(a) if a.is_empty() => problems.push(format!("{path}: empty array")),
            Value::Object(o) if o.is_empty() => problems.push(format!("{path}: empty object")),
            Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| no_empty_values(&format!("{path}[{i}]"), x, problems)),
            Value::Object(o) => o.iter().for_each(|(k, x)| no_empty_values(&format!("{path}.{k}"), x, problems)),
            _ => {}
        }
    }

    fn check_coding(path: &str, c: &Value, problems: &mut Vec<String>) {
        let codings = c["coding"].as_array().cloned().unwrap_or_default();
        if codings.is_empty() && c["text"].as_str().is_none() {
            problems.push(format!("{path}: a CodeableConcept needs coding or text"));
        }
        for coding in codings {
            let system = coding["system"].as_str().unwrap_or_default();
            if !system.starts_with("http://") || coding["code"].as_str().is_none() {
                problems.push(format!("{path}: coding without an absolute system and a code: {coding}"));
            }
        }
    }

    fn check_reference(path: &str, r: &Value, urls: &BTreeSet<String>, problems: &mut Vec<String>) {
        match r["reference"].as_str() {
            Some(u) if urls.contains(u) => {}
            other => problems.push(format!("{path}: reference {other:?} does not resolve inside the bundle")),
        }
    }

    /// Every rule we check, as a list of problems (empty: valid).
    fn r4_problems(bundle: &Value) -> Vec<String> {
        let mut p = Vec::new();
        no_empty_values("Bundle", bundle, &mut p);
        if bundle["resourceType"] != "Bundle" {
            p.push("resourceType must be Bundle".into());
        }
        let kinds = ["document", "message", "transaction", "transaction-response", "batch", "batch-response", "history", "searchset", "collection"];
        if !kinds.contains(&bundle["type"].as_str().unwrap_or_default()) {
            p.push("Bundle.type is required and from the BundleType value set".into());
        }
        if !bundle["timestamp"].as_str().is_some_and(is_date_time_with_zone) {
            p.push("Bundle.timestamp must be an instant".into());
        }
        let entries = bundle["entry"].as_array().cloned().unwrap_or_default();
        let urls: BTreeSet<String> = entries.iter().filter_map(|e| e["fullUrl"].as_str().map(String::from)).collect();
        if urls.len() != entries.len() {
            p.push("bdl-7: fullUrl must be unique (and present)".into());
        }
        for (i, e) in entries.iter().enumerate() {
            let path = format!("Bundle.entry[{i}]");
            if !e["fullUrl"].as_str().is_some_and(is_urn_uuid) {
                p.push(format!("{path}.fullUrl is not a urn:uuid"));
            }
            if e.get("request").is_some() || e.get("response").is_some() {
                p.push(format!("{path}: bdl-3/bdl-4 request/response only in batch/transaction/history"));
            }
            let r = &e["resource"];
            let kind = r["resourceType"].as_str().unwrap_or_default();
            let names = allowed(kind);
            if names.is_empty() {
                p.push(format!("{path}: unexpected resourceType {kind:?}"));
            }
            for key in r.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default() {
                if !names.contains(&key.as_str()) {
                    p.push(format!("{path}: {kind} has no element {key:?}"));
                }
            }
            match kind {
                "Observation" => {
                    let statuses = ["registered", "preliminary", "final", "amended", "corrected", "cancelled", "entered-in-error", "unknown"];
                    if !statuses.contains(&r["status"].as_str().unwrap_or_default()) {
                        p.push(format!("{path}: Observation.status 1..1 from ObservationStatus"));
                    }
                    check_coding(&format!("{path}.code"), &r["code"], &mut p);
                    let loinc = r["code"]["coding"].as_array().into_iter().flatten().any(|c| c["system"] == LOINC && c["code"] == PAIN_SEVERITY_CODE);
                    if !loinc {
                        p.push(format!("{path}: pain severity must be coded LOINC 72514-3"));
                    }
                    for c in r["category"].as_array().into_iter().flatten() {
                        check_coding(&format!("{path}.category"), c, &mut p);
                    }
                    let values: Vec<&String> = r.as_object().map(|o| o.keys().filter(|k| k.starts_with("value")).collect()).unwrap_or_default();
                    if values.len() != 1 {
                        p.push(format!("{path}: value[x] is a choice: exactly one expected here, got {values:?}"));
                    }
                    let q = &r["valueQuantity"];
                    if !q.is_null() {
                        let value_ok = q["value"].as_f64().is_some_and(|v| (0.0..=10.0).contains(&v));
                        // qty-3: if a code is present, the system SHALL be present.
                        if !value_ok || (q.get("code").is_some() && q["system"] != UCUM) {
                            p.push(format!("{path}: valueQuantity needs a 0-10 value and, with a code, the UCUM system: {q}"));
                        }
                    }
                    if r.get("valueInteger").is_some() && !r["valueInteger"].is_i64() {
                        p.push(format!("{path}: valueInteger must be an integer"));
                    }
                    if !r["effectiveDateTime"].as_str().is_some_and(is_date_time_with_zone) {
                        p.push(format!("{path}: effectiveDateTime must be a dateTime with a zone"));
                    }
                    if r.get("bodySite").is_some() {
                        check_coding(&format!("{path}.bodySite"), &r["bodySite"], &mut p);
                    }
                    check_reference(&format!("{path}.subject"), &r["subject"], &urls, &mut p);
                    for n in r["note"].as_array().into_iter().flatten() {
                        if n["text"].as_str().is_none() {
                            p.push(format!("{path}: Annotation.text is 1..1"));
                        }
                    }
                }
                "MedicationStatement" => {
                    let statuses = ["active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown", "not-taken"];
                    if !statuses.contains(&r["status"].as_str().unwrap_or_default()) {
                        p.push(format!("{path}: MedicationStatement.status 1..1 from MedicationStatementStatus"));
                    }
                    let med = [r.get("medicationCodeableConcept").is_some(), r.get("medicationReference").is_some()];
                    if med.iter().filter(|m| **m).count() != 1 {
                        p.push(format!("{path}: medication[x] is 1..1"));
                    }
                    check_coding(&format!("{path}.medicationCodeableConcept"), &r["medicationCodeableConcept"], &mut p);
                    check_reference(&format!("{path}.subject"), &r["subject"], &urls, &mut p);
                    for field in ["effectiveDateTime", "dateAsserted"] {
                        if r.get(field).is_some() && !r[field].as_str().is_some_and(is_date_time_with_zone) {
                            p.push(format!("{path}.{field} must be a dateTime with a zone"));
                        }
                    }
                }
                _ => {}
            }
        }
        p
    }

    fn sample() -> Vec<Entry> {
        let mut e = Entry::new(EntryId::from_bytes([0x5a; 16]), 1_763_900_000_000, 60, 6);
        e.regions = vec![
            RegionPain { region: Region::KneeLeft, intensity: Some(7) },
            RegionPain { region: Region::UpperBack, intensity: None },
        ];
        e.custom_regions = vec!["behind the left ear".into()];
        e.note = "worse after stairs, \"sharp\"".into();
        e.medications = vec![
            MedicationTaken { name: "ibuprofen".into(), dose: "400 mg".into(), relief: Some(0), ..Default::default() },
            MedicationTaken { name: "heat".into(), ..Default::default() },
        ];
        let mut zero = Entry::no_pain(EntryId::from_bytes([0x11; 16]), 1_763_990_000_000, -300);
        zero.note = String::new();
        let gone = Entry::new(EntryId::from_bytes([0x22; 16]), 1_763_900_000_000, 0, 9).to_tombstone();
        vec![e, zero, gone]
    }

    #[test]
    fn the_bundle_has_the_r4_shape() {
        let all = FhirSections { body_sites: true, medications: true, notes: true };
        let bundle = fhir_bundle(&sample(), all, 1_764_000_000_000);
        let problems = r4_problems(&bundle);
        assert!(problems.is_empty(), "{problems:#?}\n{bundle:#}");
        let resources: Vec<&Value> = bundle["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
        let kinds: Vec<&str> = resources.iter().map(|r| r["resourceType"].as_str().unwrap()).collect();
        // Patient; entry 1: overall + 2 regions + 1 custom region + 2 medications; entry 2: overall. The tombstone: nothing.
        assert_eq!(kinds, ["Patient", "Observation", "Observation", "Observation", "Observation", "MedicationStatement", "MedicationStatement", "Observation"]);
        assert_eq!(resources[1]["valueQuantity"]["value"], 6);
        assert_eq!(resources[1]["note"][0]["text"], "worse after stairs, \"sharp\"");
        assert_eq!(resources[1]["effectiveDateTime"], "2025-11-23T13:13:00+01:00");
        assert_eq!(resources[2]["valueQuantity"]["value"], 7, "the region's own rating");
        assert_eq!(resources[2]["bodySite"]["coding"][0]["code"], "72696002");
        assert_eq!(resources[2]["bodySite"]["text"], "Left knee");
        assert_eq!(resources[3]["bodySite"], json!({"text": "Upper back"}), "no code rather than a guessed one");
        assert_eq!(resources[5]["dosage"][0]["text"], "400 mg");
        assert_eq!(resources[5]["note"][0]["text"], "Relief reported: 0/10", "zero is kept");
        assert!(resources[6].get("dosage").is_none());
        assert_eq!(resources[7]["valueQuantity"]["value"], 0, "no pain is 0, not absent");
        assert_eq!(resources[7]["effectiveDateTime"].as_str().unwrap().get(19..), Some("-05:00"));
    }

    #[test]
    fn body_site_codes_are_the_checked_ones() {
        // Pinned so that a slip in the table shows here; see `snomed_structure` for the sources.
        let code = |r: Region| snomed_structure(&r).map(|(c, _)| c);
        assert_eq!(code(Region::Tailbone), Some("64688005"));
        assert_eq!(code(Region::LowerBackRight), Some("37822005"));
        assert_eq!(code(Region::UpperArmLeft), Some("40983000"));
        assert_eq!(code(Region::LowerLegRight), Some("30021000"));
        assert_eq!(code(Region::UpperBack), None);
        assert_eq!(code(Region::MidBack), None);
        let coded = Region::ALL.iter().filter(|r| snomed_structure(r).is_some()).count();
        assert_eq!(coded, Region::ALL.len() - 2, "every region but the upper and middle back has a code");
    }

    #[test]
    fn sections_left_out_leave_no_trace() {
        let none = FhirSections { body_sites: false, medications: false, notes: false };
        let bundle = fhir_bundle(&sample(), none, 0);
        assert!(r4_problems(&bundle).is_empty());
        let text = bundle.to_string();
        assert!(!text.contains("bodySite") && !text.contains("MedicationStatement") && !text.contains("stairs"));
        assert_eq!(bundle["entry"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn the_checks_catch_broken_bundles() {
        let all = FhirSections { body_sites: true, medications: true, notes: true };
        let good = fhir_bundle(&sample(), all, 0);
        type Breakage = Box<dyn Fn(&mut Value)>;
        let breakages: Vec<(&str, Breakage)> = vec![
            ("status", Box::new(|b| b["entry"][1]["resource"]["status"] = json!("done"))),
            ("loinc", Box::new(|b| b["entry"][1]["resource"]["code"]["coding"][0]["code"] = json!("72514-4"))),
            ("subject", Box::new(|b| b["entry"][1]["resource"]["subject"]["reference"] = json!("Patient/1"))),
            ("typo", Box::new(|b| b["entry"][1]["resource"]["valueQuantitiy"] = json!({"value": 1}))),
            ("zone", Box::new(|b| b["entry"][1]["resource"]["effectiveDateTime"] = json!("2026-01-01T10:00:00"))),
            ("empty", Box::new(|b| b["entry"][5]["resource"]["dosage"] = json!([]))),
            ("medication", Box::new(|b| { b["entry"][5]["resource"].as_object_mut().unwrap().remove("medicationCodeableConcept"); })),
            ("type", Box::new(|b| b["type"] = json!("bag"))),
        ];
        for (name, breakage) in breakages {
            let mut broken = good.clone();
            breakage(&mut broken);
            assert!(!r4_problems(&broken).is_empty(), "the {name} breakage went unnoticed");
        }
    }
}
