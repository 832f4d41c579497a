//! `cargo run -- bench`: Sotto's benchmark table (issue 7), in real headless Chromium.
//!
//! Design: the benchmark is this one `#[ignore]`d test, and `cargo run -- bench` runs it with
//! `cargo test --release --test e2e bench::benchmark_table -- --ignored --exact --nocapture`.
//! It needs the e2e harness (launching Chromium, CDP, pages), which lives in the test crate;
//! an ignored test reuses it as it is, without moving the harness into a library every other
//! test would then import differently. `--release` matters: the native reference (the vault's
//! own `derive_kek`) must be optimised as the worker's Wasm is. Ignored, so `cargo test` never
//! runs it: timings do not belong in pass/fail tests on shared machines.
//!
//! Each figure is a median over repeated runs, printed with its ratio to a reference measured
//! in the same run, in the same browser where the reference is a browser one.

use crate::harness::{Browser, LaunchOptions, NpmPackage, Page, EXTENSION_DIR};
// The generated bundles are the options tests' (ten entries a day, a region, a note and a tag each).
use crate::options::{generated_bundle, PASSPHRASE as BUNDLE_PASSPHRASE};
use base64::Engine as _;
use serde_json::{json, Value};
use std::io::Write;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "benchmark passphrase, long enough";
/// No host name resolves: the benchmark, like every test, never reaches a network. Vanish and its
/// reference send tabs to loopback URLs where nothing listens (port 9), which fail at once.
const NO_NETWORK: &str = "--host-resolver-rules=MAP * ~NOTFOUND";
const LOOPBACK: &str = "http://127.0.0.1:9";
/// The Argon2id reference the issue names: hash-wasm, from the npm registry, pinned by version and
/// by the SHA-512 the registry publishes for its tarball (`npm view hash-wasm@4.13.0 dist.integrity`).
const HASH_WASM: NpmPackage = NpmPackage {
    name: "hash-wasm",
    version: "4.13.0",
    integrity: "sha512-GrWl7wsV46fKIXQZB5ebskLZLAmKL6d9RS0fspCxDeQyjoNu1AfTJTMLPOJyfzaQm0ldFiwFN21/w+sE/kgEFQ==",
};

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.is_empty() {
        f64::NAN
    } else if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    }
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1]
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Imports `bytes` as the options page does (ImportBegin, the file POSTed to the worker's
/// transfer address, ImportPreview, ImportCommit); returns the ms from ImportBegin to the
/// committed merge. Putting the file into the page first is not timed.
fn import(page: &Page, bytes: &[u8]) -> f64 {
    const PIECE: usize = 4 * 1024 * 1024;
    // The POST goes to the worker only once it controls the page (`clients.claim()` on activate):
    // a page opened in a fresh browser may be a moment ahead of it.
    let controlled = page.eval(
        "(async () => { for (let i = 0; i < 250 && !navigator.serviceWorker.controller; i++) await new Promise((r) => setTimeout(r, 20)); return !!navigator.serviceWorker.controller; })()",
    );
    assert_eq!(controlled, json!(true), "the worker never took control of the page");
    page.eval("window.sottoPieces = []; true");
    for piece in bytes.chunks(PIECE) {
        page.eval(&format!("sottoPieces.push(Uint8Array.from(atob('{}'), (c) => c.charCodeAt(0))); true", b64(piece)));
    }
    let script = format!(
        "(async () => {{ const send = (b) => chrome.runtime.sendMessage({{v: 1, body: b}}).then((r) => r.body); \
         const file = new Blob(sottoPieces); sottoPieces = []; \
         const t = performance.now(); await send({{type: 'import_begin', total_bytes: {total}}}); \
         const posted = await fetch('{path}', {{method: 'POST', body: file}}); if (posted.status !== 204) throw new Error('POST ' + posted.status); \
         const p = await send({{type: 'import_preview', passphrase: {pass}}}); if (p.type !== 'import_previewed') throw new Error(JSON.stringify(p)); \
         const c = await send({{type: 'import_commit'}}); if (c.type !== 'imported') throw new Error(JSON.stringify(c)); \
         return performance.now() - t; }})()",
        total = bytes.len(),
        path = "/transfer/import.bin", // glue's IMPORT_PATH
        pass = serde_json::to_string(BUNDLE_PASSPHRASE).unwrap()
    );
    page.eval(&script).as_f64().unwrap()
}

/// Times `count` quick-log saves (one at a time, as a person logs), ms each.
fn saves(page: &Page, count: usize, first_id: u64) -> Vec<f64> {
    let script = format!(
        "(async () => {{ const out = []; for (let i = 0; i < {count}; i++) {{ \
           const id = ({first_id} + i).toString(16).padStart(32, '0'); \
           const entry = {{id, revision: 0, occurred_at: Date.now() - i * 1000, utc_offset_minutes: 60, intensity: 5, \
                          note: 'quick log', regions: [{{region: 'neck_back'}}]}}; \
           const t = performance.now(); const r = await chrome.runtime.sendMessage({{v: 1, body: {{type: 'save_entry', entry}}}}); \
           out.push(performance.now() - t); if (r.body.type !== 'entry_saved') throw new Error(JSON.stringify(r.body)); }} \
         return out; }})()"
    );
    page.eval(&script).as_array().unwrap().iter().filter_map(Value::as_f64).collect()
}

/// The bytes of every live `WebAssembly.Memory` in the worker, after a full GC.
fn worker_wasm_bytes(browser: &Browser) -> u64 {
    browser.worker_wasm_memories().iter().sum()
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap().len()
}

fn launch() -> Browser {
    Browser::launch_with(LaunchOptions { args: vec![NO_NETWORK.into()], ..LaunchOptions::default() })
}

/// hash-wasm's Argon2id build (`dist/argon2.umd.min.js`), pinned (harness `NpmPackage`). Only the
/// benchmark loads it, into an ordinary page, never into the extension. `Err` says why the
/// reference is missing (no npm, offline, a tarball that does not match).
fn hash_wasm_argon2() -> Result<String, String> {
    let script = HASH_WASM.file("package/dist/argon2.umd.min.js")?;
    String::from_utf8(script).map_err(|_| "hash-wasm's script is not UTF-8".to_string())
}

/// `runs` timings (ms) of hash-wasm's Argon2id at Sotto's default parameters, in an ordinary
/// page of the same browser, with the output checked against the vault's own Argon2id.
fn hash_wasm_runs(browser: &Browser, runs: usize) -> Result<Vec<f64>, String> {
    let script = hash_wasm_argon2()?;
    let page = browser.open("data:text/html,<title>reference</title>");
    page.try_eval(&format!("{script}\n;typeof hashwasm.argon2id"))?;
    let salt = [7u8; 16];
    let params = sotto_vault::KdfParams::DEFAULT;
    let mut expected = [0u8; 32];
    argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(params.m_cost_kib, params.t_cost, params.p_cost, Some(32)).map_err(|e| format!("{e}"))?,
    )
    .hash_password_into(PASSPHRASE.as_bytes(), &salt, &mut expected)
    .map_err(|e| format!("{e}"))?;
    let call = format!(
        "hashwasm.argon2id({{password: {p}, salt: new Uint8Array({salt:?}), parallelism: {par}, iterations: {t}, memorySize: {m}, hashLength: 32, outputType: 'hex'}})",
        p = serde_json::to_string(PASSPHRASE).unwrap_or_default(),
        par = params.p_cost,
        t = params.t_cost,
        m = params.m_cost_kib,
    );
    let hex = page.try_eval(&call)?;
    let expected_hex: String = expected.iter().map(|b| format!("{b:02x}")).collect();
    if hex.as_str() != Some(expected_hex.as_str()) {
        return Err(format!("hash-wasm computed {hex}, the vault {expected_hex}: not the same function"));
    }
    (0..runs)
        .map(|_| {
            page.try_eval(&format!("(async () => {{ const t = performance.now(); await {call}; return performance.now() - t; }})()"))
                .map(|v| v.as_f64().unwrap_or(f64::NAN))
        })
        .collect()
}

/// Vanish, trigger → the active tab is on the neutral page, against a bare `tabs.update` of the
/// same tab to a loopback URL, both started from the worker the same way and both timed up to the
/// browser announcing the tab's new URL. Vanish locks (and zeroizes) before it moves the tab, so
/// "moved" implies "locked"; each run checks the lock afterwards, untimed. Returns (vanish, bare).
fn vanish_runs(browser: &Browser, runs: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut vanish, mut bare) = (Vec::new(), Vec::new());
    let moved_to = |tab: &str, url: &str, since: Instant| {
        let seen = browser.cdp.wait_event(Duration::from_secs(20), |_, method, params| {
            method == "Target.targetInfoChanged" && params["targetInfo"]["targetId"] == tab && params["targetInfo"]["url"] == url
        });
        assert!(seen.is_some(), "the tab never reached {url}");
        since.elapsed().as_secs_f64() * 1000.0
    };
    let web_tab = || {
        let web = browser.open("data:text/html,<title>web</title><p>an ordinary page</p>");
        let _ = browser.cdp.call("Target.activateTarget", json!({"targetId": web.target.target_id}), None);
        web.wait_until("document.visibilityState === 'visible'", Duration::from_secs(5));
        web
    };
    for run in 0..runs {
        let sotto = browser.open_extension_page("options.html");
        assert_eq!(sotto.ask_worker(json!({"type": "unlock", "passphrase": PASSPHRASE}))["type"], "unlocked");
        let neutral = format!("{LOOPBACK}/neutral-{run}");
        let mut settings = sotto.ask_worker(json!({"type": "get_settings"}))["settings"].clone();
        settings["vanish_url"] = json!(neutral);
        assert_eq!(sotto.ask_worker(json!({"type": "set_settings", "settings": settings}))["type"], "settings");
        let web = web_tab();
        let started = Instant::now();
        crate::lock_and_vanish::invoke_context_menu_listener(browser);
        vanish.push(moved_to(&web.target.target_id, &neutral, started));
        let checker = browser.open_extension_page("popup.html");
        assert_eq!(checker.ask_worker(json!({"type": "status"}))["state"], "locked", "Vanish left the vault open");
        let _ = browser.cdp.call("Target.closeTarget", json!({"targetId": checker.target.target_id}), None);

        let web = web_tab();
        let reference = format!("{LOOPBACK}/reference-{run}");
        let started = Instant::now();
        browser.eval_in_worker(&format!(
            "chrome.tabs.query({{active: true, lastFocusedWindow: true}}).then(([tab]) => {{ chrome.tabs.update(tab.id, {{url: '{reference}'}}); return 'called'; }})"
        ));
        bare.push(moved_to(&web.target.target_id, &reference, started));
    }
    (vanish, bare)
}

struct Row {
    measure: String,
    value: String,
    reference: String,
    ratio: String,
    goal: &'static str,
}

#[test]
#[ignore = "the benchmark: `cargo run -- bench`"]
fn benchmark_table() {
    const RUNS: usize = 5;
    let mut rows = Vec::new();
    let ms = |v: f64| format!("{v:.1} ms");

    // Unlock: the worker (cold or warm) vs the same vault code natively.
    let browser = launch();
    let page = browser.open_extension_page("options.html");
    assert_eq!(page.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}))["type"], "created");
    page.ask_worker(json!({"type": "lock"}));
    browser.stop_worker_and_wait(&page);
    page.ask_worker(json!({"type": "status"}));
    let memory_before = worker_wasm_bytes(&browser);
    let mut worker_unlock = Vec::new();
    for _ in 0..RUNS {
        page.ask_worker(json!({"type": "lock"}));
        let t = page.eval(&format!(
            "(async () => {{ const t = performance.now(); const r = await chrome.runtime.sendMessage({{v: 1, body: {{type: 'unlock', passphrase: {}}}}}); \
             if (r.body.type !== 'unlocked') throw new Error(JSON.stringify(r.body)); return performance.now() - t; }})()",
            serde_json::to_string(PASSPHRASE).unwrap()
        ));
        worker_unlock.push(t.as_f64().unwrap());
    }
    let memory_after = worker_wasm_bytes(&browser);
    let mut native = Vec::new();
    let salt = [7u8; 16];
    for _ in 0..RUNS {
        let t = Instant::now();
        let _ = sotto_vault::derive_kek(&sotto_vault::Passphrase::new(PASSPHRASE), &sotto_vault::KdfParams::DEFAULT, &salt).unwrap();
        native.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (w, n) = (median(&worker_unlock), median(&native));
    rows.push(Row { measure: "unlock in the worker (Argon2id 64 MiB/t3/p1 + unwrap, message round trip)".into(), value: ms(w), reference: format!("{} native `derive_kek`", ms(n)), ratio: format!("{:.2}×", w / n), goal: "≤ 1.3× native" });
    match hash_wasm_runs(&browser, RUNS) {
        Ok(reference) => {
            let h = median(&reference);
            rows.push(Row { measure: "unlock in the worker, against hash-wasm".into(), value: ms(w), reference: format!("{} hash-wasm {} Argon2id alone, same browser", ms(h), HASH_WASM.version), ratio: format!("{:.2}× faster", h / w), goal: "≥ 1.5× faster than hash-wasm" });
        }
        Err(why) => rows.push(Row { measure: "unlock in the worker, against hash-wasm".into(), value: ms(w), reference: format!("not measured: {why}"), ratio: "—".into(), goal: "≥ 1.5× faster than hash-wasm" }),
    }
    rows.push(Row {
        measure: "worker Wasm memory after unlock".into(),
        value: format!("{:.2} MiB", memory_after as f64 / 1048576.0),
        reference: format!("{:.2} MiB before unlock", memory_before as f64 / 1048576.0),
        ratio: format!("{:.2}×", memory_after as f64 / memory_before.max(1) as f64),
        goal: "≤ 16 MiB",
    });

    // Quick-log save round trip: 100 entries vs 100,000.
    let light = sotto_vault::KdfParams { m_cost_kib: 8 * 1024, t_cost: 1, p_cost: 1 };
    import(&page, &generated_bundle(100, light));
    let big_bundle = generated_bundle(100_000, sotto_vault::KdfParams::DEFAULT);
    let browser2 = launch();
    let page2 = browser2.open_extension_page("options.html");
    page2.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
    let mut import_ms = vec![import(&page2, &big_bundle)];
    // Alternating, one save at a time, so that both journals meet the same machine.
    let (mut small, mut big) = (Vec::new(), Vec::new());
    for i in 0..60 {
        small.extend(saves(&page, 1, (1 << 40) + i));
        big.extend(saves(&page2, 1, (1 << 41) + i));
    }
    for (label, p) in [("p50", 50.0), ("p99", 99.0)] {
        let (b, s) = (percentile(&big, p), percentile(&small, p));
        rows.push(Row { measure: format!("quick-log save round trip, {label}, 100,000 entries"), value: ms(b), reference: format!("{} with 100 entries", ms(s)), ratio: format!("{:.2}×", b / s), goal: "p50 ≤ 10 ms; ratio ≤ 1.2" });
    }

    // Export and import of 100,000 entries vs WebCrypto AES-GCM over the same bytes.
    let mut export_ms = Vec::new();
    let mut total = 0u64;
    for _ in 0..3 {
        let r = page2.eval(&format!(
            "(async () => {{ const send = (b) => chrome.runtime.sendMessage({{v: 1, body: b}}).then((r) => r.body); const t = performance.now(); \
             const ready = await send({{type: 'export_bundle', passphrase: {p}, is_vault_passphrase: true}}); \
             const file = await (await fetch('{path}')).blob(); if (file.size !== ready.total_bytes) throw new Error('fetched ' + file.size); \
             await send({{type: 'export_finish'}}); return [performance.now() - t, ready.total_bytes]; }})()",
            p = serde_json::to_string(PASSPHRASE).unwrap(),
            path = "/transfer/export.bin", // glue's EXPORT_PATH
        ));
        export_ms.push(r[0].as_f64().unwrap());
        total = r[1].as_u64().unwrap();
    }
    for _ in 0..2 {
        page2.ask_worker(json!({"type": "lock"}));
        page2.eval("chrome.storage.local.clear().then(() => true)");
        page2.ask_worker(json!({"type": "create_vault", "passphrase": PASSPHRASE}));
        import_ms.push(import(&page2, &big_bundle));
    }
    let webcrypto: Vec<f64> = (0..3)
        .map(|_| {
            page2
                .eval(&format!(
                    "(async () => {{ const data = new Uint8Array({total}); for (let i = 0; i < data.length; i += 65536) crypto.getRandomValues(data.subarray(i, i + 65536)); \
                     const key = await crypto.subtle.generateKey({{name: 'AES-GCM', length: 256}}, false, ['encrypt']); \
                     const t = performance.now(); await crypto.subtle.encrypt({{name: 'AES-GCM', iv: new Uint8Array(12)}}, key, data); return performance.now() - t; }})()"
                ))
                .as_f64()
                .unwrap()
        })
        .collect();
    let wc = median(&webcrypto);
    let mb = total as f64 / 1e6;
    for (name, values) in [
        ("export (journal passphrase checked, bundle built, fetched by the page)", &export_ms),
        ("import (file posted, verified and decrypted, merged into an empty journal)", &import_ms),
    ] {
        let m = median(values);
        rows.push(Row { measure: format!("{name}, 100,000 entries, {mb:.1} MB, Argon2id included"), value: ms(m), reference: format!("{} WebCrypto AES-GCM over {mb:.1} MB", ms(wc)), ratio: format!("{:.1}×", m / wc), goal: "each ≤ 2 s" });
    }

    // At most two browsers run at once (the harness's limit); the popup comparison starts one.
    drop(page2);
    drop(browser2);

    // Popup open → ready to type, against its static twin (tests/e2e/popup.rs says how).
    let (popup, twin) = crate::popup::open_to_ready_comparison(25);
    rows.push(Row { measure: "popup open → ready to type (focus on the scale)".into(), value: ms(popup), reference: format!("{} static twin: popup.html with the same form, no Wasm, its script at the end of the body", ms(twin)), ratio: format!("{:.2}×", popup / twin), goal: "≤ 1.25×" });

    // Vanish, from the worker awake (the keyboard command's path while asleep is timed by
    // lock_and_vanish::the_real_vanish_shortcut_works_from_a_web_page_tab).
    let (vanish, bare) = vanish_runs(&browser, RUNS);
    let (v, b) = (median(&vanish), median(&bare));
    rows.push(Row { measure: "vanish: trigger → active tab on the neutral page, vault locked".into(), value: ms(v), reference: format!("{} bare `tabs.update` of the same tab", ms(b)), ratio: format!("{:.2}×", v / b), goal: "≤ 100 ms" });

    // Shipped Wasm per page.
    let dir = std::path::Path::new(EXTENSION_DIR).join("wasm");
    for (page_name, files) in [("popup", vec!["popup_bg.wasm"]), ("options", vec!["options_bg.wasm"]), ("worker", vec!["background_bg.wasm", "kdf.wasm"])] {
        let (raw, gz): (usize, usize) = files.iter().map(|f| std::fs::read(dir.join(f)).unwrap()).map(|b| (b.len(), gzip_len(&b))).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        rows.push(Row { measure: format!("shipped Wasm, {page_name} ({})", files.join(" + ")), value: format!("{:.0} KB gzip", gz as f64 / 1000.0), reference: format!("{:.0} KB raw", raw as f64 / 1000.0), ratio: "—".into(), goal: "≤ 400 KB gzip" });
    }

    println!("\n| measure | median | reference (same run) | ratio | goal |\n|---|---|---|---|---|");
    for r in &rows {
        println!("| {} | {} | {} | {} | {} |", r.measure, r.value, r.reference, r.ratio, r.goal);
    }
    println!("\nruns: unlock {RUNS} each (hash-wasm {RUNS}); saves 60 each, alternating; export 3, import 3, WebCrypto 3; vanish {RUNS} each; popup 25 each");
}
