//! A small Chrome DevTools Protocol client over `--remote-debugging-pipe`.
//!
//! Chromium reads NUL-terminated JSON commands on its fd 3 and writes NUL-terminated JSON
//! answers and events on its fd 4. One reader thread routes answers to their callers and keeps
//! every event; it also prepares each target as it attaches (auto-attach pauses new targets
//! until `Runtime.runIfWaitingForDebugger`, so no startup error in any context is missed).

use serde_json::{json, Value};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One network request a context started (`Network.requestWillBeSent`), recorded only when the
/// browser was launched with `LaunchOptions::record_network`.
#[derive(Debug, Clone)]
pub struct NetworkRequest {
    /// The URL of the context that made it, when it made it (worker, page).
    pub context_url: String,
    /// The context's kind: "service_worker", "page", …
    pub context_kind: String,
    /// What it asked for.
    pub url: String,
}

/// What we know of an attached target.
#[derive(Debug, Clone)]
pub struct Target {
    pub target_id: String,
    pub session_id: String,
    pub kind: String,
    pub url: String,
}

/// A problem reported by an extension context: an uncaught exception, `console.error`, or a
/// browser-side error entry (CSP violation, failed load) for one of the extension's pages.
///
/// What counts is what would break what the user sees: a throw, an error Sotto's own code
/// logged, a request the content security policy blocked, a load that failed (a missing file, a
/// refused or unreachable address: `net::ERR_…`). Not counted: an HTTP status a `fetch` got
/// back. In an extension context only Sotto's worker answers with a status (its transfer
/// addresses: 404 when no export is pending), and the page's code reads it and says what it
/// means in its own words; a test asserts those words. Chromium still logs such a status as
/// "Failed to load resource", which used to fail any test that let the page meet one.
#[derive(Debug, Clone)]
pub struct ContextError {
    /// The context's URL (the page or the worker).
    pub url: String,
    /// What it reported, prefixed by its kind (`uncaught:`, `console.error:`, `log (source):`).
    pub text: String,
}

impl std::fmt::Display for ContextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.url, self.text)
    }
}

#[derive(Default)]
struct State {
    /// sessionId -> target
    targets: HashMap<String, Target>,
    /// Every event received, in order: (sessionId or "", method, params).
    events: Vec<(String, String, Value)>,
    errors: Vec<ContextError>,
    requests: Vec<NetworkRequest>,
    closed: bool,
}

pub struct Cdp {
    writer: Mutex<File>,
    next_id: AtomicU64,
    /// Whether to enable the Network domain on every target as it attaches.
    record_network: AtomicBool,
    pending: Mutex<HashMap<u64, mpsc::Sender<Value>>>,
    state: Mutex<State>,
    changed: Condvar,
}

impl Cdp {
    /// Starts the reader thread over the pipe pair of a freshly launched browser.
    pub fn start(to_browser: File, from_browser: File) -> Arc<Cdp> {
        let cdp = Arc::new(Cdp {
            writer: Mutex::new(to_browser),
            next_id: AtomicU64::new(1),
            record_network: AtomicBool::new(false),
            pending: Mutex::new(HashMap::new()),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let reader = Arc::clone(&cdp);
        std::thread::spawn(move || reader.read_loop(from_browser));
        cdp
    }

    fn read_loop(&self, from_browser: File) {
        let mut reader = BufReader::new(from_browser);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(0, &mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if buffer.last() == Some(&0) {
                buffer.pop();
            }
            let Ok(message) = serde_json::from_slice::<Value>(&buffer) else { continue };
            if let Some(id) = message.get("id").and_then(Value::as_u64) {
                if let Some(waiter) = self.pending.lock().unwrap().remove(&id) {
                    let _ = waiter.send(message);
                }
                continue;
            }
            self.on_event(message);
        }
        let mut state = self.state.lock().unwrap();
        state.closed = true;
        self.pending.lock().unwrap().clear();
        self.changed.notify_all();
    }

    fn on_event(&self, message: Value) {
        let method = message["method"].as_str().unwrap_or_default().to_string();
        let session = message["sessionId"].as_str().unwrap_or_default().to_string();
        let params = message.get("params").cloned().unwrap_or(Value::Null);
        let mut state = self.state.lock().unwrap();
        match method.as_str() {
            "Target.attachedToTarget" => {
                let info = &params["targetInfo"];
                let target = Target {
                    target_id: info["targetId"].as_str().unwrap_or_default().to_string(),
                    session_id: params["sessionId"].as_str().unwrap_or_default().to_string(),
                    kind: info["type"].as_str().unwrap_or_default().to_string(),
                    url: info["url"].as_str().unwrap_or_default().to_string(),
                };
                let session_id = target.session_id.clone();
                state.targets.insert(session_id.clone(), target);
                // Fire and forget: Runtime.enable replays console messages and exceptions that
                // happened before we attached; then let the paused target run.
                // With network recording on, Network.enable goes first, while the target is still
                // paused, so not even a request made during its start is missed.
                if self.record_network.load(Ordering::Relaxed) {
                    self.send_only("Network.enable", json!({}), Some(&session_id));
                }
                for method in ["Runtime.enable", "Log.enable", "Runtime.runIfWaitingForDebugger"] {
                    self.send_only(method, json!({}), Some(&session_id));
                }
            }
            // Chrome stops an idle service worker but keeps its target and our session; when an
            // event starts it again, it waits paused for the debugger once more (auto-attach's
            // waitForDebuggerOnStart) and says so only with this event, never with a new
            // attachedToTarget. Runtime and Log stay enabled on the session: only resume it.
            "Inspector.targetReloadedAfterCrash" if state.targets.contains_key(&session) => {
                self.send_only("Runtime.runIfWaitingForDebugger", json!({}), Some(&session));
            }
            "Network.requestWillBeSent" => {
                let context = state.targets.get(&session);
                let request = NetworkRequest {
                    context_url: context.map(|t| t.url.clone()).unwrap_or_default(),
                    context_kind: context.map(|t| t.kind.clone()).unwrap_or_default(),
                    url: params["request"]["url"].as_str().unwrap_or_default().to_string(),
                };
                state.requests.push(request);
            }
            "Target.detachedFromTarget" => {
                if let Some(id) = params["sessionId"].as_str() {
                    state.targets.remove(id);
                }
            }
            "Target.targetInfoChanged" => {
                let info = &params["targetInfo"];
                for target in state.targets.values_mut() {
                    if Some(target.target_id.as_str()) == info["targetId"].as_str() {
                        target.url = info["url"].as_str().unwrap_or_default().to_string();
                    }
                }
            }
            _ => {}
        }
        if let Some(error) = context_error(&state, &session, &method, &params) {
            state.errors.push(error);
        }
        state.events.push((session, method, params));
        self.changed.notify_all();
    }

    /// Writes one command to the browser under a fresh id, which it returns.
    fn write(&self, method: &str, params: Value, session: Option<&str>, before: impl FnOnce(u64)) -> Result<u64, String> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        before(id);
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).expect("a JSON value always serialises");
        bytes.push(0);
        self.writer.lock().unwrap().write_all(&bytes).map_err(|e| format!("{method}: the browser pipe is closed ({e})"))?;
        Ok(id)
    }

    fn send_only(&self, method: &str, params: Value, session: Option<&str>) {
        let _ = self.write(method, params, session, |_| {});
    }

    /// Sends a command; its answer will arrive on the returned channel.
    fn send(&self, method: &str, params: Value, session: Option<&str>) -> Result<mpsc::Receiver<Value>, String> {
        let (tx, rx) = mpsc::channel();
        // Registered before sending so a fast answer is never lost.
        self.write(method, params, session, |id| {
            self.pending.lock().unwrap().insert(id, tx);
        })?;
        Ok(rx)
    }

    /// Waits for the answer to a command sent with [`Cdp::send`]; a CDP error becomes `Err`.
    fn answer(method: &str, rx: mpsc::Receiver<Value>) -> Result<Value, String> {
        let answer = rx.recv_timeout(Duration::from_secs(60)).map_err(|_| format!("{method}: no answer from the browser"))?;
        if let Some(error) = answer.get("error") {
            return Err(format!("{method}: {}", error["message"].as_str().unwrap_or("CDP error")));
        }
        Ok(answer.get("result").cloned().unwrap_or(Value::Null))
    }

    /// Sends a command and waits for its answer; a CDP error becomes `Err` with its message.
    pub fn call(&self, method: &str, params: Value, session: Option<&str>) -> Result<Value, String> {
        let rx = self.send(method, params, session)?;
        Self::answer(method, rx)
    }

    /// Sends one command per `params`, all at once and in order, then waits for every answer:
    /// the browser gets them as a queue, with no round trip to this process in between.
    pub fn call_all(&self, method: &str, params: Vec<Value>, session: Option<&str>) -> Vec<Result<Value, String>> {
        let sent: Vec<Result<mpsc::Receiver<Value>, String>> =
            params.into_iter().map(|params| self.send(method, params, session)).collect();
        sent.into_iter().map(|rx| Self::answer(method, rx?)).collect()
    }

    /// Waits until `pick` finds something in the attached targets, or `timeout` passes.
    pub fn wait_target(&self, timeout: Duration, pick: impl Fn(&Target) -> bool) -> Option<Target> {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap();
        loop {
            if let Some(found) = state.targets.values().find(|t| pick(t)) {
                return Some(found.clone());
            }
            let now = Instant::now();
            if now >= deadline || state.closed {
                return None;
            }
            state = self.changed.wait_timeout(state, deadline - now).unwrap().0;
        }
    }

    /// Every attached target now.
    pub fn targets(&self) -> Vec<Target> {
        self.state.lock().unwrap().targets.values().cloned().collect()
    }

    /// Waits until an event satisfies `pick`; returns its params.
    pub fn wait_event(&self, timeout: Duration, pick: impl Fn(&str, &str, &Value) -> bool) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let mut state = self.state.lock().unwrap();
        loop {
            if let Some((_, _, params)) = state.events.iter().find(|(s, m, p)| pick(s, m, p)) {
                return Some(params.clone());
            }
            let now = Instant::now();
            if now >= deadline || state.closed {
                return None;
            }
            state = self.changed.wait_timeout(state, deadline - now).unwrap().0;
        }
    }

    /// From now on, enable the Network domain on every target as it attaches (call before
    /// auto-attach starts; [`Cdp::requests`] then lists what every context asked for).
    pub fn record_network(&self) {
        self.record_network.store(true, Ordering::Relaxed);
    }

    /// Every network request recorded so far (see [`Cdp::record_network`]).
    pub fn requests(&self) -> Vec<NetworkRequest> {
        self.state.lock().unwrap().requests.clone()
    }

    pub fn errors(&self) -> Vec<ContextError> {
        self.state.lock().unwrap().errors.clone()
    }
}

/// Turns an event into a [`ContextError`] when it reports a problem in an extension context.
fn context_error(state: &State, session: &str, method: &str, params: &Value) -> Option<ContextError> {
    let url = state.targets.get(session).map(|t| t.url.clone()).unwrap_or_default();
    if !url.starts_with("chrome-extension://") {
        return None;
    }
    let text = match method {
        "Runtime.exceptionThrown" => {
            let details = &params["exceptionDetails"];
            let description = details["exception"]["description"].as_str().unwrap_or_default();
            format!("uncaught: {} {description}", details["text"].as_str().unwrap_or_default())
        }
        "Runtime.consoleAPICalled" if matches!(params["type"].as_str(), Some("error" | "assert")) => {
            let args: Vec<String> = params["args"]
                .as_array()
                .map(|args| {
                    args.iter()
                        .map(|a| a["value"].as_str().map(String::from).unwrap_or_else(|| a["description"].to_string()))
                        .collect()
                })
                .unwrap_or_default();
            format!("console.error: {}", args.join(" "))
        }
        "Log.entryAdded" if params["entry"]["level"].as_str() == Some("error") && !is_status_answer(&params["entry"]) => {
            let entry = &params["entry"];
            // A failed load's text does not say what failed to load: its URL does.
            let resource = entry["url"].as_str().map(|url| format!(" ({url})")).unwrap_or_default();
            format!("log ({}): {}{resource}", entry["source"].as_str().unwrap_or("?"), entry["text"].as_str().unwrap_or_default())
        }
        _ => return None,
    };
    Some(ContextError { url, text })
}

/// Whether a log entry is only Chromium's note that a request got an HTTP error status back
/// (see [`ContextError`] for why that is not a context error).
fn is_status_answer(entry: &Value) -> bool {
    entry["source"].as_str() == Some("network")
        && entry["text"].as_str().is_some_and(|text| text.starts_with("Failed to load resource: the server responded with a status of"))
}
