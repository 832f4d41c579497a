//! The activity log: failed unlock attempts, recorded while the vault is locked (docs/format.md §5).
//!
//! While locked the worker holds no key, yet must write "failed unlock attempt at T" so that only
//! the user sees it after the next unlock. Each attempt is sealed to the vault's X25519 public key
//! (stored in the header) with HPKE, RFC 9180 base mode:
//! DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM. The private key is derived from the
//! master key, so it exists only while unlocked.

use hpke::aead::AesGcm256;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};

use crate::aead::put_lp;
use crate::error::VaultError;
use crate::keys::MasterKey;

/// Storage-key prefix of activity records: `v:a:` + 32 hex characters (random).
pub const ACTIVITY_PREFIX: &str = "v:a:";
/// Format byte of an activity record.
pub const ACTIVITY_FORMAT_VERSION: u8 = 1;
/// Attempts recorded while locked before further ones are dropped, so a script hammering the
/// lock screen cannot fill the browser's storage.
pub const MAX_RECORDED_ATTEMPTS: usize = 1000;

const ENCAPPED_LEN: usize = 32;

/// HPKE `info`: binds the record to this vault.
fn hpke_info(vault_id: &[u8; 16]) -> Vec<u8> {
    let mut info = b"sotto/v1/activity".to_vec();
    info.extend_from_slice(vault_id);
    info
}

/// HPKE `aad`: binds the record to its storage key.
fn hpke_aad(storage_key: &str) -> Vec<u8> {
    let mut aad = Vec::new();
    put_lp(&mut aad, b"sotto-activity");
    put_lp(&mut aad, storage_key.as_bytes());
    aad
}

/// The activity key pair of a vault: HPKE DeriveKeyPair(HKDF(master key, "sotto/v1/activity-x25519")).
pub(crate) fn activity_keypair(
    master: &MasterKey,
    vault_id: &[u8; 16],
) -> (<X25519HkdfSha256 as Kem>::PrivateKey, [u8; 32]) {
    let ikm = master.activity_ikm(vault_id);
    let (sk, pk) = X25519HkdfSha256::derive_keypair(ikm.as_ref());
    let mut pk_bytes = [0u8; 32];
    pk_bytes.copy_from_slice(&pk.to_bytes());
    (sk, pk_bytes)
}

/// A CSPRNG that hands out bytes drawn from getrandom beforehand, so an OS failure surfaces as
/// an error from us instead of a panic inside HPKE.
struct PrefilledRng {
    bytes: [u8; 64],
    used: usize,
}

impl TryRng for PrefilledRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for d in dst {
            // X25519 key generation takes 32 bytes; 64 leaves headroom. Should HPKE ever ask for
            // more, refill from the OS rather than repeat bytes.
            if self.used >= self.bytes.len() {
                let _ = getrandom::fill(&mut self.bytes);
                self.used = 0;
            }
            *d = self.bytes.get(self.used).copied().unwrap_or(0);
            self.used += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for PrefilledRng {}

/// Seals one failed-attempt time (UTC ms) for storage under `storage_key`.
pub(crate) fn seal_attempt(
    public_key: &[u8; 32],
    vault_id: &[u8; 16],
    storage_key: &str,
    at_ms: i64,
) -> Result<Vec<u8>, VaultError> {
    let pk = <X25519HkdfSha256 as Kem>::PublicKey::from_bytes(public_key)
        .map_err(|_| VaultError::Corrupt { record: crate::error::RecordName::Header })?;
    let mut rng = PrefilledRng { bytes: crate::keys::random_bytes::<64>()?, used: 0 };
    let plaintext = serde_json::json!({ "event": "failed_unlock", "at": at_ms }).to_string();
    let (encapped, ciphertext) = hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeS::Base,
        &pk,
        &hpke_info(vault_id),
        plaintext.as_bytes(),
        &hpke_aad(storage_key),
        &mut rng,
    )
    .map_err(|_| VaultError::Corrupt { record: crate::error::RecordName::Header })?;
    let mut value = vec![ACTIVITY_FORMAT_VERSION];
    value.extend_from_slice(&encapped.to_bytes());
    value.extend_from_slice(&ciphertext);
    Ok(value)
}

/// Opens one activity record; `None` if it does not authenticate or is malformed.
pub(crate) fn open_attempt(
    secret: &<X25519HkdfSha256 as Kem>::PrivateKey,
    vault_id: &[u8; 16],
    storage_key: &str,
    value: &[u8],
) -> Option<i64> {
    let (&version, rest) = value.split_first()?;
    if version != ACTIVITY_FORMAT_VERSION || rest.len() < ENCAPPED_LEN {
        return None;
    }
    let (encapped, ciphertext) = rest.split_at(ENCAPPED_LEN);
    let encapped = <X25519HkdfSha256 as Kem>::EncappedKey::from_bytes(encapped).ok()?;
    let plaintext = hpke::single_shot_open::<AesGcm256, HkdfSha256, X25519HkdfSha256>(
        &OpModeR::Base,
        secret,
        &encapped,
        &hpke_info(vault_id),
        ciphertext,
        &hpke_aad(storage_key),
    )
    .ok()?;
    let json: serde_json::Value = serde_json::from_slice(&plaintext).ok()?;
    json.get("at")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT_ID: [u8; 16] = [3; 16];
    const STORAGE_KEY: &str = "v:a:00112233445566778899aabbccddeeff";
    const AT: i64 = 1_763_900_000_000;

    fn keys() -> (<X25519HkdfSha256 as Kem>::PrivateKey, [u8; 32]) {
        activity_keypair(&MasterKey::from_array([9; 32]), &VAULT_ID)
    }

    /// A record sealed once by this code (master key 09×32, vault id 03×16, the storage key
    /// above, 2025-11-23T12:53:20Z): it pins the HPKE suite, `info` ("sotto/v1/activity" ‖ vault
    /// id) and `aad` (lp("sotto-activity") ‖ lp(storage key)) of docs/format.md §5, so any change
    /// to them is caught even when sealing and opening change together.
    const FIXED_RECORD: &str = "01b69939dea46fa153f72c916206b7a893b4977b5a9e22f825dce79969a5e2107203778acc44b66e1432e60fbf8894f273aaf8517e248a70e07e64e65f6fd4b295af392a4063827dba3d34d1842c15064f29c8ff52f4e6eebf60f6afc7";

    fn unhex(hex: &str) -> Vec<u8> {
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
    }

    #[test]
    fn a_fixed_record_opens_to_its_time() {
        let (secret, _) = keys();
        assert_eq!(open_attempt(&secret, &VAULT_ID, STORAGE_KEY, &unhex(FIXED_RECORD)), Some(AT));
    }

    #[test]
    fn a_record_opens_only_for_its_own_vault_and_storage_key() {
        let (secret, public) = keys();
        let sealed = seal_attempt(&public, &VAULT_ID, STORAGE_KEY, AT).unwrap();
        assert_eq!(open_attempt(&secret, &VAULT_ID, STORAGE_KEY, &sealed), Some(AT));
        assert_eq!(open_attempt(&secret, &[4; 16], STORAGE_KEY, &sealed), None, "opened under another vault's info");
        assert_eq!(open_attempt(&secret, &VAULT_ID, "v:a:ffeeddccbbaa99887766554433221100", &sealed), None, "opened under another storage key");
        let mut wrong_version = sealed.clone();
        wrong_version[0] = ACTIVITY_FORMAT_VERSION + 1;
        assert_eq!(open_attempt(&secret, &VAULT_ID, STORAGE_KEY, &wrong_version), None);
        assert_eq!(open_attempt(&secret, &VAULT_ID, STORAGE_KEY, &sealed[..ENCAPPED_LEN]), None, "cut short");
    }

    #[test]
    fn every_record_uses_a_fresh_ephemeral_key() {
        // An HPKE sender key that repeats (or has few possible values) would let anyone link or
        // brute-force records; the encapsulated key is its public half.
        let (_, public) = keys();
        let encapped: std::collections::HashSet<Vec<u8>> = (0..8)
            .map(|_| seal_attempt(&public, &VAULT_ID, STORAGE_KEY, AT).unwrap()[1..1 + ENCAPPED_LEN].to_vec())
            .collect();
        assert_eq!(encapped.len(), 8);
    }

    #[test]
    fn the_prefilled_rng_hands_out_its_bytes_in_order_then_refills() {
        let bytes: [u8; 64] = core::array::from_fn(|i| i as u8 + 1);
        let mut rng = PrefilledRng { bytes, used: 0 };
        assert_eq!(rng.try_next_u32(), Ok(u32::from_le_bytes([1, 2, 3, 4])));
        assert_eq!(rng.try_next_u64(), Ok(u64::from_le_bytes([5, 6, 7, 8, 9, 10, 11, 12])));
        let mut rest = [0u8; 52];
        rng.try_fill_bytes(&mut rest).unwrap();
        assert_eq!(rest.to_vec(), (13..=64).collect::<Vec<u8>>());
        // Past the 64 bytes: fresh bytes from the OS, not the same ones again.
        let mut more = [0u8; 64];
        rng.try_fill_bytes(&mut more).unwrap();
        assert_ne!(more, bytes);
        assert!(more.iter().any(|&b| b != more[0]));
    }
}
