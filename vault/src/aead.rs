//! AES-256-GCM in the three shapes the formats use: random-nonce sealing, key wrapping and a
//! caller-chosen nonce (bundle STREAM chunks, whose key is used for one bundle only).

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit};

use crate::error::VaultError;
use crate::keys::random_bytes;

pub(crate) const NONCE_LEN: usize = 12;
pub(crate) const TAG_LEN: usize = 16;

fn cipher(key: &[u8; 32]) -> Aes256Gcm {
    Aes256Gcm::new(key.into())
}

/// AES-256-GCM with the given nonce; returns ciphertext ‖ tag.
pub(crate) fn seal_with_nonce(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    // Encryption only fails for plaintexts longer than 2^36 bytes, which no caller can produce
    // (chunks and records are bounded far below that).
    cipher(key)
        .encrypt(nonce.into(), Payload { msg: plaintext, aad })
        .unwrap_or_default()
}

/// Opens ciphertext ‖ tag; `None` if the tag does not verify.
pub(crate) fn open_with_nonce(key: &[u8; 32], nonce: &[u8; NONCE_LEN], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    cipher(key)
        .decrypt(nonce.into(), Payload { msg: sealed, aad })
        .ok()
}

/// Fresh random 96-bit nonce ‖ ciphertext ‖ tag.
pub(crate) fn seal_random_nonce(key: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, VaultError> {
    let nonce = random_bytes::<NONCE_LEN>()?;
    let mut out = Vec::with_capacity(NONCE_LEN + plaintext.len() + TAG_LEN);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&seal_with_nonce(key, &nonce, aad, plaintext));
    Ok(out)
}

/// Inverse of [`seal_random_nonce`]; `None` if too short or the tag does not verify.
pub(crate) fn open_random_nonce(key: &[u8; 32], aad: &[u8], value: &[u8]) -> Option<Vec<u8>> {
    // Too short for a tag: AES-GCM itself refuses, so no separate length check is needed.
    let (nonce, sealed) = value.split_first_chunk::<NONCE_LEN>()?;
    open_with_nonce(key, nonce, aad, sealed)
}

/// Appends `bytes` with a 4-byte big-endian length prefix (the AAD encoding of docs/format.md §3.2).
pub(crate) fn put_lp(out: &mut Vec<u8>, bytes: &[u8]) {
    // Every field we prefix is far shorter than 4 GiB; saturate rather than wrap if not.
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
}
