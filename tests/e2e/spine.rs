//! The spine: the worker starts cleanly, both pages render from Wasm, and a page's message
//! reaches the worker and comes back.

use crate::harness::Browser;
use serde_json::json;
use std::time::Duration;

#[test]
fn worker_starts_without_errors_and_runs_the_built_version() {
    let browser = Browser::launch();
    let worker = browser.worker();
    // The manifest's version follows the workspace version.
    assert_eq!(worker.eval("chrome.runtime.getManifest().version"), json!(env!("CARGO_PKG_VERSION")));
    // Give a failing Wasm start time to surface as an uncaught rejection.
    std::thread::sleep(Duration::from_millis(500));
    browser.assert_no_context_errors();
}

#[test]
fn popup_renders_from_wasm_and_the_worker_answers_it() {
    let browser = Browser::launch();
    let popup = browser.open_extension_page("popup.html");
    // The first-run screen shows only once the worker has answered that there is no vault.
    popup.wait_for_text("No journal yet in this browser.");
    popup.wait_for_role("heading", "Set up your private journal");
    popup.wait_for_role("heading", "Sotto");
    browser.assert_no_context_errors();
}

#[test]
fn options_page_renders_from_wasm_and_asks_the_worker() {
    let browser = Browser::launch();
    let options = browser.open_extension_page("options.html");
    options.wait_for_role("heading", "Sotto · History and settings");
    options.wait_for_text("No journal yet in this browser.");
    browser.assert_no_context_errors();
}

#[test]
fn the_harness_types_and_clicks_like_a_person() {
    // A self-check of the harness on a local page (no network): keyboard into a focused field,
    // a mouse click on a button found by role and name.
    let browser = Browser::launch();
    let page = browser.open(
        "data:text/html,<label>Note <input id=n></label><button onclick=\"document.title='clicked:'+n.value\">Save</button>",
    );
    page.eval("document.getElementById('n').focus()");
    page.type_text("left knee, 6");
    page.click("button", "Save");
    page.wait_until("document.title === 'clicked:left knee, 6'", Duration::from_secs(5));
}
