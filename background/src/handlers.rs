//! One function from each request to its response. Every request that needs the vault while it
//! is locked gets [`Response::Locked`], never an error dump.

use crate::errors::{sentence, to_response};
use crate::session::{Session, session};
use sotto_glue::chrome;
use sotto_glue::protocol::{EntryQuery, ErrorCode, Request, Response, VaultState};
use sotto_glue::storage::ChromeStore;
use sotto_vault::{Entry, KdfParams, Passphrase, UnlockedVault, Vault, VaultError, VaultStatus};

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn pong(nonce: String) -> Response {
    Response::Pong { nonce, worker_version: chrome::manifest_version() }
}

pub async fn answer(request: Request) -> Response {
    if let Request::Ping { nonce } = request {
        // Liveness must not wait behind a running unlock.
        return pong(nonce);
    }
    let mut session = session().await;
    let store = ChromeStore::local();
    match request {
        Request::Ping { nonce } => pong(nonce),
        Request::Status => status(&session, &store).await,
        Request::CreateVault { passphrase } => create(&mut session, store, passphrase).await,
        Request::Unlock { passphrase } => unlock(&mut session, store, passphrase).await,
        Request::ResetPassphrase { recovery_code, new_passphrase } => {
            session.lock();
            let opened =
                Vault::unlock_with_recovery_code(store, &recovery_code, &Passphrase::new(new_passphrase), KdfParams::DEFAULT).await;
            finish_unlock(&mut session, opened).await
        }
        Request::Lock => {
            session.lock();
            status(&session, &store).await
        }
        Request::Vanish => {
            // Lock and forget first: whatever else vanishing does must never delay this.
            session.lock();
            Response::Done
        }
        Request::SetDraft { draft } if session.vault.is_some() => {
            session.draft = Some(draft);
            Response::Done
        }
        Request::GetDraft if session.vault.is_some() => Response::Draft { draft: session.draft.clone() },
        // Export and import of encrypted bundles: see transfer.rs.
        request if crate::transfer::handles(&request) => crate::transfer::answer(&mut session, request).await,
        request => match session.vault.as_mut() {
            None => Response::Locked,
            Some(vault) => unlocked(vault, request).await.unwrap_or_else(|error| to_response(&error)),
        },
    }
}

async fn status(session: &Session, store: &ChromeStore) -> Response {
    if session.vault.is_some() {
        return Response::Status { state: VaultState::Unlocked };
    }
    match Vault::status(store).await {
        Ok(VaultStatus::NoVault) => Response::Status { state: VaultState::NoVault },
        Ok(VaultStatus::Locked(_)) => Response::Status { state: VaultState::Locked },
        Err(error) => to_response(&error),
    }
}

async fn create(session: &mut Session, store: ChromeStore, passphrase: String) -> Response {
    session.lock();
    match Vault::create(store, &Passphrase::new(passphrase), KdfParams::DEFAULT).await {
        Ok((vault, code)) => {
            session.vault = Some(vault);
            Response::Created { recovery_code: code.reveal().to_string() }
        }
        Err(error) => to_response(&error),
    }
}

async fn unlock(session: &mut Session, store: ChromeStore, passphrase: String) -> Response {
    // Unlocking again verifies the passphrase afresh rather than trusting an open session.
    session.lock();
    let opened = Vault::unlock_with_passphrase(store.clone(), &Passphrase::new(passphrase)).await;
    if let Err(VaultError::WrongPassphrase) = opened {
        // The time only, sealed so that only the unlocked vault can read it back.
        let _ = Vault::record_failed_attempt(&store, now_ms()).await;
    }
    finish_unlock(session, opened).await
}

async fn finish_unlock(session: &mut Session, opened: Result<UnlockedVault<ChromeStore>, VaultError>) -> Response {
    match opened {
        Ok(mut vault) => {
            let failed_attempts = vault.take_failed_attempts().await.map(|attempts| attempts.times).unwrap_or_default();
            session.vault = Some(vault);
            Response::Unlocked { failed_attempts }
        }
        Err(error) => to_response(&error),
    }
}

async fn unlocked(vault: &mut UnlockedVault<ChromeStore>, request: Request) -> Result<Response, VaultError> {
    Ok(match request {
        Request::SaveEntry { entry } => Response::EntrySaved { entry: vault.save_entry(entry).await? },
        Request::UpdateEntry { previous, edited } => match vault.update_entry(&previous, edited).await {
            Ok(entry) => Response::EntrySaved { entry },
            Err(error) => return Err(moved_is_a_conflict(vault, &previous, error).await),
        },
        Request::DeleteEntry { entry } => match vault.delete_entry(&entry).await {
            Ok(()) => Response::Done,
            Err(error) => return Err(moved_is_a_conflict(vault, &entry, error).await),
        },
        Request::ListEntries { query } => list(vault, &query).await?,
        Request::GetSettings => Response::Settings { settings: vault.settings().await? },
        Request::SetSettings { settings } => {
            vault.set_settings(&settings).await?;
            Response::Settings { settings: vault.settings().await? }
        }
        Request::ChangePassphrase { current, new_passphrase } => {
            verify_passphrase(&current).await?;
            vault.change_passphrase(&Passphrase::new(new_passphrase), KdfParams::DEFAULT).await?;
            Response::Done
        }
        Request::RotateRecoveryCode { passphrase } => {
            verify_passphrase(&passphrase).await?;
            Response::RecoveryCode { recovery_code: vault.rotate_recovery_code().await?.reveal().to_string() }
        }
        // Every other request is answered in `answer` before reaching the vault.
        _ => Response::Error { code: ErrorCode::BadRequest, message: "This request does not go to the vault.".into() },
    })
}

/// The vault looks for an entry in the week its time (as the page read it) says. If another
/// window moved it to another week meanwhile, it is not gone: the page's copy is stale.
async fn moved_is_a_conflict(vault: &UnlockedVault<ChromeStore>, previous: &Entry, error: VaultError) -> VaultError {
    if !matches!(error, VaultError::EntryNotFound) {
        return error;
    }
    match vault.find_entry(&previous.id).await {
        Ok(Some(stored)) if !stored.deleted => VaultError::Conflict { stored_revision: stored.revision },
        _ => error,
    }
}

/// Sensitive changes ask for the passphrase again, so an unlocked, unattended browser is not
/// enough to take the journal over.
async fn verify_passphrase(passphrase: &str) -> Result<(), VaultError> {
    Vault::unlock_with_passphrase(ChromeStore::local(), &Passphrase::new(passphrase)).await.map(UnlockedVault::lock)
}

async fn list(vault: &UnlockedVault<ChromeStore>, query: &EntryQuery) -> Result<Response, VaultError> {
    let listing = match (query.from_ms, query.to_ms) {
        (None, None) if query.is_only_a_limit() => vault.list_recent(query.limit.unwrap_or(u32::MAX) as usize).await?,
        (None, None) => vault.all_entries(false).await?,
        (from, to) => vault.list_range(from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)).await?,
    };
    let mut entries: Vec<Entry> = listing.entries.into_iter().filter(|e| !e.deleted && query.matches(e)).collect();
    entries.sort_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
    if let Some(limit) = query.limit {
        entries.truncate(limit as usize);
    }
    Ok(Response::Entries { entries, unreadable: listing.unreadable.iter().map(sentence).collect() })
}
