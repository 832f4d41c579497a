//! The message protocol between Sotto's pages (popup, options) and its service worker.
//!
//! Every message travels as an [`Envelope`] carrying [`PROTOCOL_VERSION`], so a page left open
//! across an extension update gets a clear "reload" answer instead of a misread message.
//! Requests and responses are one enum each, tagged by `type` in `snake_case` (declared with
//! [`tagged_enum!`](crate::tagged), which reads them without serde's buffering; the enums' bodies
//! are left unindented inside it).
//! Key material never appears in any variant: pages ask, the worker answers with results.

pub use crate::secret::Secret;
use crate::tagged::tagged_enum;
use serde::{Deserialize, Serialize};
pub use sotto_vault::{Entry, EntryId, KdfParams, Settings};

/// Bumped whenever a request or response changes shape incompatibly.
pub const PROTOCOL_VERSION: u32 = 1;

/// Raw bytes per piece when a bundle travels between page and worker (base64 makes ~5.6 MB of
/// JSON text of it: large enough that 30 MB takes a handful of messages, small enough that no
/// single message strains either side).
pub const BUNDLE_PIECE_BYTES: usize = 4 * 1024 * 1024;

/// Where the options page fetches a built export (`GET`) and sends a whole file to import
/// (`POST`, after `ImportBegin`): the worker answers these from its `fetch` handler, so the bytes
/// travel without base64 or JSON. Extension-internal: no web page can reach them.
pub const EXPORT_PATH: &str = "/transfer/export.bin";
pub const IMPORT_PATH: &str = "/transfer/import.bin";

/// What travels over `chrome.runtime.sendMessage`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// The protocol version the sender speaks.
    pub v: u32,
    /// The request or response.
    pub body: T,
}

impl<T> Envelope<T> {
    /// Wraps a body in the current protocol version.
    pub fn new(body: T) -> Self {
        Envelope { v: PROTOCOL_VERSION, body }
    }
}

tagged_enum! {
/// A page's question to the worker.
///
/// Passphrases and recovery codes travel page → worker only when the user typed them, as
/// [`Secret`]s (wiped when dropped, never printed); no response ever carries key material (the
/// recovery code is shown to the user once, at creation and rotation, because that is its whole
/// purpose).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "a message, built once and serialised: boxing variants would only burden every sender")]
pub enum Request {
    /// Liveness check: the worker echoes `nonce` back.
    Ping { nonce: String },
    /// Is there a vault, and is it unlocked? Answered with [`Response::Status`].
    Status,
    /// First run: create the vault. Answered with [`Response::Created`].
    CreateVault { passphrase: Secret },
    /// Answered with [`Response::Unlocked`], or `Error { code: WrongPassphrase }`.
    Unlock { passphrase: Secret },
    /// Forgotten passphrase: the recovery code unlocks and sets a new passphrase.
    /// Answered with [`Response::Unlocked`], or `Error { code: WrongRecoveryCode }`.
    ResetPassphrase { recovery_code: Secret, new_passphrase: Secret },
    /// Lock now. Answered with `Status { state: Locked }`.
    Lock,
    /// Saves a new entry (the page generated its id with `EntryId::generate()`; the vault sets
    /// revision 1). Answered with [`Response::EntrySaved`] carrying the stored entry.
    SaveEntry { entry: Entry },
    /// Replaces `previous` (the entry exactly as the page last received it: its time says where
    /// it is stored) with `edited` (same id). If it changed since (saved from another window),
    /// the answer is `Error { code: Conflict }`. Answered with [`Response::EntrySaved`].
    UpdateEntry { previous: Entry, edited: Entry },
    /// Deletes `entry` (as the page last received it), leaving a tombstone so that no merge
    /// brings it back. Also the popup's "Undo" of a save. Answered with `Done`.
    DeleteEntry { entry: Entry },
    /// Answered with [`Response::Entries`].
    ListEntries { query: EntryQuery },
    /// The popup's unsaved form, kept in the worker's memory only, only while unlocked.
    /// Answered with `Done` (or `Locked`).
    SetDraft { draft: serde_json::Value },
    /// Answered with [`Response::Draft`].
    GetDraft,
    /// Answered with [`Response::Settings`].
    GetSettings,
    /// Replaces the settings; they take effect at once. Answered with [`Response::Settings`].
    SetSettings { settings: Settings },
    /// Answered with `Done`, or `Error { code: WrongPassphrase }` if `current` is wrong.
    ChangePassphrase { current: Secret, new_passphrase: Secret },
    /// Answered with [`Response::RecoveryCode`] (the new one; the old one stops working).
    RotateRecoveryCode { passphrase: Secret },
    /// Lock, discard drafts, close every Sotto page, move the active tab to the neutral page.
    /// Answered with `Done` (the asking page is about to be closed anyway).
    Vanish,

    // ---- Argon2id strength (settings; worker side: background/src/strength.rs).
    /// Times Argon2id on this device (in the worker's throwaway KDF instance, never in its own
    /// memory) and proposes parameters for an unlock of about `target_ms`: memory never below
    /// the default 64 MiB, more passes for more time, never weaker than the default. Changes
    /// nothing. Answered with [`Response::KdfMeasured`].
    MeasureKdf { target_ms: u32 },
    /// Rewraps the key under `params` once `passphrase` (the journal's, which stays the same)
    /// checks out; entries are not re-encrypted. Answered with `Done`, or `Error` with
    /// `WrongPassphrase`, or `Invalid` for parameters weaker than the default or beyond its limits.
    SetKdfParams { passphrase: Secret, params: KdfParams },

    // ---- Export and import of encrypted bundles (options page; worker side: background/src/transfer.rs).
    // Bundles can be tens of MB and runtime messages are JSON, so the bytes travel as base64 pieces.
    /// Builds an encrypted bundle of the whole journal (tombstones included) under `passphrase`
    /// and keeps it in the worker's memory until [`Request::ExportFinish`]. With
    /// `is_vault_passphrase` the worker first checks it unlocks the journal, so a typo cannot make
    /// a backup nobody can open. Answered with [`Response::ExportReady`].
    ExportBundle { passphrase: Secret, is_vault_passphrase: bool },
    /// Piece `index` (0-based) of the bundle `ExportBundle` built. Answered with [`Response::BundlePiece`].
    ExportChunk { index: u32 },
    /// The page saved the file (or gave up): the worker forgets the bytes. Answered with `Done`.
    ExportFinish,
    /// Starts receiving a bundle of `total_bytes` to import, forgetting any earlier one.
    /// Answered with `Done`.
    ImportBegin { total_bytes: u64 },
    /// Piece `index` (in order from 0) of the bundle, base64. Answered with `Done`.
    ImportChunk { index: u32, data: String },
    /// Verifies and decrypts everything received, touching nothing in the journal.
    /// Answered with [`Response::ImportPreviewed`] or [`Response::ImportRejected`].
    ImportPreview { passphrase: Secret },
    /// Merges the previewed bundle into the journal. Answered with [`Response::Imported`].
    ImportCommit,
    /// Forgets any received or previewed import. Answered with `Done`.
    ImportCancel,
}
}

/// Which entries a page wants. Every field narrows; the empty query is "everything, newest first".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntryQuery {
    /// Only entries that occurred at or after this instant (UTC unix milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_ms: Option<i64>,
    /// Only entries that occurred before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_ms: Option<i64>,
    /// At most this many, newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only entries naming this region (its stable key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Only entries with this quality (its stable key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quality: Option<String>,
    /// Only entries with this tag (ASCII letters in any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Case-insensitive text to find in notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl EntryQuery {
    /// Just "the newest N": answerable from the newest weeks alone.
    pub fn is_only_a_limit(&self) -> bool {
        self.from_ms.is_none() && self.to_ms.is_none() && !self.has_filters()
    }

    fn has_filters(&self) -> bool {
        self.region.is_some() || self.quality.is_some() || self.tag.is_some() || self.text.is_some()
    }

    /// Whether `entry` passes the region, quality, tag and text filters (not the time range).
    pub fn matches(&self, entry: &Entry) -> bool {
        let region = self.region.as_deref().is_none_or(|key| entry.regions.iter().any(|r| r.region.key() == key));
        let quality = self.quality.as_deref().is_none_or(|key| entry.qualities.iter().any(|q| q.key() == key));
        let tag = self.tag.as_deref().is_none_or(|tag| entry.tags.iter().any(|t| t.eq_ignore_ascii_case(tag)));
        let text = self.text.as_deref().is_none_or(|text| entry.note.to_lowercase().contains(&text.to_lowercase()));
        region && quality && tag && text
    }
}

/// Whether a vault exists and whether the worker holds its key right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VaultState {
    /// No journal has been set up in this browser profile yet.
    NoVault,
    /// A journal exists; the worker holds no key.
    Locked,
    /// The worker holds the session key.
    Unlocked,
}

tagged_enum! {
/// The worker's answer.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant, reason = "a message, built once and serialised: boxing variants would only burden every sender")]
pub enum Response {
    /// Answer to [`Request::Ping`].
    Pong {
        nonce: String,
        /// The extension version the worker runs (from the manifest).
        worker_version: String,
    },
    /// Answer to [`Request::Status`] and [`Request::Lock`].
    Status { state: VaultState },
    /// The vault exists and is unlocked; show this code once, the user must keep it.
    Created { recovery_code: String },
    /// Unlocked. `failed_attempts` are the times (UTC unix ms) of wrong passphrases typed since
    /// the last successful unlock, for the "2 failed unlock attempts since…" notice. `problems`
    /// are sentences for the user about damage or tampering found while unlocking (a rebuilt
    /// index, unreadable attempt records): nothing was lost, but the user must be told.
    Unlocked {
        failed_attempts: Vec<i64>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        problems: Vec<String>,
        /// `problems` again, one [`Wording`] each in the same order, for pages to show in the
        /// user's language (`problems` stays the English fallback and what logs read).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        problem_wordings: Vec<Wording>,
    },
    /// Answer to [`Request::SaveEntry`]: the entry as stored (its new revision).
    EntrySaved { entry: Entry },
    /// Answer to [`Request::ListEntries`]. `unreadable` names what could not be read, in words
    /// for the user ("entries from 3–9 March 2026 could not be read"); everything else is here.
    Entries {
        entries: Vec<Entry>,
        unreadable: Vec<String>,
        /// `unreadable` again, one [`Wording`] each in the same order, for pages to show in the
        /// user's language (as `Unlocked`'s `problem_wordings`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unreadable_wordings: Vec<Wording>,
    },
    /// Answer to [`Request::GetDraft`].
    Draft { draft: Option<serde_json::Value> },
    /// Answer to [`Request::GetSettings`] and [`Request::SetSettings`].
    Settings { settings: Settings },
    /// Answer to [`Request::RotateRecoveryCode`].
    RecoveryCode { recovery_code: String },
    /// Answer to [`Request::MeasureKdf`]: the parameters in force and the proposed ones, each
    /// with the unlock time estimated from this measurement (ms).
    KdfMeasured { current: KdfParams, current_ms: u32, proposed: KdfParams, proposed_ms: u32 },
    /// Answer to [`Request::ExportBundle`]: the bundle is ready in `piece_count` pieces.
    ExportReady { total_bytes: u64, piece_count: u32, entry_count: u64 },
    /// Answer to [`Request::ExportChunk`]: piece `index`, base64 (standard alphabet, padded).
    BundlePiece { index: u32, data: String },
    /// Answer to [`Request::ImportPreview`]: what the verified bundle holds. Dates are the
    /// entries' own local dates (`YYYY-MM-DD`), `None` when it holds no entry.
    ImportPreviewed { entries: u64, deleted: u64, first_date: Option<String>, last_date: Option<String>, exported_at: i64 },
    /// Answer to [`Request::ImportPreview`] or [`Request::ImportCommit`]: the file cannot be
    /// imported, for this `reason`; nothing was changed.
    ImportRejected { reason: ImportProblem, message: String },
    /// Answer to [`Request::ImportCommit`]: what the merge did (`sotto_vault::ImportReport`:
    /// deletions are counted apart, never as added or updated).
    Imported { added: u64, updated: u64, deleted: u64, unchanged: u64 },
    /// The request succeeded and has nothing to report.
    Done,
    /// The request needs an unlocked vault; the page should show its lock screen.
    Locked,
    /// The request failed; `message` is written for the user, in English. `key` and `args` say
    /// the same through `_locales/*/messages.json` ([`Wording`]); pages show that when their
    /// locale has the key, else `message`. Both optional on the wire, so a worker or page from
    /// before they existed still reads and is read.
    Error {
        code: ErrorCode,
        message: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        key: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        args: Vec<String>,
    },
}
}

/// Words for the user as a `messages.json` key and its `$1`… substitutions, so that each page
/// shows them in its own language (`sotto_glue::wording::localized`). The English text travels
/// beside it, for a locale without the key and for logs and tests.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Wording {
    pub key: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
}

impl Wording {
    pub fn new(key: &str, args: Vec<String>) -> Self {
        Wording { key: key.to_string(), args }
    }
}

impl Response {
    /// An `Error` answer: its code, its English sentence and the same as a [`Wording`].
    pub fn error(code: ErrorCode, message: String, wording: Wording) -> Self {
        Response::Error { code, message, key: wording.key, args: wording.args }
    }
}

/// Why a request failed, for pages that react differently to different failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The message could not be read (wrong shape): a bug, or a page from another version.
    BadRequest,
    /// The page speaks another protocol version: reloading it fixes this.
    VersionMismatch,
    /// The sender is not one of this extension's own pages.
    Forbidden,
    /// `CreateVault` when a vault already exists.
    VaultExists,
    /// A request that needs a vault when there is none.
    NoVault,
    WrongPassphrase,
    WrongRecoveryCode,
    /// The entry or settings failed validation (the message says which field).
    Invalid,
    /// The entry changed since the page read it (edited elsewhere).
    Conflict,
    /// Browser storage is full: nothing was saved.
    StorageFull,
    /// Stored data could not be read (damaged or tampered); the message says which.
    Corrupt,
    /// Anything else; the message says what.
    Internal,
}

/// One piece of a bundle as it travels in a message (standard base64, padded).
pub fn encode_piece(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The bytes of a piece; `None` if the text is not base64 (a bug or a damaged message).
pub fn decode_piece(text: &str) -> Option<Vec<u8>> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).ok()
}

/// Why a bundle could not be imported, so the page can say exactly what is wrong with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportProblem {
    /// Not a Sotto backup at all (or mangled as text in transfer).
    NotABundle,
    /// Written by a newer Sotto.
    UnsupportedVersion,
    /// Cut short.
    Truncated,
    /// A part fails authentication: damaged, altered, or spliced from another file.
    Damaged,
    /// The passphrase does not open it (or its header was altered).
    WrongPassphrase,
    /// It opens, but what is inside is not valid journal data.
    InvalidContents,
    /// The pieces did not arrive whole (page and worker disagree); choosing the file again fixes it.
    Incomplete,
    /// Nothing was previewed (or the preview was forgotten, e.g. by locking): start again.
    NothingToImport,
}

tagged_enum! {
/// What the worker tells every open Sotto page without being asked (worker → pages broadcast
/// over `chrome.runtime.sendMessage`). Travels as an [`EventEnvelope`], whose `event` field
/// (instead of `body`) keeps it apart from the requests pages send each other's way.
/// Pages subscribe with `sotto_glue::events::on_worker_event`.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    /// The vault just locked (keys zeroized, drafts gone): show the lock screen at once.
    Locked { reason: LockReason },
    /// Vanish ran: the page must close itself now (the worker closes tabs; a popup closes itself).
    Vanished,
}
}

/// Why the vault locked, so a page can say so ("Locked after 5 minutes without activity").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// The user asked (`Request::Lock`), or unlocked again from another page.
    Requested,
    /// `auto_lock_minutes` passed without a request that used the vault.
    Inactivity,
    /// The computer was idle for `idle_minutes`.
    SystemIdle,
    /// The screen locked.
    ScreenLocked,
    /// Vanish.
    Vanish,
    /// The session could not be carried over a worker restart (strict mode, or its copy was gone).
    WorkerRestarted,
}

/// The broadcast form of a [`WorkerEvent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventEnvelope {
    pub v: u32,
    pub event: WorkerEvent,
}

impl EventEnvelope {
    pub fn new(event: WorkerEvent) -> Self {
        EventEnvelope { v: PROTOCOL_VERSION, event }
    }
}

/// Checks an incoming envelope's version, so the worker answers a stale page clearly.
#[allow(clippy::result_large_err, reason = "the error is the very answer the worker sends, once per message")]
pub fn check_version<T>(envelope: &Envelope<T>) -> Result<(), Response> {
    if envelope.v == PROTOCOL_VERSION {
        Ok(())
    } else {
        let (page, extension) = (envelope.v.to_string(), PROTOCOL_VERSION.to_string());
        Err(Response::error(
            ErrorCode::VersionMismatch,
            format!("This page speaks Sotto protocol {page} but the extension speaks {extension}: close and reopen it."),
            Wording::new("error_version_mismatch", vec![page, extension]),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
    use serde_json::{Value, json};
    use std::collections::BTreeSet;
    use std::fmt::Debug;

    /// Reads a JSON value the way `serde_wasm_bindgen` reads a JS object into a struct: each
    /// member the struct names, looked up by name, in the order the struct names them. (Natively
    /// serde_json's maps are sorted, so `type` is rarely first by position.)
    struct ByName<'de>(&'de Value);

    impl<'de> Deserializer<'de> for ByName<'de> {
        type Error = serde_json::Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(visitor)
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            let object = self.0.as_object().ok_or_else(|| de::Error::custom("not an object"))?;
            let present = fields.iter().filter_map(|field| object.get(*field).map(|value| (*field, value)));
            visitor.visit_map(de::value::MapDeserializer::new(present))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    fn by_name<T: DeserializeOwned>(value: &Value) -> Result<T, serde_json::Error> {
        T::deserialize(ByName(value))
    }

    /// The variant's name as Rust writes it (the start of its `Debug` text).
    fn variant_name(sample: &impl Debug) -> String {
        format!("{sample:?}").chars().take_while(|c| c.is_alphanumeric()).collect()
    }

    /// Every sample reads back equal: from serde_json text in document order (`type` first, as
    /// serialized) and by name in any order (as in Wasm), inside an envelope too; and the
    /// samples cover every variant, so Serialize and Deserialize cannot drift apart unseen.
    fn every_variant_round_trips<T>(samples: &[T], variants: &[&str])
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug,
    {
        for sample in samples {
            let text = serde_json::to_string(sample).unwrap();
            assert!(text.starts_with(r#"{"type":""#), "type comes first: {text}");
            let read: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(&read, sample, "read from text");
            let value = serde_json::to_value(sample).unwrap();
            let read: T = by_name(&value).unwrap_or_else(|e| panic!("{value} by name: {e}"));
            assert_eq!(&read, sample, "read by name");
            let envelope = serde_json::to_string(&Envelope::new(sample)).unwrap();
            let read: Envelope<T> = serde_json::from_str(&envelope).unwrap_or_else(|e| panic!("{envelope}: {e}"));
            assert_eq!(&read.body, sample, "read in an envelope");
        }
        let covered: BTreeSet<String> = samples.iter().map(variant_name).collect();
        let all: BTreeSet<String> = variants.iter().map(|name| name.to_string()).collect();
        assert_eq!(covered, all, "a sample of every variant");
    }

    #[test]
    fn a_query_keeps_only_entries_matching_every_filter_it_names() {
        use sotto_vault::{Quality, Region, RegionPain};
        let mut back = entry("Stairs were HARD after the café");
        back.regions = vec![RegionPain { region: Region::LowerBackLeft, intensity: None }];
        back.qualities = vec![Quality::Sharp];
        back.tags = vec!["Work".into(), "claim".into()];
        let query = |f: fn(&mut EntryQuery)| {
            let mut q = EntryQuery::default();
            f(&mut q);
            q
        };
        assert!(EntryQuery::default().matches(&back), "no filter keeps everything");
        assert!(query(|q| q.region = Some("lower_back_left".into())).matches(&back));
        assert!(!query(|q| q.region = Some("lower_back_right".into())).matches(&back), "the other side is another region");
        assert!(query(|q| q.quality = Some("sharp".into())).matches(&back));
        assert!(!query(|q| q.quality = Some("aching".into())).matches(&back));
        assert!(query(|q| q.tag = Some("work".into())).matches(&back), "tags match in any case");
        assert!(!query(|q| q.tag = Some("wor".into())).matches(&back), "a tag matches whole, not in part");
        assert!(query(|q| q.text = Some("hard AFTER".into())).matches(&back), "note text in any case, anywhere in the note");
        assert!(query(|q| q.text = Some("CAFÉ".into())).matches(&back), "case folding beyond ASCII");
        assert!(!query(|q| q.text = Some("lift".into())).matches(&back));
        let both = query(|q| {
            q.region = Some("lower_back_left".into());
            q.tag = Some("holiday".into());
        });
        assert!(!both.matches(&back), "every named filter must match, not any one");
    }

    fn entry(note: &str) -> Entry {
        let mut entry = Entry::new(EntryId::from_bytes([7; 16]), 1_790_000_000_000, 60, 6);
        entry.note = note.into();
        entry.tags = vec!["walk".into()];
        entry.mood = Some(4);
        entry.extra.insert("from_a_newer_version".into(), json!({"kept": [1, 2]}));
        entry
    }

    #[test]
    fn every_request_round_trips() {
        let query = EntryQuery {
            from_ms: Some(-5),
            to_ms: Some(1_790_000_000_000),
            limit: Some(7),
            region: Some("lower_back".into()),
            quality: Some("burning".into()),
            tag: Some("walk".into()),
            text: Some("stairs".into()),
        };
        let samples = [
            Request::Ping { nonce: "n".into() },
            Request::Status,
            Request::CreateVault { passphrase: "correct horse".into() },
            Request::Unlock { passphrase: "p".into() },
            Request::ResetPassphrase { recovery_code: "ABCD-EFGH".into(), new_passphrase: "q".into() },
            Request::Lock,
            Request::SaveEntry { entry: entry("a") },
            Request::UpdateEntry { previous: entry("a"), edited: entry("b") },
            Request::DeleteEntry { entry: entry("c") },
            Request::ListEntries { query },
            Request::ListEntries { query: EntryQuery::default() },
            Request::SetDraft { draft: json!({"intensity": 6, "note": "un", "regions": ["neck"]}) },
            Request::GetDraft,
            Request::GetSettings,
            Request::SetSettings { settings: Settings::default() },
            Request::ChangePassphrase { current: "p".into(), new_passphrase: "q".into() },
            Request::RotateRecoveryCode { passphrase: "p".into() },
            Request::Vanish,
            Request::MeasureKdf { target_ms: 1000 },
            Request::SetKdfParams { passphrase: "p".into(), params: KdfParams { m_cost_kib: 131072, t_cost: 4, p_cost: 1 } },
            Request::ExportBundle { passphrase: "p".into(), is_vault_passphrase: false },
            Request::ExportChunk { index: 3 },
            Request::ExportFinish,
            Request::ImportBegin { total_bytes: 1 << 40 },
            Request::ImportChunk { index: 0, data: "AAEC".into() },
            Request::ImportPreview { passphrase: "p".into() },
            Request::ImportCommit,
            Request::ImportCancel,
        ];
        every_variant_round_trips(&samples, Request::VARIANTS);
    }

    #[test]
    fn every_response_round_trips() {
        let samples = [
            Response::Pong { nonce: "n".into(), worker_version: "0.1.0".into() },
            Response::Status { state: VaultState::NoVault },
            Response::Status { state: VaultState::Unlocked },
            Response::Created { recovery_code: "ABCD-EFGH".into() },
            Response::Unlocked { failed_attempts: vec![], problems: vec![], problem_wordings: vec![] },
            Response::Unlocked {
                failed_attempts: vec![1_790_000_000_000, -1],
                problems: vec!["rebuilt".into()],
                problem_wordings: vec![Wording::new("error_index_rebuilt", vec![])],
            },
            Response::EntrySaved { entry: entry("saved") },
            Response::Entries { entries: vec![entry("a"), entry("b").to_tombstone()], unreadable: vec!["3–9 March".into()], unreadable_wordings: vec![] },
            Response::Entries {
                entries: vec![],
                unreadable: vec!["3–9 March".into()],
                unreadable_wordings: vec![Wording::new("error_corrupt_segment", vec!["3–9 March 2026".into()])],
            },
            Response::Draft { draft: None },
            Response::Draft { draft: Some(json!({"intensity": 6, "time": null})) },
            Response::Settings { settings: Settings::default() },
            Response::RecoveryCode { recovery_code: "WXYZ".into() },
            Response::KdfMeasured { current: KdfParams::DEFAULT, current_ms: 190, proposed: KdfParams::DEFAULT, proposed_ms: 1010 },
            Response::ExportReady { total_bytes: 29_200_000, piece_count: 7, entry_count: 100_000 },
            Response::BundlePiece { index: 1, data: "AAEC".into() },
            Response::ImportPreviewed { entries: 2, deleted: 1, first_date: Some("2026-03-03".into()), last_date: Some("2026-03-09".into()), exported_at: 1_790_000_000_000 },
            Response::ImportPreviewed { entries: 0, deleted: 0, first_date: None, last_date: None, exported_at: 0 },
            Response::ImportRejected { reason: ImportProblem::Truncated, message: "cut short".into() },
            Response::Imported { added: 1, updated: 2, deleted: 3, unchanged: 4 },
            Response::Done,
            Response::Locked,
            Response::Error { code: ErrorCode::StorageFull, message: "full".into(), key: String::new(), args: vec![] },
            Response::error(ErrorCode::Corrupt, "w".into(), Wording::new("error_corrupt_segment", vec!["2–8 March 2026".into()])),
        ];
        every_variant_round_trips(&samples, Response::VARIANTS);
    }

    #[test]
    fn every_worker_event_round_trips() {
        let samples = [WorkerEvent::Locked { reason: LockReason::ScreenLocked }, WorkerEvent::Vanished];
        every_variant_round_trips(&samples, WorkerEvent::VARIANTS);
        let broadcast = serde_json::to_string(&EventEnvelope::new(WorkerEvent::Vanished)).unwrap();
        assert_eq!(serde_json::from_str::<EventEnvelope>(&broadcast).unwrap().event, WorkerEvent::Vanished);
    }

    #[test]
    fn a_tagged_object_must_name_its_type_first_when_read_in_order() {
        // Read by name (Wasm), any order works; read in document order, `type` must come first.
        let sorted = json!({"nonce": "n", "type": "ping"});
        assert_eq!(by_name::<Request>(&sorted).unwrap(), Request::Ping { nonce: "n".into() });
        let error = serde_json::from_str::<Request>(r#"{"nonce": "n", "type": "ping"}"#).unwrap_err();
        assert!(error.to_string().contains(r#"a Request needs its "type" member first, before "nonce""#), "{error}");
        let error = by_name::<Request>(&json!({"nonce": "n"})).unwrap_err();
        assert!(error.to_string().contains(r#"needs its "type" member first"#), "{error}");
        let error = by_name::<Request>(&json!({})).unwrap_err();
        assert!(error.to_string().contains("missing field `type`"), "{error}");
        let error = by_name::<Response>(&json!({"type": "pong", "nonce": "n"})).unwrap_err();
        assert!(error.to_string().contains("missing field `worker_version`"), "{error}");
        // Members of other variants are not this variant's business, as with serde's own reader.
        let status = by_name::<Request>(&json!({"type": "status", "nonce": "n"})).unwrap();
        assert_eq!(status, Request::Status);
    }

    #[test]
    fn every_member_is_in_the_list_a_reader_by_name_is_given() {
        let members = Request::members();
        assert_eq!(members[0], "type");
        let unique: BTreeSet<_> = members.iter().collect();
        assert_eq!(unique.len(), members.len(), "each member once: {members:?}");
        for name in ["nonce", "passphrase", "entry", "previous", "edited", "query", "draft", "total_bytes", "data"] {
            assert!(members.contains(&name), "{name}");
        }
        assert_eq!(WorkerEvent::members(), ["type", "reason"]);
    }

    #[test]
    fn requests_use_a_stable_tagged_json_shape() {
        let json = serde_json::to_value(Envelope::new(Request::Ping { nonce: "n1".into() })).unwrap();
        assert_eq!(json, serde_json::json!({"v": PROTOCOL_VERSION, "body": {"type": "ping", "nonce": "n1"}}));
        let status: Envelope<Request> = serde_json::from_value(serde_json::json!({"v": 1, "body": {"type": "status"}})).unwrap();
        assert_eq!(status.body, Request::Status);
    }

    #[test]
    fn responses_round_trip() {
        for response in [
            Response::Pong { nonce: "x".into(), worker_version: "0.1.0".into() },
            Response::Status { state: VaultState::Locked },
            Response::Locked,
            Response::Error { code: ErrorCode::Forbidden, message: "no".into(), key: String::new(), args: vec![] },
        ] {
            let text = serde_json::to_string(&Envelope::new(response.clone())).unwrap();
            let back: Envelope<Response> = serde_json::from_str(&text).unwrap();
            assert_eq!(back.body, response);
        }
    }

    #[test]
    fn transfer_messages_use_snake_case_tags() {
        let json = serde_json::to_value(Request::ExportBundle { passphrase: "p".into(), is_vault_passphrase: true }).unwrap();
        assert_eq!(json, serde_json::json!({"type": "export_bundle", "passphrase": "p", "is_vault_passphrase": true}));
        let rejected = Response::ImportRejected { reason: ImportProblem::WrongPassphrase, message: "m".into() };
        let json = serde_json::to_value(&rejected).unwrap();
        assert_eq!(json["reason"], "wrong_passphrase");
        let back: Response = by_name(&json).unwrap();
        assert_eq!(back, rejected);
        let commit: Request = by_name(&serde_json::json!({"type": "import_commit"})).unwrap();
        assert_eq!(commit, Request::ImportCommit);
    }

    #[test]
    fn strength_messages_carry_plain_argon2_parameters() {
        let params = KdfParams { m_cost_kib: 65536, t_cost: 12, p_cost: 1 };
        let json = serde_json::to_value(Request::SetKdfParams { passphrase: "p".into(), params }).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "set_kdf_params", "passphrase": "p", "params": {"m_cost_kib": 65536, "t_cost": 12, "p_cost": 1}})
        );
        let measured = Response::KdfMeasured { current: KdfParams::DEFAULT, current_ms: 190, proposed: params, proposed_ms: 1010 };
        let back: Response = by_name(&serde_json::to_value(&measured).unwrap()).unwrap();
        assert_eq!(back, measured);
    }

    #[test]
    fn worker_events_never_read_as_requests_or_responses() {
        let locked = serde_json::to_value(EventEnvelope::new(WorkerEvent::Locked { reason: LockReason::Inactivity })).unwrap();
        assert_eq!(locked, serde_json::json!({"v": PROTOCOL_VERSION, "event": {"type": "locked", "reason": "inactivity"}}));
        assert!(serde_json::from_value::<Envelope<Request>>(locked.clone()).is_err());
        assert!(serde_json::from_value::<Envelope<Response>>(locked).is_err());
        let request = serde_json::to_value(Envelope::new(Request::Status)).unwrap();
        assert!(serde_json::from_value::<EventEnvelope>(request).is_err());
    }

    #[test]
    fn unknown_request_types_are_rejected_not_guessed() {
        let result: Result<Envelope<Request>, _> =
            serde_json::from_value(serde_json::json!({"v": 1, "body": {"type": "export_everything"}}));
        assert!(result.is_err());
    }

    #[test]
    fn an_error_without_a_wording_still_reads_and_one_with_it_reads_back() {
        // A worker from before `key`/`args` existed sends neither; pages read it with empty ones.
        let old: Response = by_name(&json!({"type": "error", "code": "corrupt", "message": "m"})).unwrap();
        assert_eq!(old, Response::Error { code: ErrorCode::Corrupt, message: "m".into(), key: String::new(), args: vec![] });
        let said = Response::error(ErrorCode::Corrupt, "m".into(), Wording::new("error_corrupt_manifest_chunk", vec!["2026".into()]));
        let json = serde_json::to_value(&said).unwrap();
        assert_eq!(json, json!({"type": "error", "code": "corrupt", "message": "m", "key": "error_corrupt_manifest_chunk", "args": ["2026"]}));
        assert_eq!(by_name::<Response>(&json).unwrap(), said);
        let unlocked: Response = by_name(&json!({"type": "unlocked", "failed_attempts": [], "problems": ["p"]})).unwrap();
        assert_eq!(unlocked, Response::Unlocked { failed_attempts: vec![], problems: vec!["p".into()], problem_wordings: vec![] });
    }

    #[test]
    fn a_stale_page_gets_a_version_mismatch_answer() {
        let stale = Envelope { v: PROTOCOL_VERSION + 1, body: Request::Status };
        match check_version(&stale) {
            Err(Response::Error { code: ErrorCode::VersionMismatch, message, key, args }) => {
                assert!(message.contains("reopen"));
                assert_eq!((key.as_str(), args.len()), ("error_version_mismatch", 2));
            }
            other => panic!("expected a version mismatch, got {other:?}"),
        }
        assert!(check_version(&Envelope::new(Request::Status)).is_ok());
    }
}
