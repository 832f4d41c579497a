//! `chrome.storage` as the vault's [`KvStore`].
//!
//! The vault deals in bytes; `chrome.storage` stores JSON. Each value is kept as a standard
//! base64 string (the smallest JSON-safe form: raw bytes as characters would be escaped to six
//! bytes each). `set` with one object is a single write batch in Chromium, which gives the
//! atomicity `KvStore::set_many` promises: a segment and the manifest naming it land together.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use js_sys::{Array, JsString, Object, Promise, Reflect, Uint8Array};
use sotto_vault::{KvStore, StoreError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// A `chrome.storage.StorageArea` (`local` or `session`).
    #[derive(Clone)]
    pub type StorageArea;

    #[wasm_bindgen(js_namespace = ["chrome", "storage"], js_name = local, thread_local_v2)]
    static LOCAL: StorageArea;

    #[wasm_bindgen(js_namespace = ["chrome", "storage"], js_name = session, thread_local_v2)]
    static SESSION: StorageArea;

    #[wasm_bindgen(method, catch)]
    fn get(this: &StorageArea, keys: &JsValue) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn set(this: &StorageArea, items: &Object) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn remove(this: &StorageArea, keys: &Array) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch, js_name = getKeys)]
    fn get_keys(this: &StorageArea) -> Result<Promise, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn clear(this: &StorageArea) -> Result<Promise, JsValue>;
}

#[wasm_bindgen]
extern "C" {
    /// `Uint8Array.fromBase64` (Chromium 140+): V8 decodes the stored string itself.
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = fromBase64, catch)]
    fn from_base64(text: &JsValue) -> Result<Uint8Array, JsValue>;

    /// A `Uint8Array` seen as having `toBase64`.
    type Base64Bytes;

    /// `Uint8Array.prototype.toBase64` (Chromium 140+): standard alphabet, padded.
    #[wasm_bindgen(method, js_name = toBase64)]
    fn to_base64(this: &Base64Bytes) -> JsString;
}

thread_local! {
    static NATIVE_BASE64: bool = {
        let class = Reflect::get(&js_sys::global(), &JsValue::from_str("Uint8Array")).unwrap_or(JsValue::UNDEFINED);
        let prototype = Reflect::get(&class, &JsValue::from_str("prototype")).unwrap_or(JsValue::UNDEFINED);
        let is_function = |on: &JsValue, name: &str| Reflect::get(on, &JsValue::from_str(name)).is_ok_and(|f| f.is_function());
        is_function(&class, "fromBase64") && is_function(&prototype, "toBase64")
    };
}

/// The stored string's bytes. Where the browser has base64 built in, the string is decoded by
/// V8 and copied into Wasm once; otherwise it crosses as UTF-8 and Rust decodes it (100,000
/// entries are ~43 MB of base64: 0.35–0.65 s the Rust way). A value that is not base64 was not
/// written by Sotto: the vault gets bytes it rejects as damaged for this record, rather than
/// the whole read failing.
fn decode_value(value: &JsValue) -> Option<Vec<u8>> {
    if !value.is_string() {
        return None;
    }
    if NATIVE_BASE64.with(|native| *native) {
        return Some(from_base64(value).map(|bytes| bytes.to_vec()).unwrap_or_default());
    }
    Some(value.as_string().and_then(|text| BASE64.decode(text.as_bytes()).ok()).unwrap_or_default())
}

/// The base64 string stored for `bytes` (the same text either way).
fn encode_value(bytes: &[u8]) -> JsValue {
    if NATIVE_BASE64.with(|native| *native) {
        return Uint8Array::from(bytes).unchecked_into::<Base64Bytes>().to_base64().into();
    }
    JsValue::from_str(&BASE64.encode(bytes))
}

/// `chrome.storage.local`: on disk, this extension's only persistent store.
pub fn local() -> StorageArea {
    LOCAL.with(Clone::clone)
}

/// `chrome.storage.session`: in memory only, cleared when the browser closes.
pub fn session() -> StorageArea {
    SESSION.with(Clone::clone)
}

/// A `chrome.storage` failure in the vault's terms. Chromium reports a full quota with a message
/// naming `QUOTA_BYTES`.
fn store_error(error: JsValue) -> StoreError {
    let text = Reflect::get(&error, &JsValue::from_str("message"))
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown storage error".to_string());
    if text.contains("QUOTA_BYTES") || text.to_ascii_lowercase().contains("quota") {
        StoreError::QuotaExceeded
    } else {
        StoreError::Other(text)
    }
}

async fn settle(promise: Result<Promise, JsValue>) -> Result<JsValue, StoreError> {
    JsFuture::from(promise.map_err(store_error)?).await.map_err(store_error)
}

fn string_array(keys: &[String]) -> Array {
    keys.iter().map(|k| JsValue::from_str(k)).collect()
}

/// A [`StorageArea`] speaking the vault's [`KvStore`].
#[derive(Clone)]
pub struct ChromeStore {
    area: StorageArea,
}

impl ChromeStore {
    pub fn new(area: StorageArea) -> Self {
        ChromeStore { area }
    }

    /// The vault's home: `chrome.storage.local`.
    pub fn local() -> Self {
        ChromeStore::new(local())
    }

    /// Removes everything in this area.
    pub async fn clear(&self) -> Result<(), StoreError> {
        settle(self.area.clear()).await.map(|_| ())
    }
}

impl KvStore for ChromeStore {
    async fn get_many(&self, keys: &[String]) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
        let mut found = BTreeMap::new();
        if keys.is_empty() {
            return Ok(found);
        }
        let items = settle(self.area.get(&string_array(keys))).await?;
        for key in keys {
            let value = Reflect::get(&items, &JsValue::from_str(key)).map_err(store_error)?;
            let Some(bytes) = decode_value(&value) else { continue };
            found.insert(key.clone(), bytes);
        }
        Ok(found)
    }

    async fn set_many(&self, items: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
        if items.is_empty() {
            return Ok(());
        }
        let object = Object::new();
        for (key, value) in &items {
            Reflect::set(&object, &JsValue::from_str(key), &encode_value(value)).map_err(store_error)?;
        }
        settle(self.area.set(&object)).await.map(|_| ())
    }

    async fn remove(&self, keys: &[String]) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        settle(self.area.remove(&string_array(keys))).await.map(|_| ())
    }

    async fn list_keys(&self) -> Result<Vec<String>, StoreError> {
        let keys = settle(self.area.get_keys()).await?;
        Ok(Array::from(&keys).iter().filter_map(|k| k.as_string()).collect())
    }
}
