//! Argon2id outside the worker's own Wasm memory.
//!
//! Wasm memory only grows: running Argon2id (64 MiB) in the worker's module would leave the
//! worker holding 64 MiB for its whole life. So the loader (`background.js`) hands us a function
//! that instantiates the small KDF-only module `wasm/kdf.wasm` (the `kdf/` crate: nothing but
//! `sotto_vault::derive_kek`), derives, wipes that instance's memory and drops it; the garbage
//! collector then frees its 64 MiB. A `Worker` would be the usual tool, but a service worker
//! cannot start one.

use js_sys::{Function, Promise, Uint8Array};
use sotto_vault::{KdfParams, Kek, Passphrase, VaultError};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

thread_local! {
    static THROWAWAY_KDF: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the loader: `derive(passphraseBytes, salt, mCostKib, tCost, pCost)` resolving
/// to the 32 KEK bytes.
#[wasm_bindgen]
pub fn install_kdf(derive: Function) {
    THROWAWAY_KDF.with(|kdf| *kdf.borrow_mut() = Some(derive));
}

/// Passphrase → KEK, in a throwaway instance when the loader provided one. If that fails (it
/// never should), the derivation runs here instead: unlocking must not fail for a memory
/// optimisation, and the result is the same KEK.
pub async fn derive_kek(passphrase: String, params: &KdfParams, salt: &[u8; 16]) -> Result<Kek, VaultError> {
    let throwaway = THROWAWAY_KDF.with(|kdf| kdf.borrow().clone());
    if let Some(derive) = throwaway {
        match derive_elsewhere(&derive, &passphrase, params, salt).await {
            Ok(kek) => return Ok(kek),
            Err(why) => web_warn(&format!("Sotto derived the key in the worker itself: {why}")),
        }
    }
    Ok(sotto_vault::derive_kek(&Passphrase::new(passphrase), params, salt)?)
}

/// How long one derivation with `params` takes in a throwaway instance (ms), for calibration:
/// a fixed passphrase and a fresh salt, the key dropped at once. Never falls back to the
/// worker's own memory: a measurement is not worth 64 MiB held for the worker's life.
pub async fn time_derivation(params: &KdfParams) -> Result<f64, String> {
    let derive = THROWAWAY_KDF.with(|kdf| kdf.borrow().clone()).ok_or("the KDF module is not installed")?;
    let salt = sotto_vault::new_salt().map_err(|e| e.to_string())?;
    let started = js_sys::Date::now();
    drop(derive_elsewhere(&derive, "sotto calibration", params, &salt).await?);
    Ok(js_sys::Date::now() - started)
}

async fn derive_elsewhere(derive: &Function, passphrase: &str, params: &KdfParams, salt: &[u8; 16]) -> Result<Kek, String> {
    let args = js_sys::Array::of5(
        &Uint8Array::from(passphrase.as_bytes()).into(),
        &Uint8Array::from(&salt[..]).into(),
        &JsValue::from(params.m_cost_kib),
        &JsValue::from(params.t_cost),
        &JsValue::from(params.p_cost),
    );
    let promise: Promise = derive.apply(&JsValue::NULL, &args).map_err(|e| crate::browser::error_text(&e))?.into();
    let result = JsFuture::from(promise).await.map_err(|e| crate::browser::error_text(&e))?;
    let bytes = Uint8Array::new(&result);
    if bytes.length() != 32 {
        return Err(format!("the KDF module returned {} bytes, not 32", bytes.length()));
    }
    let mut kek = [0u8; 32];
    bytes.copy_to(&mut kek);
    bytes.fill(0, 0, 32);
    let key = Kek::from_bytes(kek);
    kek.fill(0);
    Ok(key)
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn web_warn(text: &str);
}
