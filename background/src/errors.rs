//! Vault errors in the protocol's terms: a code pages can act on, and a sentence for the user.

use sotto_glue::protocol::{ErrorCode, Response};
use sotto_vault::{StoreError, VaultError};

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
            Failure::KeyDerivation(why) => Response::Error {
                code: ErrorCode::Internal,
                message: format!(
                    "Sotto could not derive the key from the passphrase ({why}). Nothing was changed; reload Sotto from chrome://extensions and try again."
                ),
            },
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
    Response::Error { code, message: sentence(error) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_become_sentences_with_their_own_codes() {
        match to_response(&VaultError::WrongPassphrase) {
            Response::Error { code: ErrorCode::WrongPassphrase, message } => {
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
            Response::Error { code: ErrorCode::Internal, message } => assert!(message.contains("(out of memory)") && message.contains("Nothing was changed"), "{message}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(Failure::from(VaultError::NoVault).response(), Response::Error { code: ErrorCode::NoVault, .. }));
    }
}
