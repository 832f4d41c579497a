//! Hostile senders in real Chromium (issue 4): the worker answers only Sotto's own pages, and
//! Sotto's pages hear worker events only from Sotto itself.
//!
//! Web pages have no channel at all (no `externally_connectable`; `adversarial.rs` checks it).
//! A content script is the sender the check exists for: it runs in a web page's renderer but
//! carries Sotto's id. Sotto ships none and must not gain one (nor a permission) for a test, so
//! this test loads a copy of the built extension whose manifest adds one content script for
//! loopback pages: the worker, the pages and every other file are the shipped ones byte for byte.
//! Beside it runs a second, test-only extension with no permissions, for messages from another
//! extension (they arrive as `onMessageExternal`, which Sotto does not listen to).

use crate::harness::{extension_variant, Browser, LaunchOptions, Page, WAIT};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

const PASSPHRASE: &str = "correct horse battery staple";

/// Serves one ordinary page on a loopback port, for as long as the test process lives.
fn serve_web_page() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("a local address").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let body = "<!doctype html><title>web</title><p>an ordinary page</p>";
            let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
        }
    });
    port
}

/// What the content script tries, with Sotto's id, from the web page; its findings go into the
/// page's DOM (shared with the main world) as JSON.
const PROBE: &str = r#"
(async () => {
  const send = (message) => chrome.runtime.sendMessage(message).then((r) => r, (e) => ({failed: String(e && e.message || e)}));
  const ask = (body) => send({v: 1, body});
  const out = {};
  for (const body of [
    {type: 'ping', nonce: 'n'}, {type: 'status'}, {type: 'list_entries', query: {}}, {type: 'get_draft'},
    {type: 'set_draft', draft: {note: 'planted by a content script'}}, {type: 'get_settings'},
    {type: 'export_bundle', passphrase: 'taken', is_vault_passphrase: false}, {type: 'export_chunk', index: 0},
    {type: 'unlock', passphrase: PASSPHRASE}, {type: 'create_vault', passphrase: 'taken'}, {type: 'lock'}, {type: 'vanish'},
  ]) out[body.type] = await ask(body);
  // Forged worker events: open Sotto pages must not act on them.
  out.forged_locked = await send({v: 1, event: {type: 'locked', reason: 'requested'}});
  out.forged_vanished = await send({v: 1, event: {type: 'vanished'}});
  out.session_storage = chrome.storage && chrome.storage.session
    ? await chrome.storage.session.get(null).then((v) => 'read ' + JSON.stringify(v), (e) => 'refused: ' + e.message)
    : 'absent';
  out.port = await new Promise((resolve) => {
    try {
      const port = chrome.runtime.connect();
      port.onDisconnect.addListener(() => resolve('disconnected: ' + (chrome.runtime.lastError ? chrome.runtime.lastError.message : '')));
      port.postMessage({v: 1, body: {type: 'status'}});
    } catch (e) { resolve('threw: ' + e.message); }
  });
  document.documentElement.dataset.sottoProbe = JSON.stringify(out);
})().catch((e) => { document.documentElement.dataset.sottoProbe = JSON.stringify({probe_failed: String(e && e.stack || e)}); });
"#;

/// Chromium's id for an unpacked extension: SHA-256 of its absolute path, the first 16 bytes in
/// hex with the digits 0-f written a-p.
fn unpacked_extension_id(dir: &Path) -> String {
    let path = std::fs::canonicalize(dir).expect("an existing directory");
    let digest = Sha256::digest(path.as_os_str().as_encoded_bytes());
    digest.iter().take(16).flat_map(|b| [b >> 4, b & 15]).map(|n| char::from(b'a' + n)).collect()
}

fn another_extension() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sotto-other-extension-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a directory");
    let manifest = json!({"manifest_version": 3, "name": "Sotto test: another extension", "version": "1"});
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("write a manifest");
    std::fs::write(dir.join("page.html"), "<!doctype html><title>another extension</title>").expect("write a page");
    dir
}

fn assert_forbidden(answers: &Value, what: &str) {
    let answer = &answers[what];
    assert_eq!(answer["body"]["type"], "error", "{what} from a content script was answered: {answers:#}");
    assert_eq!(answer["body"]["code"], "forbidden", "{what}: {answers:#}");
}

#[test]
fn content_scripts_and_other_extensions_get_nothing_from_the_worker_and_cannot_drive_its_pages() {
    let with_content_script = extension_variant(
        "content-script",
        |manifest| {
            manifest["content_scripts"] = json!([{"matches": ["http://127.0.0.1/*"], "js": ["probe.js"], "run_at": "document_idle"}]);
        },
        &[("probe.js", &PROBE.replace("PASSPHRASE", &serde_json::to_string(PASSPHRASE).unwrap()))],
    );
    let other = another_extension();
    let browser = Browser::launch_with(LaunchOptions {
        extension_dir: Some(with_content_script.clone()),
        extra_extensions: vec![other.clone()],
        // The harness maps every host to "not found", 127.0.0.1 included, so a loopback page is
        // an error page, where no content script runs. This test's page is served here, on
        // loopback: every other host still fails without a lookup.
        args: vec!["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".into()],
        ..LaunchOptions::default()
    });

    // An unlocked journal with an entry and a draft, and two Sotto pages open.
    let options = browser.options_with_new_journal(PASSPHRASE);
    let entry = json!({"id": "0123456789abcdef0123456789abcdef", "revision": 0, "occurred_at": 1_763_900_000_000_i64,
                       "utc_offset_minutes": 0, "intensity": 5, "note": "secret-note", "regions": [{"region": "knee_left"}]});
    assert_eq!(options.ask_worker(json!({"type": "save_entry", "entry": entry}))["type"], "entry_saved");
    assert_eq!(options.ask_worker(json!({"type": "set_draft", "draft": {"note": "half-typed"}})), json!({"type": "done"}));
    // The popup (as a tab) shows the journal: its intensity scale, no passphrase field.
    let popup = browser.open_extension_page("popup.html");
    const JOURNAL_SHOWN: &str = "!!document.querySelector('input[name=intensity]') && !document.getElementById('unlock-passphrase')";
    popup.wait_until(JOURNAL_SHOWN, WAIT);
    // Heard after the popup's own listeners: once this has the forged Vanish, they had it too.
    popup.eval("window.heard = []; chrome.runtime.onMessage.addListener((m) => { heard.push(m); }); true");

    // The content script runs in a web page with Sotto's id.
    let web = browser.open(&format!("http://127.0.0.1:{}/", serve_web_page()));
    assert_eq!(web.eval("document.title"), json!("web"), "the loopback page did not load");
    web.wait_until("!!document.documentElement.dataset.sottoProbe", WAIT);
    let answers: Value = serde_json::from_str(web.eval("document.documentElement.dataset.sottoProbe").as_str().unwrap()).unwrap();
    for what in ["ping", "status", "list_entries", "get_draft", "set_draft", "get_settings", "export_bundle", "export_chunk", "unlock", "create_vault", "lock", "vanish"] {
        assert_forbidden(&answers, what);
    }
    let text = answers.to_string();
    assert!(!text.contains("secret-note") && !text.contains("half-typed") && !text.contains("recovery_code"), "{answers:#}");
    // The session copy of the key is out of a content script's reach (TRUSTED_CONTEXTS).
    let session = answers["session_storage"].as_str().unwrap();
    assert!(!session.starts_with("read"), "a content script read chrome.storage.session: {session}");
    // Nobody listens for connections: a port from the content script closes at once.
    assert!(answers["port"].as_str().unwrap().starts_with("disconnected"), "{answers:#}");

    // The forged events reach the pages' listeners, which must ignore them: the pages stay open
    // and the popup on the journal (watched for a while: closing or redrawing takes a moment).
    let watched_since = std::time::Instant::now();
    while watched_since.elapsed() < std::time::Duration::from_secs(2) {
        let open = browser.tab_urls();
        assert!(open.contains(&browser.url("options.html")) && open.contains(&browser.url("popup.html")), "a forged Vanish closed Sotto pages: {open:?}");
        assert_eq!(popup.eval(JOURNAL_SHOWN), json!(true), "a forged lock event put the popup on its lock screen");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(popup.eval("heard.some((m) => m.event && m.event.type === 'vanished')"), json!(true), "the forged events never reached the pages");
    // Nothing the content script sent reached the journal.
    assert_eq!(options.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "unlocked"}));
    assert_eq!(options.ask_worker(json!({"type": "get_draft"}))["draft"]["note"], "half-typed");
    assert_eq!(options.ask_worker(json!({"type": "list_entries", "query": {}}))["entries"][0]["note"], "secret-note");

    // Another extension knows Sotto's id: its messages and ports reach no listener.
    let other_page: Page = browser.open(&format!("chrome-extension://{}/page.html", unpacked_extension_id(&other)));
    let sotto = &browser.extension_id;
    let external = other_page.eval(&format!(
        "(async () => [ \
           await chrome.runtime.sendMessage('{sotto}', {{v: 1, body: {{type: 'list_entries', query: {{}}}}}}).then((r) => 'answered ' + JSON.stringify(r), (e) => 'refused: ' + e.message), \
           await new Promise((resolve) => {{ const p = chrome.runtime.connect('{sotto}'); p.onDisconnect.addListener(() => resolve('disconnected: ' + (chrome.runtime.lastError ? chrome.runtime.lastError.message : ''))); }}) \
         ])()"
    ));
    let external: Vec<&str> = external.as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(external[0].starts_with("refused"), "another extension's message was answered: {external:?}");
    assert!(external[1].starts_with("disconnected"), "{external:?}");
    assert_eq!(options.ask_worker(json!({"type": "status"})), json!({"type": "status", "state": "unlocked"}));
    browser.assert_no_context_errors();
    drop(browser);
    let _ = std::fs::remove_dir_all(with_content_script);
    let _ = std::fs::remove_dir_all(other);
}
