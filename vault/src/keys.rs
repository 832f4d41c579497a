//! The key hierarchy (docs/format.md §2).
//!
//! ```text
//! passphrase ──Argon2id(params, salt)──► 32 B ──HKDF info "sotto/v1/kek"──► Kek
//! recovery code (20 B) ──HKDF(salt = recovery salt) info "sotto/v1/recovery-kek"──► Kek
//! Kek ──AES-256-GCM wrap──► MasterKey (32 random bytes)
//! MasterKey ──HKDF(salt = vault id)──┬─ "sotto/v1/record-key"      ► RecordKey
//!                                    ├─ "sotto/v1/segment-naming"  ► NamingKey
//!                                    └─ "sotto/v1/activity-x25519" ► activity-log X25519 key pair
//! ```
//!
//! Every info string is used for exactly one purpose, so no key is ever derived twice for two
//! uses. Every key type zeroizes on drop and has a redacting `Debug`.

use argon2::{Algorithm, Argon2, Params, Version};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::error::{ParamsError, VaultError};

/// HKDF info strings. One string, one purpose (docs/format.md §2.2).
pub(crate) mod info {
    pub const KEK: &[u8] = b"sotto/v1/kek";
    pub const RECOVERY_KEK: &[u8] = b"sotto/v1/recovery-kek";
    pub const RECORD_KEY: &[u8] = b"sotto/v1/record-key";
    pub const SEGMENT_NAMING: &[u8] = b"sotto/v1/segment-naming";
    pub const ACTIVITY_X25519: &[u8] = b"sotto/v1/activity-x25519";
    pub const BUNDLE_HEADER_KEY: &[u8] = b"sotto/v1/bundle/header-key";
    pub const BUNDLE_PAYLOAD_KEY: &[u8] = b"sotto/v1/bundle/payload-key";
}

/// Fills `buf` from the operating system's CSPRNG (crypto.getRandomValues in the browser).
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], VaultError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| VaultError::Randomness)?;
    Ok(out)
}

/// A fresh random salt for a passphrase wrap (see `UnlockedVault::change_passphrase_with_kek`).
pub fn new_salt() -> Result<[u8; 16], VaultError> {
    random_bytes()
}

/// HKDF-SHA-256 (RFC 5869) producing a 32-byte key.
pub(crate) fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut okm = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA-256's 255 * 32 byte limit, so expand cannot fail.
    let _ = Hkdf::<Sha256>::new(Some(salt), ikm).expand(info, okm.as_mut());
    okm
}

macro_rules! secret_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// The bytes live on the heap, behind a box: moving the key (out of a function, into a
        /// future, into the worker's session) moves the pointer, so no copy of the bytes is left
        /// behind in freed memory; the one copy is wiped on drop.
        #[derive(Clone)]
        pub struct $name(Box<[u8; 32]>);

        impl Zeroize for $name {
            fn zeroize(&mut self) {
                self.0.as_mut().zeroize();
            }
        }

        impl Drop for $name {
            fn drop(&mut self) {
                self.zeroize();
            }
        }

        impl ZeroizeOnDrop for $name {}

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl $name {
            #[allow(dead_code, reason = "not every key type is built from raw bytes")]
            pub(crate) fn from_array(mut bytes: [u8; 32]) -> Self {
                let key = Self(Box::new(bytes));
                bytes.zeroize();
                key
            }
            #[allow(dead_code, reason = "not every key type is read as raw bytes")]
            pub(crate) fn bytes(&self) -> &[u8; 32] {
                &self.0
            }
        }
    };
}

secret_key!(
    /// Key-encryption key: unwraps the master key. Derived from the passphrase (Argon2id, then
    /// HKDF) or from the recovery code (HKDF only).
    Kek
);
secret_key!(
    /// The vault's 256-bit master key. Random, generated once, only ever stored wrapped.
    MasterKey
);
secret_key!(
    /// AES-256-GCM key for every stored record (manifest, segments, settings).
    RecordKey
);
secret_key!(
    /// PRF key that turns a week label into an opaque storage key.
    NamingKey
);

impl Kek {
    /// Rebuilds a KEK computed elsewhere (e.g. by [`derive_kek`] in a throwaway Wasm instance so
    /// that Argon2's 64 MiB does not stay resident in the worker).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self::from_array(bytes)
    }
    /// The raw bytes, for handing a KEK from the instance that derived it to the one that uses it.
    /// Zeroize the copy once it has been handed over.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl MasterKey {
    pub(crate) fn generate() -> Result<Self, VaultError> {
        Ok(Self::from_array(random_bytes::<32>()?))
    }
    pub(crate) fn record_key(&self, vault_id: &[u8; 16]) -> RecordKey {
        RecordKey::from_array(*hkdf32(vault_id, self.bytes(), info::RECORD_KEY))
    }
    pub(crate) fn naming_key(&self, vault_id: &[u8; 16]) -> NamingKey {
        NamingKey::from_array(*hkdf32(vault_id, self.bytes(), info::SEGMENT_NAMING))
    }
    /// Input keying material for HPKE's DeriveKeyPair (RFC 9180 §7.1.3).
    pub(crate) fn activity_ikm(&self, vault_id: &[u8; 16]) -> Zeroizing<[u8; 32]> {
        hkdf32(vault_id, self.bytes(), info::ACTIVITY_X25519)
    }
}

impl NamingKey {
    /// PRF(naming key, label) truncated to 16 bytes: HKDF-Expand with the naming key as PRK,
    /// which is HMAC-SHA-256(naming_key, label ‖ 0x01). The naming key is uniformly random, so it
    /// is a valid PRK (RFC 5869 §2.3).
    pub(crate) fn opaque_id(&self, label: &[u8]) -> [u8; 16] {
        let mut out = [0u8; 16];
        if let Ok(prk) = Hkdf::<Sha256>::from_prk(self.bytes()) {
            let _ = prk.expand(label, &mut out);
        }
        out
    }
}

/// A passphrase as the user typed it (exact UTF-8 bytes; the UI normalises to NFC before this).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Passphrase(String);

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl core::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Argon2id cost parameters, stored in the vault header and in every bundle header so they can
/// be raised later without breaking old data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// Memory in KiB (Argon2 `m`).
    pub m_cost_kib: u32,
    /// Passes over memory (Argon2 `t`).
    pub t_cost: u32,
    /// Lanes (Argon2 `p`). 1 in the browser: Wasm is single-threaded.
    pub p_cost: u32,
}

impl KdfParams {
    /// m = 64 MiB, t = 3, p = 1 (the issue's default; RFC 9106 §4 second recommendation uses 64 MiB).
    pub const DEFAULT: KdfParams = KdfParams { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 };
    /// Largest memory a reader accepts from a file (1 GiB): a hostile file must not make us
    /// allocate without bound.
    pub const MAX_M_COST_KIB: u32 = 1024 * 1024;
    /// Largest pass count a reader accepts from a file.
    pub const MAX_T_COST: u32 = 64;
    /// Largest lane count a reader accepts from a file.
    pub const MAX_P_COST: u32 = 16;

    /// Checks the parameters are ones Argon2id accepts and within the reader's limits.
    pub fn validate(&self) -> Result<(), ParamsError> {
        let KdfParams { m_cost_kib: m, t_cost: t, p_cost: p } = *self;
        if p == 0 || p > Self::MAX_P_COST {
            return Err(ParamsError::Lanes(p));
        }
        if t == 0 || t > Self::MAX_T_COST {
            return Err(ParamsError::Passes(t));
        }
        // Argon2 needs at least 8 KiB per lane.
        if m < 8 * p || m > Self::MAX_M_COST_KIB {
            return Err(ParamsError::Memory(m));
        }
        Ok(())
    }

    fn argon2(&self) -> Result<Argon2<'static>, ParamsError> {
        self.validate()?;
        let params = Params::new(self.m_cost_kib, self.t_cost, self.p_cost, Some(32))
            .map_err(|_| ParamsError::Memory(self.m_cost_kib))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Argon2id(passphrase, salt) → 32 bytes: the root of every passphrase-derived key.
pub(crate) fn passphrase_root(
    passphrase: &Passphrase,
    params: &KdfParams,
    salt: &[u8; 16],
) -> Result<Zeroizing<[u8; 32]>, ParamsError> {
    let argon2 = params.argon2()?;
    let mut out = Zeroizing::new([0u8; 32]);
    argon2
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|_| ParamsError::Memory(params.m_cost_kib))?;
    Ok(out)
}

/// Passphrase → Argon2id → HKDF("sotto/v1/kek") → [`Kek`]: [`PassphraseRoot::derive`] then
/// [`PassphraseRoot::kek`].
pub fn derive_kek(passphrase: &Passphrase, params: &KdfParams, salt: &[u8; 16]) -> Result<Kek, ParamsError> {
    Ok(PassphraseRoot::derive(passphrase, KdfInput { params: *params, salt: *salt })?.kek())
}

/// What Argon2id takes besides the passphrase: the parameters and the 16-byte salt. A vault
/// header and every bundle header store one; a new passphrase or a new bundle gets a salt from
/// [`new_salt`], the vault's own random source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfInput {
    pub params: KdfParams,
    pub salt: [u8; 16],
}

/// Argon2id(passphrase, [`KdfInput`]): the `root` (or a bundle's `broot`) of docs/format.md §2,
/// with the input it was computed from. Every passphrase-derived key (the KEK, a bundle's two
/// keys) is one HKDF away from it.
///
/// Argon2id is the one expensive, memory-hard step (64 MiB by default), so it is split out: the
/// worker runs [`PassphraseRoot::derive`] in a throwaway Wasm instance (its memory never shrinks
/// otherwise), rebuilds the result with [`PassphraseRoot::from_argon2_output`], and hands it to
/// [`crate::Vault::create_with_root`], [`crate::Vault::reset_with_recovery_code`],
/// [`crate::UnlockedVault::export_bundle_with_root`] or [`crate::bundle::decrypt_bundle_with_root`]
/// (a passphrase change takes its [`PassphraseRoot::kek`]:
/// [`crate::UnlockedVault::change_passphrase_with_kek`]). Zeroized on drop; `Debug` redacts the bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct PassphraseRoot {
    #[zeroize(skip)]
    input: KdfInput,
    root: [u8; 32],
}

impl core::fmt::Debug for PassphraseRoot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PassphraseRoot").field("input", &self.input).field("root", &"<redacted>").finish()
    }
}

impl PassphraseRoot {
    /// Runs Argon2id here (64 MiB by default: see the type's documentation).
    pub fn derive(passphrase: &Passphrase, input: KdfInput) -> Result<PassphraseRoot, ParamsError> {
        let root = passphrase_root(passphrase, &input.params, &input.salt)?;
        Ok(PassphraseRoot { input, root: *root })
    }

    /// Rebuilds a root that [`PassphraseRoot::derive`] computed elsewhere from `input`. Nothing
    /// can check the bytes here: a wrong root shows up later as a wrong passphrase.
    pub fn from_argon2_output(input: KdfInput, root: [u8; 32]) -> PassphraseRoot {
        PassphraseRoot { input, root }
    }

    /// The parameters and salt this root was computed from.
    pub fn input(&self) -> KdfInput {
        self.input
    }

    /// The raw Argon2id output, for handing it from the instance that derived it to the one
    /// that uses it. Zeroize the copy once it has been handed over.
    pub fn expose_argon2_output(&self) -> &[u8; 32] {
        &self.root
    }

    /// The KEK this root gives for a vault header holding the same [`KdfInput`].
    pub fn kek(&self) -> Kek {
        Kek::from_array(*hkdf32(&self.input.salt, &self.root, info::KEK))
    }

    /// HKDF(salt = this input's salt, ikm = the root, `info`): a bundle's keys.
    pub(crate) fn subkey(&self, info: &[u8]) -> Zeroizing<[u8; 32]> {
        hkdf32(&self.input.salt, &self.root, info)
    }
}

/// Recovery code → HKDF-SHA-256(salt = the header's 32-byte recovery salt) → [`Kek`].
///
/// No Argon2 here on purpose: the code holds 160 uniformly random bits, so guessing it is
/// infeasible however fast one guess is; a memory-hard KDF protects low-entropy secrets only.
pub(crate) fn recovery_kek(code: &crate::recovery::RecoveryCode, recovery_salt: &[u8; 32]) -> Kek {
    Kek::from_array(*hkdf32(recovery_salt, code.bytes(), info::RECOVERY_KEK))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_limits_are_exact() {
        assert_eq!(KdfParams::DEFAULT, KdfParams { m_cost_kib: 65536, t_cost: 3, p_cost: 1 });
        assert_eq!(KdfParams::default(), KdfParams::DEFAULT);
        let ok = |m, t, p| KdfParams { m_cost_kib: m, t_cost: t, p_cost: p }.validate();
        assert_eq!(ok(8, 1, 1), Ok(()));
        assert_eq!(ok(7, 1, 1), Err(ParamsError::Memory(7)));
        assert_eq!(ok(32, 1, 4), Ok(()));
        assert_eq!(ok(31, 1, 4), Err(ParamsError::Memory(31)));
        assert_eq!(ok(1024 * 1024, 1, 1), Ok(()));
        assert_eq!(ok(1024 * 1024 + 1, 1, 1), Err(ParamsError::Memory(1024 * 1024 + 1)));
        assert_eq!(ok(1024, 0, 1), Err(ParamsError::Passes(0)));
        assert_eq!(ok(1024, 64, 1), Ok(()));
        assert_eq!(ok(1024, 65, 1), Err(ParamsError::Passes(65)));
        assert_eq!(ok(1024, 1, 0), Err(ParamsError::Lanes(0)));
        assert_eq!(ok(1024, 1, 16), Ok(()));
        assert_eq!(ok(1024, 1, 17), Err(ParamsError::Lanes(17)));
        assert!(derive_kek(&Passphrase::new("x"), &KdfParams { m_cost_kib: 7, t_cost: 1, p_cost: 1 }, &[0; 16]).is_err());
    }

    #[test]
    fn subkeys_are_distinct_and_bound_to_the_vault() {
        let mk = MasterKey::from_array([9; 32]);
        let id = [1u8; 16];
        let record = *mk.record_key(&id).bytes();
        let naming = *mk.naming_key(&id).bytes();
        let activity = *mk.activity_ikm(&id);
        assert_ne!(record, naming);
        assert_ne!(record, activity);
        assert_ne!(naming, activity);
        assert_ne!(record, *mk.record_key(&[2; 16]).bytes());
        assert_eq!(record, *hkdf32(&id, &[9; 32], info::RECORD_KEY));
        assert_eq!(activity, *hkdf32(&id, &[9; 32], info::ACTIVITY_X25519));
        assert_ne!(activity, *mk.activity_ikm(&[2; 16]), "each vault has its own activity key pair");
        let nk = mk.naming_key(&id);
        assert_ne!(nk.opaque_id(b"segment:2026-W10:0"), nk.opaque_id(b"segment:2026-W10:1"));
        assert_ne!(nk.opaque_id(b"a"), [0; 16]);
        // Recovery KEK depends on code and salt.
        let code = crate::recovery::RecoveryCode::from_bytes_for_tests([5; 20]);
        let a = recovery_kek(&code, &[0; 32]);
        assert_ne!(a.bytes(), recovery_kek(&code, &[1; 32]).bytes());
        assert_eq!(a.bytes(), &*hkdf32(&[0; 32], &[5; 20], info::RECOVERY_KEK));
        assert_eq!(Kek::from_bytes([4; 32]).expose_bytes(), &[4; 32]);
    }
}
