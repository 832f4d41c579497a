//! The worker's side of the protocol, through real `chrome.runtime` messaging from an extension
//! page, real `chrome.storage.local` and real Argon2id.

use crate::harness::Browser;
use serde_json::{json, Value};

const PASSPHRASE: &str = "correct horse battery staple";

fn new_entry(id: &str, occurred_at: i64, intensity: u8, note: &str) -> Value {
    json!({"id": id, "revision": 0, "occurred_at": occurred_at, "utc_offset_minutes": 60,
           "intensity": intensity, "note": note, "regions": [{"region": "lower_back_left"}]})
}

#[test]
fn create_save_lock_unlock_and_failed_attempts_through_the_worker() {
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    assert_eq!(page.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "no_vault"}));

    let created = page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
    assert_eq!(created["type"], "created");
    let code = created["recovery_code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 39, "8 groups of 4 with dashes: {code}");

    let saved = page.ask_worker(json!({"type": "save_entry",
        "entry": new_entry("0123456789abcdef0123456789abcdef", 1_763_900_000_000, 6, "marker-ZQX-note")}));
    assert_eq!(saved["type"], "entry_saved", "{saved}");
    assert_eq!(saved["entry"]["revision"], 1);

    let listed = page.ask_worker(json!({"type": "list_entries", "query": {"limit": 10}}));
    assert_eq!(listed["entries"].as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed["entries"][0]["note"], "marker-ZQX-note");

    // Nothing the user typed is readable in storage.
    let dump = page.eval("chrome.storage.local.get(null).then(JSON.stringify)");
    let dump = dump.as_str().unwrap();
    assert!(!dump.contains("marker-ZQX-note") && !dump.contains("lower_back"), "plaintext in storage: {dump}");
    assert!(!dump.contains(&code.replace('-', "")), "recovery code in storage");

    assert_eq!(page.ask_worker(json!({"type": "lock"})), json!({"type": "status", "state": "locked"}));
    assert_eq!(page.ask_worker(json!({"type": "list_entries", "query": {}})), json!({"type": "locked"}));
    assert_eq!(page.ask_worker(json!({"type": "get_draft"})), json!({"type": "locked"}));

    let wrong = page.ask_worker(json!({"type": "unlock", "passphrase": "wrong horse"}));
    assert_eq!(wrong["type"], "error");
    assert_eq!(wrong["code"], "wrong_passphrase", "{wrong}");

    let unlocked = page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}));
    assert_eq!(unlocked["type"], "unlocked", "{unlocked}");
    assert_eq!(unlocked["failed_attempts"].as_array().unwrap().len(), 1, "one wrong passphrase was typed: {unlocked}");
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {}}));
    assert_eq!(listed["entries"][0]["note"], "marker-ZQX-note");

    // The notice is shown once: the next unlock reports none.
    page.ask_worker(json!({"type": "lock"}));
    let again = page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}));
    assert_eq!(again["failed_attempts"], json!([]));
    browser.assert_no_context_errors();
}

#[test]
fn edits_and_deletes_need_the_entry_as_read_and_drafts_end_with_the_lock() {
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
    let first = page.ask_worker(json!({"type": "save_entry",
        "entry": new_entry("00000000000000000000000000000001", 1_763_900_000_000, 4, "first")}))["entry"].clone();

    let mut edited = first.clone();
    edited["intensity"] = json!(7);
    edited["occurred_at"] = json!(1_762_000_000_000_i64); // moved to another week
    let updated = page.ask_worker(json!({"type": "update_entry", "previous": first, "edited": edited}));
    assert_eq!(updated["entry"]["revision"], 2, "{updated}");
    // The stale copy no longer matches what is stored.
    let stale = page.ask_worker(json!({"type": "update_entry", "previous": first, "edited": edited}));
    assert_eq!(stale["code"], "conflict", "{stale}");

    page.ask_worker(json!({"type": "delete_entry", "entry": updated["entry"]}));
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {}}));
    assert_eq!(listed["entries"], json!([]), "a deleted entry is not listed");

    assert_eq!(page.ask_worker(json!({"type": "set_draft", "draft": {"note": "half-typed"}})), json!({"type": "done"}));
    assert_eq!(page.ask_worker(json!({"type": "get_draft"}))["draft"]["note"], "half-typed");
    page.ask_worker(json!({"type": "lock"}));
    page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}));
    assert_eq!(page.ask_worker(json!({"type": "get_draft"})), json!({"type": "draft", "draft": null}));
    browser.assert_no_context_errors();
}

#[test]
fn a_passphrase_unlocks_whichever_way_its_accents_were_typed() {
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    // "é" as one code point when created, as "e" + combining acute when typed again.
    let composed = "caf\u{e9} au lait, s\u{e9}v\u{e8}re";
    let decomposed = "cafe\u{301} au lait, se\u{301}ve\u{300}re";
    assert_eq!(page.ask_worker(json!({"type": "create_vault", "passphrase": composed}))["type"], "created");
    page.ask_worker(json!({"type": "lock"}));
    let unlocked = page.ask_worker(json!({"type": "unlock", "passphrase": decomposed}));
    assert_eq!(unlocked["type"], "unlocked", "{unlocked}");
    browser.assert_no_context_errors();
}
