//! Issue 4: a lock does not wait behind a running request. Lock and Vanish arrive while an
//! export of a journal of a few thousand entries runs (Argon2id twice, then every week read and
//! encrypted); the lock must be observed before the export's answer, the export is abandoned,
//! and afterwards nothing is damaged. Ordering assertions only, no timings.

use crate::harness::{Browser, Page};
use crate::lock_and_vanish::{neutral_tabs, session_storage, set_settings, wait_vanished, NEUTRAL};
use crate::options::{generated_bundle, PASSPHRASE};
use base64::Engine as _;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const COUNT: u64 = 3_000;

/// Imports `COUNT` generated entries into the open journal through `page`, as the options page
/// does (the file POSTed to the worker, then preview and commit).
fn import_journal(page: &Page) {
    // The worker answers the page's fetch only once it controls the page: after a reload.
    page.reload();
    page.wait_until("navigator.serviceWorker.controller !== null", Duration::from_secs(10));
    // A light KDF for the seed bundle only: the export below uses the journal's own settings.
    let bytes = generated_bundle(COUNT as usize, sotto_vault::KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 });
    let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let script = format!(
        r#"(async () => {{
            const send = b => chrome.runtime.sendMessage({{v: 1, body: b}}).then(r => r.body);
            const bytes = Uint8Array.fromBase64({b64:?});
            await send({{type: 'import_begin', total_bytes: bytes.length}});
            const posted = await fetch('/transfer/import.bin', {{method: 'POST', body: bytes}});
            const preview = await send({{type: 'import_preview', passphrase: {p:?}}});
            const done = await send({{type: 'import_commit'}});
            return [posted.status, preview.type, done.type, done.added];
        }})()"#,
        p = PASSPHRASE
    );
    assert_eq!(page.eval(&script), json!([204, "import_previewed", "imported", COUNT]));
}

/// After the lock: the journal is locked, opens with its passphrase, every entry reads back, and
/// an export now runs to the end.
fn journal_intact(page: &Page) {
    assert_eq!(page.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "locked"}));
    assert_eq!(page.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}))["type"], "unlocked");
    let listed = page.ask_worker(json!({"type": "list_entries", "query": {}}));
    assert_eq!(listed["entries"].as_array().map(Vec::len), Some(COUNT as usize), "entries after the abandoned export");
    assert_eq!(listed["unreadable"], json!([]));
    let exported = page.ask_worker(json!({"type": "export_bundle", "passphrase": "another passphrase", "is_vault_passphrase": false}));
    assert_eq!((exported["type"].clone(), exported["entry_count"].clone()), (json!("export_ready"), json!(COUNT)), "{exported}");
}

/// Starts an export in `page` (checking the journal passphrase first, as the page does) without
/// waiting; `then` is JS run with its answer `r`.
fn start_export(page: &Page, then: &str) {
    page.eval(&format!(
        "chrome.runtime.sendMessage({{v: 1, body: {{type: 'export_bundle', passphrase: {PASSPHRASE:?}, is_vault_passphrase: true}}}}).then(r => {{ {then} }}).catch(() => {{}}); true"
    ));
}

#[test]
fn a_lock_during_a_long_export_answers_first_and_the_export_is_abandoned() {
    let browser = Browser::launch();
    let page = browser.options_with_new_journal(PASSPHRASE);
    import_journal(&page);
    page.eval("window.order = []; chrome.runtime.onMessage.addListener((m) => { if (m && m.event) order.push('event:' + m.event.type); }); true");
    // When the abandoned export answers, the lock has already taken effect: the session copy is
    // gone and the page was told.
    start_export(
        &page,
        "chrome.storage.session.get(null).then((copy) => order.push('export:' + r.body.type, 'session copy at the export answer:' + ('unlocked_session' in copy)));",
    );
    page.eval("chrome.runtime.sendMessage({v: 1, body: {type: 'lock'}}).then((r) => order.push('lock:' + r.body.state)); true");
    page.wait_until("order.some(o => o.startsWith('session copy')) && order.some(o => o.startsWith('lock:'))", Duration::from_secs(120));
    let order: Vec<String> = serde_json::from_value(page.eval("order")).unwrap();
    let at = |what: &str| order.iter().position(|o| o == what).unwrap_or_else(|| panic!("no {what:?} in {order:?}"));
    // The export was abandoned (its answer is "locked") and the lock had been announced before.
    assert!(at("event:locked") < at("export:locked"), "{order:?}");
    at("session copy at the export answer:false");
    at("lock:locked");
    journal_intact(&page);
    browser.assert_no_context_errors();
}

#[test]
fn vanish_during_a_long_export_closes_pages_and_moves_the_tab_before_the_export_answers() {
    let browser = Browser::launch();
    let page = browser.options_with_new_journal(PASSPHRASE);
    set_settings(&page, json!({"vanish_url": NEUTRAL}));
    import_journal(&page);
    let popup = browser.open_extension_page("popup.html");
    let web = browser.open("data:text/html,<title>web</title><p>an ordinary page</p>");
    browser.cdp.call("Target.activateTarget", json!({"targetId": web.target.target_id}), None).expect("activate");
    web.wait_until("document.visibilityState === 'visible'", Duration::from_secs(5));
    let neutral_before = neutral_tabs(&browser);
    // The export's answer, if it reaches the page before Vanish closes it, is written where the
    // test can read it afterwards.
    start_export(&page, "chrome.storage.local.set({lock_test_export_answer: r.body.type});");
    let started = Instant::now();
    // As the popup's button does, from another Sotto page (the asking page is closed: no answer).
    popup.eval("chrome.runtime.sendMessage({v: 1, body: {type: 'vanish'}}).catch(() => {}); true");
    let took = wait_vanished(&browser, Some(&web.target.target_id), neutral_before, started);
    eprintln!("vanish during an export of {COUNT} entries: done in {took:?}");

    let checker = browser.open_extension_page("options.html");
    assert!(!session_storage(&checker).contains("unlocked_session"), "a session copy survived Vanish");
    let answer: Value = checker.eval("chrome.storage.local.get('lock_test_export_answer').then(s => s.lock_test_export_answer ?? null)");
    // Abandoned by Vanish: the page was closed before any answer, or got "locked"; never the export.
    assert!(answer.is_null() || answer == json!("locked"), "the export answered {answer} before Vanish took effect");
    checker.eval("chrome.storage.local.remove('lock_test_export_answer').then(() => true)");
    journal_intact(&checker);
    browser.assert_no_context_errors();
}
