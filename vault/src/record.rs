//! Stored records: padding and AES-256-GCM with AAD binding (docs/format.md §3).
//!
//! ```text
//! value     = 0x02 (record format) ‖ nonce (12) ‖ AES-256-GCM(record key, nonce, padded, aad)
//! padded    = u32 BE length ‖ DEFLATE(payload) ‖ zero bytes up to the bucket size
//! aad       = lp("sotto-record") ‖ lp(vault id) ‖ lp(kind) ‖ lp(storage key) ‖ u16 BE format version ‖ 0x02
//! ```
//! Record format 1 (read, no longer written) is the same without DEFLATE and without the final
//! AAD byte.
//! Binding the vault id, kind and storage key in the AAD makes a value copied to another key,
//! another kind or another vault fail to open.

use crate::aead::{self, NONCE_LEN, TAG_LEN, put_lp};
use crate::error::VaultError;
use crate::keys::RecordKey;

/// First byte of every record value written: its payload is compressed (raw DEFLATE).
pub const RECORD_FORMAT_VERSION: u8 = 2;
/// Record format of vaults written before compression (payload stored as is). Still read: a value
/// is rewritten in format 2 the next time it changes.
pub const RECORD_FORMAT_UNCOMPRESSED: u8 = 1;
/// Largest payload a record holds once inflated. A writer refuses more ([`VaultError::TooLarge`]);
/// the biggest real record, a full week's part, is ~64 KB.
pub const MAX_RECORD_PAYLOAD: usize = 64 * 1024 * 1024;
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

pub(crate) fn record_aad(record_format: u8, vault_id: &[u8; 16], kind: RecordKind, storage_key: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(49 + storage_key.len());
    put_lp(&mut aad, b"sotto-record");
    put_lp(&mut aad, vault_id);
    put_lp(&mut aad, kind.as_str().as_bytes());
    put_lp(&mut aad, storage_key.as_bytes());
    aad.extend_from_slice(&VAULT_FORMAT_VERSION.to_be_bytes());
    // Format 2 binds its own number, so a value's first byte cannot be changed to make a reader
    // take compressed bytes for JSON (format 1 predates this and is read as it was written).
    if record_format != RECORD_FORMAT_UNCOMPRESSED {
        aad.push(record_format);
    }
    aad
}

/// Compresses, pads and seals `payload` for storage under `storage_key`, with a fresh random nonce.
pub(crate) fn seal_record(
    key: &RecordKey,
    vault_id: &[u8; 16],
    kind: RecordKind,
    storage_key: &str,
    payload: &[u8],
) -> Result<Vec<u8>, VaultError> {
    if payload.len() > MAX_RECORD_PAYLOAD {
        return Err(VaultError::TooLarge);
    }
    let packed = crate::compress::deflate(payload);
    let len = u32::try_from(packed.len()).map_err(|_| VaultError::TooLarge)?;
    let mut padded = zeroize::Zeroizing::new(Vec::with_capacity(padded_len(packed.len())));
    padded.extend_from_slice(&len.to_be_bytes());
    padded.extend_from_slice(&packed);
    padded.resize(padded_len(packed.len()), 0);
    let aad = record_aad(RECORD_FORMAT_VERSION, vault_id, kind, storage_key);
    let sealed = aead::seal_random_nonce(key.bytes(), &aad, &padded)?;
    let mut value = Vec::with_capacity(1 + sealed.len());
    value.push(RECORD_FORMAT_VERSION);
    value.extend_from_slice(&sealed);
    Ok(value)
}

/// Opens a value written by [`seal_record`] (or by format 1's writer), strips its padding and
/// inflates it. The payload is wiped when dropped. Never panics.
pub(crate) fn open_record(
    key: &RecordKey,
    vault_id: &[u8; 16],
    kind: RecordKind,
    storage_key: &str,
    value: &[u8],
) -> Result<zeroize::Zeroizing<Vec<u8>>, RecordError> {
    let Some((&version, rest)) = value.split_first() else {
        return Err(RecordError::Truncated);
    };
    if version != RECORD_FORMAT_VERSION && version != RECORD_FORMAT_UNCOMPRESSED {
        return Err(RecordError::UnsupportedVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN + 4 {
        return Err(RecordError::Truncated);
    }
    let padded = aead::open_random_nonce(key.bytes(), &record_aad(version, vault_id, kind, storage_key), rest)
        .map(zeroize::Zeroizing::new)
        .ok_or(RecordError::Corrupt)?;
    let payload = unpad(&padded).ok_or(RecordError::Corrupt)?;
    if version == RECORD_FORMAT_UNCOMPRESSED {
        return Ok(zeroize::Zeroizing::new(payload.to_vec()));
    }
    // Authentic but not a DEFLATE stream, or too large: only a faulty writer makes that.
    crate::compress::inflate(payload, MAX_RECORD_PAYLOAD).map_err(|_| RecordError::Corrupt)
}

/// Strips the length prefix and checks the padding is all zeros (so there is one valid encoding).
fn unpad(padded: &[u8]) -> Option<&[u8]> {
    let (len, rest) = padded.split_first_chunk::<4>()?;
    let len = usize::try_from(u32::from_be_bytes(*len)).ok()?;
    if len > rest.len() {
        return None;
    }
    let (payload, padding) = rest.split_at(len);
    padding.iter().all(|&b| b == 0).then_some(payload)
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
        assert_eq!(&open_record(&key(), &id, RecordKind::Segment, "s:ab", &v).unwrap()[..], b"hello");
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
        // A payload that fills its bucket (no padding bytes) once compressed round-trips.
        let exact: Vec<u8> = (0..PAD_FLOOR - 9).map(|i| (i * 7919 % 251) as u8 ^ (i / 251) as u8).collect();
        assert_eq!(crate::compress::deflate(&exact).len(), PAD_FLOOR - 4, "stored as one uncompressed block");
        let sealed = seal_record(&key(), &id, RecordKind::Settings, "c", &exact).unwrap();
        assert_eq!(&open_record(&key(), &id, RecordKind::Settings, "c", &sealed).unwrap()[..], exact);
        v[0] = 3;
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &v), Err(RecordError::UnsupportedVersion(3)));
        // Format 2 binds its number: relabelled as format 1 (uncompressed), it does not open.
        v[0] = RECORD_FORMAT_UNCOMPRESSED;
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &v), Err(RecordError::Corrupt));
        v[0] = 0;
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "c", &v), Err(RecordError::UnsupportedVersion(0)));
    }

    /// A record sealed by hand from docs/format.md §3.2, with a fixed nonce: what any writer of
    /// that format produces.
    fn by_hand(format: u8, kind: &str, storage_key: &str, payload: &[u8]) -> Vec<u8> {
        let mut aad = Vec::new();
        for part in [&b"sotto-record"[..], &[1u8; 16], kind.as_bytes(), storage_key.as_bytes()] {
            aad.extend_from_slice(&(part.len() as u32).to_be_bytes());
            aad.extend_from_slice(part);
        }
        aad.extend_from_slice(&[0, 2]);
        if format == 2 {
            aad.push(2);
        }
        let mut padded = (payload.len() as u32).to_be_bytes().to_vec();
        padded.extend_from_slice(payload);
        padded.resize(1024, 0);
        let nonce = [9u8; 12];
        let mut value = vec![format];
        value.extend_from_slice(&nonce);
        value.extend(aead::seal_with_nonce(key().bytes(), &nonce, &aad, &padded));
        value
    }

    #[test]
    fn both_record_formats_open_as_specified() {
        let id = [1u8; 16];
        // Format 1: the payload as it is.
        let v1 = by_hand(1, "segment", "v:s:01", br#"{"week":"2026-W10"}"#);
        assert_eq!(&open_record(&key(), &id, RecordKind::Segment, "v:s:01", &v1).unwrap()[..], br#"{"week":"2026-W10"}"#);
        // Format 2: raw DEFLATE ("hello" as one fixed-Huffman block, as zlib writes it), the
        // format number bound in the AAD.
        let v2 = by_hand(2, "settings", "v:c", &[0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
        assert_eq!(&open_record(&key(), &id, RecordKind::Settings, "v:c", &v2).unwrap()[..], b"hello");
        // Format 2 whose authentic payload is not DEFLATE, or has bytes after the stream: corrupt.
        let junk = by_hand(2, "settings", "v:c", br#"{"not":"deflate"}"#);
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "v:c", &junk), Err(RecordError::Corrupt));
        let trailing = by_hand(2, "settings", "v:c", &[0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]);
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "v:c", &trailing), Err(RecordError::Corrupt));
        // Sealed under format 2's AAD but labelled format 1: refused.
        let mut relabelled = v2.clone();
        relabelled[0] = 1;
        assert_eq!(open_record(&key(), &id, RecordKind::Settings, "v:c", &relabelled), Err(RecordError::Corrupt));
    }

    #[test]
    fn writes_format_2_compressed_and_refuses_oversized_payloads() {
        let id = [1u8; 16];
        let json = br#"{"id":"00112233445566778899aabbccddeeff","revision":1,"intensity":4},"#.repeat(800);
        let v = seal_record(&key(), &id, RecordKind::Segment, "s", &json).unwrap();
        assert_eq!(v[0], 2);
        assert!(v.len() < json.len() / 10, "{} bytes stored for {}", v.len(), json.len());
        assert_eq!(&open_record(&key(), &id, RecordKind::Segment, "s", &v).unwrap()[..], &json[..]);
        // docs/format.md §3.2: a writer refuses payloads above 64 MiB, and only those.
        assert_eq!(MAX_RECORD_PAYLOAD, 67_108_864);
        let mut largest = vec![0u8; MAX_RECORD_PAYLOAD];
        let v = seal_record(&key(), &id, RecordKind::Segment, "s", &largest).expect("the largest payload is written");
        assert_eq!(open_record(&key(), &id, RecordKind::Segment, "s", &v).map(|p| p.len()), Ok(MAX_RECORD_PAYLOAD));
        largest.push(0);
        assert!(matches!(seal_record(&key(), &id, RecordKind::Segment, "s", &largest), Err(VaultError::TooLarge)));
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
            let expected = if index == 0 && bad[0] != RECORD_FORMAT_UNCOMPRESSED { RecordError::UnsupportedVersion(bad[0]) } else { RecordError::Corrupt };
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
        assert_eq!(unpad(&[0, 0, 0, 1, 9, 0, 0]), Some(&[9u8][..]));
        assert_eq!(unpad(&[0, 0, 0, 1, 9]), Some(&[9u8][..]), "a payload that fills its bucket exactly");
        assert_eq!(unpad(&[0, 0, 0, 0]), Some(&[][..]));
        assert_eq!(unpad(&[0, 0, 0, 1, 9, 0, 1]), None);
        assert_eq!(unpad(&[0, 0, 0, 9, 9]), None);
        assert_eq!(unpad(&[0, 0, 0]), None);
    }
}
