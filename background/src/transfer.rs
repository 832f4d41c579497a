//! Export and import of encrypted bundles for the options page.
//!
//! A bundle of 100,000 entries is about 30 MB and runtime messages are JSON, so the bytes travel
//! in base64 pieces of [`BUNDLE_PIECE_BYTES`]: export builds the whole bundle here and the page
//! fetches it piece by piece; import receives the pieces, then verifies and decrypts everything
//! (the preview) before the journal is touched, and merges only on an explicit commit.
//!
//! The options page moves the bytes themselves with `fetch` ([`EXPORT_PATH`], [`IMPORT_PATH`]),
//! which this worker answers (`background.js`); the pieces remain for other callers.
//!
//! What is held here between requests: the export's bytes (encrypted under the export
//! passphrase), the import's received bytes (encrypted), and after a successful preview the
//! decrypted entries. All of it is forgotten on lock ([`forget`]), so a decrypted import never
//! outlives the session that opened it.

use std::cell::RefCell;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use crate::errors::{Failure, said, sentence, to_response};
use crate::session::Session;
use sotto_glue::protocol::{BUNDLE_PIECE_BYTES, ErrorCode, ImportProblem, Request, Response, decode_piece, encode_piece};
use sotto_glue::secret::Secret;
use sotto_glue::storage::ChromeStore;
use sotto_vault::report::local_date_time;
use sotto_vault::bundle::{BundleHeader, DEFAULT_CHUNK_SIZE, decrypt_bundle_with_root, encrypt_bundle_with_root};
use sotto_vault::{BundleError, Entry, UnlockedVault, VaultError};
use zeroize::Zeroize;

/// The largest bundle accepted for import: far above any real journal (100,000 entries ≈ 30 MB),
/// low enough that a wrong size cannot make the worker reserve gigabytes.
const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

enum Import {
    Nothing,
    Receiving { total: usize, next_index: u32, bytes: Vec<u8> },
    Previewed { entries: Vec<Entry> },
}

impl Drop for Import {
    /// Decrypted entries are wiped, not just freed, whenever a preview is dropped: on lock, on
    /// cancel, or when another import replaces it (Wasm memory is only ever reused, so freed
    /// bytes would stay readable in a heap dump of the worker).
    fn drop(&mut self) {
        if let Import::Previewed { entries } = self {
            entries.iter_mut().for_each(Zeroize::zeroize);
        }
    }
}

struct Transfers {
    export: Option<Vec<u8>>,
    import: Import,
}

thread_local! {
    static TRANSFERS: RefCell<Transfers> = const { RefCell::new(Transfers { export: None, import: Import::Nothing }) };
}

/// The export's bytes for the options page's `fetch` of [`EXPORT_PATH`], which `background.js`
/// answers from the worker: one copy out of Wasm memory, with no base64 and no JSON on the way
/// (the piece-by-piece messages cost ~1.6 s for 100,000 entries). `None` when no export waits.
#[wasm_bindgen]
pub fn export_bytes() -> Option<Uint8Array> {
    TRANSFERS.with(|t| t.borrow().export.as_deref().map(Uint8Array::from))
}

/// The body of the options page's `POST` to [`IMPORT_PATH`]: the whole file at once, instead
/// of base64 pieces. Accepted only after `ImportBegin` (which needs the journal unlocked)
/// announced exactly this many bytes and before any piece arrived; false otherwise.
#[wasm_bindgen]
pub fn import_bytes(body: Uint8Array) -> bool {
    TRANSFERS.with(|t| {
        let mut t = t.borrow_mut();
        match &mut t.import {
            Import::Receiving { total, next_index: 0, bytes } if bytes.is_empty() && body.length() as usize == *total => {
                bytes.resize(*total, 0);
                body.copy_to(bytes);
                true
            }
            _ => {
                t.import = Import::Nothing;
                false
            }
        }
    })
}

/// Forgets every export and import in progress (called when the journal locks).
pub fn forget() {
    TRANSFERS.with(|t| {
        let mut t = t.borrow_mut();
        t.export = None;
        t.import = Import::Nothing;
    });
}

/// Whether this module answers `request`.
pub fn handles(request: &Request) -> bool {
    matches!(
        request,
        Request::ExportBundle { .. }
            | Request::ExportChunk { .. }
            | Request::ExportFinish
            | Request::ImportBegin { .. }
            | Request::ImportChunk { .. }
            | Request::ImportPreview { .. }
            | Request::ImportCommit
            | Request::ImportCancel
    )
}

/// Answers one export or import request. Everything here needs the journal unlocked.
pub async fn answer(session: &mut Session, request: Request) -> Response {
    let Some(vault) = session.vault.as_mut() else {
        forget();
        return Response::Locked;
    };
    match request {
        Request::ExportBundle { passphrase, is_vault_passphrase } => export(vault, passphrase, is_vault_passphrase).await,
        Request::ExportChunk { index } => export_piece(index),
        Request::ExportFinish => {
            TRANSFERS.with(|t| t.borrow_mut().export = None);
            Response::Done
        }
        Request::ImportBegin { total_bytes } => import_begin(total_bytes),
        Request::ImportChunk { index, data } => import_piece(index, &data),
        Request::ImportPreview { passphrase } => import_preview(passphrase).await,
        Request::ImportCommit => import_commit(vault).await,
        Request::ImportCancel => {
            TRANSFERS.with(|t| t.borrow_mut().import = Import::Nothing);
            Response::Done
        }
        _ => said(ErrorCode::BadRequest, "error_not_a_transfer", vec![], "This request is not an export or import.".into()),
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn piece_count(total: usize) -> u32 {
    u32::try_from(total.div_ceil(BUNDLE_PIECE_BYTES).max(1)).unwrap_or(u32::MAX)
}

async fn export(vault: &UnlockedVault<ChromeStore>, passphrase: Secret, is_vault_passphrase: bool) -> Response {
    TRANSFERS.with(|t| t.borrow_mut().export = None);
    if passphrase.is_empty() {
        return said(ErrorCode::Invalid, "error_backup_passphrase_empty", vec![], "A backup needs a passphrase.".into());
    }
    // Reading every week from storage (done by the browser, off this thread) and the Argon2id
    // runs (on this thread) are the export's largest costs and need nothing from each other: the
    // read is asked for first, the key work happens while the browser reads.
    let keys = async {
        if is_vault_passphrase {
            // A typo here would make a backup that nobody can open: check it against the journal
            // this session unlocked.
            let root = crate::kdf::derive(passphrase.clone(), vault.passphrase_kdf_input()).await?;
            if !vault.passphrase_root_opens(&root) {
                return Err(Failure::Vault(VaultError::WrongPassphrase));
            }
        }
        // Argon2id in a throwaway instance, for a fresh bundle salt. The backup is as hard to
        // guess as the journal: the strength chosen in the settings.
        crate::kdf::derive_for_new_passphrase(passphrase, vault.kdf_params()).await
    };
    let contents = async { vault.export_contents(now_ms()).await.map(Decrypted).map_err(Failure::Vault) };
    // The first failure ends both: a mistyped passphrase does not wait for the whole journal.
    let (contents, root) = match futures_util::future::try_join(contents, keys).await {
        Ok(both) => both,
        Err(failure) => return failure.response(),
    };
    let sealed = encrypt_bundle_with_root(&contents.0, &root, DEFAULT_CHUNK_SIZE);
    drop(contents);
    let bytes = match sealed {
        Ok(bytes) => bytes,
        Err(error) => return to_response(&VaultError::from(error)),
    };
    let entry_count = vault.stored_entry_count();
    let total_bytes = bytes.len() as u64;
    let piece_count = piece_count(bytes.len());
    TRANSFERS.with(|t| t.borrow_mut().export = Some(bytes));
    Response::ExportReady { total_bytes, piece_count, entry_count }
}

/// The whole journal, decrypted for a bundle: wiped, not just freed, when dropped — after sealing,
/// or when the export stops early (wrong passphrase, lock).
struct Decrypted(sotto_vault::BundleContents);

impl Drop for Decrypted {
    fn drop(&mut self) {
        self.0.entries.iter_mut().for_each(Zeroize::zeroize);
    }
}

fn export_piece(index: u32) -> Response {
    TRANSFERS.with(|t| {
        let t = t.borrow();
        let Some(bytes) = t.export.as_ref() else {
            return said(ErrorCode::Invalid, "error_no_export", vec![], "There is no export in progress; export again.".into());
        };
        let start = (index as usize).saturating_mul(BUNDLE_PIECE_BYTES);
        let end = start.saturating_add(BUNDLE_PIECE_BYTES).min(bytes.len());
        match bytes.get(start..end) {
            Some(piece) if index < piece_count(bytes.len()) => Response::BundlePiece { index, data: encode_piece(piece) },
            _ => said(ErrorCode::BadRequest, "error_no_such_piece", vec![index.to_string()], format!("The export has no piece {index}.")),
        }
    })
}

fn rejected(reason: ImportProblem, message: impl Into<String>) -> Response {
    Response::ImportRejected { reason, message: message.into() }
}

fn import_begin(total_bytes: u64) -> Response {
    if total_bytes > MAX_IMPORT_BYTES {
        return said(ErrorCode::Invalid, "error_import_too_large", vec![], "This file is far larger than any Sotto backup.".into());
    }
    let total = usize::try_from(total_bytes).unwrap_or(usize::MAX);
    TRANSFERS.with(|t| t.borrow_mut().import = Import::Receiving { total, next_index: 0, bytes: Vec::with_capacity(total) });
    Response::Done
}

fn import_piece(index: u32, data: &str) -> Response {
    TRANSFERS.with(|t| {
        let mut t = t.borrow_mut();
        let Import::Receiving { total, next_index, bytes } = &mut t.import else {
            return rejected(ImportProblem::Incomplete, "The file's pieces arrived out of order; choose the file again.");
        };
        let fits = |piece: &Vec<u8>| bytes.len().saturating_add(piece.len()) <= *total;
        match decode_piece(data) {
            Some(piece) if index == *next_index && fits(&piece) => {
                bytes.extend_from_slice(&piece);
                *next_index += 1;
                Response::Done
            }
            _ => {
                t.import = Import::Nothing;
                rejected(ImportProblem::Incomplete, "The file's pieces arrived out of order; choose the file again.")
            }
        }
    })
}

/// Which of the page's messages fits a bundle error.
pub fn problem_of(error: &BundleError) -> ImportProblem {
    match error {
        BundleError::NotABundle => ImportProblem::NotABundle,
        BundleError::UnsupportedVersion { .. } | BundleError::UnsupportedPayloadVersion { .. } => ImportProblem::UnsupportedVersion,
        BundleError::Truncated => ImportProblem::Truncated,
        BundleError::WrongPassphrase => ImportProblem::WrongPassphrase,
        // Parameters and chunk size sit in the header, which only its tag (checked after the KDF)
        // vouches for: out-of-range values mean the header was damaged or forged.
        BundleError::InvalidParams(_) | BundleError::InvalidChunkSize(_) | BundleError::CorruptChunk { .. } | BundleError::Randomness => {
            ImportProblem::Damaged
        }
        // Authentic, so written by a faulty program (or one far larger than any journal).
        BundleError::InvalidPayload { .. } | BundleError::InvalidCompression | BundleError::TooLarge => ImportProblem::InvalidContents,
    }
}

fn bundle_rejected(error: BundleError) -> Response {
    rejected(problem_of(&error), sentence(&VaultError::Bundle(error)))
}

/// Why the received bytes cannot be read (yet).
enum NotReceived {
    Partly,
    Nothing,
}

impl NotReceived {
    fn response(self) -> Response {
        match self {
            NotReceived::Partly => rejected(ImportProblem::Incomplete, "Only part of the file arrived; choose the file again."),
            NotReceived::Nothing => rejected(ImportProblem::NothingToImport, "Choose a backup file first."),
        }
    }
}

/// The received bytes, once all of them are here.
fn with_received<T>(use_them: impl FnOnce(&[u8]) -> T) -> Result<T, NotReceived> {
    TRANSFERS.with(|t| match &t.borrow().import {
        Import::Receiving { total, bytes, .. } if bytes.len() == *total => Ok(use_them(bytes)),
        Import::Receiving { .. } => Err(NotReceived::Partly),
        Import::Previewed { .. } | Import::Nothing => Err(NotReceived::Nothing),
    })
}

async fn import_preview(passphrase: Secret) -> Response {
    // The header needs no key: it names the salt and parameters for Argon2id, which runs in a
    // throwaway instance (a hostile file's parameters were range-checked by the parse).
    let header = match with_received(BundleHeader::parse) {
        Ok(Ok(header)) => header,
        Ok(Err(error)) => return bundle_rejected(error),
        Err(not_received) => return not_received.response(),
    };
    let root = match crate::kdf::derive(passphrase, header.kdf_input()).await {
        Ok(root) => root,
        Err(failure) => return failure.response(),
    };
    // The received bytes stay on failure, so a mistyped passphrase can simply be typed again.
    let opened = match with_received(|bytes| decrypt_bundle_with_root(bytes, &root)) {
        Ok(opened) => opened,
        Err(not_received) => return not_received.response(),
    };
    TRANSFERS.with(|t| {
        let mut t = t.borrow_mut();
        let contents = match opened {
            Ok(contents) => contents,
            Err(error) => return bundle_rejected(error),
        };
        let live: Vec<&Entry> = contents.entries.iter().filter(|e| !e.deleted).collect();
        let local_date = |e: &&Entry| (local_date_time(e.occurred_at, e.utc_offset_minutes).0, e.occurred_at);
        let first_date = live.iter().map(local_date).min().map(|(date, _)| date);
        let last_date = live.iter().map(local_date).max().map(|(date, _)| date);
        let preview = Response::ImportPreviewed {
            entries: live.len() as u64,
            deleted: (contents.entries.len() - live.len()) as u64,
            first_date,
            last_date,
            exported_at: contents.exported_at,
        };
        t.import = Import::Previewed { entries: contents.entries };
        preview
    })
}

async fn import_commit(vault: &mut UnlockedVault<ChromeStore>) -> Response {
    let mut taken = TRANSFERS.with(|t| std::mem::replace(&mut t.borrow_mut().import, Import::Nothing));
    let Import::Previewed { entries } = &mut taken else {
        return rejected(ImportProblem::NothingToImport, "Nothing was verified for import; choose the file again.");
    };
    // Into the journal: from here they are the vault's, like every saved entry.
    let entries = std::mem::take(entries);
    match vault.import_entries(entries).await {
        Ok(report) => Response::Imported {
            added: report.added as u64,
            updated: report.updated as u64,
            deleted: report.deleted as u64,
            unchanged: report.unchanged as u64,
        },
        // Every entry is validated before anything is written: an invalid one means nothing changed.
        Err(VaultError::InvalidEntry(problem)) => rejected(ImportProblem::InvalidContents, format!("An entry in this backup is invalid ({problem}); nothing was imported.")),
        Err(error) => to_response(&error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bundle_error_has_its_own_problem() {
        assert_eq!(problem_of(&BundleError::Truncated), ImportProblem::Truncated);
        assert_eq!(problem_of(&BundleError::WrongPassphrase), ImportProblem::WrongPassphrase);
        assert_eq!(problem_of(&BundleError::CorruptChunk { index: 2 }), ImportProblem::Damaged);
        assert_eq!(problem_of(&BundleError::NotABundle), ImportProblem::NotABundle);
        assert_eq!(piece_count(0), 1);
        assert_eq!(piece_count(BUNDLE_PIECE_BYTES), 1);
        assert_eq!(piece_count(BUNDLE_PIECE_BYTES + 1), 2);
    }
}
