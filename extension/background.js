// Sotto's service-worker loader.
// Every listener is registered synchronously here, at top level: a listener added after the
// asynchronous Wasm start would miss the event that woke the worker. Each event waits for the
// module, then goes to Rust. No top-level await and no dynamic import(): service workers forbid them.
import init, * as sotto from './wasm/background.js';

const ready = init({ module_or_path: new URL('./wasm/background_bg.wasm', import.meta.url) });

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => sotto.handle_message(message, sender))
    .then(sendResponse, (error) => {
      console.error('Sotto worker failed to answer', error);
      sendResponse(undefined);
    });
  return true; // the answer comes asynchronously
});
