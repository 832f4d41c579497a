// The last part of popup.js. The bindings compile and instantiate the Wasm as it streams in; its
// start function then waits for this promise (popup/src/dom.rs, document_ready) before drawing the
// first screen into #app: #app parsed, and the styles in, so that the first layout is the real
// one. Not DOMContentLoaded: the parser ends the document in a task of its own, which often
// comes after the browser has drawn a frame of the empty page (~1 ms).
self.sottoDocumentReady = new Promise((resolve) => {
  const stylesIn = () => Promise.all([...document.querySelectorAll('link[rel=stylesheet]')]
    .filter((link) => !link.sheet)
    .map((link) => new Promise((loaded) => {
      link.addEventListener('load', loaded, { once: true });
      link.addEventListener('error', loaded, { once: true });
    })));
  if (document.getElementById('app')) {
    stylesIn().then(resolve);
    return;
  }
  // The stylesheets' links come before #app, so they are all known once it is.
  const parsing = new MutationObserver(() => {
    if (document.getElementById('app')) {
      parsing.disconnect();
      stylesIn().then(resolve);
    }
  });
  parsing.observe(document, { childList: true, subtree: true });
});
wasm_bindgen({ module_or_path: self.sottoWasm });
