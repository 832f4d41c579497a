//! Vault errors in the protocol's terms: a code pages can act on, and a sentence for the user.

use sotto_glue::protocol::{ErrorCode, Response, Wording};
use sotto_vault::bundle::BundleError;
use sotto_vault::error::{Component, ParamsError, RecoveryCodeError};
use sotto_vault::{RecordName, StoreError, ValidationError, VaultError};

/// The user-facing sentence for a vault error (the vault writes them lower-case, mid-sentence).
pub fn sentence(error: &VaultError) -> String {
    let text = error.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str().trim_end_matches('.')),
        None => String::new(),
    }
}

/// What a request can fail with: the vault's own errors, or the throwaway key-derivation
/// instance (`kdf.rs`) failing, which the vault never sees.
#[derive(Debug)]
pub enum Failure {
    Vault(VaultError),
    /// The Argon2id module could not run (not loaded, out of memory, refused): why, in words.
    KeyDerivation(String),
}

impl From<VaultError> for Failure {
    fn from(error: VaultError) -> Self {
        Failure::Vault(error)
    }
}

impl Failure {
    pub fn response(&self) -> Response {
        match self {
            Failure::Vault(error) => to_response(error),
            Failure::KeyDerivation(why) => Response::error(
                ErrorCode::Internal,
                format!(
                    "Sotto could not derive the key from the passphrase ({why}). Nothing was changed; reload Sotto from chrome://extensions and try again."
                ),
                Wording::new("error_key_derivation", vec![why.clone()]),
            ),
        }
    }
}

pub fn to_response(error: &VaultError) -> Response {
    let code = match error {
        VaultError::NoVault => ErrorCode::NoVault,
        VaultError::AlreadyExists => ErrorCode::VaultExists,
        VaultError::WrongPassphrase => ErrorCode::WrongPassphrase,
        VaultError::WrongRecoveryCode | VaultError::MalformedRecoveryCode(_) => ErrorCode::WrongRecoveryCode,
        VaultError::Corrupt { .. }
        | VaultError::RolledBack { .. }
        | VaultError::Missing { .. }
        | VaultError::Truncated { .. }
        | VaultError::UnsupportedVersion { .. }
        | VaultError::IndexRebuilt
        | VaultError::HeaderReplaced => ErrorCode::Corrupt,
        VaultError::InvalidParams(_) | VaultError::InvalidEntry(_) | VaultError::EntryNotFound | VaultError::Bundle(_) => {
            ErrorCode::Invalid
        }
        VaultError::Conflict { .. } => ErrorCode::Conflict,
        VaultError::Storage(StoreError::QuotaExceeded) => ErrorCode::StorageFull,
        VaultError::Storage(_) | VaultError::Randomness | VaultError::TooLarge => ErrorCode::Internal,
    };
    Response::error(code, sentence(error), wording(error))
}

/// A sentence for the user about a vault error, in English and as a [`Wording`], for the
/// notices an answer carries besides an error (`Unlocked`'s problems).
pub struct Told {
    pub english: String,
    pub wording: Wording,
}

impl Told {
    pub fn of(error: &VaultError) -> Self {
        Told { english: sentence(error), wording: wording(error) }
    }
}

/// An error sentence the worker writes itself (not a vault error), with its key: the English
/// text must be the key's message in `_locales/en` with `args` put in (tests check every key).
pub fn said(code: ErrorCode, key: &str, args: Vec<String>, english: String) -> Response {
    Response::error(code, english, Wording::new(key, args))
}

/// `error` as a `messages.json` key (`error_…`) and its substitutions: the same sentence as
/// [`sentence`] (tests render every variant's English message and compare). What an error is
/// about (which record, which format) is part of the key, not a substitution, so that each
/// language can build its own sentence around it; only numbers, dates and the browser's own
/// words travel as substitutions.
pub fn wording(error: &VaultError) -> Wording {
    let about_record = |kind: &str, record: &RecordName| {
        let (part, args) = record_part(record);
        Wording::new(&format!("error_{kind}_{part}"), args)
    };
    match error {
        VaultError::NoVault => Wording::new("error_no_vault", vec![]),
        VaultError::AlreadyExists => Wording::new("error_already_exists", vec![]),
        VaultError::WrongPassphrase => Wording::new("error_wrong_passphrase", vec![]),
        VaultError::WrongRecoveryCode => Wording::new("error_wrong_recovery_code", vec![]),
        VaultError::MalformedRecoveryCode(RecoveryCodeError::InvalidCharacter { position, character }) => {
            Wording::new("error_recovery_code_character", vec![character.to_string(), (position + 1).to_string()])
        }
        VaultError::MalformedRecoveryCode(RecoveryCodeError::WrongLength { found, expected }) => {
            Wording::new("error_recovery_code_length", vec![found.to_string(), expected.to_string()])
        }
        VaultError::Corrupt { record } => about_record("corrupt", record),
        VaultError::RolledBack { record } => about_record("rolled_back", record),
        VaultError::Missing { record } => about_record("missing", record),
        VaultError::Truncated { record } => about_record("truncated", record),
        VaultError::IndexRebuilt => Wording::new("error_index_rebuilt", vec![]),
        VaultError::HeaderReplaced => Wording::new("error_header_replaced", vec![]),
        VaultError::UnsupportedVersion { what, found, supported } => {
            let (part, record_args) = match what {
                Component::VaultHeader => ("journal", vec![]),
                Component::Record(record) => record_part(record),
                Component::Bundle => ("bundle", vec![]),
                Component::BundlePayload => ("bundle_payload", vec![]),
            };
            // The vault says "pre-release" for a version older than it reads.
            let age = if found < supported { "older" } else { "newer" };
            let mut args = vec![found.to_string(), supported.to_string()];
            args.extend(record_args);
            Wording::new(&format!("error_unsupported_{part}_{age}"), args)
        }
        VaultError::InvalidParams(params) => params_wording("params", params),
        VaultError::InvalidEntry(invalid) => match invalid {
            ValidationError::RatingOutOfRange { field, value } => {
                Wording::new("error_entry_rating", vec![field.to_string(), value.to_string()])
            }
            ValidationError::OffsetOutOfRange(minutes) => Wording::new("error_entry_offset", vec![minutes.to_string()]),
            ValidationError::TimeOutOfRange { field, .. } => Wording::new("error_entry_time", vec![field.to_string()]),
            ValidationError::SleepHoursOutOfRange => Wording::new("error_entry_sleep", vec![]),
            ValidationError::InvalidId => Wording::new("error_entry_id", vec![]),
            ValidationError::TombstoneWithContent => Wording::new("error_entry_tombstone", vec![]),
            ValidationError::ZeroRevision => Wording::new("error_entry_revision", vec![]),
        },
        VaultError::EntryNotFound => Wording::new("error_entry_not_found", vec![]),
        VaultError::Conflict { .. } => Wording::new("error_conflict", vec![]),
        VaultError::Storage(StoreError::QuotaExceeded) => Wording::new("error_storage_full", vec![]),
        VaultError::Storage(StoreError::Other(why)) => Wording::new("error_storage_failed", vec![why.clone()]),
        VaultError::Randomness => Wording::new("error_randomness", vec![]),
        VaultError::TooLarge => Wording::new("error_too_large", vec![]),
        VaultError::Bundle(bundle) => match bundle {
            BundleError::NotABundle => Wording::new("error_bundle_not_a_bundle", vec![]),
            BundleError::UnsupportedVersion { found, supported } => {
                Wording::new("error_bundle_version", vec![found.to_string(), supported.to_string()])
            }
            BundleError::UnsupportedPayloadVersion { found, supported } => {
                Wording::new("error_bundle_payload_version", vec![found.to_string(), supported.to_string()])
            }
            BundleError::Truncated => Wording::new("error_bundle_truncated", vec![]),
            BundleError::InvalidParams(params) => params_wording("bundle_params", params),
            BundleError::InvalidChunkSize(bytes) => Wording::new("error_bundle_chunk_size", vec![bytes.to_string()]),
            BundleError::WrongPassphrase => Wording::new("error_bundle_wrong_passphrase", vec![]),
            BundleError::CorruptChunk { index } => Wording::new("error_bundle_corrupt_chunk", vec![(index + 1).to_string()]),
            BundleError::InvalidCompression => Wording::new("error_bundle_compression", vec![]),
            BundleError::TooLarge => Wording::new("error_bundle_too_large", vec![]),
            // `problem` is the parser's own English (a field name, a JSON error): left as written.
            BundleError::InvalidPayload { line, problem } => {
                Wording::new("error_bundle_payload_invalid", vec![line.to_string(), problem.clone()])
            }
            BundleError::Randomness => Wording::new("error_bundle_randomness", vec![]),
        },
    }
}

/// Which record a message is about, as the end of its key, and the record's substitutions
/// (the year of an index part, the dates of a week as the vault words them).
fn record_part(record: &RecordName) -> (&'static str, Vec<String>) {
    match record {
        RecordName::Header => ("header", vec![]),
        RecordName::Manifest => ("manifest", vec![]),
        RecordName::ManifestChunk { year } => ("manifest_chunk", vec![year.to_string()]),
        RecordName::Settings => ("settings", vec![]),
        RecordName::Segment { week, .. } => ("segment", vec![week.describe_range()]),
        RecordName::ActivityLog => ("activity_log", vec![]),
    }
}

fn params_wording(prefix: &str, params: &ParamsError) -> Wording {
    let (what, value) = match params {
        ParamsError::Memory(kib) => ("memory", kib.to_string()),
        ParamsError::Passes(passes) => ("passes", passes.to_string()),
        ParamsError::Lanes(lanes) => ("lanes", lanes.to_string()),
        ParamsError::Algorithm(algorithm) => ("algorithm", algorithm.to_string()),
    };
    Wording::new(&format!("error_{prefix}_{what}"), vec![value])
}

#[cfg(test)]
mod tests {
    use super::*;
    use sotto_glue::wording::render;

    /// One error of every kind the worker can answer with: each `VaultError` variant, each
    /// nested error's variants, and each record and format a message can be about.
    fn every_vault_error() -> Vec<VaultError> {
        use sotto_vault::calendar::IsoWeek;
        let records = || {
            vec![
                RecordName::Header,
                RecordName::Manifest,
                RecordName::ManifestChunk { year: 2026 },
                RecordName::Settings,
                RecordName::Segment { week: IsoWeek { year: 2026, week: 10 }, part: 0 },
                RecordName::ActivityLog,
            ]
        };
        let params = [ParamsError::Memory(4), ParamsError::Passes(0), ParamsError::Lanes(17), ParamsError::Algorithm(9)];
        let mut errors = vec![
            VaultError::NoVault,
            VaultError::AlreadyExists,
            VaultError::WrongPassphrase,
            VaultError::WrongRecoveryCode,
            VaultError::MalformedRecoveryCode(RecoveryCodeError::InvalidCharacter { position: 4, character: 'U' }),
            VaultError::MalformedRecoveryCode(RecoveryCodeError::WrongLength { found: 20, expected: 24 }),
            VaultError::IndexRebuilt,
            VaultError::HeaderReplaced,
            VaultError::EntryNotFound,
            VaultError::Conflict { stored_revision: 3 },
            VaultError::Storage(StoreError::QuotaExceeded),
            VaultError::Storage(StoreError::Other("QUOTA_BYTES_PER_ITEM quota exceeded".into())),
            VaultError::Randomness,
            VaultError::TooLarge,
        ];
        for record in records() {
            errors.push(VaultError::Corrupt { record: record.clone() });
            errors.push(VaultError::RolledBack { record: record.clone() });
            errors.push(VaultError::Missing { record: record.clone() });
            errors.push(VaultError::Truncated { record });
        }
        let components = [Component::VaultHeader, Component::Bundle, Component::BundlePayload]
            .into_iter()
            .chain(records().into_iter().map(Component::Record));
        for what in components {
            errors.push(VaultError::UnsupportedVersion { what: what.clone(), found: 1, supported: 2 });
            errors.push(VaultError::UnsupportedVersion { what, found: 3, supported: 2 });
        }
        errors.extend(params.iter().map(|p| VaultError::InvalidParams(*p)));
        errors.extend(
            [
                ValidationError::RatingOutOfRange { field: "intensity", value: 11 },
                ValidationError::OffsetOutOfRange(-900),
                ValidationError::TimeOutOfRange { field: "occurred_at", value: 1 },
                ValidationError::SleepHoursOutOfRange,
                ValidationError::InvalidId,
                ValidationError::TombstoneWithContent,
                ValidationError::ZeroRevision,
            ]
            .into_iter()
            .map(VaultError::InvalidEntry),
        );
        errors.extend(
            [
                BundleError::NotABundle,
                BundleError::UnsupportedVersion { found: 9, supported: 2 },
                BundleError::UnsupportedPayloadVersion { found: 9, supported: 1 },
                BundleError::Truncated,
                BundleError::InvalidChunkSize(12),
                BundleError::WrongPassphrase,
                BundleError::CorruptChunk { index: 2 },
                BundleError::InvalidCompression,
                BundleError::TooLarge,
                BundleError::InvalidPayload { line: 7, problem: "missing field `id`".into() },
                BundleError::Randomness,
            ]
            .into_iter()
            .chain(params.iter().map(|p| BundleError::InvalidParams(*p)))
            .map(VaultError::Bundle),
        );
        errors
    }

    fn messages() -> serde_json::Value {
        serde_json::from_str(include_str!("../../extension/_locales/en/messages.json")).expect("messages.json is JSON")
    }

    #[test]
    fn every_error_the_worker_sends_has_its_key_with_the_english_the_user_saw() {
        let messages = messages();
        let mut sent = std::collections::BTreeSet::new();
        for error in every_vault_error() {
            let Response::Error { message, key, args, .. } = to_response(&error) else { panic!("{error:?}") };
            // The English sentence is the vault's own Display, as users read it before keys existed.
            assert_eq!(message, sentence(&error));
            let wording = Wording { key, args };
            assert_eq!(render(&messages, &wording), Ok(message), "{error:?}");
            sent.insert(wording.key);
        }
        for (response, english) in [
            (Failure::KeyDerivation("out of memory".into()).response(), None),
            (said(ErrorCode::Internal, "error_measure_failed", vec!["x".into()], "This device could not be measured: x".into()), None),
            (said(ErrorCode::BadRequest, "error_unreadable_request", vec!["x".into()], "Unreadable request: x".into()), None),
            (crate::strength::check(sotto_vault::KdfParams { m_cost_kib: 1, t_cost: 1, p_cost: 1 }).expect_err("weak"), None),
            (said(ErrorCode::BadRequest, "error_no_such_piece", vec!["3".into()], "The export has no piece 3.".into()), None),
            (Response::Error { code: ErrorCode::Internal, message: String::new(), key: "error_failed_attempt_records_unreadable".into(), args: vec!["2".into()] },
             Some("2 record(s) of failed unlock attempts could not be read: they are damaged or were altered, so there may have been attempts not listed here.")),
        ] {
            let Response::Error { message, key, args, .. } = response else { panic!() };
            let wording = Wording { key, args };
            assert_eq!(render(&messages, &wording).as_deref(), Ok(english.unwrap_or(&message)));
            sent.insert(wording.key);
        }
        // Keys the worker writes as literals (`said(…)`, `Wording::new(…)`): each must be in the
        // locale, and each `error_` message there must be one the worker or a page can send.
        let sources = [
            include_str!("errors.rs"),
            include_str!("handlers.rs"),
            include_str!("lib.rs"),
            include_str!("strength.rs"),
            include_str!("transfer.rs"),
            include_str!("../../glue/src/protocol.rs"),
            include_str!("../../glue/src/client.rs"),
        ];
        for source in sources {
            for literal in source.split('"').filter(|s| {
                s.starts_with("error_") && !s.ends_with('_') && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }) {
                assert!(messages.get(literal).is_some(), "{literal} is sent but not in messages.json");
                sent.insert(literal.to_string());
            }
        }
        let in_locale = messages.as_object().expect("an object").keys().filter(|k| k.starts_with("error_"));
        for key in in_locale {
            assert!(sent.contains(key), "{key} is in messages.json but nothing sends it");
        }
    }

    #[test]
    fn errors_become_sentences_with_their_own_codes() {
        match to_response(&VaultError::WrongPassphrase) {
            Response::Error { code: ErrorCode::WrongPassphrase, message, .. } => {
                assert!(message.starts_with("That passphrase does not unlock"), "{message}");
                assert!(message.ends_with('.'));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            to_response(&VaultError::Storage(StoreError::QuotaExceeded)),
            Response::Error { code: ErrorCode::StorageFull, .. }
        ));
        assert!(matches!(to_response(&VaultError::Conflict { stored_revision: 3 }), Response::Error { code: ErrorCode::Conflict, .. }));
        match Failure::KeyDerivation("out of memory".into()).response() {
            Response::Error { code: ErrorCode::Internal, message, .. } => assert!(message.contains("(out of memory)") && message.contains("Nothing was changed"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(Failure::from(VaultError::NoVault).response(), Response::Error { code: ErrorCode::NoVault, .. }));
    }
}
