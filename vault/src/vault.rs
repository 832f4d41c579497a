//! The vault over a [`KvStore`]: header, manifest, weekly segments, settings (docs/format.md §3–4).
//!
//! Storage keys (all under the `v:` prefix so the extension can keep other keys beside them):
//!
//! | key                 | value                                   | read when            |
//! |---------------------|-----------------------------------------|----------------------|
//! | `v:h`               | header, plaintext, authenticated        | status, unlock       |
//! | `v:m`               | manifest root (encrypted)               | unlock               |
//! | `v:i:` + 32 hex     | manifest chunk: one ISO week-year       | unlock               |
//! | `v:c`               | settings record (encrypted)             | on demand            |
//! | `v:s:` + 32 hex     | one part of one ISO week's entries      | only for that week   |
//! | `v:a:` + 32 hex     | one failed unlock attempt (HPKE-sealed) | after unlock         |
//!
//! Saving an entry rewrites its segment part (bounded to ~60 KiB of JSON), its year's manifest
//! chunk and the manifest root, in one atomic `set_many`: the same work with 10 entries or
//! 100,000. Unlocking reads the header and the manifest (root and chunks), never an entry.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::activity;
use crate::aead::{self, NONCE_LEN, TAG_LEN, put_lp};
use crate::bundle::{self, BundleContents};
use crate::calendar::IsoWeek;
use crate::entry::{Entry, EntryId, merge};
use crate::error::{Component, ParamsError, RecordName, VaultError};
use crate::keys::{KdfInput, KdfParams, Kek, MasterKey, NamingKey, Passphrase, PassphraseRoot, RecordKey, derive_kek, new_salt, random_bytes, recovery_kek};
use crate::manifest::{self, ChunkRef, Manifest, PartKey, RecordRef, SegmentRef, Staged, digest_hex};
use crate::record::{RecordKind, open_record, seal_record};
use crate::recovery::RecoveryCode;
use crate::settings::Settings;
use crate::store::KvStore;

pub const HEADER_KEY: &str = "v:h";
pub const MANIFEST_KEY: &str = manifest::ROOT_KEY;
pub const MANIFEST_CHUNK_PREFIX: &str = manifest::CHUNK_PREFIX;
pub const SETTINGS_KEY: &str = "v:c";
pub const SEGMENT_PREFIX: &str = "v:s:";

/// Magic bytes opening the vault header.
pub const HEADER_MAGIC: &[u8; 8] = b"SOTTOVLT";
/// The vault header format this build writes and reads.
pub const HEADER_VERSION: u16 = 2;
/// KDF algorithm byte for Argon2id version 0x13.
pub const KDF_ARGON2ID: u8 = 1;
/// Exact length of a version-2 header.
pub const HEADER_LEN: usize = 247;
/// The manifest root's JSON `format` this build writes and reads.
pub const MANIFEST_FORMAT: u32 = manifest::MANIFEST_FORMAT;
/// A segment part stops taking new entries once its JSON exceeds this, so one save never
/// rewrites more than about this much (plus one entry, plus the manifest).
pub const PART_TARGET_BYTES: usize = 60 * 1024;

const WRAP_LEN: usize = NONCE_LEN + 32 + TAG_LEN;

/// The plaintext vault header (docs/format.md §3.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VaultHeader {
    pub vault_id: [u8; 16],
    pub kdf: KdfParams,
    pub salt: [u8; 16],
    /// Counts passphrase wraps (creation, passphrase changes, recovery resets); the manifest root
    /// pins it with the header's digest, so an older header put back alone is told apart from an
    /// older root (docs/format.md §3.1).
    pub revision: u64,
    pub recovery_salt: [u8; 32],
    pub activity_public_key: [u8; 32],
    passphrase_wrap: [u8; WRAP_LEN],
    recovery_wrap: [u8; WRAP_LEN],
}

impl VaultHeader {
    /// Encodes the 247-byte header.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER_LEN);
        out.extend_from_slice(&self.kdf_prefix());
        out.extend_from_slice(&self.recovery_salt);
        out.extend_from_slice(&self.activity_public_key);
        out.extend_from_slice(&self.passphrase_wrap);
        out.extend_from_slice(&self.recovery_wrap);
        out
    }

    /// Bytes 0..63: magic, version, vault id, KDF algorithm and parameters, salt, revision:
    /// what the passphrase wrap authenticates.
    fn kdf_prefix(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(63);
        out.extend_from_slice(HEADER_MAGIC);
        out.extend_from_slice(&HEADER_VERSION.to_be_bytes());
        out.extend_from_slice(&self.vault_id);
        out.push(KDF_ARGON2ID);
        out.extend_from_slice(&self.kdf.m_cost_kib.to_be_bytes());
        out.extend_from_slice(&self.kdf.t_cost.to_be_bytes());
        out.extend_from_slice(&self.kdf.p_cost.to_be_bytes());
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&self.revision.to_be_bytes());
        out
    }

    fn passphrase_wrap_aad(&self) -> Vec<u8> {
        let mut aad = Vec::new();
        put_lp(&mut aad, b"sotto-wrap/passphrase");
        aad.extend_from_slice(&self.kdf_prefix());
        aad
    }

    fn recovery_wrap_aad(&self) -> Vec<u8> {
        let mut aad = Vec::new();
        put_lp(&mut aad, b"sotto-wrap/recovery");
        aad.extend_from_slice(HEADER_MAGIC);
        aad.extend_from_slice(&HEADER_VERSION.to_be_bytes());
        aad.extend_from_slice(&self.vault_id);
        aad.extend_from_slice(&self.recovery_salt);
        aad
    }

    /// Parses a header. Never panics; checks magic, version, length and KDF parameters.
    pub fn parse(bytes: &[u8]) -> Result<VaultHeader, VaultError> {
        let record = RecordName::Header;
        let mut r = Reader(bytes);
        let magic = r.take::<8>().ok_or(VaultError::Truncated { record: record.clone() })?;
        if &magic != HEADER_MAGIC {
            return Err(VaultError::Corrupt { record });
        }
        let version = u16::from_be_bytes(r.take::<2>().ok_or(VaultError::Truncated { record: record.clone() })?);
        if version != HEADER_VERSION {
            return Err(VaultError::UnsupportedVersion {
                what: Component::VaultHeader,
                found: u32::from(version),
                supported: u32::from(HEADER_VERSION),
            });
        }
        if bytes.len() < HEADER_LEN {
            return Err(VaultError::Truncated { record });
        }
        if bytes.len() > HEADER_LEN {
            return Err(VaultError::Corrupt { record });
        }
        let truncated = || VaultError::Truncated { record: RecordName::Header };
        let vault_id = r.take::<16>().ok_or_else(truncated)?;
        let [algorithm] = r.take::<1>().ok_or_else(truncated)?;
        if algorithm != KDF_ARGON2ID {
            return Err(VaultError::InvalidParams(ParamsError::Algorithm(algorithm)));
        }
        let kdf = KdfParams {
            m_cost_kib: r.u32().ok_or_else(truncated)?,
            t_cost: r.u32().ok_or_else(truncated)?,
            p_cost: r.u32().ok_or_else(truncated)?,
        };
        kdf.validate()?;
        Ok(VaultHeader {
            vault_id,
            kdf,
            salt: r.take().ok_or_else(truncated)?,
            revision: r.take::<8>().map(u64::from_be_bytes).ok_or_else(truncated)?,
            recovery_salt: r.take().ok_or_else(truncated)?,
            activity_public_key: r.take().ok_or_else(truncated)?,
            passphrase_wrap: r.take().ok_or_else(truncated)?,
            recovery_wrap: r.take().ok_or_else(truncated)?,
        })
    }

    fn unwrap_master(&self, kek: &Kek, wrap: &[u8; WRAP_LEN], aad: &[u8]) -> Option<MasterKey> {
        let bytes = zeroize::Zeroizing::new(aead::open_random_nonce(kek.bytes(), aad, wrap)?);
        let array: [u8; 32] = bytes.as_slice().try_into().ok()?;
        Some(MasterKey::from_array(array))
    }

    fn wrap_master(kek: &Kek, master: &MasterKey, aad: &[u8]) -> Result<[u8; WRAP_LEN], VaultError> {
        let sealed = aead::seal_random_nonce(kek.bytes(), aad, master.bytes())?;
        sealed.as_slice().try_into().map_err(|_| VaultError::TooLarge)
    }
}

/// A cursor over untrusted bytes that cannot read past the end.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl Reader<'_> {
    pub(crate) fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take::<4>().map(u32::from_be_bytes)
    }
}

/// What is in a store before unlocking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultStatus {
    NoVault,
    Locked(LockedInfo),
}

/// What a locked vault reveals (all of it is in the plaintext header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockedInfo {
    pub vault_id: [u8; 16],
    /// Argon2id parameters and salt: what [`derive_kek`] needs.
    pub kdf: KdfParams,
    pub salt: [u8; 16],
}

impl LockedInfo {
    /// The parameters and salt a [`PassphraseRoot`] for this vault's passphrase is derived from.
    pub fn kdf_input(&self) -> KdfInput {
        KdfInput { params: self.kdf, salt: self.salt }
    }
}

/// A segment part's JSON (docs/format.md §3.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
struct SegmentDoc {
    week: String,
    part: u16,
    revision: u64,
    entries: Vec<Entry>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

crate::keep_unknown::deserialize_keeping_unknown! {
    SegmentDoc, "a segment part (a JSON object)",
    required { week: String, part: u16, revision: u64, entries: Vec<Entry> }
    optional {}
}

/// Entries read for a listing, plus the segments that could not be read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Sorted by `occurred_at`, oldest first.
    pub entries: Vec<Entry>,
    /// One error per unreadable segment, each naming its week ("entries from 2–8 March 2026 …").
    pub unreadable: Vec<VaultError>,
}

/// What an import did, one count per distinct entry id in the bundle (they add up to that).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Entries new to this journal.
    pub added: usize,
    /// Entries here that the bundle has a newer version of.
    pub updated: usize,
    /// Deletions this journal did not have yet: an entry here that the bundle deleted, or the
    /// deletion of an entry this journal never had (kept, so that no later import brings it
    /// back). Never counted as added or updated.
    pub deleted: usize,
    /// Already here as in the bundle (including an entry deleted in both, whatever the revision
    /// of either deletion).
    pub unchanged: usize,
}

/// Failed unlock attempts recorded while locked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailedAttempts {
    /// Attempt times, UTC ms, oldest first.
    pub times: Vec<i64>,
    /// Records that did not open (damaged, or planted by someone without the key).
    pub unreadable: usize,
    /// The storage keys of the records read (readable or not), for
    /// [`Vault::forget_failed_attempts`]: a record written after the read is not among them.
    pub records: Vec<String>,
}

/// Entry points that work on a locked (or absent) vault.
pub struct Vault;

async fn read_header<S: KvStore>(store: &S) -> Result<VaultHeader, VaultError> {
    let keys = [HEADER_KEY.to_string()];
    let mut got = store.get_many(&keys).await?;
    let bytes = got.remove(HEADER_KEY).ok_or(VaultError::NoVault)?;
    VaultHeader::parse(&bytes)
}

impl Vault {
    /// Whether a vault exists, and what unlocking it needs.
    pub async fn status<S: KvStore>(store: &S) -> Result<VaultStatus, VaultError> {
        match read_header(store).await {
            Ok(h) => Ok(VaultStatus::Locked(LockedInfo { vault_id: h.vault_id, kdf: h.kdf, salt: h.salt })),
            Err(VaultError::NoVault) => Ok(VaultStatus::NoVault),
            Err(e) => Err(e),
        }
    }

    /// Creates a vault. Returns it unlocked, with the recovery code to show the user once.
    pub async fn create<S: KvStore>(
        store: S,
        passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<(UnlockedVault<S>, RecoveryCode), VaultError> {
        params.validate()?;
        let input = KdfInput { params, salt: new_salt()? };
        if !matches!(read_header(&store).await, Err(VaultError::NoVault)) {
            // Before the expensive Argon2id: there is nothing to derive for.
            return Err(VaultError::AlreadyExists);
        }
        Self::create_with_root(store, &PassphraseRoot::derive(passphrase, input)?).await
    }

    /// [`Vault::create`] with the Argon2id step done already (possibly elsewhere) for a
    /// new input (a salt from [`new_salt`]), whose parameters and salt the header stores.
    pub async fn create_with_root<S: KvStore>(store: S, root: &PassphraseRoot) -> Result<(UnlockedVault<S>, RecoveryCode), VaultError> {
        let KdfInput { params, salt } = root.input();
        params.validate()?;
        match read_header(&store).await {
            Err(VaultError::NoVault) => {}
            Ok(_) | Err(_) => return Err(VaultError::AlreadyExists),
        }
        let vault_id = random_bytes::<16>()?;
        let master = MasterKey::generate()?;
        let code = RecoveryCode::generate()?;
        let (_, activity_public_key) = activity::activity_keypair(&master, &vault_id);
        let mut header = VaultHeader {
            vault_id,
            kdf: params,
            salt,
            revision: 1,
            recovery_salt: random_bytes()?,
            activity_public_key,
            passphrase_wrap: [0; WRAP_LEN],
            recovery_wrap: [0; WRAP_LEN],
        };
        let kek = root.kek();
        header.passphrase_wrap = VaultHeader::wrap_master(&kek, &master, &header.passphrase_wrap_aad())?;
        let rkek = recovery_kek(&code, &header.recovery_salt);
        header.recovery_wrap = VaultHeader::wrap_master(&rkek, &master, &header.recovery_wrap_aad())?;

        let mut vault = UnlockedVault::new(store, header, master, Manifest::default());
        let mut writes = vec![(HEADER_KEY.to_string(), vault.header.to_bytes())];
        let mut staged = vault.manifest.stage();
        staged.header = Some(header_ref(&vault.header));
        writes.push(vault.seal_settings(&Settings::default(), &mut staged)?);
        writes.extend(vault.seal_manifest(&vault.manifest, &mut staged)?);
        vault.store.set_many(writes).await?;
        vault.manifest.apply(staged);
        Ok((vault, code))
    }

    /// Unlocks with the passphrase (runs Argon2id here; see [`Vault::unlock_with_kek`]).
    pub async fn unlock_with_passphrase<S: KvStore>(store: S, passphrase: &Passphrase) -> Result<UnlockedVault<S>, VaultError> {
        let header = read_header(&store).await?;
        let kek = derive_kek(passphrase, &header.kdf, &header.salt)?;
        Self::open(store, header, |h| h.unwrap_master(&kek, &h.passphrase_wrap, &h.passphrase_wrap_aad()), VaultError::WrongPassphrase)
            .await
    }

    /// Unlocks with a KEK derived elsewhere by [`derive_kek`] from [`LockedInfo`]'s salt and params.
    pub async fn unlock_with_kek<S: KvStore>(store: S, kek: &Kek) -> Result<UnlockedVault<S>, VaultError> {
        let header = read_header(&store).await?;
        Self::open(store, header, |h| h.unwrap_master(kek, &h.passphrase_wrap, &h.passphrase_wrap_aad()), VaultError::WrongPassphrase)
            .await
    }

    /// Unlocks with the recovery code and sets a new passphrase (new salt, `params`). The recovery
    /// code itself stays valid: offer [`UnlockedVault::rotate_recovery_code`] next, since a code
    /// that has been typed in may have been seen.
    pub async fn unlock_with_recovery_code<S: KvStore>(
        store: S,
        code: &str,
        new_passphrase: &Passphrase,
        params: KdfParams,
    ) -> Result<UnlockedVault<S>, VaultError> {
        params.validate()?;
        let mut vault = Self::open_with_recovery_code(store, code).await?;
        vault.change_passphrase(new_passphrase, params).await?;
        Ok(vault)
    }

    /// [`Vault::unlock_with_recovery_code`] with the new passphrase's Argon2id step done
    /// already (possibly elsewhere) for a new input (a salt from [`new_salt`]).
    pub async fn reset_with_recovery_code<S: KvStore>(store: S, code: &str, new_root: &PassphraseRoot) -> Result<UnlockedVault<S>, VaultError> {
        new_root.input().params.validate()?;
        let mut vault = Self::open_with_recovery_code(store, code).await?;
        let KdfInput { params, salt } = new_root.input();
        vault.change_passphrase_with_kek(&new_root.kek(), params, salt).await?;
        Ok(vault)
    }

    async fn open_with_recovery_code<S: KvStore>(store: S, code: &str) -> Result<UnlockedVault<S>, VaultError> {
        let code = RecoveryCode::parse(code).map_err(VaultError::MalformedRecoveryCode)?;
        let header = read_header(&store).await?;
        let rkek = recovery_kek(&code, &header.recovery_salt);
        Self::open(store, header, |h| h.unwrap_master(&rkek, &h.recovery_wrap, &h.recovery_wrap_aad()), VaultError::WrongRecoveryCode).await
    }

    async fn open<S: KvStore>(
        store: S,
        header: VaultHeader,
        unwrap: impl FnOnce(&VaultHeader) -> Option<MasterKey>,
        wrong: VaultError,
    ) -> Result<UnlockedVault<S>, VaultError> {
        let master = unwrap(&header).ok_or(wrong)?;
        // The public key is not covered by the wraps' AAD; it is checked here instead, against
        // the one only the master key can derive.
        let (_, expected_pk) = activity::activity_keypair(&master, &header.vault_id);
        if expected_pk != header.activity_public_key {
            return Err(VaultError::Corrupt { record: RecordName::Header });
        }
        let mut vault = UnlockedVault::new(store, header, master, Manifest::default());
        match vault.read_manifest().await? {
            Ok(m) => {
                vault.manifest = m;
                if vault.has_unlisted_segments().await? {
                    // Nothing is lost: the hidden weeks are still in storage, so rebuild the
                    // manifest from the segments themselves, and say what happened.
                    vault.rebuild_manifest().await?;
                    vault.problems.push(VaultError::IndexRebuilt);
                } else {
                    vault.check_header_against_root().await?;
                }
            }
            // A newer format is not damage: do not rebuild over it.
            Err(e @ VaultError::UnsupportedVersion { .. }) => return Err(e),
            // A chunk older than the root pins: the index was rolled back, the segments were not.
            Err(VaultError::RolledBack { .. }) => {
                vault.rebuild_manifest().await?;
                vault.problems.push(VaultError::IndexRebuilt);
            }
            Err(problem) => {
                vault.rebuild_manifest().await?;
                vault.problems.push(problem);
            }
        }
        Ok(vault)
    }

    /// Records a failed unlock attempt while locked: sealed to the vault's public key, so only an
    /// unlocked vault can read it. Returns false if the log is full and the attempt was dropped.
    pub async fn record_failed_attempt<S: KvStore>(store: &S, at_ms: i64) -> Result<bool, VaultError> {
        let header = read_header(store).await?;
        let existing = store.list_keys().await?.iter().filter(|k| k.starts_with(activity::ACTIVITY_PREFIX)).count();
        if existing >= activity::MAX_RECORDED_ATTEMPTS {
            return Ok(false);
        }
        let key = format!("{}{}", activity::ACTIVITY_PREFIX, hex16(&random_bytes::<16>()?));
        let value = activity::seal_attempt(&header.activity_public_key, &header.vault_id, &key, at_ms)?;
        store.set_many(vec![(key, value)]).await?;
        Ok(true)
    }

    /// Removes the records `attempts` was read from (after the user was told of them), and no
    /// other: an attempt recorded since stays for the next unlock. Needs no key.
    pub async fn forget_failed_attempts<S: KvStore>(store: &S, attempts: &FailedAttempts) -> Result<(), VaultError> {
        if attempts.records.is_empty() {
            return Ok(());
        }
        store.remove(&attempts.records).await?;
        Ok(())
    }
}

fn hex16(bytes: &[u8; 16]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An unlocked vault. Holds the keys; [`UnlockedVault::lock`] (or dropping it) zeroizes them.
pub struct UnlockedVault<S: KvStore> {
    store: S,
    header: VaultHeader,
    master: MasterKey,
    record_key: RecordKey,
    naming_key: NamingKey,
    manifest: Manifest,
    problems: Vec<VaultError>,
}

/// A segment part read into memory.
struct LoadedPart {
    doc: SegmentDoc,
    dirty: bool,
    /// Upper bound on the JSON size of `doc.entries`, kept up to date without re-serializing
    /// the whole part on every insert (an import places many entries into one part).
    json_len: usize,
}

/// The length of `value`'s JSON, counted as it is written instead of built: sizing a part must not
/// allocate (and leave unwiped) a second copy of every entry, nor cost a second serialisation's
/// allocations when the part is sealed.
fn json_len<T: serde::Serialize>(value: &T) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    match serde_json::to_writer(&mut counter, value) {
        Ok(()) => counter.0,
        Err(_) => usize::MAX,
    }
}

impl LoadedPart {
    fn read(doc: SegmentDoc) -> LoadedPart {
        let json_len = json_len(&doc.entries);
        LoadedPart { doc, dirty: false, json_len }
    }

    fn push(&mut self, entry: Entry) {
        let len = json_len(&entry);
        self.json_len = self.json_len.saturating_add(len).saturating_add(1);
        self.doc.entries.push(entry);
        self.dirty = true;
    }
}

impl<S: KvStore> UnlockedVault<S> {
    fn new(store: S, header: VaultHeader, master: MasterKey, manifest: Manifest) -> Self {
        let record_key = master.record_key(&header.vault_id);
        let naming_key = master.naming_key(&header.vault_id);
        UnlockedVault { store, header, master, record_key, naming_key, manifest, problems: Vec::new() }
    }

    /// Locks: consumes the vault; every key is zeroized as it drops.
    pub fn lock(self) {}

    /// The vault id (also in the plaintext header).
    pub fn vault_id(&self) -> [u8; 16] {
        self.header.vault_id
    }

    /// Problems found while unlocking (e.g. a damaged manifest that was rebuilt from the segments).
    pub fn problems(&self) -> &[VaultError] {
        &self.problems
    }

    /// Number of entries, tombstones included, as counted by the manifest.
    pub fn stored_entry_count(&self) -> u64 {
        self.manifest.segments.values().map(|s| u64::from(s.entries)).sum()
    }

    fn segment_key(&self, week: IsoWeek, part: u16) -> String {
        let label = format!("segment:{week}:{part}");
        format!("{SEGMENT_PREFIX}{}", hex16(&self.naming_key.opaque_id(label.as_bytes())))
    }

    fn chunk_key(&self, year: i32) -> String {
        let label = format!("manifest-chunk:{year}");
        format!("{MANIFEST_CHUNK_PREFIX}{}", hex16(&self.naming_key.opaque_id(label.as_bytes())))
    }

    /// Seals the chunks `staged` touches and the root, on top of `manifest`: the items to write
    /// in the same `set_many` as the records they pin.
    fn seal_manifest(&self, manifest: &Manifest, staged: &mut Staged) -> Result<Vec<(String, Vec<u8>)>, VaultError> {
        let mut writes = Vec::new();
        for (year, json) in manifest.chunk_payloads(staged) {
            let key = self.chunk_key(year);
            let value = seal_record(&self.record_key, &self.header.vault_id, RecordKind::ManifestChunk, &key, &json)?;
            staged.chunks.insert(year, ChunkRef { year, revision: staged.revision, digest: digest_hex(&value) });
            writes.push((key, value));
        }
        let root = manifest.root_payload(staged);
        writes.push((MANIFEST_KEY.to_string(), seal_record(&self.record_key, &self.header.vault_id, RecordKind::Manifest, MANIFEST_KEY, &root)?));
        Ok(writes)
    }

    /// Reads the manifest root and every chunk it names (one `get_many` each). The outer error
    /// is the store's; the inner one says what is wrong with the manifest.
    async fn read_manifest(&self) -> Result<Result<Manifest, VaultError>, VaultError> {
        let keys = [MANIFEST_KEY.to_string()];
        let Some(value) = self.store.get_many(&keys).await?.remove(MANIFEST_KEY) else {
            return Ok(Err(VaultError::Missing { record: RecordName::Manifest }));
        };
        let root = open_record(&self.record_key, &self.header.vault_id, RecordKind::Manifest, MANIFEST_KEY, &value)
            .map_err(|e| e.into_vault_error(RecordName::Manifest))
            .and_then(|plain| Manifest::from_root_json(&plain));
        let mut manifest = match root {
            Ok(m) => m,
            Err(e) => return Ok(Err(e)),
        };
        let years: Vec<i32> = manifest.chunks.keys().copied().collect();
        let keys: Vec<String> = years.iter().map(|y| self.chunk_key(*y)).collect();
        let values = self.store.get_many(&keys).await?;
        for (year, key) in years.into_iter().zip(&keys) {
            let record = RecordName::ManifestChunk { year };
            let Some(value) = values.get(key) else {
                return Ok(Err(VaultError::Missing { record }));
            };
            let added = open_record(&self.record_key, &self.header.vault_id, RecordKind::ManifestChunk, key, value)
                .map_err(|e| e.into_vault_error(record))
                .and_then(|plain| manifest.add_chunk(year, &digest_hex(value), &plain));
            if let Err(e) = added {
                return Ok(Err(e));
            }
        }
        Ok(Ok(manifest))
    }

    fn seal_settings(&self, settings: &Settings, staged: &mut Staged) -> Result<(String, Vec<u8>), VaultError> {
        let revision = self.manifest.settings.as_ref().map_or(0, |s| s.revision).saturating_add(1);
        let mut doc = serde_json::to_value(settings).unwrap_or(Value::Null);
        if let Value::Object(map) = &mut doc {
            map.insert("_revision".into(), Value::from(revision));
        }
        let plain = serde_json::to_vec(&doc).unwrap_or_default();
        let value = seal_record(&self.record_key, &self.header.vault_id, RecordKind::Settings, SETTINGS_KEY, &plain)?;
        staged.settings = Some(RecordRef { revision, digest: digest_hex(&value) });
        Ok((SETTINGS_KEY.to_string(), value))
    }

    fn seal_part(&self, doc: &mut SegmentDoc, week: IsoWeek, staged: &mut Staged) -> Result<(String, Vec<u8>), VaultError> {
        let key = self.segment_key(week, doc.part);
        doc.revision = self.manifest.segments.get(&(week, doc.part)).map_or(0, |s| s.revision).saturating_add(1);
        let plain = zeroize::Zeroizing::new(serde_json::to_vec(&doc).unwrap_or_default());
        let value = seal_record(&self.record_key, &self.header.vault_id, RecordKind::Segment, &key, &plain)?;
        staged.segments.insert((week, doc.part), segment_ref(week, doc, &value));
        Ok((key, value))
    }

    /// Opens a stored part and checks it against the manifest.
    fn open_part(&self, week: IsoWeek, part: u16, value: Option<&Vec<u8>>) -> Result<SegmentDoc, VaultError> {
        let record = RecordName::Segment { week, part };
        let listed = self.manifest.segments.get(&(week, part));
        let value = value.ok_or_else(|| VaultError::Missing { record: record.clone() })?;
        let key = self.segment_key(week, part);
        let plain = open_record(&self.record_key, &self.header.vault_id, RecordKind::Segment, &key, value)
            .map_err(|e| e.into_vault_error(record.clone()))?;
        let doc: SegmentDoc = serde_json::from_slice(&plain).map_err(|_| VaultError::Corrupt { record: record.clone() })?;
        if doc.week != week.to_string() || doc.part != part {
            return Err(VaultError::Corrupt { record });
        }
        if let Some(listed) = listed
            && (listed.revision != doc.revision || listed.digest != digest_hex(value)) {
                return Err(VaultError::RolledBack { record });
            }
        Ok(doc)
    }

    /// Reads the listed parts in one `get_many`. Unreadable ones come back as errors.
    async fn load_parts(&self, wanted: &[PartKey]) -> Result<Vec<(PartKey, Result<SegmentDoc, VaultError>)>, VaultError> {
        let keys: Vec<String> = wanted.iter().map(|(w, p)| self.segment_key(*w, *p)).collect();
        let values = self.store.get_many(&keys).await?;
        Ok(wanted
            .iter()
            .zip(&keys)
            .map(|(&(w, p), k)| ((w, p), self.open_part(w, p, values.get(k))))
            .collect())
    }

    async fn listing_for(&self, wanted: &[PartKey], include_deleted: bool) -> Result<Listing, VaultError> {
        let mut by_id: BTreeMap<EntryId, Entry> = BTreeMap::new();
        let mut unreadable = Vec::new();
        for (_, loaded) in self.load_parts(wanted).await? {
            match loaded {
                // An id can appear in two parts after a restore into a damaged week; merge them.
                Ok(doc) => {
                    for e in doc.entries {
                        let merged = match by_id.get(&e.id) {
                            Some(prev) => merge(prev, &e),
                            None => e,
                        };
                        by_id.insert(merged.id, merged);
                    }
                }
                Err(err) => unreadable.push(err),
            }
        }
        let mut entries: Vec<Entry> = by_id.into_values().filter(|e| include_deleted || !e.deleted).collect();
        entries.sort_by_key(|e| (e.occurred_at, e.id));
        Ok(Listing { entries, unreadable })
    }

    /// Entries that happened in `[from_ms, to_ms]` (UTC ms). Reads only the weeks concerned.
    pub async fn list_range(&self, from_ms: i64, to_ms: i64) -> Result<Listing, VaultError> {
        // Local weeks can begin up to 14 hours either side of the UTC instant.
        let first = IsoWeek::of_instant(from_ms, -crate::entry::MAX_OFFSET_MINUTES);
        let last = IsoWeek::of_instant(to_ms, crate::entry::MAX_OFFSET_MINUTES);
        let wanted: Vec<_> = self.manifest.segments.keys().filter(|(w, _)| *w >= first && *w <= last).copied().collect();
        let mut listing = self.listing_for(&wanted, false).await?;
        listing.entries.retain(|e| e.occurred_at >= from_ms && e.occurred_at <= to_ms);
        Ok(listing)
    }

    /// The `limit` most recent entries, newest first. Reads weeks from the newest back until it
    /// has enough.
    pub async fn list_recent(&self, limit: usize) -> Result<Listing, VaultError> {
        let weeks: Vec<IsoWeek> = self.manifest.segments.keys().map(|(w, _)| *w).collect::<BTreeSet<_>>().into_iter().rev().collect();
        let mut out = Listing::default();
        let mut taken = 0;
        // Take one week beyond the point where the limit is reached: offsets can shift an
        // entry's local week away from its UTC order by a day.
        let mut extra_week = false;
        for week in weeks {
            let wanted: Vec<_> = self.manifest.parts_of(week).map(|p| (week, p)).collect();
            let listing = self.listing_for(&wanted, false).await?;
            taken += listing.entries.len();
            out.entries.extend(listing.entries);
            out.unreadable.extend(listing.unreadable);
            if extra_week {
                break;
            }
            extra_week = taken >= limit;
        }
        out.entries.sort_by_key(|e| core::cmp::Reverse((e.occurred_at, e.id)));
        out.entries.truncate(limit);
        Ok(out)
    }

    /// Every entry, tombstones included if asked (reads every segment: export and search only).
    pub async fn all_entries(&self, include_deleted: bool) -> Result<Listing, VaultError> {
        let wanted: Vec<_> = self.manifest.segments.keys().copied().collect();
        self.listing_for(&wanted, include_deleted).await
    }

    /// Finds an entry by id by reading every segment. Prefer the listing that showed the entry.
    pub async fn find_entry(&self, id: &EntryId) -> Result<Option<Entry>, VaultError> {
        Ok(self.all_entries(true).await?.entries.into_iter().find(|e| e.id == *id))
    }

    /// Saves a new entry (revision 1). Rewrites one segment part and the manifest, atomically.
    pub async fn save_entry(&mut self, entry: Entry) -> Result<Entry, VaultError> {
        let entry = Entry { revision: 1, deleted: false, ..entry };
        entry.validate()?;
        let mut parts = BTreeMap::new();
        self.place(&mut parts, entry.clone()).await?;
        self.commit(parts, Vec::new()).await?;
        Ok(entry)
    }

    /// Replaces `previous` (as last read) with `edited`: same id, next revision. Fails with
    /// [`VaultError::Conflict`] if the stored copy is no longer `previous`'s revision.
    pub async fn update_entry(&mut self, previous: &Entry, edited: Entry) -> Result<Entry, VaultError> {
        if edited.id != previous.id {
            return Err(VaultError::EntryNotFound);
        }
        let mut parts = BTreeMap::new();
        let (at, stored) = self.locate(&mut parts, previous).await?;
        if stored.deleted {
            return Err(VaultError::EntryNotFound);
        }
        let edited = Entry { revision: stored.revision.saturating_add(1), deleted: false, ..edited };
        edited.validate()?;
        self.replace(&mut parts, at, edited.clone()).await?;
        self.commit(parts, Vec::new()).await?;
        Ok(edited)
    }

    /// Deletes `previous`: its content is replaced by a tombstone that merges can never undo.
    pub async fn delete_entry(&mut self, previous: &Entry) -> Result<(), VaultError> {
        let mut parts = BTreeMap::new();
        let (at, stored) = self.locate(&mut parts, previous).await?;
        if stored.deleted {
            return Ok(());
        }
        let tombstone = stored.to_tombstone();
        self.replace(&mut parts, at, tombstone).await?;
        self.commit(parts, Vec::new()).await
    }

    /// Loads `week`'s parts into `parts` (if not already), returning errors for unreadable ones.
    async fn load_week(&self, parts: &mut BTreeMap<PartKey, Option<LoadedPart>>, week: IsoWeek) -> Result<(), VaultError> {
        let wanted: Vec<_> = self.manifest.parts_of(week).map(|p| (week, p)).filter(|k| !parts.contains_key(k)).collect();
        for (k, loaded) in self.load_parts(&wanted).await? {
            parts.insert(k, loaded.ok().map(LoadedPart::read));
        }
        Ok(())
    }

    /// Finds the stored copy of `previous` in its week and checks its revision.
    async fn locate(
        &self,
        parts: &mut BTreeMap<PartKey, Option<LoadedPart>>,
        previous: &Entry,
    ) -> Result<(PartKey, Entry), VaultError> {
        let week = IsoWeek::of_instant(previous.occurred_at, previous.utc_offset_minutes);
        self.load_week(parts, week).await?;
        let mut found: Option<(PartKey, Entry)> = None;
        for (k, part) in parts.range((week, 0)..=(week, u16::MAX)) {
            if let Some(e) = part.as_ref().and_then(|p| p.doc.entries.iter().find(|e| e.id == previous.id))
                && found.as_ref().is_none_or(|(_, f)| merge(f, e) == *e) {
                    found = Some((*k, e.clone()));
                }
        }
        let Some((at, stored)) = found else {
            // Not in the week its time named: another window may have moved it to another week
            // since this copy was read. Then the copy is stale (a conflict), not the entry gone.
            // Only this rare path reads every segment.
            return Err(match self.find_entry(&previous.id).await? {
                Some(elsewhere) if !elsewhere.deleted => VaultError::Conflict { stored_revision: elsewhere.revision },
                _ => VaultError::EntryNotFound,
            });
        };
        if stored.revision != previous.revision {
            return Err(VaultError::Conflict { stored_revision: stored.revision });
        }
        Ok((at, stored))
    }

    /// Puts `entry` in place of the copy at `at`, moving it to another week if its time moved.
    async fn replace(
        &self,
        parts: &mut BTreeMap<PartKey, Option<LoadedPart>>,
        at: PartKey,
        entry: Entry,
    ) -> Result<(), VaultError> {
        let new_week = IsoWeek::of_instant(entry.occurred_at, entry.utc_offset_minutes);
        if let Some(Some(part)) = parts.get_mut(&at) {
            if new_week == at.0
                && let Some(slot) = part.doc.entries.iter_mut().find(|e| e.id == entry.id) {
                    let len = json_len(&entry);
                    part.json_len = part.json_len.saturating_add(len);
                    *slot = entry;
                    part.dirty = true;
                    return Ok(());
                }
            part.doc.entries.retain(|e| e.id != entry.id);
            part.dirty = true;
        }
        self.place(parts, entry).await
    }

    /// Adds `entry` to its week: the last part if it has room, else a new part.
    async fn place(&self, parts: &mut BTreeMap<PartKey, Option<LoadedPart>>, entry: Entry) -> Result<(), VaultError> {
        let week = IsoWeek::of_instant(entry.occurred_at, entry.utc_offset_minutes);
        let last_listed = self.manifest.parts_of(week).last();
        let last_loaded = parts.range((week, 0)..=(week, u16::MAX)).next_back().map(|(k, _)| k.1);
        let last = last_listed.max(last_loaded);
        if let Some(last) = last {
            if !parts.contains_key(&(week, last)) {
                for (k, loaded) in self.load_parts(&[(week, last)]).await? {
                    parts.insert(k, loaded.ok().map(LoadedPart::read));
                }
            }
            if let Some(Some(part)) = parts.get_mut(&(week, last))
                && (part.doc.entries.is_empty() || part.json_len < PART_TARGET_BYTES) {
                    part.push(entry);
                    return Ok(());
                }
        }
        // No part yet, the last one is full, or it cannot be read (never overwrite a damaged part).
        let part = last.map_or(0, |p| p.saturating_add(1));
        let doc = SegmentDoc { week: week.to_string(), part, revision: 0, entries: Vec::new(), extra: Map::new() };
        let mut new_part = LoadedPart::read(doc);
        new_part.push(entry);
        parts.insert((week, part), Some(new_part));
        Ok(())
    }

    /// Writes every dirty part, any extra items, and the manifest chunks and root that pin them,
    /// in one atomic `set_many`.
    async fn commit(&mut self, parts: BTreeMap<PartKey, Option<LoadedPart>>, mut writes: Vec<(String, Vec<u8>)>) -> Result<(), VaultError> {
        let mut staged = self.manifest.stage();
        for ((week, _), part) in parts {
            if let Some(mut part) = part.filter(|p| p.dirty) {
                writes.push(self.seal_part(&mut part.doc, week, &mut staged)?);
            }
        }
        writes.extend(self.seal_manifest(&self.manifest, &mut staged)?);
        self.store.set_many(writes).await?;
        // Only now: a failed write leaves the in-memory manifest matching storage.
        self.manifest.apply(staged);
        Ok(())
    }

    /// Reads the settings record (defaults for anything missing).
    pub async fn settings(&self) -> Result<Settings, VaultError> {
        let record = RecordName::Settings;
        let keys = [SETTINGS_KEY.to_string()];
        let Some(value) = self.store.get_many(&keys).await?.remove(SETTINGS_KEY) else {
            return if self.manifest.settings.is_some() { Err(VaultError::Missing { record }) } else { Ok(Settings::default()) };
        };
        let plain = open_record(&self.record_key, &self.header.vault_id, RecordKind::Settings, SETTINGS_KEY, &value)
            .map_err(|e| e.into_vault_error(record.clone()))?;
        let mut doc: Map<String, Value> = serde_json::from_slice(&plain).map_err(|_| VaultError::Corrupt { record: record.clone() })?;
        let revision = doc.remove("_revision").and_then(|v| v.as_u64());
        if let Some(listed) = &self.manifest.settings
            && (Some(listed.revision) != revision || listed.digest != digest_hex(&value)) {
                return Err(VaultError::RolledBack { record });
            }
        serde_json::from_value(Value::Object(doc)).map_err(|_| VaultError::Corrupt { record })
    }

    /// Replaces the settings record.
    pub async fn set_settings(&mut self, settings: &Settings) -> Result<(), VaultError> {
        let mut staged = self.manifest.stage();
        let mut writes = vec![self.seal_settings(settings, &mut staged)?];
        writes.extend(self.seal_manifest(&self.manifest, &mut staged)?);
        self.store.set_many(writes).await?;
        self.manifest.apply(staged);
        Ok(())
    }

    /// Sets a new passphrase (or the same one with stronger `params`): new salt, new KEK, the
    /// master key rewrapped. No entry is re-encrypted.
    pub async fn change_passphrase(&mut self, new_passphrase: &Passphrase, params: KdfParams) -> Result<(), VaultError> {
        params.validate()?;
        let salt = new_salt()?;
        let kek = derive_kek(new_passphrase, &params, &salt)?;
        self.change_passphrase_with_kek(&kek, params, salt).await
    }

    /// [`Self::change_passphrase`] with the KEK derived elsewhere (the worker runs Argon2id in a
    /// throwaway Wasm instance): `kek` must be [`derive_kek`]`(passphrase, &params, &salt)` for a
    /// `salt` from [`new_salt`]. The old passphrase stops working; the recovery code still opens.
    pub async fn change_passphrase_with_kek(&mut self, kek: &Kek, params: KdfParams, salt: [u8; 16]) -> Result<(), VaultError> {
        params.validate()?;
        let mut header = self.header.clone();
        header.kdf = params;
        header.salt = salt;
        // Past what the root pins too: after an older header was put back, the new one is newer
        // than both.
        let pinned = self.manifest.header.as_ref().map_or(0, |h| h.revision);
        header.revision = header.revision.max(pinned).saturating_add(1);
        header.passphrase_wrap = VaultHeader::wrap_master(kek, &self.master, &header.passphrase_wrap_aad())?;
        self.write_header(header).await
    }

    /// The Argon2id parameters the passphrase is wrapped under now.
    pub fn kdf_params(&self) -> KdfParams {
        self.header.kdf
    }

    /// Raises (or lowers) the Argon2id parameters: the same as [`Self::change_passphrase`] with
    /// the current passphrase, which must be re-entered because the vault never keeps it.
    pub async fn rewrap_with_params(&mut self, passphrase: &Passphrase, params: KdfParams) -> Result<(), VaultError> {
        self.change_passphrase(passphrase, params).await
    }

    /// Replaces the recovery code; the old one stops working. Returns the new code to show once.
    pub async fn rotate_recovery_code(&mut self) -> Result<RecoveryCode, VaultError> {
        let code = RecoveryCode::generate()?;
        let mut header = self.header.clone();
        header.recovery_salt = random_bytes()?;
        let rkek = recovery_kek(&code, &header.recovery_salt);
        header.recovery_wrap = VaultHeader::wrap_master(&rkek, &self.master, &header.recovery_wrap_aad())?;
        // The revision stays: the passphrase wrap authenticates it and the vault holds no KEK.
        self.write_header(header).await?;
        Ok(code)
    }

    /// Writes a new header and the root pinning it, in one atomic `set_many`.
    async fn write_header(&mut self, header: VaultHeader) -> Result<(), VaultError> {
        let mut staged = self.manifest.stage();
        staged.header = Some(header_ref(&header));
        let bytes = header.to_bytes();
        let saved = std::mem::replace(&mut self.header, header);
        let sealed = self.seal_manifest(&self.manifest, &mut staged);
        let written = match sealed {
            Ok(mut writes) => {
                writes.push((HEADER_KEY.to_string(), bytes));
                self.store.set_many(writes).await
            }
            Err(e) => {
                self.header = saved;
                return Err(e);
            }
        };
        if let Err(e) = written {
            self.header = saved;
            return Err(e.into());
        }
        self.manifest.apply(staged);
        Ok(())
    }

    /// Compares the stored header with the one the root pins (after the root was found
    /// consistent with its chunks and the segments).
    async fn check_header_against_root(&mut self) -> Result<(), VaultError> {
        let current = header_ref(&self.header);
        match &self.manifest.header {
            Some(pinned) if pinned.digest == current.digest => {}
            // A header newer than the root pins: the root is the older copy (put back alone, and
            // no week changed since). The header is the one this vault last wrote.
            Some(pinned) if current.revision > pinned.revision => {
                self.rebuild_manifest().await?;
                self.problems.push(VaultError::IndexRebuilt);
            }
            // Older, or the same revision with other bytes (altered, or from before a recovery-code
            // rotation). The root keeps pinning the header it knew, so this is said at every
            // unlock until a new header is written (passphrase change or recovery-code rotation).
            _ => self.problems.push(VaultError::HeaderReplaced),
        }
        Ok(())
    }

    /// Rebuilds a damaged manifest from the segments themselves. Rollback protection for this
    /// one rebuild rests on the segments' own revisions; the damage is reported in `problems`.
    /// Opens `value` as one of this vault's segments stored under `key`: it must authenticate
    /// and name the week and part that derive to exactly that key.
    fn open_own_segment(&self, key: &str, value: &[u8]) -> Option<(IsoWeek, SegmentDoc)> {
        let plain = open_record(&self.record_key, &self.header.vault_id, RecordKind::Segment, key, value).ok()?;
        let doc = serde_json::from_slice::<SegmentDoc>(&plain).ok()?;
        let week = IsoWeek::parse(&doc.week)?;
        (self.segment_key(week, doc.part) == key).then_some((week, doc))
    }

    /// Whether storage holds a genuine segment the manifest does not list. Every write puts a
    /// segment and the manifest naming it in one atomic `set_many`, so this happens only when
    /// the manifest alone was replaced by an older copy: the weeks saved since would be hidden.
    /// Keys that do not open as our segments (planted or damaged) do not count.
    async fn has_unlisted_segments(&self) -> Result<bool, VaultError> {
        let listed: BTreeSet<String> = self.manifest.segments.keys().map(|(week, part)| self.segment_key(*week, *part)).collect();
        let unlisted: Vec<String> =
            self.store.list_keys().await?.into_iter().filter(|k| k.starts_with(SEGMENT_PREFIX) && !listed.contains(k)).collect();
        if unlisted.is_empty() {
            return Ok(false);
        }
        let values = self.store.get_many(&unlisted).await?;
        Ok(values.iter().any(|(key, value)| self.open_own_segment(key, value).is_some()))
    }

    async fn rebuild_manifest(&mut self) -> Result<(), VaultError> {
        let keys: Vec<String> = self.store.list_keys().await?.into_iter().filter(|k| k.starts_with(SEGMENT_PREFIX)).collect();
        let values = self.store.get_many(&keys).await?;
        // Every segment is staged into an empty manifest, so every year's chunk is written anew.
        let mut manifest = Manifest::default();
        let mut staged = manifest.stage();
        // The root was not to be trusted: pin the header as it is now.
        staged.header = Some(header_ref(&self.header));
        for (key, value) in &values {
            let Some((week, doc)) = self.open_own_segment(key, value) else { continue };
            staged.segments.insert((week, doc.part), segment_ref(week, &doc, value));
        }
        let settings_keys = [SETTINGS_KEY.to_string()];
        if let Some(value) = self.store.get_many(&settings_keys).await?.remove(SETTINGS_KEY)
            && let Ok(plain) = open_record(&self.record_key, &self.header.vault_id, RecordKind::Settings, SETTINGS_KEY, &value) {
                let revision = serde_json::from_slice::<Value>(&plain).ok().and_then(|v| v.get("_revision")?.as_u64());
                staged.settings = revision.map(|revision| RecordRef { revision, digest: digest_hex(&value) });
            }
        // Keep the revision counter moving forward past anything the old manifest may have had.
        staged.revision = staged.segments.values().map(|s| s.revision).max().unwrap_or(0).max(self.manifest.revision).saturating_add(1_000_000);
        let writes = self.seal_manifest(&manifest, &mut staged)?;
        self.store.set_many(writes).await?;
        manifest.apply(staged);
        self.manifest = manifest;
        Ok(())
    }

    /// Decrypts, returns and clears the failed unlock attempts recorded while locked.
    pub async fn take_failed_attempts(&mut self) -> Result<FailedAttempts, VaultError> {
        let attempts = self.failed_attempts().await?;
        Vault::forget_failed_attempts(&self.store, &attempts).await?;
        Ok(attempts)
    }

    /// Decrypts the failed unlock attempts recorded while locked and leaves them in storage:
    /// they are forgotten ([`Vault::forget_failed_attempts`]) only once the user has been told,
    /// so an unlock cut short (a lock, a closed page) loses no notice.
    pub async fn failed_attempts(&self) -> Result<FailedAttempts, VaultError> {
        let keys: Vec<String> =
            self.store.list_keys().await?.into_iter().filter(|k| k.starts_with(activity::ACTIVITY_PREFIX)).collect();
        if keys.is_empty() {
            return Ok(FailedAttempts::default());
        }
        let values = self.store.get_many(&keys).await?;
        let (secret, _) = activity::activity_keypair(&self.master, &self.header.vault_id);
        let mut out = FailedAttempts::default();
        for (key, value) in &values {
            match activity::open_attempt(&secret, &self.header.vault_id, key, value) {
                Some(t) => out.times.push(t),
                None => out.unreadable += 1,
            }
            out.records.push(key.clone());
        }
        out.times.sort_unstable();
        Ok(out)
    }
    /// Exports every entry (tombstones included, so deletions travel) and the settings as a
    /// bundle encrypted under `passphrase` (docs/format.md §8).
    pub async fn export_bundle(&self, passphrase: &Passphrase, params: KdfParams, now_ms: i64) -> Result<Vec<u8>, VaultError> {
        self.export_bundle_with_root(&PassphraseRoot::derive(passphrase, KdfInput { params, salt: new_salt()? })?, now_ms).await
    }

    /// [`Self::export_bundle`] with the export passphrase's Argon2id step done already (possibly
    /// elsewhere) for a new input (a salt from [`new_salt`]), which the bundle header then stores.
    pub async fn export_bundle_with_root(&self, root: &PassphraseRoot, now_ms: i64) -> Result<Vec<u8>, VaultError> {
        let contents = self.export_contents(now_ms).await?;
        Ok(bundle::encrypt_bundle_with_root(&contents, root, bundle::DEFAULT_CHUNK_SIZE)?)
    }

    /// Whether `root` (Argon2id of a passphrase with this vault's current salt and parameters,
    /// computed elsewhere) opens this vault: the check before an export with the journal's
    /// passphrase, made against the header this session unlocked, without reading storage.
    pub fn passphrase_root_opens(&self, root: &PassphraseRoot) -> bool {
        root.input() == self.passphrase_kdf_input()
            && self.header.unwrap_master(&root.kek(), &self.header.passphrase_wrap, &self.header.passphrase_wrap_aad()).is_some()
    }

    /// The salt and parameters a passphrase must be derived with to open this vault (see
    /// [`Self::passphrase_root_opens`]).
    pub fn passphrase_kdf_input(&self) -> KdfInput {
        KdfInput { params: self.header.kdf, salt: self.header.salt }
    }

    /// Everything a bundle holds: every entry and tombstone, and the settings. Needs no passphrase,
    /// so a caller can read storage while Argon2id runs for the bundle's key, then encrypt with
    /// [`bundle::encrypt_bundle_with_root`]. Refuses if any week cannot be read.
    pub async fn export_contents(&self, now_ms: i64) -> Result<BundleContents, VaultError> {
        let listing = self.all_entries(true).await?;
        if let Some(first) = listing.unreadable.into_iter().next() {
            // An export that silently missed a week would be a backup the user cannot trust.
            return Err(first);
        }
        let settings = self.settings().await.ok();
        Ok(BundleContents { vault_id: hex16(&self.header.vault_id), exported_at: now_ms, entries: listing.entries, settings })
    }

    /// Imports a bundle: decrypts and verifies all of it before touching the vault, then merges by
    /// entry id (new added, newer revisions win, tombstones respected, nothing removed). Importing
    /// the same bundle twice changes nothing. The bundle's settings are not applied.
    pub async fn import_bundle(&mut self, bytes: &[u8], passphrase: &Passphrase) -> Result<ImportReport, VaultError> {
        let contents = bundle::decrypt_bundle(bytes, passphrase)?;
        self.import_entries(contents.entries).await
    }

    /// Merges already-verified entries into the vault (the second half of [`Self::import_bundle`]).
    pub async fn import_entries(&mut self, incoming: Vec<Entry>) -> Result<ImportReport, VaultError> {
        for e in &incoming {
            e.validate()?;
        }
        let mut parts: BTreeMap<PartKey, Option<LoadedPart>> = BTreeMap::new();
        let all: Vec<_> = self.manifest.segments.keys().copied().collect();
        for (k, loaded) in self.load_parts(&all).await? {
            parts.insert(k, loaded.ok().map(LoadedPart::read));
        }
        let mut where_is: BTreeMap<EntryId, (PartKey, Entry)> = BTreeMap::new();
        for (k, part) in &parts {
            for e in part.iter().flat_map(|p| &p.doc.entries) {
                let keep = where_is.get(&e.id).is_none_or(|(_, prev)| merge(prev, e) == *e);
                if keep {
                    where_is.insert(e.id, (*k, e.clone()));
                }
            }
        }
        // The same id twice inside one bundle: merge those first, so each id is applied once.
        let mut deduplicated: BTreeMap<EntryId, Entry> = BTreeMap::new();
        for e in incoming {
            let merged = match deduplicated.get(&e.id) {
                Some(prev) => merge(prev, &e),
                None => e,
            };
            deduplicated.insert(merged.id, merged);
        }
        let mut report = ImportReport::default();
        let mut changed = false;
        for e in deduplicated.into_values() {
            match where_is.get(&e.id) {
                None => {
                    if e.deleted {
                        report.deleted += 1;
                    } else {
                        report.added += 1;
                    }
                    self.place(&mut parts, e).await?;
                    changed = true;
                }
                Some((at, existing)) => {
                    let merged = merge(existing, &e);
                    if merged == *existing {
                        report.unchanged += 1;
                        continue;
                    }
                    match (existing.deleted, merged.deleted) {
                        // A newer revision of a deletion: stored, but nothing the user sees changed.
                        (true, _) => report.unchanged += 1,
                        (false, true) => report.deleted += 1,
                        (false, false) => report.updated += 1,
                    }
                    self.replace(&mut parts, *at, merged).await?;
                    changed = true;
                }
            }
        }
        if changed {
            self.commit(parts, Vec::new()).await?;
        }
        Ok(report)
    }
}

/// What the root pins of a header: its revision and the digest of its bytes.
fn header_ref(header: &VaultHeader) -> RecordRef {
    RecordRef { revision: header.revision, digest: digest_hex(&header.to_bytes()) }
}

/// The manifest line of a segment part sealed to `value`.
fn segment_ref(week: IsoWeek, doc: &SegmentDoc, value: &[u8]) -> SegmentRef {
    SegmentRef {
        week: week.to_string(),
        part: doc.part,
        revision: doc.revision,
        digest: digest_hex(value),
        entries: u32::try_from(doc.entries.len()).unwrap_or(u32::MAX),
    }
}

/// Decodes `data` as each JSON record payload (for the fuzz targets).
#[doc(hidden)]
pub fn fuzz_decode_payloads(data: &[u8]) {
    manifest::fuzz_decode(data);
    let _ = serde_json::from_slice::<SegmentDoc>(data);
    let _ = serde_json::from_slice::<Settings>(data);
}
