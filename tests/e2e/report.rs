//! The clinician report's FHIR file, as the options page saves it, read by an independent FHIR R4
//! implementation: FHIR.js (npm `fhir`), whose validator checks every element's name,
//! cardinality and datatype against the published R4 StructureDefinitions it ships
//! (`profiles-resources.json`, `profiles-types.json`), and coded values against the R4 value sets.

use crate::harness::npm::ensure_node_and_npm;
use crate::harness::{Browser, NpmPackage};
use crate::options::{acknowledge_and_take_everything, download_report, downloads, journal_with_entries};
use serde_json::Value;
use std::process::Command;

/// FHIR.js 4.12.0 (Lantana Consulting Group, Apache-2.0), pinned by the registry's SHA-512. Its
/// tarball bundles its own dependencies, so `npm pack` alone is enough: no `npm install`.
const FHIR_JS: NpmPackage = NpmPackage {
    name: "fhir",
    version: "4.12.0",
    integrity: "sha512-N+eLuUbYjvjX5NlZPhE08OVrsJJhulQKkVWnW1M3HpNvreWC1yVvoF8ptmGzlvtDZRCrNrBArfLklphFO2L0oA==",
};

/// Validates each file named after argv[2] with FHIR.js (loaded from argv[2]) and prints the
/// verdicts and messages as a JSON list, in order.
const VALIDATE_JS: &str = r#"
const fs = require('fs');
const { Fhir } = require(process.argv[2]);
const fhir = new Fhir();
const verdicts = process.argv.slice(3).map((file) =>
  fhir.validate(JSON.parse(fs.readFileSync(file, 'utf8')), { errorOnUnexpected: true }));
process.stdout.write(JSON.stringify(verdicts));
"#;

/// What FHIR.js says of each of `bundles`: (valid, messages). One unpacking and one `node` for
/// all of them (FHIR.js reads several MB of definitions as it starts).
fn fhir_js_verdicts(bundles: &[&[u8]]) -> Vec<(bool, Vec<Value>)> {
    ensure_node_and_npm().unwrap_or_else(|why| panic!("{why}"));
    let package = FHIR_JS.unpacked().unwrap_or_else(|why| panic!("the FHIR R4 reference validator is missing: {why}"));
    let dir = package.parent().expect("unpacked under a directory").to_path_buf();
    let script = dir.join("validate.js");
    std::fs::write(&script, VALIDATE_JS).expect("write the validator script");
    let mut node = Command::new("node");
    node.arg(&script).arg(&package);
    for (i, bundle) in bundles.iter().enumerate() {
        let file = dir.join(format!("report-{i}.fhir.json"));
        std::fs::write(&file, bundle).expect("write a report for the validator");
        node.arg(file);
    }
    let out = node.output().unwrap_or_else(|e| panic!("node could not start ({e}): run `sudo apt-get install -y nodejs`"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "FHIR.js failed to run: {}", String::from_utf8_lossy(&out.stderr));
    let verdicts: Vec<Value> = serde_json::from_slice(&out.stdout).expect("FHIR.js prints a JSON list");
    assert_eq!(verdicts.len(), bundles.len(), "a verdict per file");
    verdicts
        .into_iter()
        .map(|verdict| (verdict["valid"] == Value::Bool(true), verdict["messages"].as_array().cloned().unwrap_or_default()))
        .collect()
}

/// FHIR.js carries R4's own value sets but not the ones drawn from external terminologies: the
/// observation codes (LOINC) and body sites (SNOMED CT). It reports those value sets as missing
/// and their codes as unknown: a gap of the validator, not of the file (the codes themselves are
/// pinned by the options crate's tests). Everything else it says is a problem.
fn about_external_terminology(message: &Value) -> bool {
    let text = message["message"].as_str().unwrap_or_default();
    let external_value_sets = ["http://hl7.org/fhir/ValueSet/observation-codes", "http://hl7.org/fhir/ValueSet/body-site"];
    let external_systems = ["(http://loinc.org)", "(http://snomed.info/sct)"];
    external_value_sets.iter().any(|set| text == format!("Value set \"{set}\" could not be found."))
        || (text.ends_with("not found in value set") && external_systems.iter().any(|system| text.contains(system)))
}

#[test]
fn the_fhir_report_passes_an_independent_r4_validator() {
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let page = journal_with_entries(&browser);
    page.click("button", "Clinician report");
    let bytes = download_report(&page, &dir, "Download FHIR (JSON)");
    browser.assert_no_context_errors();
    drop(browser);

    let bundle: Value = serde_json::from_slice(&bytes).expect("the report is JSON");
    let kinds: Vec<&str> = bundle["entry"].as_array().expect("entries").iter().filter_map(|e| e["resource"]["resourceType"].as_str()).collect();
    // The three live entries: overall pain each, two regions and a custom one, one medication.
    assert_eq!(kinds.iter().filter(|k| **k == "Observation").count(), 6, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "MedicationStatement").count(), 1, "{kinds:?}");

    // The validator is not blind: the same file with an element R4 does not define, and with a
    // 0..1 element given as a list, must be refused.
    let mut broken = bundle.clone();
    broken["entry"][1]["resource"]["painScore"] = Value::from(3);
    let site = broken["entry"][2]["resource"]["bodySite"].take();
    broken["entry"][2]["resource"]["bodySite"] = Value::Array(vec![site]);
    let broken = serde_json::to_vec(&broken).expect("JSON");
    let mut verdicts = fhir_js_verdicts(&[&bytes, &broken]).into_iter();
    let (valid, messages) = verdicts.next().expect("the report's verdict");
    let problems: Vec<&Value> = messages.iter().filter(|m| !about_external_terminology(m)).collect();
    assert!(valid && problems.is_empty(), "FHIR.js finds the report invalid R4 (valid: {valid}):\n{problems:#?}");

    let (_, messages) = verdicts.next().expect("the broken copy's verdict");
    let locations: Vec<&str> = messages.iter().filter(|m| !about_external_terminology(m)).filter_map(|m| m["location"].as_str()).collect();
    assert!(locations.iter().any(|l| l.contains("painScore")), "an unknown element goes unnoticed: {messages:#?}");
    assert!(locations.iter().any(|l| l.contains("bodySite")), "a list for a 0..1 element goes unnoticed: {messages:#?}");
}

#[test]
fn the_printable_report_shows_the_chosen_sections_and_prints_without_the_controls() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    page.click("button", "Clinician report");
    acknowledge_and_take_everything(&page);
    // The user leaves their notes out of this report.
    page.click("checkbox", "Notes");
    page.click("button", "Show printable report");
    page.wait_for_text("The report is below.");

    // The entries' table is the one captioned so; each chart has its own data table too.
    let report = page.eval(
        "(() => { const a = document.querySelector('article.report-page'); if (!a) return null;
           const table = [...a.querySelectorAll('table')].find(t => t.caption && t.caption.textContent === 'Every entry in the period, oldest first');
           if (!table) return null;
           return { heading: a.querySelector('h2').textContent, text: a.innerText,
                    summary: !!a.querySelector('ul.summary-grid'),
                    charts: [...a.querySelectorAll('svg[role=img]')].map(s => s.getAttribute('aria-labelledby')),
                    columns: [...table.querySelectorAll('thead th')].map(th => th.textContent),
                    rows: [...table.querySelectorAll('tbody tr')].map(tr => [...tr.children].map(c => c.textContent)) }; })()",
    );
    assert!(report.is_object(), "no report page with its table of entries on screen");
    assert!(report["heading"].as_str().unwrap_or_default().starts_with("Pain journal, "), "{report}");
    assert_eq!(report["summary"], true, "the summary section: {report}");
    assert!(report["charts"].as_array().is_some_and(|c| !c.is_empty()), "an intensity chart: {report}");
    let rows = report["rows"].as_array().expect("table rows");
    assert_eq!(rows.len(), 3, "the three live entries, the deleted one left out: {report}");
    let columns: Vec<&str> = report["columns"].as_array().expect("columns").iter().filter_map(Value::as_str).collect();
    assert!(!columns.contains(&"Note"), "notes were left out, yet there is a note column: {columns:?}");
    let text = report["text"].as_str().unwrap_or_default();
    assert!(!text.contains("stairs") && !text.contains("HYPERLINK"), "a note reached a report that leaves notes out:\n{text}");
    assert!(text.contains("ibuprofen 400 mg"), "the medication taken:\n{text}");

    // Printed, the page is the report alone: no warning, no controls, no section tabs, no
    // print button, no disclosures that paper cannot open, and the table is not cut to a
    // scrolling box.
    page.emulate_print(true);
    let hidden = page.eval(
        "['.report-controls', 'nav.sections', '.report-page .no-print', '.report-page details.data-table']
           .map(s => [s, [...document.querySelectorAll(s)].every(e => getComputedStyle(e).display === 'none')])",
    );
    for pair in hidden.as_array().expect("pairs") {
        assert_eq!(pair[1], true, "{} is printed", pair[0]);
    }
    let report_shown = page.eval("getComputedStyle(document.querySelector('article.report-page')).display !== 'none' && getComputedStyle(document.querySelector('.report-page .table-wrap')).overflow");
    assert_eq!(report_shown, Value::from("visible"), "the table prints whole");
    let pdf = page.print_to_pdf();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let dir = std::path::Path::new(crate::harness::EXTENSION_DIR).parent().expect("target").join("screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join("options-report-printed.pdf"), &pdf);
    page.emulate_print(false);
    browser.assert_no_context_errors();
}
