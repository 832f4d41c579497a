//! Errors. Each variant says what happened; its `Display` says it in words a user can act on.

use core::fmt;

use crate::calendar::IsoWeek;

/// A record of the vault, named precisely enough to tell the user what was lost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordName {
    /// The plaintext vault header (key wraps and KDF parameters).
    Header,
    /// The root of the encrypted index (names the header, the settings and the chunks).
    Manifest,
    /// The part of the encrypted index that lists one ISO week-year's segments.
    ManifestChunk { year: i32 },
    /// The encrypted settings record.
    Settings,
    /// One part of one week's entries.
    Segment { week: IsoWeek, part: u16 },
    /// A failed-unlock record of the activity log.
    ActivityLog,
}

impl fmt::Display for RecordName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordName::Header => f.write_str("the vault header"),
            RecordName::Manifest => f.write_str("the vault's index of weeks"),
            RecordName::ManifestChunk { year } => write!(f, "the vault's index of the weeks of {year}"),
            RecordName::Settings => f.write_str("your settings"),
            RecordName::Segment { week, .. } => write!(f, "entries from {}", week.describe_range()),
            RecordName::ActivityLog => f.write_str("a record of a failed unlock attempt"),
        }
    }
}

/// Which versioned thing carried an unknown version number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Component {
    /// The vault header's format version.
    VaultHeader,
    /// A stored record's format byte.
    Record(RecordName),
    /// An export bundle's format version.
    Bundle,
    /// The JSON payload inside a bundle.
    BundlePayload,
}

/// KDF parameters outside what Argon2id or this reader accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamsError {
    /// Memory (KiB) below 8 KiB per lane or above 1 GiB.
    Memory(u32),
    /// Passes: 1..=64.
    Passes(u32),
    /// Lanes: 1..=16.
    Lanes(u32),
    /// Unknown KDF algorithm byte.
    Algorithm(u8),
}

impl fmt::Display for ParamsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamsError::Memory(m) => write!(f, "Argon2 memory of {m} KiB is outside 8 KiB per lane to 1 GiB"),
            ParamsError::Passes(t) => write!(f, "Argon2 pass count {t} is outside 1 to 64"),
            ParamsError::Lanes(p) => write!(f, "Argon2 lane count {p} is outside 1 to 16"),
            ParamsError::Algorithm(a) => write!(f, "key derivation algorithm {a} is unknown"),
        }
    }
}

/// What was wrong with a typed recovery code before any key was tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecoveryCodeError {
    InvalidCharacter { position: usize, character: char },
    WrongLength { found: usize, expected: usize },
}

impl fmt::Display for RecoveryCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecoveryCodeError::InvalidCharacter { position, character } => write!(
                f,
                "the recovery code cannot contain '{character}' (character {}); it uses digits and letters except U",
                position + 1
            ),
            RecoveryCodeError::WrongLength { found, expected } => write!(
                f,
                "the recovery code has {found} characters but should have {expected}; check for a missing or repeated group"
            ),
        }
    }
}

/// Failures of the key-value store underneath the vault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The browser's storage quota is exhausted. Nothing from the failed write was kept.
    QuotaExceeded,
    /// Any other storage failure, with the store's own message.
    Other(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::QuotaExceeded => f.write_str(
                "the browser's storage for Sotto is full, so nothing was saved; export a backup and free some space",
            ),
            StoreError::Other(msg) => write!(f, "the browser's storage failed ({msg}); nothing was saved, try again"),
        }
    }
}

impl std::error::Error for StoreError {}

/// An entry field outside its allowed range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidationError {
    /// A 0–10 rating above 10; `field` is the JSON field name.
    RatingOutOfRange { field: &'static str, value: u8 },
    /// UTC offset outside −14:00…+14:00.
    OffsetOutOfRange(i16),
    /// A time before 1900 or after 2200.
    TimeOutOfRange { field: &'static str, value: i64 },
    /// Sleep hours negative, above 24, or not a number.
    SleepHoursOutOfRange,
    /// The entry id is not 32 lowercase hex characters.
    InvalidId,
    /// A tombstone that still carries content.
    TombstoneWithContent,
    /// Revision 0 is reserved for "never saved".
    ZeroRevision,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::RatingOutOfRange { field, value } => write!(f, "{field} is {value}, but ratings go from 0 to 10"),
            ValidationError::OffsetOutOfRange(m) => write!(f, "time-zone offset of {m} minutes is outside −14:00 to +14:00"),
            ValidationError::TimeOutOfRange { field, .. } => write!(f, "{field} is not a plausible date"),
            ValidationError::SleepHoursOutOfRange => f.write_str("hours of sleep must be between 0 and 24"),
            ValidationError::InvalidId => f.write_str("the entry id is malformed"),
            ValidationError::TombstoneWithContent => f.write_str("a deleted entry must not keep its content"),
            ValidationError::ZeroRevision => f.write_str("revision 0 is not a saved revision"),
        }
    }
}

/// Everything the vault can report.
#[derive(Debug, PartialEq, Eq)]
pub enum VaultError {
    /// There is no vault in this store yet.
    NoVault,
    /// A vault already exists; creating another would destroy it.
    AlreadyExists,
    /// The passphrase does not unlock this vault (or the header's passphrase wrap was changed).
    WrongPassphrase,
    /// The recovery code does not unlock this vault (or the header's recovery wrap was changed).
    WrongRecoveryCode,
    /// The recovery code is not even shaped like one.
    MalformedRecoveryCode(RecoveryCodeError),
    /// A record failed authentication: it was changed, damaged, or copied from elsewhere.
    Corrupt { record: RecordName },
    /// A record authenticates but is older than (or different from) the one the manifest names:
    /// someone restored an old copy of it.
    RolledBack { record: RecordName },
    /// The manifest had been replaced by an older copy that hid weeks saved since; it was rebuilt
    /// from the segments themselves and nothing was lost (reported at unlock).
    IndexRebuilt,
    /// The vault header is not the one the manifest root pins: it was altered, or an older copy
    /// (e.g. from before a passphrase change) was put back. Entries are unaffected (reported at
    /// unlock, until a new header is written).
    HeaderReplaced,
    /// The manifest names a record that is not in storage.
    Missing { record: RecordName },
    /// Shorter than the smallest valid encoding.
    Truncated { record: RecordName },
    /// Written by a newer (or unknown) version of Sotto.
    UnsupportedVersion { what: Component, found: u32, supported: u32 },
    /// KDF parameters rejected.
    InvalidParams(ParamsError),
    /// An entry failed validation; nothing was saved.
    InvalidEntry(ValidationError),
    /// No entry with that id where it was expected.
    EntryNotFound,
    /// The entry changed since it was read (another window saved it); reload and edit again.
    Conflict { stored_revision: u64 },
    /// The storage underneath failed.
    Storage(StoreError),
    /// The operating system's random number generator failed; nothing was written.
    Randomness,
    /// A single value too large to encode (over 4 GiB).
    TooLarge,
    /// Exporting or importing a bundle failed.
    Bundle(crate::bundle::BundleError),
}

impl fmt::Display for VaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VaultError::NoVault => f.write_str("there is no journal here yet; create one or import a backup"),
            VaultError::AlreadyExists => f.write_str("a journal already exists here; it was left untouched"),
            VaultError::WrongPassphrase => f.write_str("that passphrase does not unlock this journal; check caps lock and try again, or use your recovery code"),
            VaultError::WrongRecoveryCode => f.write_str("that recovery code does not unlock this journal; check each group against your copy"),
            VaultError::MalformedRecoveryCode(e) => write!(f, "{e}"),
            VaultError::Corrupt { record } => write!(f, "{record} could not be read: the stored data is damaged or was altered; the rest of the journal is unaffected"),
            VaultError::IndexRebuilt => f.write_str(
                "the vault's index of weeks had been replaced by an older copy that hid recent entries; Sotto rebuilt it from the entries themselves and nothing was lost, but something altered this browser's storage",
            ),
            VaultError::HeaderReplaced => f.write_str(
                "the vault header, which holds the locks for your passphrase and recovery code, is not the one Sotto last wrote: it was altered or an older copy was put back (for instance from before a passphrase change); your entries are intact, but something altered this browser's storage: change your passphrase and your recovery code, which writes a new header and ends this warning",
            ),
            VaultError::RolledBack { record } => write!(f, "{record} was replaced by an older copy; the newer version is not in this browser's storage"),
            VaultError::Missing { record } => write!(f, "{record} is missing from this browser's storage"),
            VaultError::Truncated { record } => write!(f, "{record} is cut short and could not be read"),
            VaultError::UnsupportedVersion { what, found, supported } => {
                let what = match what {
                    Component::VaultHeader => "this journal".to_string(),
                    Component::Record(r) => r.to_string(),
                    Component::Bundle => "this backup file".to_string(),
                    Component::BundlePayload => "the contents of this backup file".to_string(),
                };
                if found < supported {
                    // Only pre-release builds wrote older formats (nothing to migrate yet).
                    write!(f, "{what} uses format version {found}, written by a pre-release of Sotto; this version reads format {supported} only")
                } else {
                    write!(f, "{what} uses format version {found}, but this version of Sotto reads up to {supported}; update Sotto")
                }
            }
            VaultError::InvalidParams(e) => write!(f, "{e}"),
            VaultError::InvalidEntry(e) => write!(f, "the entry was not saved: {e}"),
            VaultError::EntryNotFound => f.write_str("that entry no longer exists"),
            VaultError::Conflict { .. } => f.write_str("this entry was changed elsewhere since you opened it; reopen it and edit again"),
            VaultError::Storage(e) => write!(f, "{e}"),
            VaultError::Randomness => f.write_str("the system's random number generator failed; nothing was saved"),
            VaultError::TooLarge => f.write_str("this is too large to store"),
            VaultError::Bundle(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for VaultError {}

impl From<StoreError> for VaultError {
    fn from(e: StoreError) -> Self {
        VaultError::Storage(e)
    }
}

impl From<ParamsError> for VaultError {
    fn from(e: ParamsError) -> Self {
        VaultError::InvalidParams(e)
    }
}

impl From<ValidationError> for VaultError {
    fn from(e: ValidationError) -> Self {
        VaultError::InvalidEntry(e)
    }
}

impl From<crate::bundle::BundleError> for VaultError {
    fn from(e: crate::bundle::BundleError) -> Self {
        VaultError::Bundle(e)
    }
}
