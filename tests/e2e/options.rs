//! The options page, driven as a person would: backup export and import (with every way a file
//! can be wrong), the clinician report's CSV, and a benchmark at 100,000 entries.

use crate::harness::{wait_for_download, Browser, Page};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub(crate) const PASSPHRASE: &str = "correct horse battery staple";
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

/// A fresh journal holding the tricky entries (one of them deleted); returns the options page,
/// showing the open journal.
pub(crate) fn journal_with_entries(browser: &Browser) -> Page {
    let page = browser.options_with_new_journal(PASSPHRASE);
    for entry in tricky_entries() {
        let saved = page.ask_worker(json!({"type": "save_entry", "entry": entry}));
        assert_eq!(saved["type"], "entry_saved", "{saved}");
        if saved["entry"]["note"] == "to be deleted" {
            let deleted = page.ask_worker(json!({"type": "delete_entry", "entry": saved["entry"]}));
            assert_eq!(deleted["type"], "done", "{deleted}");
        }
    }
    page.reload();
    page.wait_for_role("button", "Lock now");
    page
}

fn all_entries(page: &Page) -> Value {
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {}}));
    assert_eq!(listed["type"], "entries", "{listed}");
    listed["entries"].clone()
}

pub(crate) fn downloads(browser: &Browser) -> PathBuf {
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

/// Starts recording each progress line the page shows, in order: steps too short to catch by
/// polling are caught as the page draws them.
fn record_progress(page: &Page) {
    page.eval(
        "(() => { window.sottoProgress = []; new MutationObserver(() => { \
            for (const s of document.querySelectorAll('.progress [role=status]')) { \
                if (window.sottoProgress[window.sottoProgress.length - 1] !== s.textContent) window.sottoProgress.push(s.textContent); \
            } }).observe(document.body, {subtree: true, childList: true, characterData: true}); })()",
    );
}

/// The progress lines shown since [`record_progress`] (and forgets them).
fn recorded_progress(page: &Page) -> Vec<String> {
    let seen = page.eval("window.sottoProgress.splice(0)");
    serde_json::from_value(seen).expect("a list of lines")
}

/// Checks that `seen` is exactly the steps that begin with `expected`, in order.
fn assert_steps(seen: &[String], expected: &[&str]) {
    assert_eq!(seen.len(), expected.len(), "each step named once, in order: {seen:?}");
    for (line, start) in seen.iter().zip(expected) {
        assert!(line.starts_with(start), "{line:?} should start with {start:?} (all: {seen:?})");
    }
}

#[test]
fn export_then_import_into_an_emptied_browser_restores_every_entry_exactly() {
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let page = journal_with_entries(&browser);
    let before = all_entries(&page);
    assert_eq!(before.as_array().unwrap().len(), 3);
    record_progress(&page);
    let (name, bytes) = export_backup(&page, &dir);
    assert_eq!(&bytes[..8], b"\x89SOTTO\r\n");
    // Each real step is named as it starts; nothing counts pieces the file is not cut into.
    assert_steps(
        &recorded_progress(&page),
        &["Step 1 of 2: checking your passphrase, then reading and encrypting the whole journal…", "Step 2 of 2: handing the encrypted file ("],
    );

    // Remove the extension's data: the worker forgets its key, storage is emptied.
    page.ask_worker(json!({"type": "lock"}));
    page.eval("chrome.storage.local.clear().then(() => true)");
    assert_eq!(page.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "no_vault"}));
    assert_eq!(page.ask_worker(json!({"type": "create_vault", "passphrase": "a new journal here"}))["type"], "created");
    assert_eq!(all_entries(&page), json!([]));
    page.reload();

    // The preview names what the file holds; nothing changes until the user says so.
    record_progress(&page);
    let text = check_import(&page, &dir.join(&name), PASSPHRASE, "Nothing has changed yet.");
    assert!(text.contains("3 entries, "), "{text}");
    assert_eq!(all_entries(&page), json!([]), "the preview touches nothing");
    page.click("button", "Import these entries");
    // The deleted entry travels as a tombstone, so that it stays deleted everywhere; it is
    // reported as a deletion, not as an added entry.
    page.wait_for_text("Import finished: 3 added, 0 updated, 1 deleted, 0 unchanged.");
    assert_steps(
        &recorded_progress(&page),
        &[
            "Step 1 of 2: handing the file (",
            "Step 2 of 2: checking the passphrase, then verifying and decrypting every part of the file…",
            "Adding the 3 entries to your journal…",
        ],
    );
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
    // Long notes so that the bundle spans several 64 KiB chunks and can be cut at a boundary:
    // random letters, since the bundle is compressed.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for i in 0..4 {
        let note: String = (0..40_000)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                b"abcdefghijklmnopqrstuvwxyz     "[(seed % 31) as usize] as char
            })
            .collect();
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

#[test]
fn only_sotto_pages_can_fetch_a_pending_export_or_post_an_import() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    let ready = page.ask_worker(json!({"type": "export_bundle", "passphrase": "a file passphrase", "is_vault_passphrase": false}));
    assert_eq!(ready["type"], "export_ready", "{ready}");
    assert_eq!(page.ask_worker(json!({"type": "import_begin", "total_bytes": 4}))["type"], "done");
    let export = browser.url("transfer/export.bin");
    let import = browser.url("transfer/import.bin");
    // A web page (and so any script it runs) reaches neither address.
    let web = browser.open("data:text/html,<title>web</title><p>an ordinary page</p>");
    let tried = web.eval(&format!(
        "Promise.all([fetch({export:?}).then((r) => 'answered ' + r.status, () => 'refused'), \
         fetch({import:?}, {{method: 'POST', body: 'evil'}}).then((r) => 'answered ' + r.status, () => 'refused')])"
    ));
    assert_eq!(tried, json!(["refused", "refused"]));
    // The import still waits for Sotto's own page, whose fetch gets the export.
    let own = page.eval(&format!(
        "Promise.all([fetch({export:?}).then((r) => r.arrayBuffer()).then((b) => b.byteLength), \
         fetch({import:?}, {{method: 'POST', body: new Uint8Array(4)}}).then((r) => r.status)])"
    ));
    assert_eq!(own, json!([ready["total_bytes"], 204]));
    // Once the page is done, nothing is left to fetch: the worker answers 404 (an answer the
    // page reads, not a context error: harness/cdp.rs, `ContextError`).
    page.ask_worker(json!({"type": "export_finish"}));
    assert_eq!(page.eval(&format!("fetch({export:?}).then((r) => r.status)")), json!(404));
    let gone = page.ask_worker(json!({"type": "export_chunk", "index": 0}));
    assert_eq!(gone["type"], "error", "{gone}");
    browser.assert_no_context_errors();
}

/// RFC 4180 reader for the test: quoted fields, doubled quotes, CRLF or LF inside quotes.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// On the report screen: acknowledges the warning and takes every entry since 2025.
pub(crate) fn acknowledge_and_take_everything(page: &Page) {
    page.click("checkbox", "I understand: a report is not encrypted");
    page.eval("(() => { const i = document.getElementById('report-from'); i.value = '2025-01-01'; i.dispatchEvent(new Event('change', {bubbles: true})); })()");
}

/// On the report screen: [`acknowledge_and_take_everything`], then saves the report with
/// `button`; returns the file's bytes as downloaded.
pub(crate) fn download_report(page: &Page, dir: &Path, button: &str) -> Vec<u8> {
    acknowledge_and_take_everything(page);
    page.click("button", button);
    let text = page.wait_for_text("Saved notes-report-");
    let name = text.split("Saved ").nth(1).and_then(|r| r.split(". It is").next()).expect("the saved file's name").to_string();
    wait_for_download(dir, &name)
}

#[test]
fn the_report_csv_parses_back_to_the_same_values() {
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let page = journal_with_entries(&browser);
    page.click("button", "Clinician report");
    page.wait_for_text("These files are not encrypted");
    // Nothing can be made before the warning is acknowledged.
    let disabled = page.eval("[...document.querySelectorAll('button')].filter(b => b.textContent.includes('CSV')).every(b => b.disabled)");
    assert_eq!(disabled, json!(true));
    let bytes = download_report(&page, &dir, "Download CSV (spreadsheet)");
    let csv = String::from_utf8(bytes).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a UTF-8 byte-order mark for spreadsheets");
    assert!(csv.contains("\r\n"), "CRLF line ends");
    let rows = parse_csv(csv);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"));
    assert_eq!(rows.len(), 4, "header + three live entries (the deleted one is left out): {rows:?}");
    let by_id = |id: &str| rows.iter().find(|r| r[col("id")] == id).unwrap_or_else(|| panic!("no row for {id}"));
    let first = by_id("00000000000000000000000000000001");
    assert_eq!(first[col("note")], "stairs, then \"sharp\"\nsecond line\r\nthird", "commas, quotes and real line breaks survive");
    assert_eq!(first[col("intensity")], "6");
    assert_eq!(first[col("mood")], "0", "zero is kept as 0");
    assert_eq!(first[col("interference_work")], "10");
    assert_eq!(first[col("sleep_hours")], "6.5");
    assert_eq!(first[col("tags")], "work; claim");
    assert!(first[col("medications")].contains("ibuprofen 400 mg (relief 0)"), "{}", first[col("medications")]);
    assert_eq!(first[col("sleep_quality")], "", "absent stays empty");
    // The formula-injection guard: the cell reads as text, its value otherwise unchanged.
    let second = by_id("00000000000000000000000000000002");
    assert_eq!(second[col("note")], "'=HYPERLINK(\"http://x\",\"y\")");
    let third = by_id("00000000000000000000000000000003");
    assert_eq!(third[col("note")], "'+1 and -1 and @me");
    assert_eq!(third[col("intensity")], "0");
    assert_eq!(third[col("no_pain")], "yes");
    assert_eq!(third[col("utc_offset")], "UTC-05:00");
    browser.assert_no_context_errors();
}

#[test]
fn settings_take_effect_at_once_and_survive_a_restart_of_the_page() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    page.click("button", "Settings");
    page.fill("spinbutton", "Lock after this many minutes", "12");
    page.press("Tab");
    page.wait_for_text("Saved.");
    page.click("checkbox", "Strict mode");
    page.wait_until("document.getElementById('strict-mode').checked", Duration::from_secs(5));
    let settings = page.ask_worker(json!({"type": "get_settings"}));
    assert_eq!(settings["settings"]["auto_lock_minutes"], 12, "{settings}");
    assert_eq!(settings["settings"]["strict_mode"], true, "{settings}");
    page.reload();
    page.click("button", "Settings");
    page.wait_until("document.getElementById('auto-lock') && document.getElementById('auto-lock').value === '12'", Duration::from_secs(10));
    browser.assert_no_context_errors();
}

/// Records, in the worker, the titles it gives its context-menu item and the idle detection
/// intervals it sets: neither can be read back from Chrome. Its `chrome.*` calls look the
/// functions up at each call, so wrapping them here sees the worker's own calls.
fn spy_on_menu_and_idle(browser: &Browser) {
    browser.eval_in_worker(
        "(() => { const spy = globalThis.sottoSpy = {menus: [], idle: []}; \
            const create = chrome.contextMenus.create.bind(chrome.contextMenus); \
            chrome.contextMenus.create = (properties, done) => { spy.menus.push(properties.title); return create(properties, done); }; \
            const interval = chrome.idle.setDetectionInterval.bind(chrome.idle); \
            chrome.idle.setDetectionInterval = (seconds) => { spy.idle.push(seconds); return interval(seconds); }; \
            return true; })()",
    );
}

/// The last value the worker passed to `what` ("menus" or "idle") since the spy was set.
fn last_spied(browser: &Browser, what: &str) -> Value {
    browser.eval_in_worker(&format!("globalThis.sottoSpy.{what}[globalThis.sottoSpy.{what}.length - 1] ?? null"))
}

/// Whether Sotto's context-menu item exists: `update` of a missing item fails (and says so).
fn menu_item_present(browser: &Browser) -> bool {
    let answer = browser.eval_in_worker(
        "new Promise((done) => chrome.contextMenus.update('sotto-vanish', {}, () => done(chrome.runtime.lastError ? chrome.runtime.lastError.message : 'present')))",
    );
    match answer.as_str() {
        Some("present") => true,
        Some(missing) if missing.contains("Cannot find menu item") => false,
        _ => panic!("contextMenus.update said {answer}"),
    }
}

#[test]
fn idle_lock_and_the_menu_item_take_effect_at_once_and_survive_a_browser_restart() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    spy_on_menu_and_idle(&browser);
    assert!(menu_item_present(&browser), "the item is on by default");
    page.click("button", "Settings");

    // At once: the worker watches for 7 idle minutes, and names its item as typed.
    page.fill("spinbutton", "Minutes the computer is idle", "7");
    page.press("Tab");
    page.wait_for_text("Saved.");
    assert_eq!(last_spied(&browser, "idle"), json!(420));
    page.fill("textbox", "Wording of the Vanish menu item (it can say anything)", "Tidy tabs");
    page.press("Tab");
    let waited = Instant::now();
    while last_spied(&browser, "menus") != json!("Tidy tabs") {
        assert!(waited.elapsed() < Duration::from_secs(5), "the item was not renamed: {}", last_spied(&browser, "menus"));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(menu_item_present(&browser));
    page.click("checkbox", "Put a Vanish item in every page's right-click menu");
    let waited = Instant::now();
    while menu_item_present(&browser) {
        assert!(waited.elapsed() < Duration::from_secs(5), "the item is still there after turning it off");
        std::thread::sleep(Duration::from_millis(50));
    }
    browser.assert_no_context_errors();

    // Quit the browser and start it again on the same profile.
    let browser = browser.relaunch();
    assert!(!menu_item_present(&browser), "the item came back after a restart");
    let prefs = browser.eval_in_worker("chrome.storage.local.get('behaviour_prefs').then((r) => r.behaviour_prefs)");
    assert_eq!((&prefs["context_menu_enabled"], &prefs["context_menu_label"]), (&json!(false), &json!("Tidy tabs")), "{prefs}");
    spy_on_menu_and_idle(&browser);
    let page = browser.open_extension_page("options.html");
    unlock_in_page(&page, PASSPHRASE);
    // The unlock applies the kept settings: 7 idle minutes again.
    assert_eq!(last_spied(&browser, "idle"), json!(420));
    page.click("button", "Settings");
    page.wait_until("!!document.getElementById('idle-minutes') && document.getElementById('idle-minutes').value === '7'", Duration::from_secs(10));
    assert_eq!(page.eval("document.getElementById('menu-enabled').checked"), json!(false));
    // Turned on again, the item comes back with the wording chosen before the restart.
    page.click("checkbox", "Put a Vanish item in every page's right-click menu");
    let waited = Instant::now();
    while !menu_item_present(&browser) {
        assert!(waited.elapsed() < Duration::from_secs(5), "the item did not come back");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(last_spied(&browser, "menus"), json!("Tidy tabs"));
    page.wait_until("document.getElementById('menu-label').value === 'Tidy tabs'", Duration::from_secs(5));
    browser.assert_no_context_errors();
}

#[test]
fn history_and_charts_show_the_entries_with_accessible_charts() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    // History: filter by words in notes, then delete with confirmation.
    page.eval("(() => { const i = document.getElementById('filter-from'); i.value = '2025-01-01'; i.dispatchEvent(new Event('change', {bubbles: true})); })()");
    page.wait_for_text("3 entries");
    page.fill("searchbox", "Words in notes", "HYPERLINK");
    page.wait_for_text("1 entries");
    let delete = page.eval("[...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || '').startsWith('Delete the entry of')).getAttribute('aria-label')");
    page.click("button", delete.as_str().unwrap());
    page.wait_for_text("Delete this entry? This cannot be undone.");
    page.click("button", "Delete entry");
    page.wait_for_text("Entry deleted.");
    assert_eq!(all_entries(&page).as_array().unwrap().len(), 2);

    // Two recent days (the tricky entries are older than a year): pain-free today, pain yesterday.
    let now = page.eval("Date.now()").as_i64().expect("the time");
    let offset = page.eval("0 - new Date().getTimezoneOffset()").as_i64().expect("the offset");
    for entry in [
        json!({"id": "000000000000000000000000000000a1", "revision": 0, "occurred_at": now, "utc_offset_minutes": offset, "intensity": 0, "no_pain": true}),
        json!({"id": "000000000000000000000000000000a2", "revision": 0, "occurred_at": now - DAY, "utc_offset_minutes": offset, "intensity": 5,
               "regions": [{"region": "neck_back"}], "medications": [{"name": "ibuprofen"}]}),
    ] {
        assert_eq!(page.ask_worker(json!({"type": "save_entry", "entry": entry}))["type"], "entry_saved");
    }

    page.click("button", "Charts");
    page.click("button", "Last 365 days");
    // Every chart is an image with a name, and has its numbers as a table named after it,
    // there for a screen reader once its disclosure is opened.
    let charts = ["Pain intensity per day (0–10)", "Pain-free days", "Medications taken per day", "Where it hurt most often"];
    for chart in charts {
        page.wait_for_role("image", chart);
    }
    let disclosures = page.eval("document.querySelectorAll('figure.chart details.data-table').length");
    assert_eq!(disclosures, json!(charts.len()), "one table per chart");
    page.eval("document.querySelectorAll('figure.chart details.data-table').forEach((d) => { d.open = true; })");
    for chart in charts {
        page.wait_for_role("table", chart);
    }
    let rows = |chart: &str| {
        page.eval(&format!(
            "[...document.querySelectorAll('figure.chart table')].find((t) => t.caption.textContent === {chart:?}).tBodies[0].innerText"
        ))
    };
    let free = rows("Pain-free days");
    let free = free.as_str().expect("the pain-free table's rows");
    assert_eq!(free.lines().count(), 365, "a row per day: {free}");
    let first_two: Vec<&str> = free.lines().take(2).map(|l| l.split('\t').nth(1).unwrap_or_default()).collect();
    assert_eq!(first_two, ["pain-free", "with pain"], "newest first: {free}");
    assert!(free.lines().skip(2).all(|l| l.ends_with("no record")), "{free}");
    assert_eq!(rows("Medications taken per day").as_str().map(|t| t.lines().count()), Some(1));
    assert!(rows("Where it hurt most often").as_str().is_some_and(|t| t.contains("Back of the neck")));
    browser.assert_no_context_errors();
}

/// The entry with this id, as the worker returns it.
fn entry_with_id(page: &Page, id: &str) -> Value {
    let all = all_entries(page);
    all.as_array().and_then(|list| list.iter().find(|e| e["id"] == id)).cloned().unwrap_or_else(|| panic!("no entry {id} in {all}"))
}

/// Opens the editor of the one entry the history shows (filtered by `words` in its note).
fn edit_the_entry_noted(page: &Page, words: &str) {
    page.eval("(() => { const i = document.getElementById('filter-from'); i.value = '2025-01-01'; i.dispatchEvent(new Event('change', {bubbles: true})); })()");
    page.fill("searchbox", "Words in notes", words);
    page.wait_for_text("1 entries");
    let edit = page.eval("[...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || '').startsWith('Edit the entry of')).getAttribute('aria-label')");
    page.click("button", edit.as_str().expect("an Edit button"));
    page.wait_for_role("button", "Save changes");
}

/// What a person corrects after the fact: the region tapped by mistake, a quality, the pain, the note.
fn make_the_corrections(page: &Page) {
    page.click("checkbox", "Lower back, left side");
    page.click("checkbox", "Right knee");
    page.click("checkbox", "Sharp");
    page.click("checkbox", "Burning");
    page.fill("spinbutton", "Pain (0–10)", "8");
    page.fill("textbox", "Note", "after the long walk");
}

#[test]
fn the_entry_editor_changes_regions_qualities_pain_and_note_and_nothing_else() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    let id = "00000000000000000000000000000001";
    let before = entry_with_id(&page, id);

    // Cancel throws the corrections away: the worker's entry is exactly as it was.
    edit_the_entry_noted(&page, "stairs");
    make_the_corrections(&page);
    page.click("button", "Cancel");
    page.wait_until("!document.querySelector('form.editor')", Duration::from_secs(5));
    assert_eq!(entry_with_id(&page, id), before, "Cancel changed the entry");

    // The editor opens again on the entry as stored, not on what was cancelled.
    let edit = page.eval("[...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || '').startsWith('Edit the entry of')).getAttribute('aria-label')");
    page.click("button", edit.as_str().expect("an Edit button"));
    page.wait_for_role("button", "Save changes");
    let ticked = page.eval("[...document.querySelectorAll('form.editor input[type=checkbox]:checked')].map(i => i.value).sort().join(' ')");
    assert_eq!(ticked, "aching knee_left lower_back_left sharp", "the editor shows the entry as stored");
    make_the_corrections(&page);
    page.click("button", "Save changes");
    page.wait_for_text("Entry saved.");

    let after = entry_with_id(&page, id);
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["revision"], before["revision"].as_u64().unwrap() + 1, "{after}");
    assert_eq!(after["regions"], json!([{"region": "knee_left", "intensity": 7}, {"region": "knee_right"}]), "a kept region keeps its own rating");
    assert_eq!(after["qualities"], json!(["aching", "burning"]));
    assert_eq!(after["intensity"], 8);
    assert_eq!(after["note"], "after the long walk");
    let changed = ["revision", "regions", "qualities", "intensity", "note"];
    let (before, after) = (before.as_object().unwrap(), after.as_object().unwrap());
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    for key in keys.into_iter().filter(|k| !changed.contains(&k.as_str())) {
        assert_eq!(after.get(key), before.get(key), "{key} changed though nobody touched it");
    }
    // The history shows the corrected entry.
    page.fill("searchbox", "Words in notes", "long walk");
    page.wait_for_text("Left knee (7), Right knee");
    browser.assert_no_context_errors();
}

/// The Argon2id parameters in the vault header as stored (`v:h`, base64, in the clear).
fn stored_kdf(page: &Page) -> sotto_vault::KdfParams {
    use base64::Engine as _;
    let text = page.eval("chrome.storage.local.get('v:h').then((r) => r['v:h'])");
    let bytes = base64::engine::general_purpose::STANDARD.decode(text.as_str().expect("a stored header")).expect("base64");
    sotto_vault::VaultHeader::parse(&bytes).expect("a valid header").kdf
}

#[test]
fn a_stronger_unlock_is_measured_applied_kept_and_opens_with_the_same_passphrase() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    let before = all_entries(&page);
    page.click("button", "Settings");
    page.wait_for_role("button", "Measure this device");
    page.eval("(() => { const s = document.getElementById('kdf-target'); s.value = '2000'; s.dispatchEvent(new Event('change', {bubbles: true})); })()");
    page.click("button", "Measure this device");
    let text = page.wait_for_text("With the time you chose: ");
    assert!(text.contains("Now: unlocking takes about ") && text.contains(" s on this device (3 passes over 64 MiB)."), "{text}");
    let passes: u32 = text
        .split("With the time you chose: ")
        .nth(1)
        .and_then(|rest| rest.split(" passes over 64 MiB").next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a proposed pass count in:\n{text}"));
    assert!(passes > 3, "two seconds on this device take more than the default's 3 passes: {passes}");
    page.fill("textbox", "Your passphrase, to confirm the new strength (it stays the same)", PASSPHRASE);
    page.click("button", "Use this strength");
    page.wait_for_text("Done: unlocking now takes about ");
    let stronger = sotto_vault::KdfParams { m_cost_kib: 64 * 1024, t_cost: passes, p_cost: 1 };
    assert_eq!(stored_kdf(&page), stronger, "the header holds the new parameters");

    // The same passphrase opens it, and the unlocked vault reports the new strength.
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}))["type"], "unlocked");
    let measured = page.ask_worker(json!({"type": "measure_kdf", "target_ms": 500}));
    assert_eq!(measured["type"], "kdf_measured", "{measured}");
    assert_eq!(measured["current"], json!({"m_cost_kib": 65536, "t_cost": passes, "p_cost": 1}), "{measured}");
    assert_eq!(measured["proposed"]["m_cost_kib"], 65536, "memory never drops below the default: {measured}");

    // A wrong passphrase, or weaker parameters than the default, change nothing.
    let wrong = page.ask_worker(json!({"type": "set_kdf_params", "passphrase": "not it", "params": {"m_cost_kib": 65536, "t_cost": 4, "p_cost": 1}}));
    assert_eq!(wrong["code"], "wrong_passphrase", "{wrong}");
    let weaker = page.ask_worker(json!({"type": "set_kdf_params", "passphrase": PASSPHRASE, "params": {"m_cost_kib": 8192, "t_cost": 1, "p_cost": 1}}));
    assert_eq!(weaker["code"], "invalid", "{weaker}");
    assert_eq!(stored_kdf(&page), stronger);

    // Changing the passphrase keeps the chosen strength.
    let changed = page.ask_worker(json!({"type": "change_passphrase", "current": PASSPHRASE, "new_passphrase": "another long passphrase"}));
    assert_eq!(changed["type"], "done", "{changed}");
    assert_eq!(stored_kdf(&page), stronger);
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": "another long passphrase"}))["type"], "unlocked");
    assert_eq!(all_entries(&page), before, "entries are untouched by a rewrap");
    browser.assert_no_context_errors();
}

/// Unlocks through the page's lock screen, as a person would.
fn unlock_in_page(page: &Page, passphrase: &str) {
    page.fill("textbox", "Passphrase", passphrase);
    page.click("button", "Unlock");
    page.wait_for_role("button", "Lock now");
}

#[test]
fn unlocking_in_the_options_page_tells_of_failed_attempts_and_damage_found() {
    let browser = Browser::launch();
    let page = journal_with_entries(&browser);
    let before = all_entries(&page);
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": "a wrong guess"}))["code"], "wrong_passphrase");
    // One byte of the stored index of weeks altered: the worker rebuilds it and must say so.
    page.eval(
        "chrome.storage.local.get('v:m').then((r) => { const b = Uint8Array.from(atob(r['v:m']), (c) => c.charCodeAt(0)); b[60] ^= 1; \
         return chrome.storage.local.set({'v:m': btoa(String.fromCharCode(...b))}); }).then(() => true)",
    );
    page.reload();
    unlock_in_page(&page, PASSPHRASE);
    let text = page.wait_for_text("1 failed unlock attempt since you last opened Sotto: ");
    assert!(text.contains("could not be read: the stored data is damaged or was altered"), "the damage is told:\n{text}");
    assert_eq!(page.eval("document.querySelectorAll('.notice[role=alert]').length"), json!(1), "one notice, read out at once");
    assert_eq!(all_entries(&page), before, "nothing was lost");
    page.click("button", "Dismiss");
    page.wait_until("!document.body.innerText.includes('failed unlock attempt')", Duration::from_secs(5));

    // A clean unlock has nothing to tell.
    page.click("button", "Lock now");
    unlock_in_page(&page, PASSPHRASE);
    let text = page.text();
    assert!(!text.contains("failed unlock attempt") && !text.contains("could not be read"), "{text}");
    browser.assert_no_context_errors();
}

/// Several weeks of varied entries, for charts and screenshots.
fn seed_weeks(page: &Page, days: i64) {
    let now = page.eval("Date.now()").as_f64().unwrap() as i64;
    let regions = ["lower_back_left", "knee_left", "head", "neck_back", "shoulder_right", "hip_left"];
    let qualities = ["aching", "sharp", "burning"];
    let mut n = 0x1000;
    for d in 0..days {
        if d % 9 == 4 {
            continue; // a day without any record
        }
        let per_day = 1 + (d % 3);
        for k in 0..per_day {
            n += 1;
            let intensity = if d % 11 == 0 { 0 } else { ((d * 7 + k * 3) % 9 + 1) as u8 };
            let mut entry = json!({"id": format!("{n:032x}"), "revision": 0, "occurred_at": now - d * DAY - k * 4 * 3_600_000,
                "utc_offset_minutes": 60, "intensity": intensity,
                "regions": [{"region": regions[(d as usize + k as usize) % regions.len()]}],
                "qualities": [qualities[(d % 3) as usize]],
                "note": if k == 0 { format!("Day {d}: walked to the shop, stairs were hard.") } else { String::new() }});
            if intensity == 0 {
                entry["no_pain"] = json!(true);
                entry["regions"] = json!([]);
            }
            if d % 2 == 0 && k == 0 {
                entry["medications"] = json!([{"name": "ibuprofen", "dose": "400 mg", "relief": 5}]);
            }
            let saved = page.ask_worker(json!({"type": "save_entry", "entry": entry}));
            assert_eq!(saved["type"], "entry_saved", "{saved}");
        }
    }
}

/// Not a check: saves screenshots of every section (light, dark, 200 % zoom) under
/// `target/screenshots/` for a person to look at. `cargo test --test e2e options_screens -- --ignored`
#[test]
#[ignore]
fn options_screens() {
    let browser = Browser::launch();
    let out = Path::new(crate::harness::EXTENSION_DIR).parent().unwrap().join("screenshots");
    std::fs::create_dir_all(&out).unwrap();
    downloads(&browser);
    let page = journal_with_entries(&browser);
    seed_weeks(&page, 60);
    page.reload();
    let modes: [(&str, bool, f64, u32, u32); 3] = [("light", false, 1.0, 1100, 900), ("dark", true, 1.0, 1100, 900), ("zoom200", false, 2.0, 550, 700)];
    for (mode, dark, zoom, width, height) in modes {
        page.emulate(dark, zoom, width, height);
        for section in ["History", "Charts", "Backup", "Clinician report", "Settings"] {
            page.click("button", section);
            std::thread::sleep(Duration::from_millis(400));
            if section == "Clinician report" {
                if page.eval("document.getElementById('report-understood').checked") != json!(true) {
                    page.click("checkbox", "I understand: a report is not encrypted");
                }
                page.click("button", "Show printable report");
                page.wait_for_text("Pain journal, ");
            }
            if section == "Backup" {
                page.set_input_files("#import-file", &[Path::new("/etc/hostname")]);
                page.fill("textbox", "Passphrase of the backup", "x");
                page.click("button", "Check the file");
                page.wait_for_text("not a Sotto backup");
            }
            if section == "History" {
                // Three days are enough to see the layout.
                page.eval("(() => { const i = document.getElementById('filter-from'); const d = new Date(Date.now() - 2 * 86400000); i.value = d.toISOString().slice(0, 10); i.dispatchEvent(new Event('change', {bubbles: true})); })()");
                std::thread::sleep(Duration::from_millis(400));
                let edit = page.eval("[...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || '').startsWith('Edit the entry of')).getAttribute('aria-label')");
                page.click("button", edit.as_str().unwrap());
                page.wait_for_role("button", "Save changes");
                let delete = page.eval("[...document.querySelectorAll('button')].filter(b => (b.getAttribute('aria-label') || '').startsWith('Delete the entry of'))[1].getAttribute('aria-label')");
                page.click("button", delete.as_str().unwrap());
                page.wait_for_text("Delete this entry?");
            }
            let name = format!("options-{}-{mode}.png", section.to_lowercase().replace(' ', "-"));
            page.screenshot(&out.join(name));
            if section == "Charts" {
                // The pain-free days' table, opened, in view.
                page.eval("(() => { const d = document.querySelectorAll('figure.chart details.data-table')[1]; d.open = true; d.scrollIntoView(); })()");
                std::thread::sleep(Duration::from_millis(300));
                page.screenshot(&out.join(format!("options-charts-table-{mode}.png")));
                page.eval("document.querySelectorAll('figure.chart details.data-table')[1].open = false");
            }
            if section == "Backup" {
                // An export's first step, caught while the worker checks the passphrase.
                page.fill("textbox", "Your journal passphrase", PASSPHRASE);
                page.click("button", "Export encrypted backup");
                page.wait_for_text("Step 1 of 2");
                page.screenshot(&out.join(format!("options-backup-progress-{mode}.png")));
                page.wait_for_text("Saved notes-");
            }
            if section == "History" {
                page.click("button", "Cancel");
                page.click("button", "Keep it");
            }
        }
    }
    println!("screenshots in {}", out.display());
    browser.assert_no_context_errors();
}

/// Waits (patiently: this is for the benchmark) until the page shows `needle`.
fn wait_long_for_text(page: &Page, needle: &str) -> Duration {
    let started = Instant::now();
    let expression = format!("document.body.innerText.includes({})", serde_json::to_string(needle).unwrap());
    page.wait_until(&expression, Duration::from_secs(600));
    started.elapsed()
}

/// A bundle of `count` generated entries (ten a day, a region and a note each), as a real
/// export would hold them.
pub(crate) fn generated_bundle(count: usize, kdf: sotto_vault::KdfParams) -> Vec<u8> {
    use sotto_vault::bundle::{encrypt_bundle, BundleContents, DEFAULT_CHUNK_SIZE};
    use sotto_vault::{Entry, EntryId, Passphrase, Region, RegionPain};
    // As varied as a real journal where it matters for size and compression: random-looking ids,
    // minutes, regions and notes of 1–4 phrases (a generator with sequential ids and one repeated
    // note would make compressed records look several times smaller than real ones).
    const PHRASES: [&str; 12] = [
        "walked to the shop", "the stairs were hard", "slept badly", "heat helped a little",
        "worse after sitting at work", "took ibuprofen at lunch", "physio exercises done",
        "rain again, joints stiff", "could not lift the kettle", "better in the evening",
        "headache behind the eyes", "long drive to the clinic",
    ];
    let mix = |mut x: u64| {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    };
    let start = T0 - 10_000 * DAY;
    let entries: Vec<Entry> = (0..count)
        .map(|i| {
            let r = mix(i as u64 + 1);
            let mut id = [0u8; 16];
            id[..8].copy_from_slice(&r.to_be_bytes());
            id[8..].copy_from_slice(&mix(r).to_be_bytes());
            let at = start + (i as i64) * (DAY / 10) + (r % 3_600_000) as i64;
            let mut e = Entry::new(EntryId::from_bytes(id), at, 60, (r % 11) as u8);
            e.regions = vec![RegionPain { region: Region::ALL[(r >> 8) as usize % Region::ALL.len()].clone(), intensity: Some((r % 7) as u8) }];
            e.note = (0..1 + r % 4).map(|k| PHRASES[(mix(r + k) % 12) as usize]).collect::<Vec<_>>().join(", ") + ".";
            e.tags = vec!["benchmark".into()];
            e
        })
        .collect();
    let contents = BundleContents { vault_id: "00".repeat(16), exported_at: T0, entries, settings: None };
    encrypt_bundle(&contents, &Passphrase::new(PASSPHRASE), kdf, DEFAULT_CHUNK_SIZE).unwrap()
}

/// Not a pass/fail test: times export and import of 100,000 entries through the page in
/// headless Chromium and prints a table (goal: each ≤ 2 s).
/// `cargo test --release --test e2e options_benchmark -- --ignored --nocapture`
#[test]
#[ignore]
fn options_benchmark_100k() {
    const COUNT: usize = 100_000;
    let prepared = Instant::now();
    let bytes = generated_bundle(COUNT, sotto_vault::KdfParams::DEFAULT);
    let generation = prepared.elapsed();

    let browser = Browser::launch();
    let dir = downloads(&browser);
    let file = dir.join("seed.bin");
    std::fs::write(&file, &bytes).unwrap();
    let page = browser.options_with_new_journal(PASSPHRASE);
    page.reload();

    page.click("button", "Backup");
    page.set_input_files("#import-file", &[&file]);
    page.fill("textbox", "Passphrase of the backup", PASSPHRASE);
    page.click("button", "Check the file");
    let preview = wait_long_for_text(&page, "Nothing has changed yet.");
    page.click("button", "Import these entries");
    let merge = wait_long_for_text(&page, "Import finished: 100000 added");

    page.fill("textbox", "Your journal passphrase", PASSPHRASE);
    let clicked = Instant::now();
    page.click("button", "Export encrypted backup");
    let until_saved = wait_long_for_text(&page, "Saved notes-");
    let text = page.text();
    let name = text.split("Saved ").nth(1).and_then(|r| r.split(" (").next()).unwrap().to_string();
    let exported = wait_for_download(&dir, &name);
    let export = clicked.elapsed();

    println!("\n| 100,000 entries ({:.1} MB bundle) | seconds |", bytes.len() as f64 / 1e6);
    println!("|---|---|");
    println!("| generating the seed bundle natively (not measured in the browser) | {:.2} |", generation.as_secs_f64());
    println!("| import: send the file in pieces, verify, decrypt, preview | {:.2} |", preview.as_secs_f64());
    println!("| import: merge into the journal (encrypt and store every week) | {:.2} |", merge.as_secs_f64());
    println!("| import total | {:.2} |", (preview + merge).as_secs_f64());
    println!("| export: check passphrase, build, fetch in pieces, hand to the browser | {:.2} |", until_saved.as_secs_f64());
    println!("| export: until the {:.1} MB download is on disk | {:.2} |", exported.len() as f64 / 1e6, export.as_secs_f64());
    browser.assert_no_context_errors();
}

/// Where the benchmark's time goes, step by step, timed inside the page (not a check).
/// `cargo test --test e2e options_benchmark_breakdown -- --ignored --nocapture`
#[test]
#[ignore]
fn options_benchmark_breakdown() {
    // A light KDF for the seed only: the steps timed below use the journal's own settings.
    let bytes = generated_bundle(100_000, sotto_vault::KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 });
    let browser = Browser::launch();
    let dir = downloads(&browser);
    let file = dir.join("seed.bin");
    std::fs::write(&file, &bytes).unwrap();
    let page = browser.options_with_new_journal(PASSPHRASE);
    page.reload();
    page.click("button", "Backup");
    page.set_input_files("#import-file", &[&file]);
    page.fill("textbox", "Passphrase of the backup", PASSPHRASE);
    page.click("button", "Check the file");
    wait_long_for_text(&page, "Nothing has changed yet.");
    page.click("button", "Import these entries");
    wait_long_for_text(&page, "Import finished: 100000 added");
    // The steps run as one promise left running in the page (they take longer than one CDP
    // call may wait); the test polls for the result.
    let script = format!(r#"(() => {{ window.sottoSteps = null; (async () => {{
        const send = b => chrome.runtime.sendMessage({{v: 1, body: b}}).then(r => r.body);
        const steps = [];
        let t = performance.now();
        const lap = name => {{ const now = performance.now(); steps.push([name, Math.round(now - t)]); t = now; }};
        const checked = await send({{type: 'export_bundle', passphrase: {p}, is_vault_passphrase: true}}); lap('export_bundle, checking the journal passphrase');
        const ready = await send({{type: 'export_bundle', passphrase: {p}, is_vault_passphrase: false}}); lap('export_bundle, other passphrase');
        const file = await (await fetch('/transfer/export.bin')).blob();
        lap('fetch of the export (' + file.size + ' bytes)');
        await send({{type: 'export_finish'}});
        await send({{type: 'lock'}});
        await chrome.storage.local.clear(); lap('lock + storage clear');
        await send({{type: 'create_vault', passphrase: {p}}}); lap('create_vault');
        await send({{type: 'import_begin', total_bytes: ready.total_bytes}});
        const posted = await fetch('/transfer/import.bin', {{method: 'POST', body: file}});
        lap('import_begin + POST of the file (' + posted.status + ')');
        const preview = await send({{type: 'import_preview', passphrase: {p}}}); lap('import_preview (' + preview.type + ')');
        const done = await send({{type: 'import_commit'}}); lap('import_commit (' + done.type + ' ' + done.added + ')');
        await send({{type: 'list_entries', query: {{}}}}); lap('list_entries, all');
        return steps;
    }})().then(s => {{ window.sottoSteps = s; }}, e => {{ window.sottoSteps = [['failed: ' + e, 0]]; }}); return true; }})()"#, p = serde_json::to_string(PASSPHRASE).unwrap());
    page.eval(&script);
    page.wait_until("window.sottoSteps", Duration::from_secs(600));
    let steps = page.eval("window.sottoSteps");
    println!("\n| step (100,000 entries, inside the page) | ms |\n|---|---|");
    for step in steps.as_array().unwrap() {
        println!("| {} | {} |", step[0].as_str().unwrap(), step[1]);
    }
    // Laps the worker recorded itself, if a profiling build left them in `globalThis.sottoLaps`.
    let laps = browser.worker().eval("JSON.stringify((globalThis.sottoLaps || []).map((l, i, a) => [l[0], Math.round(i ? l[1] - a[i - 1][1] : 0)]).filter(l => l[1] >= 20))");
    println!("worker laps (ms since the previous lap, 20 ms or more): {}", laps.as_str().unwrap_or("[]"));
}

