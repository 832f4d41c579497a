// Loads the popup's Wasm module (compiled already by popup-first.js); Rust renders the page into #app.
import init from './wasm/popup.js';

init({ module_or_path: self.sottoWasm || new URL('./wasm/popup_bg.wasm', import.meta.url) });
