// Loads the options's Wasm module; Rust renders the page into #app.
import init from './wasm/options.js';

init({ module_or_path: new URL('./wasm/options_bg.wasm', import.meta.url) });
