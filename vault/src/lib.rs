//! Sotto's vault: everything a user's privacy rests on, with no browser dependency.
//!
//! The byte-level formats are specified in `docs/format.md`; this crate is their reference
//! implementation. Nothing here panics on data that came from outside: storage, bundles and typed
//! input all come back as [`VaultError`] / [`BundleError`] values.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod activity;
mod keep_unknown;
mod aead;
pub mod bundle;
pub mod calendar;
pub mod compress;
pub mod entry;
#[doc(hidden)]
pub mod fuzzing;
pub mod error;
pub mod keys;
pub mod lock;
mod manifest;
pub mod record;
pub mod recovery;
pub mod report;
pub mod settings;
pub mod store;
pub mod vault;
pub mod vocabulary;

#[cfg(test)]
mod kat;

pub use bundle::{BundleContents, BundleError, BundleHeader, decrypt_bundle};
pub use entry::{Entry, EntryId, MedicationTaken, Pattern, RegionPain, merge, wipe_json};
pub use error::{RecordName, StoreError, ValidationError, VaultError};
pub use keys::{KdfInput, KdfParams, Kek, Passphrase, PassphraseRoot, derive_kek, new_salt};
pub use lock::{LockCause, LockPolicy};
pub use recovery::RecoveryCode;
pub use settings::Settings;
pub use store::{KvStore, MemoryStore};
pub use vault::{FailedAttempts, ImportReport, Listing, LockedInfo, UnlockedVault, Vault, VaultHeader, VaultStatus};
pub use vocabulary::{Quality, Region};
