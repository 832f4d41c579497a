//! What the worker is handed or answers is wiped once used, not just freed: passphrases and
//! recovery codes in requests (`sotto_glue::secret::Secret`), recovery codes and entries in
//! answers (`wipe_answer` in background/src/lib.rs), entries a listing filters out. Wasm memory
//! is never returned, so freed bytes stay readable in a heap dump until reused: the scan reads
//! all of it, freed parts included, while the journal is still unlocked.

use crate::harness::Browser;
use serde_json::{Value, json};

const FIRST: &str = "marker-PASS-first-passphrase";
const SECOND: &str = "marker-PASS-second-passphrase";
const REFUSED: &str = "marker-PASS-refused-passphrase";
const MALFORMED_CODE: &str = "marker-CODE-not-a-recovery-code";
const BACKUP: &str = "marker-PASS-backup-passphrase";
const IMPORT_REFUSED: &str = "marker-PASS-import-with-no-file";

fn entry(id: &str, note: &str) -> Value {
    json!({"id": id, "revision": 0, "occurred_at": 1_763_900_000_000_i64, "utc_offset_minutes": 0,
           "intensity": 5, "note": note, "regions": [{"region": "lower_back_left"}]})
}

#[test]
fn passphrases_codes_and_listed_entries_are_wiped_once_used() {
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    let created = page.ask_worker(json!({"type": "create_vault", "passphrase": FIRST}));
    let first_code = created["recovery_code"].as_str().expect("a recovery code").to_string();
    let change = page.ask_worker(json!({"type": "change_passphrase", "current": FIRST, "new_passphrase": SECOND}));
    assert_eq!(change, json!({"type": "done"}));
    let rotated = page.ask_worker(json!({"type": "rotate_recovery_code", "passphrase": SECOND}));
    let second_code = rotated["recovery_code"].as_str().expect("a new recovery code").to_string();
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": SECOND}))["type"], "unlocked");
    // Entries saved, listed (one filtered out by the query), and the listing answered.
    for (id, note) in [("00000000000000000000000000000001", "marker-NOTE-shown"), ("00000000000000000000000000000002", "marker-NOTE-filtered")] {
        assert_eq!(page.ask_worker(json!({"type": "save_entry", "entry": entry(id, note)}))["type"], "entry_saved");
    }
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {"text": "shown"}}));
    assert_eq!(listed["entries"].as_array().map(Vec::len), Some(1), "{listed}");
    // Scanned right after the listing, before later requests reuse what it freed.
    assert_wiped(&browser, &[("a listed entry", "marker-NOTE-shown"), ("an entry the listing filtered out", "marker-NOTE-filtered")]);
    // A backup made (while the journal is open) under its own passphrase, and an import preview asked for before any file
    // was sent (refused before any derivation).
    let exported = page.ask_worker(json!({"type": "export_bundle", "passphrase": BACKUP, "is_vault_passphrase": false}));
    assert_eq!(exported["type"], "export_ready", "{exported}");
    let preview = page.ask_worker(json!({"type": "import_preview", "passphrase": IMPORT_REFUSED}));
    assert_eq!(preview["reason"], "nothing_to_import", "{preview}");
    assert_wiped(&browser, &[("a backup's passphrase", BACKUP), ("an import's passphrase refused before use", IMPORT_REFUSED)]);
    // Refused requests: their passphrase and code never reach a derivation, which used to be
    // the only place they were wiped.
    let refused = page.ask_worker(json!({"type": "create_vault", "passphrase": REFUSED}));
    assert_eq!(refused["code"], "vault_exists", "{refused}");
    let malformed = page.ask_worker(json!({"type": "reset_passphrase", "recovery_code": MALFORMED_CODE, "new_passphrase": REFUSED}));
    assert_eq!(malformed["type"], "error", "{malformed}");
    assert_wiped(
        &browser,
        &[
            ("the first passphrase", FIRST),
            ("the second passphrase", SECOND),
            ("the first recovery code", &first_code),
            ("the rotated recovery code", &second_code),
            ("a refused passphrase", REFUSED),
            ("a malformed recovery code", MALFORMED_CODE),
        ],
    );
    browser.assert_no_context_errors();
}

#[test]
fn what_the_worker_frees_is_wiped_even_where_no_code_wipes_it() {
    // A long note (its copies are blocks of their own, which later small allocations do not
    // reuse), saved, then edited away. Its first version passed through the save request, the
    // edit's `previous`, the parsed week and serde's buffers, none of which any code wipes: only
    // the worker's allocator (`wipe_on_free`) can.
    let browser = Browser::launch();
    let page = browser.options_with_new_journal("correct horse battery staple");
    let long_note = format!("marker-LONG-first-version {}", "every word of a long day ".repeat(2000));
    let saved = page.ask_worker(json!({"type": "save_entry", "entry": entry("00000000000000000000000000000003", &long_note)}));
    assert_eq!(saved["type"], "entry_saved", "{saved}");
    let mut edited = saved["entry"].clone();
    edited["note"] = json!("short now");
    let updated = page.ask_worker(json!({"type": "update_entry", "previous": saved["entry"], "edited": edited}));
    assert_eq!(updated["type"], "entry_saved", "{updated}");
    assert_wiped(&browser, &[("an edited entry's long first version", "marker-LONG-first-version")]);
    browser.assert_no_context_errors();
}

/// Fails if any of the named texts is anywhere in the worker's Wasm memory.
fn assert_wiped(browser: &Browser, named: &[(&str, &str)]) {
    let needles: Vec<Vec<u8>> = named.iter().map(|(_, text)| text.as_bytes().to_vec()).collect();
    let found = browser.worker_wasm_memory_count(&needles);
    eprintln!("copies in the worker's Wasm memory: {found:?}");
    let left: Vec<String> = named.iter().zip(&found).filter(|(_, n)| **n > 0).map(|((name, _), n)| format!("{name} ({n}×)")).collect();
    assert!(left.is_empty(), "still in the worker's memory: {left:?}");
}
