// Sotto's service-worker loader.
// Every listener is registered synchronously here, at top level: a listener added after the
// asynchronous Wasm start would miss the event that woke the worker. Each event waits for the
// module, then goes to Rust. No top-level await and no dynamic import(): service workers forbid them.
import init, * as sotto from './wasm/background.js';

// Argon2id needs 64 MiB, and Wasm memory never shrinks: deriving in the worker's own module
// would keep 64 MiB resident for the worker's whole life. So each derivation gets a fresh
// instance of the small Argon2id-only module (kdf/ crate), whose memory is wiped and dropped
// after; it returns Argon2id's 32-byte output, from which the worker derives the KEK or a
// backup's keys. (A service worker cannot start a Worker.) The compiled module is kept; it
// holds no memory.
let kdfModule = null;
async function argon2idInThrowawayInstance(passphraseBytes, salt, mCostKib, tCost, pCost) {
  kdfModule ??= fetch(new URL('./wasm/kdf.wasm', import.meta.url))
    .then((response) => response.arrayBuffer())
    .then((bytes) => WebAssembly.compile(bytes));
  const module = await kdfModule;
  // The KDF module imports nothing it calls; any import it declares fails loudly if reached.
  const imports = {};
  for (const { module: name, name: field } of WebAssembly.Module.imports(module)) {
    imports[name] ??= {};
    imports[name][field] = () => { throw new Error(`kdf.wasm called ${name}.${field}`); };
  }
  const instance = await WebAssembly.instantiate(module, imports);
  const { memory, kdf_alloc: alloc, kdf_derive: derive } = instance.exports;
  try {
    const passPtr = alloc(passphraseBytes.length);
    new Uint8Array(memory.buffer, passPtr, passphraseBytes.length).set(passphraseBytes);
    const saltPtr = alloc(16);
    new Uint8Array(memory.buffer, saltPtr, 16).set(salt);
    const outPtr = alloc(32);
    const status = derive(passPtr, passphraseBytes.length, saltPtr, mCostKib, tCost, pCost, outPtr);
    if (status !== 0) throw new Error(`kdf.wasm refused (status ${status})`);
    return new Uint8Array(memory.buffer, outPtr, 32).slice();
  } finally {
    // Nothing of the passphrase or Argon2's blocks outlives the call, whenever GC comes.
    new Uint8Array(memory.buffer).fill(0);
    passphraseBytes.fill(0);
  }
}

const ready = init({ module_or_path: new URL('./wasm/background_bg.wasm', import.meta.url) }).then(() => {
  sotto.install_kdf(argon2idInThrowawayInstance);
  sotto.worker_started().catch((error) => console.warn('Sotto worker start', error));
});

function later(what, run) {
  ready.then(run).catch((error) => console.warn(`Sotto ${what} failed`, error));
}

chrome.runtime.onMessage.addListener((message, sender, sendResponse) => {
  ready
    .then(() => sotto.handle_message(message, sender))
    .then(sendResponse, (error) => {
      console.error('Sotto worker failed to answer', error);
      sendResponse(undefined);
    });
  return true; // the answer comes asynchronously
});

// The options page moves backup files with fetch() to these two addresses of our own origin,
// answered here from the worker's memory: no base64, no JSON (glue/src/protocol.rs EXPORT_PATH).
// This listener also makes Chrome start a stopped worker as soon as a Sotto page is navigated to
// (to offer it the page's own request), so the worker starts while the popup loads, not when its
// first question arrives: a popup opened on a stopped worker is ready up to ~5 ms sooner with it
// (docs/notes.md, session 5). Every other request falls through to the extension's files.
// A page opened before this worker activated (the options page right after install or an
// update, one left open across a worker update) is not yet controlled by it, so its fetch of
// the transfer addresses below would go past the worker and fail. Claim every Sotto page now.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin) return;
  const noStore = { 'cache-control': 'no-store' };
  if (url.pathname === '/transfer/export.bin' && event.request.method === 'GET') {
    event.respondWith(ready.then(() => {
      const bytes = sotto.export_bytes();
      return bytes
        ? new Response(bytes, { headers: { ...noStore, 'content-type': 'application/octet-stream' } })
        : new Response(null, { status: 404, headers: noStore });
    }));
  } else if (url.pathname === '/transfer/import.bin' && event.request.method === 'POST') {
    event.respondWith(ready
      .then(() => event.request.arrayBuffer())
      .then((body) => new Response(null, { status: sotto.import_bytes(new Uint8Array(body)) ? 204 : 409, headers: noStore })));
  }
});

chrome.runtime.onInstalled.addListener(() => later('install', () => sotto.on_installed_or_startup()));
chrome.runtime.onStartup.addListener(() => later('startup', () => sotto.on_installed_or_startup()));
chrome.alarms.onAlarm.addListener((alarm) => later('alarm', () => sotto.on_alarm(alarm.name)));
chrome.idle.onStateChanged.addListener((state) => later('idle', () => sotto.on_idle_state(state)));
chrome.commands.onCommand.addListener((command, tab) => later('command', () => sotto.on_command(command, tab)));
chrome.contextMenus.onClicked.addListener(function onContextMenuClicked(info, tab) {
  later('menu', () => sotto.on_context_menu(info.menuItemId, tab));
});
