//! Sotto's vault: everything a user's privacy rests on, with no browser dependency.
//!
//! The byte-level formats are specified in `docs/format.md`; this crate is their reference
//! implementation. Nothing here panics on data that came from outside: storage, bundles and typed
//! input all come back as [`VaultError`] / [`BundleError`] values.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

mod aead;
pub mod bundle;
pub mod calendar;
pub mod entry;
pub mod error;
pub mod keys;
pub mod record;
pub mod recovery;
pub mod vocabulary;

#[cfg(test)]
mod kat;

pub use bundle::BundleError;
pub use error::VaultError;
