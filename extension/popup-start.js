// The last part of popup.js. Once compiled, the Wasm is instantiated in the same task (the
// bindings' initSync; their asynchronous instantiation left room for the browser to draw a frame
// of the empty page first, 1–4 ms of the main thread before the form). Its start function then
// waits for this promise (popup/src/dom.rs, document_ready) before drawing the first screen into
// #app: #app parsed, and the styles in, so that the first layout is the real one. Not
// DOMContentLoaded: the parser ends the document in a task of its own, which often comes after
// such a frame too.
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
self.sottoWasm.then((module) => wasm_bindgen.initSync({ module }));
