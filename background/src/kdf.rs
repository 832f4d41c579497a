//! Argon2id outside the worker's own Wasm memory, for every derivation the worker makes.
//!
//! Wasm memory only grows: running Argon2id (64 MiB) in the worker's module would leave the
//! worker holding 64 MiB for its whole life. So the loader (`background.js`) hands us a function
//! that instantiates the small Argon2id-only module `wasm/kdf.wasm` (the `kdf/` crate), derives,
//! wipes that instance's memory and drops it; the garbage collector then frees its 64 MiB. A
//! `Worker` would be the usual tool, but a service worker cannot start one.
//!
//! The worker does not link Argon2 at all (so there is no in-worker fallback): it receives the
//! Argon2id output as a [`PassphraseRoot`] and gives it to the vault's `*_with_root` API, which
//! derives the KEK or a bundle's keys from it with HKDF.

use crate::errors::Failure;
use js_sys::{Function, Promise, Uint8Array};
use sotto_glue::secret::Secret;
use sotto_vault::{KdfInput, KdfParams, PassphraseRoot};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroize;

thread_local! {
    static THROWAWAY_KDF: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Called once by the loader: `derive(passphraseBytes, salt, mCostKib, tCost, pCost)` resolving
/// to the 32 bytes of Argon2id output.
#[wasm_bindgen]
pub fn install_kdf(derive: Function) {
    THROWAWAY_KDF.with(|kdf| *kdf.borrow_mut() = Some(derive));
}

/// Argon2id(passphrase, input) in a throwaway instance. Parameters are checked first, so a
/// hostile bundle's are refused before any instance is made.
pub async fn derive(passphrase: impl Into<Secret>, input: KdfInput) -> Result<PassphraseRoot, Failure> {
    input.params.validate().map_err(|e| Failure::Vault(e.into()))?;
    let Some(derive) = THROWAWAY_KDF.with(|kdf| kdf.borrow().clone()) else {
        return Err(Failure::KeyDerivation("the key-derivation module was not loaded".into()));
    };
    derive_elsewhere(&derive, passphrase.into(), input).await.map_err(Failure::KeyDerivation)
}

/// How long one derivation with `params` takes in a throwaway instance (ms), for calibration:
/// a fixed passphrase and a fresh salt, the output dropped at once.
pub async fn time_derivation(params: &KdfParams) -> Result<f64, String> {
    let derive = THROWAWAY_KDF.with(|kdf| kdf.borrow().clone()).ok_or("the KDF module is not installed")?;
    let salt = sotto_vault::new_salt().map_err(|e| e.to_string())?;
    let started = js_sys::Date::now();
    drop(derive_elsewhere(&derive, "sotto calibration".into(), KdfInput { params: *params, salt }).await?);
    Ok(js_sys::Date::now() - started)
}

/// Argon2id for a new passphrase (vault, passphrase change, reset, export) with `params`: the
/// vault picks a fresh salt, and the header it writes stores both.
pub async fn derive_for_new_passphrase(passphrase: impl Into<Secret>, params: KdfParams) -> Result<PassphraseRoot, Failure> {
    derive(passphrase, KdfInput { params, salt: sotto_vault::new_salt()? }).await
}

/// Consumes `passphrase`: it is wiped as soon as its bytes are handed over.
async fn derive_elsewhere(derive: &Function, passphrase: Secret, input: KdfInput) -> Result<PassphraseRoot, String> {
    let KdfInput { params, salt } = input;
    let args = js_sys::Array::of5(
        // The loader wipes this copy once the instance has read it.
        &Uint8Array::from(passphrase.expose().as_bytes()).into(),
        &Uint8Array::from(&salt[..]).into(),
        &JsValue::from(params.m_cost_kib),
        &JsValue::from(params.t_cost),
        &JsValue::from(params.p_cost),
    );
    drop(passphrase);
    let promise: Promise = derive.apply(&JsValue::NULL, &args).map_err(|e| crate::browser::error_text(&e))?.into();
    let result = JsFuture::from(promise).await.map_err(|e| crate::browser::error_text(&e))?;
    let bytes = Uint8Array::new(&result);
    if bytes.length() != 32 {
        return Err(format!("the key-derivation module returned {} bytes, not 32", bytes.length()));
    }
    let mut output = [0u8; 32];
    bytes.copy_to(&mut output);
    bytes.fill(0, 0, 32);
    let root = PassphraseRoot::from_argon2_output(input, output);
    output.zeroize();
    Ok(root)
}
