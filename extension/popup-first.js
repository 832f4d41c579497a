// Started while the page is still loading (a classic script before the styles runs as soon as the
// parser reaches it), so that neither waits for the other nor for the styles:
// - the Wasm module, fetched and compiled (popup.js hands it to the Wasm's loader);
// - the popup's first question to the worker, the draft, whose answer also says whether the
//   journal is open (popup/src/lib.rs, first_screen, takes it once from here). build.rs writes
//   sotto_glue::protocol::PROTOCOL_VERSION in place of the 0 (left as it is, a worker answers
//   with a version error, and the popup then asks again through the Wasm).
self.sottoWasm = WebAssembly.compileStreaming(fetch('wasm/popup_bg.wasm'));
self.sottoFirst = chrome.runtime.sendMessage({ v: 0 /* PROTOCOL_VERSION */, body: { type: 'get_draft' } });
