//! Export bundle, format v2 (docs/format.md §8): one self-contained file, encrypted under a key
//! derived with Argon2id from an export passphrase, its payload compressed (raw DEFLATE) and
//! streamed in authenticated chunks. Format v1, the same without compression, is still read.
//!
//! ```text
//! header (59 bytes)
//!   0  8  magic            89 53 4F 54 54 4F 0D 0A   ("\x89SOTTO\r\n")
//!   8  2  version          u16 BE = 2 (1: payload not compressed)
//!  10  1  kdf algorithm    1 = Argon2id v0x13
//!  11  4  m_cost (KiB)     u32 BE
//!  15  4  t_cost           u32 BE
//!  19  4  p_cost           u32 BE
//!  23 16  salt
//!  39  4  chunk size       u32 BE, plaintext bytes per chunk, 1 KiB ..= 16 MiB
//!  43 16  header tag       AES-256-GCM(header key, nonce 0^12, plaintext "", aad = bytes 0..43)
//! chunks
//!   chunk i = AES-256-GCM(payload key, nonce = u88 BE i ‖ final flag, plaintext_i, aad = bytes 0..59)
//! plaintext = the chunks' plaintexts in order = DEFLATE(payload JSON Lines)   (v1: the JSON Lines)
//! ```
//! Every chunk but the last holds exactly `chunk size` plaintext bytes; the last holds 1..=chunk
//! size (0 only when it is the only chunk) and carries final flag 0x01. Dropping chunks from the
//! end, reordering or splicing chunks from another bundle all fail authentication.

use core::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::aead::{self, TAG_LEN};
use crate::entry::Entry;
use crate::error::ParamsError;
use crate::keys::{KdfInput, KdfParams, Passphrase, PassphraseRoot, info};
use crate::settings::Settings;
use crate::vault::Reader;

/// `\x89SOTTO\r\n`: the high byte and CR LF catch transfers that mangle binary files as text.
pub const BUNDLE_MAGIC: [u8; 8] = [0x89, b'S', b'O', b'T', b'T', b'O', b'\r', b'\n'];
/// The bundle format written.
pub const BUNDLE_VERSION: u16 = 2;
/// Bundles written before compression (the payload stored as is): still read.
pub const BUNDLE_VERSION_UNCOMPRESSED: u16 = 1;
/// Largest payload a bundle may inflate to: the largest file the worker accepts (512 MiB, about
/// 1.8 million entries), so a small hostile file cannot make a reader allocate without bound.
pub const MAX_PAYLOAD_LEN: usize = 512 * 1024 * 1024;
/// The payload's JSON format (the `sotto_bundle` field of its first line).
pub const PAYLOAD_FORMAT: u64 = 1;
pub const HEADER_LEN: usize = 59;
pub const DEFAULT_CHUNK_SIZE: u32 = 64 * 1024;
pub const MIN_CHUNK_SIZE: u32 = 1024;
pub const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
const KDF_ARGON2ID: u8 = 1;

/// Why a bundle could not be read (or written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// The file does not start with the bundle magic: not a Sotto backup (or mangled in transfer).
    NotABundle,
    /// A bundle format version this build does not read.
    UnsupportedVersion { found: u16, supported: u16 },
    /// The payload's format version is unknown.
    UnsupportedPayloadVersion { found: u64, supported: u64 },
    /// The file ends early: in the header, inside a chunk, or at a chunk boundary before the final chunk.
    Truncated,
    /// KDF parameters out of range (refused before running Argon2, so a hostile file cannot make
    /// us allocate gigabytes).
    InvalidParams(ParamsError),
    /// Chunk size outside 1 KiB ..= 16 MiB.
    InvalidChunkSize(u32),
    /// The header tag does not verify: the passphrase is wrong, or the header was altered.
    WrongPassphrase,
    /// Chunk `index` (0-based) does not authenticate: damaged, reordered or from another file.
    CorruptChunk { index: u64 },
    /// Decrypted fine, but the payload is not one complete DEFLATE stream (format 2): the program
    /// that wrote it is faulty, since the chunks authenticated.
    InvalidCompression,
    /// The payload inflates to more than [`MAX_PAYLOAD_LEN`].
    TooLarge,
    /// Decrypted fine, but line `line` (1-based) of the payload is not valid.
    InvalidPayload { line: u64, problem: String },
    /// The OS random number generator failed while exporting.
    Randomness,
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundleError::NotABundle => f.write_str("this file is not a Sotto backup"),
            BundleError::UnsupportedVersion { found, supported } => write!(
                f,
                "this backup uses format version {found}, but this version of Sotto reads up to {supported}; update Sotto"
            ),
            BundleError::UnsupportedPayloadVersion { found, supported } => write!(
                f,
                "this backup's contents use format version {found}, but this version of Sotto reads up to {supported}; update Sotto"
            ),
            BundleError::Truncated => f.write_str("this backup file is incomplete (cut short); use a complete copy"),
            BundleError::InvalidParams(e) => write!(f, "this backup file has unusable key-derivation settings: {e}"),
            BundleError::InvalidChunkSize(n) => write!(f, "this backup file declares an invalid chunk size ({n} bytes)"),
            BundleError::WrongPassphrase => f.write_str(
                "that passphrase does not open this backup (or the file's header was damaged); check the passphrase used when exporting",
            ),
            BundleError::CorruptChunk { index } => write!(
                f,
                "part {} of this backup file is damaged, incomplete or out of order; nothing was imported",
                index + 1
            ),
            BundleError::InvalidCompression => f.write_str(
                "this backup's contents decrypted but do not decompress: the program that wrote it is faulty; nothing was imported",
            ),
            BundleError::TooLarge => f.write_str("this backup holds far more than any Sotto journal; nothing was imported"),
            BundleError::InvalidPayload { line, problem } => {
                write!(f, "record {line} inside this backup is invalid ({problem}); nothing was imported")
            }
            BundleError::Randomness => f.write_str("the system's random number generator failed; nothing was exported"),
        }
    }
}

impl std::error::Error for BundleError {}

/// The plaintext, authenticated header of a bundle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleHeader {
    pub version: u16,
    pub kdf: KdfParams,
    pub salt: [u8; 16],
    pub chunk_size: u32,
    tag: [u8; TAG_LEN],
}

impl BundleHeader {
    /// Parses and range-checks the header. Never panics, whatever the input; does not need the
    /// passphrase (and so cannot tell whether the header is authentic).
    pub fn parse(bytes: &[u8]) -> Result<BundleHeader, BundleError> {
        let mut r = Reader(bytes);
        let magic = r.take::<8>().ok_or(if BUNDLE_MAGIC.starts_with(bytes) { BundleError::Truncated } else { BundleError::NotABundle })?;
        if magic != BUNDLE_MAGIC {
            return Err(BundleError::NotABundle);
        }
        let version = u16::from_be_bytes(r.take::<2>().ok_or(BundleError::Truncated)?);
        if version != BUNDLE_VERSION && version != BUNDLE_VERSION_UNCOMPRESSED {
            return Err(BundleError::UnsupportedVersion { found: version, supported: BUNDLE_VERSION });
        }
        let [algorithm] = r.take::<1>().ok_or(BundleError::Truncated)?;
        if algorithm != KDF_ARGON2ID {
            return Err(BundleError::InvalidParams(ParamsError::Algorithm(algorithm)));
        }
        let kdf = KdfParams {
            m_cost_kib: r.u32().ok_or(BundleError::Truncated)?,
            t_cost: r.u32().ok_or(BundleError::Truncated)?,
            p_cost: r.u32().ok_or(BundleError::Truncated)?,
        };
        kdf.validate().map_err(BundleError::InvalidParams)?;
        let salt = r.take::<16>().ok_or(BundleError::Truncated)?;
        let chunk_size = r.u32().ok_or(BundleError::Truncated)?;
        if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
            return Err(BundleError::InvalidChunkSize(chunk_size));
        }
        let tag = r.take::<TAG_LEN>().ok_or(BundleError::Truncated)?;
        Ok(BundleHeader { version, kdf, salt, chunk_size, tag })
    }

    /// The 59 header bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.authenticated_prefix();
        out.extend_from_slice(&self.tag);
        out
    }

    fn authenticated_prefix(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN);
        out.extend_from_slice(&BUNDLE_MAGIC);
        out.extend_from_slice(&self.version.to_be_bytes());
        out.push(KDF_ARGON2ID);
        out.extend_from_slice(&self.kdf.m_cost_kib.to_be_bytes());
        out.extend_from_slice(&self.kdf.t_cost.to_be_bytes());
        out.extend_from_slice(&self.kdf.p_cost.to_be_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.chunk_size.to_be_bytes());
        out
    }

    /// The Argon2id parameters and salt that this bundle's keys come from.
    pub fn kdf_input(&self) -> KdfInput {
        KdfInput { params: self.kdf, salt: self.salt }
    }
}

/// What a bundle holds once decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleContents {
    /// Hex id of the vault it came from (informational).
    pub vault_id: String,
    /// UTC ms.
    pub exported_at: i64,
    /// Entries and tombstones.
    pub entries: Vec<Entry>,
    pub settings: Option<Settings>,
}

/// The first payload line.
#[derive(Serialize, Deserialize)]
struct PayloadHead {
    sotto_bundle: u64,
    vault_id: String,
    exported_at: i64,
    entry_count: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    settings: Option<Settings>,
}

struct BundleKeys {
    header: Zeroizing<[u8; 32]>,
    payload: Zeroizing<[u8; 32]>,
}

fn bundle_keys(root: &PassphraseRoot) -> BundleKeys {
    BundleKeys { header: root.subkey(info::BUNDLE_HEADER_KEY), payload: root.subkey(info::BUNDLE_PAYLOAD_KEY) }
}

/// Argon2id for a bundle, here (see [`PassphraseRoot`] for running it elsewhere).
fn derive_root(passphrase: &Passphrase, input: KdfInput) -> Result<PassphraseRoot, BundleError> {
    PassphraseRoot::derive(passphrase, input).map_err(BundleError::InvalidParams)
}

fn header_tag(key: &[u8; 32], prefix: &[u8]) -> [u8; TAG_LEN] {
    let sealed = aead::seal_with_nonce(key, &[0; 12], prefix, &[]);
    let mut tag = [0u8; TAG_LEN];
    if let Some(t) = sealed.get(..TAG_LEN) {
        tag.copy_from_slice(t);
    }
    tag
}

fn chunk_nonce(index: u64, last: bool) -> [u8; 12] {
    let mut nonce = [0u8; 12];
    nonce[3..11].copy_from_slice(&index.to_be_bytes());
    nonce[11] = u8::from(last);
    nonce
}

/// Serializes the payload as JSON Lines: a head line, then one entry per line (before compression).
#[doc(hidden)]
pub fn payload_json(contents: &BundleContents) -> Zeroizing<Vec<u8>> {
    let head = PayloadHead {
        sotto_bundle: PAYLOAD_FORMAT,
        vault_id: contents.vault_id.clone(),
        exported_at: contents.exported_at,
        entry_count: contents.entries.len() as u64,
        settings: contents.settings.clone(),
    };
    let mut out = Zeroizing::new(serde_json::to_vec(&head).unwrap_or_default());
    out.push(b'\n');
    for e in &contents.entries {
        out.extend_from_slice(&serde_json::to_vec(e).unwrap_or_default());
        out.push(b'\n');
    }
    out
}

/// Encrypts a bundle with a fresh random salt.
pub fn encrypt_bundle(
    contents: &BundleContents,
    passphrase: &Passphrase,
    kdf: KdfParams,
    chunk_size: u32,
) -> Result<Vec<u8>, BundleError> {
    let salt = crate::keys::random_bytes::<16>().map_err(|_| BundleError::Randomness)?;
    encrypt_bundle_with_salt(contents, passphrase, kdf, chunk_size, salt)
}

/// Deterministic given the salt (the only random input of the format): for test vectors only.
#[doc(hidden)]
pub fn encrypt_bundle_with_salt(
    contents: &BundleContents,
    passphrase: &Passphrase,
    kdf: KdfParams,
    chunk_size: u32,
    salt: [u8; 16],
) -> Result<Vec<u8>, BundleError> {
    encrypt_bundle_with_root(contents, &derive_root(passphrase, KdfInput { params: kdf, salt })?, chunk_size)
}

/// Encrypts a bundle under keys from a [`PassphraseRoot`] derived (possibly elsewhere) for a
/// new input (a salt from [`crate::new_salt`]): the header stores its parameters and salt.
pub fn encrypt_bundle_with_root(contents: &BundleContents, root: &PassphraseRoot, chunk_size: u32) -> Result<Vec<u8>, BundleError> {
    let payload = crate::compress::deflate(&payload_json(contents));
    seal_payload(BUNDLE_VERSION, &payload, root, chunk_size)
}

/// Writes a bundle of `version` around `payload` exactly as given (already compressed for version
/// 2): for test vectors only, including invalid ones.
#[doc(hidden)]
pub fn encrypt_payload_with_salt(
    version: u16,
    payload: &[u8],
    passphrase: &Passphrase,
    kdf: KdfParams,
    chunk_size: u32,
    salt: [u8; 16],
) -> Result<Vec<u8>, BundleError> {
    seal_payload(version, payload, &derive_root(passphrase, KdfInput { params: kdf, salt })?, chunk_size)
}

fn seal_payload(version: u16, payload: &[u8], root: &PassphraseRoot, chunk_size: u32) -> Result<Vec<u8>, BundleError> {
    let KdfInput { params: kdf, salt } = root.input();
    kdf.validate().map_err(BundleError::InvalidParams)?;
    if !(MIN_CHUNK_SIZE..=MAX_CHUNK_SIZE).contains(&chunk_size) {
        return Err(BundleError::InvalidChunkSize(chunk_size));
    }
    let keys = bundle_keys(root);
    let mut header = BundleHeader { version, kdf, salt, chunk_size, tag: [0; TAG_LEN] };
    header.tag = header_tag(&keys.header, &header.authenticated_prefix());
    let aad = header.to_bytes();
    let size = usize::try_from(chunk_size).map_err(|_| BundleError::InvalidChunkSize(chunk_size))?;
    let mut out = aad.clone();
    let mut chunks: Vec<&[u8]> = payload.chunks(size).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let count = chunks.len();
    for (i, chunk) in chunks.into_iter().enumerate() {
        let nonce = chunk_nonce(i as u64, i + 1 == count);
        out.extend_from_slice(&aead::seal_with_nonce(&keys.payload, &nonce, &aad, chunk));
    }
    Ok(out)
}

/// Decrypts and verifies a whole bundle: header tag, every chunk, the final flag, the payload's
/// shape and every entry's ranges. Returns nothing unless all of it is sound.
pub fn decrypt_bundle(bytes: &[u8], passphrase: &Passphrase) -> Result<BundleContents, BundleError> {
    let header = BundleHeader::parse(bytes)?;
    decrypt_bundle_with_root(bytes, &derive_root(passphrase, header.kdf_input())?)
}

/// [`decrypt_bundle`] with the Argon2id step done already (possibly elsewhere), from
/// [`BundleHeader::parse`]'s [`BundleHeader::kdf_input`]. A root for any other input does not
/// open the bundle: [`BundleError::WrongPassphrase`].
pub fn decrypt_bundle_with_root(bytes: &[u8], root: &PassphraseRoot) -> Result<BundleContents, BundleError> {
    let header = BundleHeader::parse(bytes)?;
    if root.input() != header.kdf_input() {
        return Err(BundleError::WrongPassphrase);
    }
    let keys = bundle_keys(root);
    let expected = header_tag(&keys.header, &header.authenticated_prefix());
    // A plain comparison is fine: both tags are public (one is in the file, the other is what an
    // attacker holding the file could compute only with the passphrase).
    if expected != header.tag {
        return Err(BundleError::WrongPassphrase);
    }
    let payload = decrypt_chunks(&header, &keys.payload, bytes.get(HEADER_LEN..).unwrap_or_default())?;
    if header.version == BUNDLE_VERSION_UNCOMPRESSED {
        return parse_payload(&payload);
    }
    let json = crate::compress::inflate(&payload, MAX_PAYLOAD_LEN).map_err(|e| match e {
        crate::compress::InflateError::Invalid => BundleError::InvalidCompression,
        crate::compress::InflateError::TooLarge => BundleError::TooLarge,
    })?;
    drop(payload);
    parse_payload(&json)
}

fn decrypt_chunks(header: &BundleHeader, key: &[u8; 32], body: &[u8]) -> Result<Zeroizing<Vec<u8>>, BundleError> {
    let aad = header.to_bytes();
    let sealed_size = usize::try_from(header.chunk_size).unwrap_or(usize::MAX).saturating_add(TAG_LEN);
    let mut out = Zeroizing::new(Vec::with_capacity(body.len()));
    if body.is_empty() {
        return Err(BundleError::Truncated);
    }
    for (i, sealed) in body.chunks(sealed_size).enumerate() {
        let index = i as u64;
        let last = (i + 1).saturating_mul(sealed_size) >= body.len();
        if sealed.len() < TAG_LEN {
            return Err(BundleError::Truncated);
        }
        // Each chunk's plaintext is wiped once copied into the (wiped) payload.
        match aead::open_with_nonce(key, &chunk_nonce(index, last), &aad, sealed).map(Zeroizing::new) {
            Some(plain) => {
                if last && plain.is_empty() && index > 0 {
                    // A writer never ends with an empty chunk after a full one.
                    return Err(BundleError::CorruptChunk { index });
                }
                out.extend_from_slice(&plain);
            }
            // The last chunk present opens as a non-final chunk: the real end was cut off.
            None if last && aead::open_with_nonce(key, &chunk_nonce(index, false), &aad, sealed).is_some() => {
                return Err(BundleError::Truncated);
            }
            None => return Err(BundleError::CorruptChunk { index }),
        }
    }
    Ok(out)
}

fn parse_payload(payload: &[u8]) -> Result<BundleContents, BundleError> {
    let invalid = |line: u64, problem: String| BundleError::InvalidPayload { line, problem };
    let mut lines = payload.split(|&b| b == b'\n');
    let head_line = lines.next().unwrap_or_default();
    let head_value: Value = serde_json::from_slice(head_line).map_err(|e| invalid(1, e.to_string()))?;
    let format = head_value.get("sotto_bundle").and_then(Value::as_u64).ok_or_else(|| invalid(1, "missing sotto_bundle".into()))?;
    if format != PAYLOAD_FORMAT {
        return Err(BundleError::UnsupportedPayloadVersion { found: format, supported: PAYLOAD_FORMAT });
    }
    let head: PayloadHead = serde_json::from_value(head_value).map_err(|e| invalid(1, e.to_string()))?;
    let mut entries = Vec::new();
    let mut line_no = 1u64;
    let mut ended = false;
    for line in lines {
        line_no += 1;
        if ended {
            return Err(invalid(line_no, "data after the end of the payload".into()));
        }
        if line.is_empty() {
            // The payload ends with "\n", leaving one empty final piece.
            ended = true;
            continue;
        }
        let entry: Entry = serde_json::from_slice(line).map_err(|e| invalid(line_no, e.to_string()))?;
        entry.validate().map_err(|e| invalid(line_no, e.to_string()))?;
        entries.push(entry);
    }
    if !ended {
        return Err(invalid(line_no, "the payload does not end with a newline".into()));
    }
    if entries.len() as u64 != head.entry_count {
        return Err(invalid(1, format!("{} entries announced, {} present", head.entry_count, entries.len())));
    }
    Ok(BundleContents { vault_id: head.vault_id, exported_at: head.exported_at, entries, settings: head.settings })
}

/// A human-readable description of a bundle's header (no passphrase needed).
pub fn inspect(bytes: &[u8]) -> Result<String, BundleError> {
    let h = BundleHeader::parse(bytes)?;
    let body = bytes.len().saturating_sub(HEADER_LEN);
    let sealed = usize::try_from(h.chunk_size).unwrap_or(usize::MAX).saturating_add(TAG_LEN);
    let chunks = body.div_ceil(sealed).max(1);
    let plaintext = body.saturating_sub(chunks * TAG_LEN);
    let compressed = if h.version == BUNDLE_VERSION_UNCOMPRESSED { "" } else { "compressed " };
    Ok(format!(
        "Sotto backup (bundle format {version})\n\
         key derivation: Argon2id v19, memory {m} KiB, {t} passes, {p} lanes\n\
         salt: {salt}\n\
         chunk size: {cs} bytes\n\
         file size: {size} bytes, {chunks} chunk(s), about {plaintext} bytes of encrypted {compressed}content\n\
         (the passphrase is needed to check the file is authentic and to read it)\n",
        version = h.version,
        m = h.kdf.m_cost_kib,
        t = h.kdf.t_cost,
        p = h.kdf.p_cost,
        salt = h.salt.iter().map(|b| format!("{b:02x}")).collect::<String>(),
        cs = h.chunk_size,
        size = bytes.len(),
    ))
}

#[doc(hidden)]
pub fn fuzz_decrypt_chunks(header: &BundleHeader, body: &[u8]) -> Result<usize, BundleError> {
    decrypt_chunks(header, &[0x42; 32], body).map(|p| p.len())
}

#[doc(hidden)]
pub fn fuzz_parse_payload(payload: &[u8]) -> Result<usize, BundleError> {
    parse_payload(payload).map(|c| c.entries.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [0x42; 32];

    fn header() -> BundleHeader {
        BundleHeader {
            version: 1,
            kdf: KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 },
            salt: [0; 16],
            chunk_size: MIN_CHUNK_SIZE,
            tag: [0; TAG_LEN],
        }
    }

    fn chunk(h: &BundleHeader, index: u64, last: bool, plain: &[u8]) -> Vec<u8> {
        aead::seal_with_nonce(&KEY, &chunk_nonce(index, last), &h.to_bytes(), plain)
    }

    #[test]
    fn chunk_framing_rules() {
        let h = header();
        let full = vec![7u8; MIN_CHUNK_SIZE as usize];
        // One empty final chunk: the empty payload.
        assert_eq!(decrypt_chunks(&h, &KEY, &chunk(&h, 0, true, b"")).map(|p| p.len()), Ok(0));
        // A full chunk then an empty final chunk: never written, refused.
        let mut body = chunk(&h, 0, false, &full);
        body.extend(chunk(&h, 1, true, b""));
        assert_eq!(decrypt_chunks(&h, &KEY, &body).map(|p| p.len()), Err(BundleError::CorruptChunk { index: 1 }));
        // A full chunk then a short final one: fine.
        let mut body = chunk(&h, 0, false, &full);
        body.extend(chunk(&h, 1, true, b"x"));
        assert_eq!(decrypt_chunks(&h, &KEY, &body).map(|p| p.len()), Ok(full.len() + 1));
        // A full final chunk alone: fine.
        assert_eq!(decrypt_chunks(&h, &KEY, &chunk(&h, 0, true, &full)).map(|p| p.len()), Ok(full.len()));
        // Fewer than 16 bytes after the last full chunk: truncated.
        for extra in 1..TAG_LEN {
            let mut body = chunk(&h, 0, false, &full);
            body.extend(vec![0u8; extra]);
            assert_eq!(decrypt_chunks(&h, &KEY, &body).map(|p| p.len()), Err(BundleError::Truncated), "{extra}");
        }
        // Exactly a tag's worth that does not verify: corrupt, not truncated.
        let mut body = chunk(&h, 0, false, &full);
        body.extend(vec![0u8; TAG_LEN]);
        assert_eq!(decrypt_chunks(&h, &KEY, &body).map(|p| p.len()), Err(BundleError::CorruptChunk { index: 1 }));
        // Cut at a chunk boundary: the remaining last chunk was written as non-final.
        assert_eq!(decrypt_chunks(&h, &KEY, &chunk(&h, 0, false, &full)).map(|p| p.len()), Err(BundleError::Truncated));
        assert_eq!(decrypt_chunks(&h, &KEY, &[]).map(|p| p.len()), Err(BundleError::Truncated));
    }

    #[test]
    fn the_inflation_limit_is_the_specified_one() {
        // docs/format.md §8: a version-2 payload that inflates to more than 512 MiB is refused
        // as too large. Readers in other languages size their buffers by it.
        assert_eq!(MAX_PAYLOAD_LEN, 536_870_912);
    }

    #[test]
    fn payload_rules() {
        let head = |n: u64| format!(r#"{{"sotto_bundle":1,"vault_id":"x","exported_at":0,"entry_count":{n}}}"#);
        let entry = r#"{"id":"000102030405060708090a0b0c0d0e0f","revision":1,"occurred_at":0,"utc_offset_minutes":0,"intensity":3}"#;
        let bad = r#"{"id":"000102030405060708090a0b0c0d0e0f","revision":1,"occurred_at":0,"utc_offset_minutes":0,"intensity":11}"#;
        let line = |r: Result<BundleContents, BundleError>| match r {
            Err(BundleError::InvalidPayload { line, .. }) => line,
            other => panic!("{other:?}"),
        };
        let ok = format!("{}\n{entry}\n{entry}\n", head(2));
        assert_eq!(parse_payload(ok.as_bytes()).map(|c| c.entries.len()), Ok(2));
        assert_eq!(line(parse_payload(format!("{}\n{entry}\n{bad}\n", head(2)).as_bytes())), 3);
        assert_eq!(line(parse_payload(format!("{}\n{entry}\n{entry}", head(2)).as_bytes())), 3, "no final newline");
        assert_eq!(line(parse_payload(format!("{}\n{entry}\n\n{entry}\n", head(2)).as_bytes())), 4, "data after the end");
        assert_eq!(line(parse_payload(format!("{}\n{entry}\n", head(2)).as_bytes())), 1, "count mismatch");
        assert_eq!(line(parse_payload(b"not json\n")), 1);
        assert_eq!(
            parse_payload(b"{\"sotto_bundle\":2}\n").map(|c| c.entries.len()),
            Err(BundleError::UnsupportedPayloadVersion { found: 2, supported: 1 })
        );
    }
}
