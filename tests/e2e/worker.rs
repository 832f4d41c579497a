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
    let page = browser.options_with_new_journal(PASSPHRASE);
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
    // "é" as one code point when created, as "e" + combining acute when typed again.
    let composed = "caf\u{e9} au lait, s\u{e9}v\u{e8}re";
    let decomposed = "cafe\u{301} au lait, se\u{301}ve\u{300}re";
    let page = browser.options_with_new_journal(composed);
    page.ask_worker(json!({"type": "lock"}));
    let unlocked = page.ask_worker(json!({"type": "unlock", "passphrase": decomposed}));
    assert_eq!(unlocked["type"], "unlocked", "{unlocked}");
    browser.assert_no_context_errors();
}

/// Asserts that every Wasm memory left in the worker after `step` is far below Argon2id's 64 MiB,
/// and that no throwaway KDF instance outlived its derivation; returns the worker's own memory.
fn memory_after(browser: &Browser, step: &str) -> u64 {
    let memories = browser.worker_wasm_memories();
    eprintln!("worker Wasm memory after {step}: {:.2} MiB {memories:?}", memories.iter().sum::<u64>() as f64 / 1048576.0);
    assert!(memories.iter().all(|&bytes| bytes <= 16 << 20), "over 16 MiB of Wasm memory stays in the worker after {step}: {memories:?}");
    assert_eq!(memories.len(), 1, "a throwaway KDF instance outlived {step}: {memories:?}");
    memories[0]
}

#[test]
fn argon2id_never_stays_resident_in_the_worker_whatever_derives_a_key() {
    // Every request that runs Argon2id (64 MiB): create, unlock, change passphrase, rotate the
    // recovery code (asks the passphrase), export (checks the journal passphrase, then derives
    // the bundle key), import, reset with the recovery code. Wasm memory never shrinks, so one
    // derivation in the worker's own module would show here as ≥ 64 MiB for good.
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    page.ask_worker(json!({"type": "status"}));
    memory_after(&browser, "start");

    let created = page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
    assert_eq!(created["type"], "created", "{created}");
    memory_after(&browser, "create");
    for i in 0..20 {
        let saved = page.ask_worker(json!({"type": "save_entry",
            "entry": new_entry(&format!("{:032x}", i + 1), 1_763_900_000_000 - i * 3_600_000, 5, "a note")}));
        assert_eq!(saved["type"], "entry_saved", "{saved}");
    }

    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}))["type"], "unlocked");
    memory_after(&browser, "unlock");

    const SECOND: &str = "a second passphrase, changed once";
    let changed = page.ask_worker(json!({"type": "change_passphrase", "current": PASSPHRASE, "new_passphrase": SECOND}));
    assert_eq!(changed, json!({"type": "done"}));
    memory_after(&browser, "change passphrase");

    let rotated = page.ask_worker(json!({"type": "rotate_recovery_code", "passphrase": SECOND}));
    assert_eq!(rotated["type"], "recovery_code", "{rotated}");
    memory_after(&browser, "rotate recovery code");

    // Export (journal passphrase checked first), then the same bytes back in.
    let round_trip = page.eval(&format!(
        "(async () => {{ const send = (b) => chrome.runtime.sendMessage({{v: 1, body: b}}).then((r) => r.body); \
           const ready = await send({{type: 'export_bundle', passphrase: {p}, is_vault_passphrase: true}}); \
           if (ready.type !== 'export_ready') throw new Error(JSON.stringify(ready)); \
           const pieces = []; for (let i = 0; i < ready.piece_count; i++) pieces.push((await send({{type: 'export_chunk', index: i}})).data); \
           await send({{type: 'export_finish'}}); \
           await send({{type: 'import_begin', total_bytes: ready.total_bytes}}); \
           for (let i = 0; i < pieces.length; i++) await send({{type: 'import_chunk', index: i, data: pieces[i]}}); \
           return [ready.entry_count, await send({{type: 'import_preview', passphrase: {p}}})]; }})()",
        p = serde_json::to_string(SECOND).unwrap()
    ));
    assert_eq!(round_trip[0], 20, "{round_trip}");
    assert_eq!(round_trip[1]["type"], "import_previewed", "{round_trip}");
    assert_eq!(round_trip[1]["entries"], 20, "{round_trip}");
    memory_after(&browser, "export and import preview");
    assert_eq!(page.ask_worker(json!({"type": "import_commit"}))["unchanged"], 20);

    page.ask_worker(json!({"type": "lock"}));
    let code = rotated["recovery_code"].as_str().unwrap();
    let reset = page.ask_worker(json!({"type": "reset_passphrase", "recovery_code": code, "new_passphrase": PASSPHRASE}));
    assert_eq!(reset["type"], "unlocked", "{reset}");
    memory_after(&browser, "reset with the recovery code");
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}))["type"], "unlocked");
    assert_eq!(page.ask_worker(json!({"type": "list_entries", "query": {}}))["entries"].as_array().unwrap().len(), 20);
    browser.assert_no_context_errors();
}

#[test]
fn the_workers_wasm_links_no_argon2() {
    // Without Argon2 in the worker's module, no code path can run it there (and grow its memory
    // to 64 MiB for good): every derivation goes to the throwaway kdf.wasm. Panic locations name
    // each crate's source files, so a linked crate leaves its path; kdf.wasm is the control.
    let dir = std::path::Path::new(crate::harness::EXTENSION_DIR).join("wasm");
    let has = |file: &str, needle: &str| {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    for needle in ["/argon2-", "/blake2-"] {
        assert!(has("kdf.wasm", needle), "the control failed: kdf.wasm no longer names {needle}; find another marker");
        assert!(!has("background_bg.wasm", needle), "the worker's Wasm links {needle}: something in background/ calls Argon2 itself");
    }
}
