//! Sotto's throwaway key-derivation module (`wasm/kdf.wasm`).
//!
//! Wasm memory never shrinks. Argon2id needs 64 MiB, so the worker never runs it in its own
//! module (nor links it): `background.js` instantiates this small module for each derivation,
//! calls [`kdf_derive`], wipes the instance's memory and drops it. It computes Argon2id only
//! (`sotto_vault::PassphraseRoot`); the worker derives the KEK or a bundle's keys from that
//! with HKDF. No wasm-bindgen: two plain exports and raw memory, so that the loader needs no
//! generated glue.

use sotto_vault::{KdfInput, KdfParams, Passphrase, PassphraseRoot};

/// Status codes [`kdf_derive`] returns.
pub const OK: u32 = 0;
pub const NOT_UTF8: u32 = 1;
pub const BAD_PARAMS: u32 = 2;

/// Reserves `len` bytes in this instance's memory for the caller to fill. Never freed: the
/// whole instance is dropped after one derivation.
#[unsafe(no_mangle)]
pub extern "C" fn kdf_alloc(len: usize) -> *mut u8 {
    let mut buffer = vec![0u8; len.max(1)];
    let pointer = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    pointer
}

/// Argon2id exactly as `sotto_vault::PassphraseRoot::derive`, writing its 32-byte output at `out`.
///
/// # Safety
/// The pointers must come from [`kdf_alloc`] with at least the stated lengths (16 for `salt`,
/// 32 for `out`); the loader is the only caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn kdf_derive(
    passphrase: *const u8,
    passphrase_len: usize,
    salt: *const u8,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    out: *mut u8,
) -> u32 {
    // SAFETY: the caller guarantees the regions (see above).
    let (passphrase, salt, out) = unsafe {
        (
            std::slice::from_raw_parts(passphrase, passphrase_len),
            std::slice::from_raw_parts(salt, 16),
            std::slice::from_raw_parts_mut(out, 32),
        )
    };
    derive_into(passphrase, salt, KdfParams { m_cost_kib, t_cost, p_cost }, out)
}

/// The safe part of [`kdf_derive`].
pub fn derive_into(passphrase: &[u8], salt: &[u8], params: KdfParams, out: &mut [u8]) -> u32 {
    let Ok(text) = std::str::from_utf8(passphrase) else { return NOT_UTF8 };
    let Ok(salt) = <[u8; 16]>::try_from(salt) else { return BAD_PARAMS };
    match PassphraseRoot::derive(&Passphrase::new(text), KdfInput { params, salt }) {
        Ok(root) if out.len() == 32 => {
            out.copy_from_slice(root.expose_argon2_output());
            OK
        }
        _ => BAD_PARAMS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_what_the_vault_derives() {
        let params = KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 };
        let salt = [7u8; 16];
        let mut out = [0u8; 32];
        assert_eq!(derive_into(b"correct horse", &salt, params, &mut out), OK);
        let expected = PassphraseRoot::derive(&Passphrase::new("correct horse"), KdfInput { params, salt }).unwrap();
        assert_eq!(&out, expected.expose_argon2_output());
        assert_eq!(derive_into(&[0xff, 0xfe], &salt, params, &mut out), NOT_UTF8);
        assert_eq!(derive_into(b"x", &salt, KdfParams { m_cost_kib: 1, t_cost: 1, p_cost: 1 }, &mut out), BAD_PARAMS);
    }
}
