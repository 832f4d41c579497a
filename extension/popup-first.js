// The first part of popup.js (build.rs joins: this, the Wasm's bindings, popup-start.js). It runs
// as soon as the script arrives, before the styles and before the body is parsed, and starts the
// two things the first screen waits for, so that they run side by side:
// - the Wasm module, compiled as it streams in (popup-start.js instantiates it);
// - the popup's first question to the worker, the draft, whose answer also says whether the
//   journal is open (popup/src/lib.rs, first_screen, takes it once from here). build.rs writes
//   sotto_glue::protocol::PROTOCOL_VERSION in place of the 0 (left as it is, a worker answers
//   with a version error, and the popup then asks again through the Wasm).
self.sottoWasm = WebAssembly.compileStreaming(fetch('wasm/popup_bg.wasm'));
self.sottoFirst = chrome.runtime.sendMessage({ v: 0 /* PROTOCOL_VERSION */, body: { type: 'get_draft' } });
