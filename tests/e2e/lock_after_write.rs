//! A lock that comes while a request is between its write and its answer (docs/notes.md, "A lock
//! does not wait behind a running request"). The worker's storage calls are held open from the
//! test (a hook in the worker's `chrome.storage.local`), so the lock lands exactly there:
//! - after a header write was issued (passphrase change, recovery-code rotation, strength
//!   rewrap, recovery reset), the answer must say what took effect, and that is what opens the
//!   journal afterwards;
//! - during an unlock that already read the failed-attempt records, the notice must not be lost.
//!
//! Ordering only, no timings: the lock is sent, then a ping behind it proves the worker took the
//! lock (its epoch bump is synchronous with its arrival), then the held write is let go.

use crate::harness::{Browser, Page};
use crate::options::PASSPHRASE;
use serde_json::{Value, json};
use std::time::Duration;

const NEW_PASSPHRASE: &str = "a brand new passphrase";

/// Wraps the worker's `chrome.storage.local` so that the first call `sottoHold.when(method,
/// keys)` picks is issued (the browser does the work) but its promise is held until
/// `sottoHold.release()`.
fn hook_storage(worker: &Page) {
    worker.eval(
        r#"(() => {
            const area = chrome.storage.local;
            globalThis.sottoHold = { when: null, issued: false, release: null };
            for (const method of ['get', 'set', 'remove']) {
                const original = area[method].bind(area);
                area[method] = (arg) => {
                    const result = original(arg);
                    const keys = Array.isArray(arg) ? arg : typeof arg === 'string' ? [arg] : Object.keys(arg ?? {});
                    const when = sottoHold.when;
                    if (when && when(method, keys)) {
                        sottoHold.when = null;
                        sottoHold.issued = true;
                        return new Promise((resolve, reject) => { sottoHold.release = () => result.then(resolve, reject); });
                    }
                    return result;
                };
            }
            return true;
        })()"#,
    );
}

/// Sends `body` from `page`, waits until the worker issued the held storage call (`when`, a JS
/// predicate on method and keys), locks, lets the call go, and returns the request's answer and
/// the lock's.
fn lock_while_held(page: &Page, worker: &Page, when: &str, body: Value) -> (Value, Value) {
    worker.eval(&format!("sottoHold.issued = false; sottoHold.when = {when}; true"));
    page.eval(&format!(
        "window.held = null; chrome.runtime.sendMessage({{v: 1, body: {body}}}).then(r => {{ window.held = r.body; }}); true"
    ));
    lock_then_release(page, worker);
    page.wait_until("window.held !== null && window.locked !== null", Duration::from_secs(60));
    (page.eval("window.held"), page.eval("window.locked"))
}

/// Once the held call was issued: sends Lock from `page` (its answer lands in `window.locked`),
/// waits for a ping sent behind it (so the worker has taken the lock), then lets the call go.
fn lock_then_release(page: &Page, worker: &Page) {
    worker.wait_until("sottoHold.issued === true", Duration::from_secs(60));
    page.eval(
        "window.locked = null; chrome.runtime.sendMessage({v: 1, body: {type: 'lock'}}).then(r => { window.locked = r.body; }); \
         chrome.runtime.sendMessage({v: 1, body: {type: 'ping', nonce: 'behind the lock'}}).then(r => r.body.type)",
    );
    worker.eval("sottoHold.release(); true");
}

/// Clicks `button` in `clicked` as a person would, holds the header write the click leads to,
/// locks from `page` there, and waits for the lock's answer.
fn click_then_lock_after_the_header_write(clicked: &Page, button: &str, page: &Page, worker: &Page) {
    worker.eval(&format!("sottoHold.issued = false; sottoHold.when = {HEADER_WRITE}; true"));
    clicked.click("button", button);
    lock_then_release(page, worker);
    page.wait_until("window.locked !== null", Duration::from_secs(60));
}

/// The held call is the header write (`v:h` among the keys set).
const HEADER_WRITE: &str = "(method, keys) => method === 'set' && keys.includes('v:h')";

/// A browser with a journal created from an options tab; returns the tab, the worker (hooked)
/// and the recovery code.
fn journal(browser: &Browser) -> (Page, Page, String) {
    let page = browser.open_extension_page("options.html");
    let created = page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
    assert_eq!(created["type"], "created", "{created}");
    let code = created["recovery_code"].as_str().unwrap_or_default().to_string();
    let worker = browser.worker();
    hook_storage(&worker);
    (page, worker, code)
}

fn unlock(page: &Page, passphrase: &str) -> Value {
    page.ask_worker(json!({"type": "unlock", "passphrase": passphrase}))
}

#[test]
fn a_passphrase_change_locked_after_its_header_write_says_it_took_effect() {
    let browser = Browser::launch();
    let (page, worker, _) = journal(&browser);
    let change = json!({"type": "change_passphrase", "current": PASSPHRASE, "new_passphrase": NEW_PASSPHRASE});
    let (answer, lock) = lock_while_held(&page, &worker, HEADER_WRITE, change);
    // Before the fix: "locked", while the new passphrase was in effect.
    assert_eq!(answer, json!({"type": "done"}), "the change's answer");
    assert_eq!(lock, json!({"type": "status", "state": "locked"}));
    assert_eq!(page.ask_worker(json!({"type": "status"}))["state"], "locked", "the lock applied after the change");
    assert_eq!(unlock(&page, PASSPHRASE)["code"], "wrong_passphrase", "the old passphrase still opens");
    assert_eq!(unlock(&page, NEW_PASSPHRASE)["type"], "unlocked");
    browser.assert_no_context_errors();
}

#[test]
fn the_options_page_says_the_passphrase_changed_when_the_lock_came_after_its_write() {
    let browser = Browser::launch();
    let (page, worker, _) = journal(&browser);
    // The tab opened before the journal existed: it shows the journal after a reload.
    page.eval("location.reload(); true");
    page.wait_until("document.readyState === 'complete'", Duration::from_secs(20));
    page.click("button", "Settings");
    page.fill("textbox", "Current passphrase", PASSPHRASE);
    page.fill("textbox", "New passphrase (at least 8 characters)", NEW_PASSPHRASE);
    page.fill("textbox", "The same passphrase again", NEW_PASSPHRASE);
    click_then_lock_after_the_header_write(&page, "Change passphrase", &page, &worker);
    // Before the fix: "Your journal locked in the meantime. Unlock it and try again."
    let text = page.wait_for_text("Passphrase changed. Use the new one from now on.");
    assert!(!text.contains("locked in the meantime"), "{text}");
    assert_eq!(unlock(&page, NEW_PASSPHRASE)["type"], "unlocked", "what the page said is what opens the journal");
    browser.assert_no_context_errors();
}

#[test]
fn a_recovery_code_rotation_locked_after_its_header_write_still_gives_the_new_code() {
    let browser = Browser::launch();
    let (page, worker, old_code) = journal(&browser);
    let rotate = json!({"type": "rotate_recovery_code", "passphrase": PASSPHRASE});
    let (answer, lock) = lock_while_held(&page, &worker, HEADER_WRITE, rotate);
    // Before the fix: "locked", and the only copy of the code now in force was gone.
    assert_eq!(answer["type"], "recovery_code", "{answer}");
    assert_eq!(lock["state"], "locked");
    let reset = |code: &Value| page.ask_worker(json!({"type": "reset_passphrase", "recovery_code": code, "new_passphrase": NEW_PASSPHRASE}));
    assert_eq!(reset(&json!(old_code))["code"], "wrong_recovery_code", "the old code was replaced");
    assert_eq!(reset(&answer["recovery_code"])["type"], "unlocked", "the code given opens the journal");
    browser.assert_no_context_errors();
}

#[test]
fn a_strength_rewrap_locked_after_its_header_write_says_it_took_effect() {
    let browser = Browser::launch();
    let (page, worker, _) = journal(&browser);
    let stronger = json!({"type": "set_kdf_params", "passphrase": PASSPHRASE, "params": {"m_cost_kib": 65536, "t_cost": 4, "p_cost": 1}});
    let (answer, lock) = lock_while_held(&page, &worker, HEADER_WRITE, stronger);
    assert_eq!(answer, json!({"type": "done"}), "the rewrap's answer");
    assert_eq!(lock["state"], "locked");
    assert_eq!(unlock(&page, PASSPHRASE)["type"], "unlocked");
    let measured = page.ask_worker(json!({"type": "measure_kdf", "target_ms": 500}));
    assert_eq!(measured["current"]["t_cost"], 4, "the strength in force: {measured}");
    browser.assert_no_context_errors();
}

#[test]
fn a_recovery_reset_locked_after_its_header_write_answers_with_the_unlock_and_the_new_passphrase_opens() {
    let browser = Browser::launch();
    let (page, worker, code) = journal(&browser);
    page.ask_worker(json!({"type": "lock"}));
    let reset = json!({"type": "reset_passphrase", "recovery_code": code, "new_passphrase": NEW_PASSPHRASE});
    let (answer, lock) = lock_while_held(&page, &worker, HEADER_WRITE, reset);
    assert_eq!(answer["type"], "unlocked", "{answer}");
    assert_eq!(lock["state"], "locked");
    assert_eq!(page.ask_worker(json!({"type": "status"}))["state"], "locked", "the lock applied after the reset");
    assert_eq!(unlock(&page, PASSPHRASE)["code"], "wrong_passphrase");
    assert_eq!(unlock(&page, NEW_PASSPHRASE)["type"], "unlocked");
    browser.assert_no_context_errors();
}

#[test]
fn the_popup_says_the_reset_worked_on_its_lock_screen_when_the_lock_came_after_the_new_passphrase_was_written() {
    let browser = Browser::launch();
    let (page, worker, code) = journal(&browser);
    page.ask_worker(json!({"type": "lock"}));
    let popup = browser.open_extension_page("popup.html");
    popup.click("button", "Use recovery code");
    popup.wait_for_role("heading", "Reset your passphrase");
    popup.fill("textbox", "Recovery code", &code);
    popup.fill("textbox", "New passphrase", NEW_PASSPHRASE);
    popup.fill("textbox", "Type it again", NEW_PASSPHRASE);
    click_then_lock_after_the_header_write(&popup, "Reset passphrase and unlock", &page, &worker);
    // The lock screen, saying that the reset took effect and which passphrase now opens it.
    popup.wait_for_role("heading", "Your journal is locked.");
    popup.wait_for_text("Your passphrase was reset. Unlock with the new one.");
    // Said politely (a status), so a screen reader reads it too.
    // (Its check mark is hidden from the accessibility tree, so only the sentence is read.)
    let said = popup.eval("[...document.querySelectorAll('[role=status]')].map(e => e.innerText.replace('✓', '').trim()).join('|')");
    assert_eq!(said, json!("Your passphrase was reset. Unlock with the new one."));
    assert_eq!(popup.eval("document.querySelector('[role=status] [aria-hidden=true]').innerText"), json!("✓"));
    // And it does, typed in the popup.
    popup.wait_until("document.activeElement && document.activeElement.id === 'unlock-passphrase'", Duration::from_secs(10));
    popup.type_text(NEW_PASSPHRASE);
    popup.press("Enter");
    popup.wait_for_role("form", "New entry");
    browser.assert_no_context_errors();
}

#[test]
fn a_vault_creation_locked_after_its_write_still_shows_the_only_copy_of_its_recovery_code() {
    let browser = Browser::launch();
    let page = browser.open_extension_page("options.html");
    let worker = browser.worker();
    hook_storage(&worker);
    let popup = browser.open_extension_page("popup.html");
    popup.wait_for_role("heading", "Set up your private journal");
    popup.fill("textbox", "Choose a passphrase", PASSPHRASE);
    popup.fill("textbox", "Type it again", PASSPHRASE);
    click_then_lock_after_the_header_write(&popup, "Create journal", &page, &worker);
    popup.wait_for_role("heading", "Your recovery code");
    let code: String = popup.eval("[...document.querySelectorAll('.recovery-group')].map(g => g.innerText).join('-')").as_str().unwrap_or_default().to_string();
    assert_eq!(page.ask_worker(json!({"type": "status"}))["state"], "locked", "the journal behind the code is locked");
    let reset = page.ask_worker(json!({"type": "reset_passphrase", "recovery_code": code, "new_passphrase": NEW_PASSPHRASE}));
    assert_eq!(reset["type"], "unlocked", "the code shown opens the journal: {reset}");
    browser.assert_no_context_errors();
}

#[test]
fn an_unlock_locked_after_reading_the_failed_attempts_keeps_them_for_the_next_unlock() {
    let browser = Browser::launch();
    let (page, worker, _) = journal(&browser);
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(unlock(&page, "not the passphrase")["code"], "wrong_passphrase");
    // Held: the first read after the attempt records were read (the settings, as the session
    // starts). Before the fix the records were already removed by then.
    let after_the_records = "(() => { let seen = false; return (method, keys) => { \
        if (method === 'get' && keys.some(k => k.startsWith('v:a:'))) { seen = true; return false; } \
        return seen && method === 'get'; }; })()";
    let (answer, lock) = lock_while_held(&page, &worker, after_the_records, json!({"type": "unlock", "passphrase": PASSPHRASE}));
    assert_eq!(answer, json!({"type": "locked"}), "the unlock was cut short");
    assert_eq!(lock["state"], "locked");
    let told = unlock(&page, PASSPHRASE);
    assert_eq!(told["failed_attempts"].as_array().map(Vec::len), Some(1), "the notice survived: {told}");
    // Told once: the records go once the answer is sent.
    page.ask_worker(json!({"type": "lock"}));
    assert_eq!(unlock(&page, PASSPHRASE)["failed_attempts"], json!([]));
    browser.assert_no_context_errors();
}
