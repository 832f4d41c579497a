//! Stored records: padding and AES-256-GCM with AAD binding (docs/format.md §3).
//!
//! ```text
//! value     = 0x01 (record format) ‖ nonce (12) ‖ AES-256-GCM(record key, nonce, padded, aad)
//! padded    = u32 BE payload length ‖ payload ‖ zero bytes up to the bucket size
//! aad       = lp("sotto-record") ‖ lp(vault id) ‖ lp(kind) ‖ lp(storage key) ‖ u16 BE format version
//! ```
//! Binding the vault id, kind and storage key in the AAD makes a value copied to another key,
//! another kind or another vault fail to open.

use crate::aead::{self, NONCE_LEN, TAG_LEN, put_lp};
use crate::error::VaultError;
use crate::keys::RecordKey;

/// First byte of every stored record value.
pub const RECORD_FORMAT_VERSION: u8 = 1;
/// The vault format version bound into every record's AAD.
pub const VAULT_FORMAT_VERSION: u16 = 2;

/// Smallest padded plaintext size.
pub const PAD_FLOOR: usize = 1024;
/// Above this, sizes grow in steps of this many bytes instead of doubling.
pub const PAD_STEP: usize = 64 * 1024;

/// What a record is, bound into its AAD so a segment cannot be replayed as the manifest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordKind {
    Manifest,
    ManifestChunk,
    Segment,
    Settings,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Manifest => "manifest",
            RecordKind::ManifestChunk => "manifest-chunk",
            RecordKind::Segment => "segment",
            RecordKind::Settings => "settings",
        }
    }
}

/// Why a record value did not open. The caller adds which record it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Shorter than the smallest possible value.
    Truncated,
    /// First byte names a record format this build does not know.
    UnsupportedVersion(u8),
    /// The tag did not verify, or the padding is malformed: changed, or written under another key,
    /// kind, storage key or vault.
    Corrupt,
}

impl RecordError {
    pub(crate) fn into_vault_error(self, record: crate::error::RecordName) -> VaultError {
        match self {
            RecordError::Truncated => VaultError::Truncated { record },
            RecordError::UnsupportedVersion(found) => VaultError::UnsupportedVersion {
                what: crate::error::Component::Record(record),
                found: u32::from(found),
                supported: u32::from(RECORD_FORMAT_VERSION),
            },
            RecordError::Corrupt => VaultError::Corrupt { record },
        }
    }
}

/// Padded plaintext size for a payload of `len` bytes: powers of two from 1 KiB to 64 KiB, then
/// multiples of 64 KiB. The 4-byte length prefix counts towards the size.
pub fn padded_len(len: usize) -> usize {
    let needed = len.saturating_add(4);
    if needed <= PAD_STEP {
        needed.next_power_of_two().max(PAD_FLOOR)
    } else {
        needed.div_ceil(PAD_STEP).saturating_mul(PAD_STEP)
    }
}

/// Size of the stored value for a payload of `len` bytes.
pub fn stored_len(len: usize) -> usize {
    1 + NONCE_LEN + padded_len(len) + TAG_LEN
}

pub(crate) fn record_aad(vault_id: &[u8; 16], kind: RecordKind, storage_key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(48 + storage_key.len());
    put_lp(&mut aad, b"sotto-record");
    put_lp(&mut aad, vault_id);
    put_lp(&mut aad, kind.as_str().as_bytes());
    put_lp(&mut aad, storage_key.as_bytes());
    aad.extend_from_slice(&VAULT_FORMAT_VERSION.to_be_bytes());
    aad
}

/// Pads and seals `payload` for storage under `storage_key`, with a fresh random nonce.
pub(crate) fn seal_record(
    key: &RecordKey,
    vault_id: &[u8; 16],
    kind: RecordKind,
    storage_key: &str,
    payload: &[u8],
) -> Result<Vec<u8>, VaultError> {
    let len = u32::try_from(payload.len()).map_err(|_| VaultError::TooLarge)?;
    let mut padded = zeroize::Zeroizing::new(Vec::with_capacity(padded_len(payload.len())));
    padded.extend_from_slice(&len.to_be_bytes());
    padded.extend_from_slice(payload);
    padded.resize(padded_len(payload.len()), 0);
    let sealed = aead::seal_random_nonce(key.bytes(), &record_aad(vault_id, kind, storage_key), &padded)?;
    let mut value = Vec::with_capacity(1 + sealed.len());
    value.push(RECORD_FORMAT_VERSION);
    value.extend_from_slice(&sealed);
    Ok(value)
}

/// Opens a value written by [`seal_record`] and strips its padding. Never panics.
pub(crate) fn open_record(
    key: &RecordKey,
    vault_id: &[u8; 16],
    kind: RecordKind,
    storage_key: &str,
    value: &[u8],
) -> Result<Vec<u8>, RecordError> {
    let Some((&version, rest)) = value.split_first() else {
        return Err(RecordError::Truncated);
    };
    if version != RECORD_FORMAT_VERSION {
        return Err(RecordError::UnsupportedVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN + 4 {
        return Err(RecordError::Truncated);
    }
    let padded = aead::open_random_nonce(key.bytes(), &record_aad(vault_id, kind, storage_key), rest)
        .map(zeroize::Zeroizing::new)
        .ok_or(RecordError::Corrupt)?;
    unpad(&padded).ok_or(RecordError::Corrupt)
}

/// Strips the length prefix and checks the padding is all zeros (so there is one valid encoding).
fn unpad(padded: &[u8]) -> Option<Vec<u8>> {
    let (len, rest) = padded.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    if len > rest.len() {
        return None;
    }
    let (payload, padding) = rest.split_at(len);
    padding.iter().all(|&b| b == 0).then(|| payload.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RecordKey {
        RecordKey::from_array([7; 32])
    }

    #[test]
    fn padding_buckets() {
        assert_eq!(padded_len(0), 1024);
        assert_eq!(padded_len(1020), 1024);
        assert_eq!(padded_len(1021), 2048);
        assert_eq!(padded_len(65532), 65536);
        assert_eq!(padded_len(65533), 131072);
        assert_eq!(padded_len(200_000), 262_144);
        assert_eq!(stored_len(10), 1 + 12 + 1024 + 16);
    }

    #[test]
    fn round_trip_and_binding() {
        let id = [1u8; 16];
        let v = seal_record(&key(), &id, RecordKind::Segment, "s:ab", b"hello").unwrap();
        assert_eq!(v.len(), stored_len(5));
        assert_eq!(open_record(&key(), &id, RecordKind::Segment, "s:ab", &v).unwrap(), b"hello");
        // Another key, kind, vault or storage key: refuses.
        assert_eq!(open_record(&key(), &id, RecordKind::Segment, "s:ac", &v), Err(RecordError::Corrupt));
        assert_eq!(open_record(&key(), &id, RecordKind::Manifest, "s:ab", &v), Err(RecordError::Corrupt));
        assert_eq!(open_record(&key(), &[2; 16], RecordKind::Segment, "s:ab", &v), Err(RecordError::Corrupt));
        let other = RecordKey::from_array([8; 32]);
        assert_eq!(open_record(&other, &id, RecordKind::Segment, "s:ab", &v), Err(RecordError::Corrupt));
    }

    #[test]
    fn version_and_truncation() {
        let id = [1u8; 16];
        let mut v = seal_record(&key(), &id, RecordKind::Settings, "c", b"{}").unwrap();
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &v[..20]), Err(RecordError::Truncated));
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &[]), Err(RecordError::Truncated));
        // The shortest value that is not truncated (33 bytes) is judged by its tag.
        let mut shortest = vec![RECORD_FORMAT_VERSION];
        shortest.extend([0u8; NONCE_LEN + TAG_LEN + 4]);
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &shortest), Err(RecordError::Corrupt));
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &shortest[..32]), Err(RecordError::Truncated));
        // A payload that exactly fills its bucket (no padding bytes) round-trips.
        let exact = vec![b'x'; PAD_FLOOR - 4];
        let sealed = seal_record(&key(), &id, RecordKind::Settings, "c", &exact).unwrap();
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &sealed).unwrap(), exact);
        v[0] = 2;
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &v), Err(RecordError::UnsupportedVersion(2)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        #[test]
        fn any_flipped_byte_or_truncation_is_refused(payload in proptest::collection::vec(0u8..=255, 0..2000), index in 0usize..5000, bit in 0u8..8, cut in 0usize..5000) {
            let id = [3u8; 16];
            let v = seal_record(&key(), &id, RecordKind::Segment, "s:1", &payload).unwrap();
            let index = index % v.len();
            let mut bad = v.clone();
            bad[index] ^= 1 << bit;
            let expected = if index == 0 { RecordError::UnsupportedVersion(bad[0]) } else { RecordError::Corrupt };
            proptest::prop_assert_eq!(open_record(&key(), &id, RecordKind::Segment, "s:1", &bad), Err(expected));
            let cut = cut % v.len();
            let got = open_record(&key(), &id, RecordKind::Segment, "s:1", &v[..cut]);
            proptest::prop_assert!(got == Err(RecordError::Truncated) || got == Err(RecordError::Corrupt));
            if cut < 1 + NONCE_LEN + TAG_LEN + 4 {
                proptest::prop_assert_eq!(got, Err(RecordError::Truncated));
            }
        }
    }

    #[test]
    fn unpad_rejects_nonzero_padding_and_bad_length() {
        assert_eq!(unpad(&[0, 0, 0, 1, 9, 0, 0]), Some(vec![9]));
        assert_eq!(unpad(&[0, 0, 0, 1, 9]), Some(vec![9]), "a payload that fills its bucket exactly");
        assert_eq!(unpad(&[0, 0, 0, 0]), Some(vec![]));
        assert_eq!(unpad(&[0, 0, 0, 1, 9, 0, 1]), None);
        assert_eq!(unpad(&[0, 0, 0, 9, 9]), None);
        assert_eq!(unpad(&[0, 0, 0]), None);
    }
}
