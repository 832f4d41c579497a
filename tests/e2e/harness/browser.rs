//! Launching real headless Chromium with the built extension, one fresh profile per test.

use super::cdp::{Cdp, Target};
use super::page::Page;
use serde_json::{json, Value};
use std::fs::File;
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once};
use std::time::Duration;

/// The unpacked extension the root build script assembled for this very build.
pub const EXTENSION_DIR: &str = env!("EXTENSION_DIR");

/// How many browsers may run at once (Chromium is heavy; CI has two cores).
fn max_browsers() -> usize {
    std::env::var("SOTTO_E2E_BROWSERS").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(2)
}

static RUNNING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

struct Slot;
impl Slot {
    fn take() -> Slot {
        let (count, freed) = &RUNNING;
        let mut running = count.lock().unwrap_or_else(|e| e.into_inner());
        while *running >= max_browsers() {
            running = freed.wait(running).unwrap_or_else(|e| e.into_inner());
        }
        *running += 1;
        Slot
    }
}
impl Drop for Slot {
    fn drop(&mut self) {
        let (count, freed) = &RUNNING;
        *count.lock().unwrap_or_else(|e| e.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// `$CHROMIUM`, or Debian's `/usr/bin/chromium`, installed with apt when we are root and it is missing.
pub fn chromium_path() -> PathBuf {
    static INSTALL: Once = Once::new();
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if !debian.exists() {
        INSTALL.call_once(|| {
            let is_root = unsafe { libc::geteuid() } == 0;
            if is_root {
                let _ = Command::new("sh")
                    .args(["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"])
                    .status();
            }
        });
    }
    assert!(
        debian.exists(),
        "Chromium is missing: run `sudo apt-get install -y chromium` (or set CHROMIUM=/path/to/chrome)"
    );
    debian
}

/// A running Chromium with Sotto loaded. Dropping it closes the browser and removes its profile,
/// also when the test failed.
pub struct Browser {
    pub cdp: Arc<Cdp>,
    child: Child,
    profile: PathBuf,
    pub extension_id: String,
    /// Set by [`Browser::close`]: the browser has exited, its profile is kept until drop.
    closed: bool,
    /// Its place among the browsers that may run at once (given back while it waits idle).
    slot: Option<Slot>,
}

/// Options for [`Browser::launch_with`].
#[derive(Default, Clone)]
pub struct LaunchOptions {
    /// Run a headful browser (under Xvfb) instead of headless: needed for real keyboard shortcuts.
    pub headful: bool,
    /// Extra command-line switches.
    pub args: Vec<String>,
    /// Load the extension from this directory instead of the built one.
    pub extension_dir: Option<PathBuf>,
    /// Other (test-only) extensions to load beside Sotto. They must have no service worker:
    /// the harness takes the first extension worker it sees for Sotto's.
    pub extra_extensions: Vec<PathBuf>,
    /// Enable the CDP Network domain on every target from its start (`browser.cdp.requests()`).
    pub record_network: bool,
    /// Start on this profile as a closed browser left it, instead of a fresh one
    /// ([`Browser::relaunch`]).
    pub profile: Option<PathBuf>,
}

fn pipe() -> (RawFd, RawFd) {
    let mut fds = [0; 2];
    // O_CLOEXEC: only the two descriptors we place at 3 and 4 reach the browser.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0, "pipe2 failed");
    // Move both ends above 4 so that placing them at 3 and 4 in the child never clobbers one.
    let high = |fd: RawFd| {
        let moved = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
        unsafe { libc::close(fd) };
        moved
    };
    (high(fds[0]), high(fds[1]))
}

static PROFILE_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Browser {
    pub fn launch() -> Browser {
        Browser::launch_with(LaunchOptions::default())
    }

    pub fn launch_with(options: LaunchOptions) -> Browser {
        let slot = Slot::take();
        let chromium = chromium_path();
        let extension_dir = options.extension_dir.clone().unwrap_or_else(|| PathBuf::from(EXTENSION_DIR));
        assert!(extension_dir.join("manifest.json").exists(), "no built extension at {}", extension_dir.display());
        let extensions: Vec<String> =
            std::iter::once(&extension_dir).chain(&options.extra_extensions).map(|dir| dir.display().to_string()).collect();
        let extensions = extensions.join(",");
        let profile = match &options.profile {
            Some(kept) => kept.clone(),
            None => {
                let profile = std::env::temp_dir().join(format!(
                    "sotto-e2e-{}-{}",
                    std::process::id(),
                    PROFILE_COUNTER.fetch_add(1, Ordering::Relaxed)
                ));
                let _ = std::fs::remove_dir_all(&profile);
                std::fs::create_dir_all(&profile).expect("create a profile directory");
                profile
            }
        };

        let (to_browser_read, to_browser_write) = pipe();
        let (from_browser_read, from_browser_write) = pipe();
        let mut command = Command::new(&chromium);
        if !options.headful {
            command.arg("--headless=new");
        }
        if unsafe { libc::geteuid() } == 0 {
            command.arg("--no-sandbox");
        }
        command
            .args([
                "--remote-debugging-pipe",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-default-apps",
                "--disable-dev-shm-usage",
                "--disable-breakpad",
                "--password-store=basic",
                "--mute-audio",
                "--window-size=1280,900",
                // No test may reach the network: every host name fails to resolve, locally,
                // without a DNS query (loopback addresses still work).
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--load-extension={extensions}"))
            .arg(format!("--disable-extensions-except={extensions}"))
            .args(&options.args)
            .stdin(Stdio::null())
            .stdout(File::create(profile.join("chromium.log")).map(Stdio::from).unwrap_or(Stdio::null()))
            .stderr(File::create(profile.join("chromium.err.log")).map(Stdio::from).unwrap_or(Stdio::null()))
            .process_group(0);
        unsafe {
            command.pre_exec(move || {
                // Chromium's pipe protocol: commands in on fd 3, answers out on fd 4.
                if libc::dup2(to_browser_read, 3) < 0 || libc::dup2(from_browser_write, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                // The browser dies with the test process, even if the test process is killed.
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
        let child = command.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.display()));
        unsafe {
            libc::close(to_browser_read);
            libc::close(from_browser_write);
        }
        let cdp = Cdp::start(unsafe { File::from_raw_fd(to_browser_write) }, unsafe { File::from_raw_fd(from_browser_read) });
        let mut browser = Browser { cdp, child, profile, extension_id: String::new(), closed: false, slot: Some(slot) };
        if options.record_network {
            browser.cdp.record_network();
        }

        browser
            .cdp
            .call("Target.setDiscoverTargets", json!({"discover": true}), None)
            .expect("Target.setDiscoverTargets");
        browser
            .cdp
            .call("Target.setAutoAttach", json!({"autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true}), None)
            .expect("Target.setAutoAttach");
        let worker = browser
            .cdp
            .wait_target(Duration::from_secs(30), |t| t.kind == "service_worker" && t.url.starts_with("chrome-extension://"))
            .unwrap_or_else(|| panic!("the extension's service worker never started; see {}", browser.profile.display()));
        browser.extension_id = worker.url["chrome-extension://".len()..].split('/').next().unwrap_or_default().to_string();
        browser
    }

    /// Runs `wait` with this browser's place among the running browsers given to the next test:
    /// for a test that only waits for the clock (an alarm a minute away), while its browser sits
    /// idle and costs the machine little. Its place is taken back (waiting for one if need be)
    /// before this returns.
    pub fn lend_slot_while<T>(&mut self, wait: impl FnOnce() -> T) -> T {
        self.slot = None;
        let result = wait();
        self.slot = Some(Slot::take());
        result
    }

    /// The URL of one of the extension's pages, e.g. `popup.html`.
    pub fn url(&self, path: &str) -> String {
        format!("chrome-extension://{}/{path}", self.extension_id)
    }

    /// The extension's service worker, started if it is asleep.
    pub fn worker(&self) -> Page {
        let pick = |t: &Target| t.kind == "service_worker" && t.url.starts_with(&self.url(""));
        let target = self
            .cdp
            .wait_target(Duration::from_secs(20), pick)
            .expect("the extension's service worker is not running");
        let worker = Page::new(Arc::clone(&self.cdp), target);
        // A worker we attached to at its start runs its script just after; wait for the bindings.
        worker.wait_until("typeof chrome === 'object' && !!chrome.runtime && !!chrome.runtime.id", Duration::from_secs(20));
        worker
    }

    /// Opens `url` in a new tab and waits until it has loaded.
    pub fn open(&self, url: &str) -> Page {
        let created = self.cdp.call("Target.createTarget", json!({"url": url}), None).expect("Target.createTarget");
        let target_id = created["targetId"].as_str().unwrap_or_default().to_string();
        let target = self
            .cdp
            .wait_target(Duration::from_secs(20), |t| t.target_id == target_id)
            .unwrap_or_else(|| panic!("the page {url} never attached"));
        let page = Page::new(Arc::clone(&self.cdp), target);
        // A new tab starts on a complete about:blank: wait for the real document.
        page.wait_until(
            "document.readyState === 'complete' && location.href !== 'about:blank'",
            Duration::from_secs(20),
        );
        page
    }

    /// Opens one of the extension's pages (`popup.html`, `options.html`) as a tab.
    pub fn open_extension_page(&self, path: &str) -> Page {
        self.open(&self.url(path))
    }

    /// The common start of a test that is not about setting up: a new options tab, in which
    /// the worker creates a journal with `passphrase` (the protocol request the pages send) and
    /// keeps it unlocked. Returns the tab. The page was drawn before the journal existed: a test
    /// that then drives its screens calls [`Page::reload`] first. Tests about the first run
    /// itself (the popup's set-up screens, what `create_vault` answers) drive it by hand.
    pub fn options_with_new_journal(&self, passphrase: &str) -> Page {
        let page = self.open_extension_page("options.html");
        let created = page.ask_worker(json!({"type": "create_vault", "passphrase": passphrase}));
        assert_eq!(created["type"], "created", "creating the test's journal: {created}");
        page
    }

    /// Every error any extension context reported so far.
    pub fn context_errors(&self) -> Vec<super::cdp::ContextError> {
        self.cdp.errors()
    }

    /// Fails the test if any extension context threw or logged an error.
    pub fn assert_no_context_errors(&self) {
        let errors = self.context_errors();
        let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
        assert!(errors.is_empty(), "errors in extension contexts:\n{}", lines.join("\n"));
    }

    /// Lets pages download files into `dir` (created if needed) without asking.
    pub fn allow_downloads(&self, dir: &Path) {
        std::fs::create_dir_all(dir).expect("create the download directory");
        self.cdp
            .call("Browser.setDownloadBehavior", json!({"behavior": "allow", "downloadPath": dir.display().to_string()}), None)
            .expect("Browser.setDownloadBehavior");
    }

    pub fn profile_dir(&self) -> &Path {
        &self.profile
    }

    /// The byte length of every live `WebAssembly.Memory` in the service worker, after a full
    /// garbage collection: the worker's own module, plus any instance not yet collected.
    pub fn worker_wasm_memories(&self) -> Vec<u64> {
        let sizes = self.on_worker_wasm_memories("function() { return this.map((m) => m.buffer.byteLength); }", json!(null));
        sizes.as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default()
    }

    /// How often each of `needles` occurs in the worker's Wasm memories (after a full GC): what
    /// a heap dump of the worker would find, freed-but-not-wiped memory included.
    pub fn worker_wasm_memory_count(&self, needles: &[Vec<u8>]) -> Vec<u64> {
        let count = "function(needles) { return needles.map((needle) => { let n = 0; for (const m of this) { \
             const bytes = new Uint8Array(m.buffer); let i = bytes.indexOf(needle[0]); \
             while (i >= 0 && i + needle.length <= bytes.length) { let k = 1; while (k < needle.length && bytes[i + k] === needle[k]) k++; \
               if (k === needle.length) n++; i = bytes.indexOf(needle[0], i + 1); } } return n; }); }";
        let counts = self.on_worker_wasm_memories(count, json!(needles));
        counts.as_array().map(|a| a.iter().filter_map(Value::as_u64).collect()).unwrap_or_default()
    }

    /// Calls `function` (JS, `this` = the array of live `WebAssembly.Memory` objects of the worker,
    /// after a full GC) with `argument`, returning its value.
    fn on_worker_wasm_memories(&self, function: &str, argument: Value) -> Value {
        let worker = self.worker();
        let session = Some(worker.target.session_id.as_str());
        let _ = self.cdp.call("HeapProfiler.collectGarbage", json!({}), session);
        let proto = self.cdp.call("Runtime.evaluate", json!({"expression": "WebAssembly.Memory.prototype"}), session).expect("prototype");
        let proto_id = proto["result"]["objectId"].as_str().expect("an object id").to_string();
        let found = self.cdp.call("Runtime.queryObjects", json!({"prototypeObjectId": proto_id}), session).expect("queryObjects");
        let array_id = found["objects"]["objectId"].as_str().expect("an array").to_string();
        let answer = self
            .cdp
            .call(
                "Runtime.callFunctionOn",
                json!({"objectId": array_id, "functionDeclaration": function, "arguments": [{"value": argument}], "returnByValue": true}),
                session,
            )
            .expect("Runtime.callFunctionOn on the worker's memories");
        answer["result"]["value"].clone()
    }

    /// Evaluates in the service worker (see [`Page::eval`]).
    pub fn eval_in_worker(&self, expression: &str) -> Value {
        self.worker().eval(expression)
    }

    /// Stops the extension's service worker the way Chrome evicts an idle one (the
    /// ServiceWorker domain belongs to a page: `from` asks). Returns at once.
    pub fn stop_worker(&self, from: &Page) {
        let session = Some(from.target.session_id.as_str());
        self.cdp.call("ServiceWorker.enable", json!({}), session).expect("ServiceWorker.enable");
        self.cdp.call("ServiceWorker.stopAllWorkers", json!({}), session).expect("ServiceWorker.stopAllWorkers");
    }

    /// [`Browser::stop_worker`], then waits until the worker is gone. The stop is asked again
    /// each second: one that arrives while the worker is still starting, or still finishing what
    /// it did after its last answer (it writes the session copy then), can go unheeded, and a
    /// loaded CI machine once waited the full 10 s for a single one.
    pub fn stop_worker_and_wait(&self, from: &Page) {
        let start = std::time::Instant::now();
        let mut asked = start;
        self.stop_worker(from);
        while self.worker_running() {
            assert!(start.elapsed() < Duration::from_secs(10), "the worker did not stop");
            if asked.elapsed() >= Duration::from_secs(1) {
                self.stop_worker(from);
                asked = std::time::Instant::now();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn worker_running(&self) -> bool {
        let targets = self.cdp.call("Target.getTargets", json!({}), None).expect("Target.getTargets");
        let own = self.url("");
        targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["type"] == "service_worker" && t["url"].as_str().unwrap_or_default().starts_with(&own))
    }

    /// The URL of every open tab now, as the browser reports it.
    pub fn tab_urls(&self) -> Vec<String> {
        let targets = self.cdp.call("Target.getTargets", json!({}), None).expect("Target.getTargets");
        targets["targetInfos"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|t| t["type"] == "page")
            .map(|t| t["url"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The URLs of the tabs the user sees: `document.visibilityState` is "visible" only in the
    /// active tab of a window. Evaluates in every tab: call it once no page is closing.
    pub fn seen_tab_urls(&self) -> Vec<String> {
        self.cdp
            .targets()
            .into_iter()
            .filter(|t| t.kind == "page")
            .filter_map(|t| {
                let url = t.url.clone();
                let page = Page::new(Arc::clone(&self.cdp), t);
                (page.try_eval("document.visibilityState") == Ok(json!("visible"))).then_some(url)
            })
            .collect()
    }
}

impl Browser {
    /// Closes the browser the way a person quitting it does (`Browser.close`: Chromium flushes
    /// its stores to disk and exits) and waits until it has exited. The profile directory stays
    /// until the `Browser` is dropped, so a test can read every file the browser left behind.
    pub fn close(&mut self) {
        if self.closed {
            return;
        }
        let _ = self.cdp.call("Browser.close", json!({}), None);
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Helpers (zygotes, utility processes) that outlived the browser process go too.
        let pid = self.child.id() as i32;
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.closed = true;
    }

    /// Quits the browser as a person does ([`Browser::close`]) and starts it again on the same
    /// profile: what was stored on disk is there, the worker and every page start afresh,
    /// `chrome.storage.session` is empty. The new browser owns the profile. Check this one's
    /// context errors first: they are not carried over.
    pub fn relaunch(mut self) -> Browser {
        self.close();
        let profile = std::mem::take(&mut self.profile);
        // Its place among the running browsers goes back before the next one asks for one.
        drop(self);
        Browser::launch_with(LaunchOptions { profile: Some(profile), ..LaunchOptions::default() })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.closed {
            // An empty path: `relaunch` handed the profile to the next browser.
            if std::env::var_os("SOTTO_E2E_KEEP_PROFILE").is_none() && !self.profile.as_os_str().is_empty() {
                let _ = std::fs::remove_dir_all(&self.profile);
            }
            return;
        }
        // Ask politely, then make sure: the whole process group goes, zygotes and renderers too.
        let pid = self.child.id() as i32;
        let _ = self.cdp.call("Browser.close", json!({}), None);
        for _ in 0..30 {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        unsafe { libc::kill(-pid, libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::env::var_os("SOTTO_E2E_KEEP_PROFILE").is_none() {
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }
}

/// Waits until the download `name` is complete in `dir` and returns its bytes.
pub fn wait_for_download(dir: &Path, name: &str) -> Vec<u8> {
    let path = dir.join(name);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let partial = std::fs::read_dir(dir)
            .map(|list| list.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().ends_with(".crdownload")))
            .unwrap_or(false);
        if path.exists() && !partial {
            return std::fs::read(&path).expect("read the download");
        }
        assert!(std::time::Instant::now() < deadline, "the download {name} never completed in {}", dir.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}
