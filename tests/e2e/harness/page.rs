//! Driving one page (or the service worker) as a person would: find controls by their
//! accessible role and name, click them with the mouse, type with the keyboard, read the screen.

use super::cdp::{Cdp, Target};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The default patience for anything a user would wait for.
pub const WAIT: Duration = Duration::from_secs(15);

pub struct Page {
    cdp: Arc<Cdp>,
    pub target: Target,
}

impl Page {
    pub fn new(cdp: Arc<Cdp>, target: Target) -> Page {
        Page { cdp, target }
    }

    fn call(&self, method: &str, params: Value) -> Result<Value, String> {
        self.cdp.call(method, params, Some(&self.target.session_id))
    }

    /// Evaluates `expression` (awaiting a promise) and returns its JSON value; panics on an exception.
    pub fn eval(&self, expression: &str) -> Value {
        self.try_eval(expression).unwrap_or_else(|e| panic!("evaluating `{expression}` in {}: {e}", self.target.url))
    }

    pub fn try_eval(&self, expression: &str) -> Result<Value, String> {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "awaitPromise": true, "returnByValue": true, "userGesture": true}),
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            let description = details["exception"]["description"].as_str().unwrap_or_default();
            return Err(format!("{} {description}", details["text"].as_str().unwrap_or("exception")));
        }
        Ok(result["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Waits until `expression` is truthy.
    pub fn wait_until(&self, expression: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            match self.try_eval(&format!("!!({expression})")) {
                Ok(Value::Bool(true)) => return,
                _ if Instant::now() >= deadline => panic!("timed out waiting for `{expression}` on {}", self.target.url),
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }

    /// Reloads the page and waits until the new document has loaded (a fixed sleep after
    /// `location.reload()` raced: the old document could still answer).
    pub fn reload(&self) {
        self.eval("window.sottoBeforeReload = true; location.reload(); true");
        self.wait_until("!window.sottoBeforeReload && document.readyState === 'complete'", WAIT);
    }

    /// The text a person sees on the page.
    pub fn text(&self) -> String {
        self.eval("document.body ? document.body.innerText : ''").as_str().unwrap_or_default().to_string()
    }

    /// Waits until `needle` is visible on the page; returns the page text then.
    pub fn wait_for_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = self.text();
            if text.contains(needle) {
                return text;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?} on {}; the page shows:\n{text}", self.target.url);
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The backend DOM node ids of the nodes whose accessible role and name match.
    pub fn find_by_role(&self, role: &str, name: &str) -> Vec<u64> {
        let Ok(document) = self.call("Runtime.evaluate", json!({"expression": "document"})) else { return vec![] };
        let Some(object_id) = document["result"]["objectId"].as_str() else { return vec![] };
        let found = self
            .call("Accessibility.queryAXTree", json!({"objectId": object_id, "accessibleName": name, "role": role}))
            .unwrap_or(Value::Null);
        found["nodes"]
            .as_array()
            .map(|nodes| {
                nodes
                    .iter()
                    .filter(|n| !n["ignored"].as_bool().unwrap_or(false))
                    .filter_map(|n| n["backendDOMNodeId"].as_u64())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Waits for exactly one control with this role and accessible name, and returns it.
    pub fn wait_for_role(&self, role: &str, name: &str) -> u64 {
        let deadline = Instant::now() + WAIT;
        loop {
            let nodes = self.find_by_role(role, name);
            match nodes.as_slice() {
                [one] => return *one,
                [] if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                [] => panic!("no {role} named {name:?} on {}; the page shows:\n{}", self.target.url, self.text()),
                many => panic!("{} controls with role {role} and name {name:?} on {}", many.len(), self.target.url),
            }
        }
    }

    /// Clicks the control with this role and accessible name, with real mouse events at its centre.
    pub fn click(&self, role: &str, name: &str) {
        let node = self.wait_for_role(role, name);
        let _ = self.call("DOM.scrollIntoViewIfNeeded", json!({"backendNodeId": node}));
        let model = self
            .call("DOM.getBoxModel", json!({"backendNodeId": node}))
            .unwrap_or_else(|e| panic!("{role} {name:?} has no box (hidden?): {e}"));
        let quad: Vec<f64> = model["model"]["border"].as_array().unwrap().iter().filter_map(Value::as_f64).collect();
        let x = (quad[0] + quad[2] + quad[4] + quad[6]) / 4.0;
        let y = (quad[1] + quad[3] + quad[5] + quad[7]) / 4.0;
        // A person cannot click what something else covers (a sticky bar, an overlay): the
        // click would land on that instead. Say so rather than click it.
        if let Some(cover) = self.covered_at(node, x, y) {
            panic!("{role} {name:?} is covered at its centre by {cover} on {}", self.target.url);
        }
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "buttons": if kind == "mousePressed" { 1 } else { 0 }, "clickCount": 1}),
            )
            .unwrap_or_else(|e| panic!("clicking {role} {name:?}: {e}"));
        }
    }

    /// What covers `node` at the viewport point (`x`, `y`), if the topmost element there is
    /// neither it nor inside it: its tag and class, for the failure message.
    fn covered_at(&self, node: u64, x: f64, y: f64) -> Option<String> {
        let object = self.call("DOM.resolveNode", json!({"backendNodeId": node})).ok()?;
        let object_id = object["object"]["objectId"].as_str()?;
        let answer = self
            .call(
                "Runtime.callFunctionOn",
                json!({
                    "objectId": object_id,
                    "functionDeclaration": "function (x, y) { const top = document.elementFromPoint(x, y); \
                        return (!top || this === top || this.contains(top)) ? null : `${top.tagName.toLowerCase()}.${top.className}`; }",
                    "arguments": [{"value": x}, {"value": y}],
                    "returnByValue": true,
                }),
            )
            .ok()?;
        answer["result"]["value"].as_str().map(String::from)
    }

    /// Types text into whatever has focus, one key at a time, each key answered before the next.
    /// A `'\n'` is the Enter key.
    pub fn type_text(&self, text: &str) {
        for ch in text.chars() {
            for event in char_events(ch) {
                self.call("Input.dispatchKeyEvent", event).expect("a key event");
            }
        }
    }

    /// Types text into whatever has focus with every key event queued to the browser at once,
    /// as an auto-typing tool, a paste-as-keys or a very fast typist delivers them: the page
    /// handles each key while later ones are already waiting, with no round trip to this
    /// process in between (and input goes before the page's timers). A `'\n'` is the Enter key.
    pub fn type_text_fast(&self, text: &str) {
        let events: Vec<Value> = text.chars().flat_map(char_events).collect();
        for answer in self.cdp.call_all("Input.dispatchKeyEvent", events, Some(&self.target.session_id)) {
            answer.expect("a key event");
        }
    }

    /// Slows this page's main thread `rate` times (1 is normal speed), as on a slow or busy
    /// computer: long enough renders that Yew hands the rest of its work to a timer.
    pub fn throttle_cpu(&self, rate: f64) {
        self.call("Emulation.setCPUThrottlingRate", json!({"rate": rate})).expect("Emulation.setCPUThrottlingRate");
    }

    /// Presses a named key: "Enter", "Tab", "Escape", "Backspace", "Shift", "ArrowDown", …
    pub fn press(&self, key: &str) {
        for event in named_key_events(key) {
            self.call("Input.dispatchKeyEvent", event).expect("a key event");
        }
    }

    /// Sends one protocol request (`{"type": …}`) to the worker from this extension page, exactly
    /// as the pages do, and returns the response body.
    pub fn ask_worker(&self, body: Value) -> Value {
        let envelope = json!({"v": 1, "body": body});
        let answer = self.eval(&format!("chrome.runtime.sendMessage({envelope})"));
        answer["body"].clone()
    }

    /// Chooses `paths` in the `<input type=file>` matching the CSS `selector`, as a person
    /// choosing files in the picker would (the page gets its `input` and `change` events).
    pub fn set_input_files(&self, selector: &str, paths: &[&std::path::Path]) {
        let document = self.call("DOM.getDocument", json!({"depth": 0})).expect("DOM.getDocument");
        let root = document["root"]["nodeId"].as_u64().expect("a document node");
        let found = self.call("DOM.querySelector", json!({"nodeId": root, "selector": selector})).expect("DOM.querySelector");
        let node = found["nodeId"].as_u64().filter(|&n| n != 0).unwrap_or_else(|| panic!("no element matches {selector:?}"));
        let files: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        self.call("DOM.setFileInputFiles", json!({"files": files, "nodeId": node})).expect("DOM.setFileInputFiles");
    }

    /// Clicks the field with this role and accessible name, selects what it holds, and types
    /// `text` over it with the keyboard.
    pub fn fill(&self, role: &str, name: &str, text: &str) {
        self.click(role, name);
        self.eval("document.activeElement && document.activeElement.select && document.activeElement.select()");
        if text.is_empty() {
            self.press("Backspace");
        } else {
            self.type_text(text);
        }
    }

    /// Saves a PNG screenshot of the page.
    pub fn screenshot(&self, path: &std::path::Path) {
        self.capture(path, true);
    }

    /// Saves a PNG screenshot of what the window shows, as scrolled now.
    pub fn screenshot_window(&self, path: &std::path::Path) {
        self.capture(path, false);
    }

    fn capture(&self, path: &std::path::Path, whole_page: bool) {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png", "captureBeyondViewport": whole_page})).expect("screenshot");
        let data = shot["data"].as_str().unwrap_or_default();
        let png = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data).expect("a base64 screenshot");
        std::fs::write(path, png).expect("write screenshot");
    }

    /// Lays the page out for print (`@media print`), or back for the screen.
    pub fn emulate_print(&self, print: bool) {
        self.call("Emulation.setEmulatedMedia", json!({"media": if print { "print" } else { "" }})).expect("emulate print media");
    }

    /// The page printed to PDF as the browser's "Save as PDF" would (A4-ish default paper).
    pub fn print_to_pdf(&self) -> Vec<u8> {
        let printed = self.call("Page.printToPDF", json!({"printBackground": false})).expect("print to PDF");
        let data = printed["data"].as_str().unwrap_or_default();
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, data).expect("a base64 PDF")
    }

    /// Emulates a colour scheme, zoom factor and viewport for screenshots.
    pub fn emulate(&self, dark: bool, zoom: f64, width: u32, height: u32) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" }}]}),
        )
        .expect("emulate media");
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": zoom, "mobile": false}),
        )
        .expect("emulate metrics");
    }
}

/// The keyDown and keyUp of one typed character (`'\n'` is Enter).
fn char_events(ch: char) -> [Value; 2] {
    if ch == '\n' {
        return named_key_events("Enter");
    }
    let s = ch.to_string();
    [json!({"type": "keyDown", "text": s, "key": s, "unmodifiedText": s}), json!({"type": "keyUp", "key": s})]
}

/// The keyDown and keyUp of a named key: "Enter", "Tab", "Escape", "Backspace", "Shift", …
fn named_key_events(key: &str) -> [Value; 2] {
    let (code, vk, text) = match key {
        "Enter" => ("Enter", 13, Some("\r")),
        "Tab" => ("Tab", 9, None),
        "Escape" => ("Escape", 27, None),
        "Backspace" => ("Backspace", 8, None),
        "Shift" => ("ShiftLeft", 16, None),
        "Space" => ("Space", 32, Some(" ")),
        "ArrowDown" => ("ArrowDown", 40, None),
        "ArrowUp" => ("ArrowUp", 38, None),
        other => panic!("unknown key {other}"),
    };
    let key_name = if key == "Space" { " " } else { key };
    let mut down = json!({"type": "keyDown", "key": key_name, "code": code, "windowsVirtualKeyCode": vk});
    if let Some(text) = text {
        down["text"] = json!(text);
    }
    [down, json!({"type": "keyUp", "key": key_name, "code": code, "windowsVirtualKeyCode": vk})]
}
