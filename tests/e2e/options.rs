//! The options page, driven as a person would: backup export and import (with every way a file
//! can be wrong), the clinician report's CSV, and a benchmark at 100,000 entries.

use crate::harness::{wait_for_download, Browser, Page};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "correct horse battery staple";
/// 2025-11-23T12:13:20Z
const T0: i64 = 1_763_900_000_000;
const DAY: i64 = 86_400_000;

/// Entries meant to catch every lossy step: commas, quotes, newlines, a leading `=`, zeros,
/// medications, regions with and without their own rating, unknown fields, a deleted one.
fn tricky_entries() -> Vec<Value> {
    vec![
        json!({"id": "00000000000000000000000000000001", "revision": 0, "occurred_at": T0, "utc_offset_minutes": 60,
               "intensity": 6, "note": "stairs, then \"sharp\"\nsecond line\r\nthird", "tags": ["work", "claim"],
               "regions": [{"region": "knee_left", "intensity": 7}, {"region": "lower_back_left"}],
               "qualities": ["sharp", "aching"], "medications": [{"name": "ibuprofen", "dose": "400 mg", "relief": 0}],
               "mood": 0, "sleep_minutes": 390, "interference_work": 10, "from_a_newer_version": {"kept": true}}),
        json!({"id": "00000000000000000000000000000002", "revision": 0, "occurred_at": T0 + 3_600_000, "utc_offset_minutes": 60,
               "intensity": 3, "note": "=HYPERLINK(\"http://x\",\"y\")", "custom_regions": ["behind the ear"]}),
        json!({"id": "00000000000000000000000000000003", "revision": 0, "occurred_at": T0 - 2 * DAY, "utc_offset_minutes": -300,
               "intensity": 0, "no_pain": true, "note": "+1 and -1 and @me"}),
        json!({"id": "00000000000000000000000000000004", "revision": 0, "occurred_at": T0 - 5 * DAY, "utc_offset_minutes": 0,
               "intensity": 9, "note": "to be deleted"}),
    ]
}

/// A fresh journal holding the tricky entries (one of them deleted); returns the options page.
fn journal_with_entries(browser: &Browser) -> Page {
    let page = browser.open_extension_page("options.html");
    assert_eq!(page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}))["type"], "created");
    for entry in tricky_entries() {
        let saved = page.ask_worker(json!({"type": "save_entry", "entry": entry}));
        assert_eq!(saved["type"], "entry_saved", "{saved}");
        if saved["entry"]["note"] == "to be deleted" {
            let deleted = page.ask_worker(json!({"type": "delete_entry", "entry": saved["entry"]}));
            assert_eq!(deleted["type"], "done", "{deleted}");
        }
    }
    page.eval("location.reload()");
    std::thread::sleep(Duration::from_millis(300));
    page.wait_for_role("button", "Lock now");
    page
}

fn all_entries(page: &Page) -> Value {
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {}}));
    assert_eq!(listed["type"], "entries", "{listed}");
    listed["entries"].clone()
}

fn downloads(browser: &Browser) -> PathBuf {
    let dir = browser.profile_dir().join("downloads");
    browser.allow_downloads(&dir);
    dir
}

/// Exports through the Backup section with the journal passphrase; returns the file's bytes.
fn export_backup(page: &Page, dir: &Path) -> (String, Vec<u8>) {
    page.click("button", "Backup");
    page.fill("textbox", "Your journal passphrase", PASSPHRASE);
    page.click("button", "Export encrypted backup");
    let text = page.wait_for_text("Saved notes-");
    let name = text.split("Saved ").nth(1).and_then(|rest| rest.split(" (").next()).expect("the saved file's name").to_string();
    assert!(name.ends_with(".bin") && !name.contains("pain"), "a discreet file name: {name}");
    (name.clone(), wait_for_download(dir, &name))
}

/// Chooses `file` in the import form, types `passphrase`, checks it; returns the page text then.
fn check_import(page: &Page, file: &Path, passphrase: &str, expect: &str) -> String {
    page.click("button", "Backup");
    page.set_input_files("#import-file", &[file]);
    page.fill("textbox", "Passphrase of the backup", passphrase);
    page.click("button", "Check the file");
    page.wait_for_text(expect)
}

#[test]
fn export_then_import_into_an_emptied_browser_restores_every_entry_exactly() {
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let page = journal_with_entries(&browser);
    let before = all_entries(&page);
    assert_eq!(before.as_array().unwrap().len(), 3);
    let (name, bytes) = export_backup(&page, &dir);
    assert_eq!(&bytes[..8], b"\x89SOTTO\r\n");

    // Remove the extension's data: the worker forgets its key, storage is emptied.
    page.ask_worker(json!({"type": "lock"}));
    page.eval("chrome.storage.local.clear().then(() => true)");
    assert_eq!(page.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "no_vault"}));
    assert_eq!(page.ask_worker(json!({"type": "create_vault", "passphrase": "a new journal here"}))["type"], "created");
    assert_eq!(all_entries(&page), json!([]));
    page.eval("location.reload()");
    std::thread::sleep(Duration::from_millis(300));

    // The preview names what the file holds; nothing changes until the user says so.
    let text = check_import(&page, &dir.join(&name), PASSPHRASE, "Nothing has changed yet.");
    assert!(text.contains("3 entries, "), "{text}");
    assert_eq!(all_entries(&page), json!([]), "the preview touches nothing");
    page.click("button", "Import these entries");
    // The deleted entry travels as a tombstone, so that it stays deleted everywhere.
    page.wait_for_text("Import finished: 4 added, 0 updated, 0 unchanged.");
    let after = all_entries(&page);
    for (a, b) in before.as_array().unwrap().iter().zip(after.as_array().unwrap()) {
        for (field, value) in a.as_object().unwrap() {
            assert_eq!(&b[field], value, "field {field} of entry {}", a["id"]);
        }
        assert_eq!(a, b);
    }
    assert_eq!(before, after);

    // Importing the same file again adds nothing.
    check_import(&page, &dir.join(&name), PASSPHRASE, "Nothing has changed yet.");
    page.click("button", "Import these entries");
    page.wait_for_text("Import finished: 0 added, 0 updated, 4 unchanged.");
    assert_eq!(all_entries(&page), before);
    browser.assert_no_context_errors();
}

#[test]
fn damaged_truncated_and_wrong_passphrase_bundles_each_get_their_own_message_and_change_nothing() {
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let page = journal_with_entries(&browser);
    // Long notes so that the bundle spans several 64 KiB chunks and can be cut at a boundary.
    for i in 0..4 {
        let note = format!("long note {i} ").repeat(3_000);
        let entry = json!({"id": format!("{:032x}", 0x100 + i), "revision": 0, "occurred_at": T0 - i * DAY,
                           "utc_offset_minutes": 60, "intensity": 4, "note": note});
        assert_eq!(page.ask_worker(json!({"type": "save_entry", "entry": entry}))["type"], "entry_saved");
    }
    let before = all_entries(&page);
    let (_, bytes) = export_backup(&page, &dir);
    let sealed_chunk = 64 * 1024 + 16;
    assert!(bytes.len() > 59 + sealed_chunk, "several chunks: {} bytes", bytes.len());

    let mut flipped = bytes.clone();
    flipped[59 + sealed_chunk + 100] ^= 0x01;
    let truncated = bytes[..59 + sealed_chunk].to_vec();
    let cases: [(&str, Vec<u8>, &str, &str); 4] = [
        ("flipped.bin", flipped, PASSPHRASE, "This backup file is damaged or was altered. Nothing was imported."),
        ("truncated.bin", truncated, PASSPHRASE, "This backup file is incomplete: it was cut short"),
        ("wrong.bin", bytes.clone(), "not the passphrase", "That passphrase does not open this backup."),
        ("notes.txt", b"just some text, not a backup".to_vec(), PASSPHRASE, "This file is not a Sotto backup."),
    ];
    for (name, content, passphrase, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        let text = check_import(&page, &path, passphrase, message);
        assert!(!text.contains("Nothing has changed yet."), "{name}: no preview for a bad file");
        for other in ["damaged or was altered", "cut short", "does not open this backup", "not a Sotto backup"] {
            if !message.contains(other) {
                assert!(!text.contains(other), "{name}: only its own message, but the page shows:\n{text}");
            }
        }
        assert_eq!(all_entries(&page), before, "{name}: the journal is unchanged");
    }
    browser.assert_no_context_errors();
}
