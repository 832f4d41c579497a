//! One function from each request to its response. Every request that needs the vault while it
//! is locked gets [`Response::Locked`], never an error dump.

use crate::epoch::{self, Ran};
use crate::errors::{Failure, Told, said, to_response};
use crate::kdf;
use crate::locking;
use crate::session::{Session, session};
use futures_util::lock::MutexGuard;
use crate::vanish;
use sotto_glue::chrome;
use sotto_glue::protocol::{EntryQuery, ErrorCode, LockReason, Request, Response, VaultState, Wording};
use sotto_glue::secret::Secret;
use zeroize::{Zeroize, Zeroizing};
use sotto_glue::storage::ChromeStore;
use sotto_vault::{Entry, FailedAttempts, KdfInput, KdfParams, Kek, LockedInfo, RecoveryCode, UnlockedVault, Vault, VaultError, VaultStatus};

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn pong(nonce: String) -> Response {
    Response::Pong { nonce, worker_version: chrome::manifest_version() }
}

pub async fn answer(request: Request) -> Response {
    let request = match request {
        // Liveness must not wait behind a running unlock.
        Request::Ping { nonce } => return pong(nonce),
        Request::Vanish => {
            vanish::vanish(None).await;
            return Response::Done;
        }
        // A lock does not queue behind a running request (epoch.rs); then it answers the status.
        Request::Lock => {
            locking::lock_now(LockReason::Requested).await;
            Request::Status
        }
        other => other,
    };
    let session = session().await;
    // From here the request runs unless a lock comes first (Lock, Vanish, the screen locking):
    // then it is abandoned at its current step, and answers "locked" once that lock is done.
    // (A request still queued for the session is not abandoned: it gets the session locked.)
    // Past its commit (`epoch::commit`, just before its write) it finishes and answers what it
    // did; the lock applies right after.
    match epoch::unless_locked(with_session(session, request)).await {
        Ran::Finished((response, told)) => {
            // The answer is on its way: the attempts it tells of may go. Not after a lock (below):
            // the page's lock screen covers the notice, so it is given again at the next unlock.
            if let Some(attempts) = told {
                let _ = Vault::forget_failed_attempts(&ChromeStore::local(), &attempts).await;
            }
            response
        }
        Ran::FinishedThenLocked((response, _)) => response,
        Ran::Abandoned => {
            epoch::lock_finished().await;
            Response::Locked
        }
    }
}

/// The answer, and the failed-attempt records it tells of (forgotten once it is sent).
async fn with_session(mut session: MutexGuard<'static, Session>, request: Request) -> (Response, Option<FailedAttempts>) {
    // A worker that slept through its deadline locks before answering anything.
    locking::wake(&mut session).await;
    let store = ChromeStore::local();
    let uses_the_vault = !matches!(request, Request::Status | Request::Lock);
    let mut told = None;
    let response = match request {
        Request::Ping { nonce } => pong(nonce),
        Request::Vanish => Response::Done,
        Request::Status => status(&session, &store).await,
        Request::CreateVault { passphrase } => create(&mut session, store, passphrase).await,
        Request::Unlock { passphrase } => {
            let (response, attempts) = unlock(&mut session, store, passphrase).await;
            told = attempts;
            response
        }
        Request::ResetPassphrase { recovery_code, new_passphrase } => {
            locking::lock(&mut session, LockReason::Requested).await;
            let opened = reset(store, &recovery_code, new_passphrase).await;
            let (response, attempts) = finish_unlock(&mut session, opened).await;
            told = attempts;
            response
        }
        Request::Lock => {
            locking::lock(&mut session, LockReason::Requested).await;
            status(&session, &store).await
        }
        Request::SetDraft { draft } if session.vault.is_some() => {
            session.set_draft(Some(draft));
            Response::Done
        }
        Request::GetDraft if session.vault.is_some() => Response::Draft { draft: session.draft.clone() },
        Request::SetSettings { settings } if session.vault.is_some() => {
            let saved = match session.vault.as_mut() {
                Some(vault) => set_settings(vault, &settings).await,
                None => Err(VaultError::NoVault),
            };
            match saved {
                Ok(settings) => {
                    locking::settings_changed(&mut session, Some(&settings)).await;
                    Response::Settings { settings }
                }
                Err(error) => to_response(&error),
            }
        }
        Request::ChangePassphrase { current, new_passphrase } if session.vault.is_some() => {
            change_passphrase(&mut session, current, new_passphrase).await
        }
        Request::MeasureKdf { target_ms } => match session.vault.as_ref() {
            Some(vault) => crate::strength::measure(vault, target_ms).await,
            None => Response::Locked,
        },
        Request::SetKdfParams { passphrase, params } if session.vault.is_some() => set_kdf_params(&mut session, passphrase, params).await,
        // Export and import of encrypted bundles: see transfer.rs.
        request if crate::transfer::handles(&request) => crate::transfer::answer(&mut session, request).await,
        request => match session.vault.as_mut() {
            None => Response::Locked,
            Some(vault) => unlocked(vault, request).await.unwrap_or_else(|failure| failure.response()),
        },
    };
    // Every request that used the vault starts the inactivity window again; the session copy and
    // the alarm are written once the answer has gone (the session is held until then).
    if uses_the_vault && locking::note_activity(&mut session) {
        wasm_bindgen_futures::spawn_local(locking::persist_activity());
    }
    (response, told)
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

async fn create(session: &mut Session, store: ChromeStore, passphrase: Secret) -> Response {
    locking::lock(session, LockReason::Requested).await;
    match create_vault(store, passphrase).await {
        Ok((vault, code, kek)) => {
            locking::start(session, vault, kek).await;
            Response::Created { recovery_code: code.reveal().to_string() }
        }
        Err(failure) => failure.response(),
    }
}

/// A new vault: the vault picks the salt, Argon2id runs in a throwaway instance, and the KEK it
/// gives goes to the session copy.
async fn create_vault(store: ChromeStore, passphrase: Secret) -> Result<(UnlockedVault<ChromeStore>, RecoveryCode, Kek), Failure> {
    // An existing (or unreadable) vault is refused before the expensive derivation.
    if !matches!(Vault::status(&store).await, Ok(VaultStatus::NoVault)) {
        return Err(VaultError::AlreadyExists.into());
    }
    let root = kdf::derive_for_new_passphrase(passphrase, KdfParams::DEFAULT).await?;
    // The recovery code exists only in this answer: once the vault is written, it is given.
    epoch::commit();
    let (vault, code) = Vault::create_with_root(store, &root).await?;
    Ok((vault, code, root.kek()))
}

/// The recovery code opens the vault and sets the new passphrase (Argon2id in a throwaway instance).
async fn reset(store: ChromeStore, recovery_code: &Secret, new_passphrase: Secret) -> Result<(UnlockedVault<ChromeStore>, Kek), Failure> {
    // A mistyped code is refused before the expensive derivation.
    RecoveryCode::parse(recovery_code.expose()).map_err(VaultError::MalformedRecoveryCode)?;
    // The strength the user chose stays (a header altered to something out of bounds gets the
    // default instead).
    let params = match Vault::status(&store).await {
        Ok(VaultStatus::Locked(info)) if crate::strength::check(info.kdf).is_ok() => info.kdf,
        _ => KdfParams::DEFAULT,
    };
    let root = kdf::derive_for_new_passphrase(new_passphrase, params).await?;
    // The new passphrase is about to be written: the answer must say so (epoch.rs).
    epoch::commit();
    let vault = Vault::reset_with_recovery_code(store, recovery_code.expose(), &root).await?;
    Ok((vault, root.kek()))
}

async fn locked_info(store: &ChromeStore) -> Result<LockedInfo, VaultError> {
    match Vault::status(store).await? {
        VaultStatus::Locked(info) => Ok(info),
        VaultStatus::NoVault => Err(VaultError::NoVault),
    }
}

/// Opens the vault with a passphrase: Argon2id in a throwaway instance, then the KEK unwraps.
async fn open_with_passphrase(store: ChromeStore, passphrase: Secret) -> Result<(UnlockedVault<ChromeStore>, Kek), Failure> {
    let info = locked_info(&store).await?;
    let kek = kdf::derive(passphrase, info.kdf_input()).await?.kek();
    let vault = Vault::unlock_with_kek(store, &kek).await?;
    Ok((vault, kek))
}

async fn unlock(session: &mut Session, store: ChromeStore, passphrase: Secret) -> (Response, Option<FailedAttempts>) {
    // Unlocking again verifies the passphrase afresh rather than trusting an open session.
    locking::lock(session, LockReason::Requested).await;
    let opened = open_with_passphrase(store.clone(), passphrase).await;
    if let Err(Failure::Vault(VaultError::WrongPassphrase)) = opened {
        // The time only, sealed so that only the unlocked vault can read it back.
        let _ = Vault::record_failed_attempt(&store, now_ms()).await;
    }
    finish_unlock(session, opened).await
}

/// The unlock answer, with the failed attempts recorded while locked; their records stay in
/// storage until the answer is sent (`answer`), so an unlock cut short loses no notice.
async fn finish_unlock(session: &mut Session, opened: Result<(UnlockedVault<ChromeStore>, Kek), Failure>) -> (Response, Option<FailedAttempts>) {
    match opened {
        Ok((vault, kek)) => {
            let mut problems: Vec<Told> = vault.problems().iter().map(Told::of).collect();
            let mut told = None;
            let failed_attempts = match vault.failed_attempts().await {
                Ok(mut attempts) => {
                    if attempts.unreadable > 0 {
                        // Damaged or planted records: someone may be hiding their own guesses.
                        let count = attempts.unreadable.to_string();
                        problems.push(Told {
                            english: format!(
                                "{count} record(s) of failed unlock attempts could not be read: they are damaged or were altered, so there may have been attempts not listed here."
                            ),
                            wording: Wording::new("error_failed_attempt_records_unreadable", vec![count]),
                        });
                    }
                    // The times go to the answer (wiped once sent); the records stay to be removed.
                    let times = std::mem::take(&mut attempts.times);
                    told = Some(attempts);
                    times
                }
                Err(error) => {
                    problems.push(Told::of(&error));
                    Vec::new()
                }
            };
            locking::start(session, vault, kek).await;
            let (problems, problem_wordings) = problems.into_iter().map(|told| (told.english, told.wording)).unzip();
            (Response::Unlocked { failed_attempts, problems, problem_wordings }, told)
        }
        Err(failure) => (failure.response(), None),
    }
}

async fn unlocked(vault: &mut UnlockedVault<ChromeStore>, request: Request) -> Result<Response, Failure> {
    // Saves, edits and deletes read one week and write it back (milliseconds): a lock that
    // comes meanwhile waits for them, so "saved" and "locked" are never confused (epoch.rs).
    if matches!(request, Request::SaveEntry { .. } | Request::UpdateEntry { .. } | Request::DeleteEntry { .. }) {
        epoch::commit();
    }
    Ok(match request {
        Request::SaveEntry { entry } => Response::EntrySaved { entry: vault.save_entry(entry).await? },
        Request::UpdateEntry { previous, edited } => {
            // The page's copy of the old entry is only compared: wiped when dropped, as on failure.
            let previous = Zeroizing::new(previous);
            Response::EntrySaved { entry: vault.update_entry(&previous, edited).await? }
        }
        Request::DeleteEntry { entry } => {
            vault.delete_entry(&Zeroizing::new(entry)).await?;
            Response::Done
        }
        Request::ListEntries { query } => list(vault, &query).await?,
        Request::GetSettings => Response::Settings { settings: vault.settings().await? },
        Request::RotateRecoveryCode { passphrase } => {
            verify_passphrase(passphrase).await?;
            // The new code exists only in this answer: once the header is written, it is given.
            epoch::commit();
            Response::RecoveryCode { recovery_code: vault.rotate_recovery_code().await?.reveal().to_string() }
        }
        // Every other request is answered in `answer` before reaching the vault.
        _ => said(ErrorCode::BadRequest, "error_not_a_vault_request", vec![], "This request does not go to the vault.".into()),
    })
}

/// Sensitive changes ask for the passphrase again, so an unlocked, unattended browser is not
/// enough to take the journal over.
pub async fn verify_passphrase(passphrase: impl Into<Secret>) -> Result<(), Failure> {
    open_with_passphrase(ChromeStore::local(), passphrase.into()).await.map(|(vault, _)| vault.lock())
}

async fn set_settings(vault: &mut UnlockedVault<ChromeStore>, settings: &sotto_vault::Settings) -> Result<sotto_vault::Settings, VaultError> {
    epoch::commit();
    vault.set_settings(settings).await?;
    vault.settings().await
}

async fn change_passphrase(session: &mut Session, current: Secret, new_passphrase: Secret) -> Response {
    if let Err(failure) = verify_passphrase(current).await {
        return failure.response();
    }
    // The strength the user chose stays: only the passphrase changes.
    match session.vault.as_ref().map(UnlockedVault::kdf_params) {
        Some(params) => rewrap(session, new_passphrase, params).await,
        None => Response::Locked,
    }
}

async fn set_kdf_params(session: &mut Session, passphrase: Secret, params: KdfParams) -> Response {
    if let Err(refusal) = crate::strength::check(params) {
        return refusal;
    }
    if let Err(failure) = verify_passphrase(passphrase.clone()).await {
        return failure.response();
    }
    rewrap(session, passphrase, params).await
}

/// Wraps the master key under `passphrase` with `params` and a fresh salt, Argon2id running in
/// the throwaway instance, and hands the session copy the new KEK (the old one no longer opens
/// the vault). No entry is re-encrypted.
async fn rewrap(session: &mut Session, passphrase: Secret, params: KdfParams) -> Response {
    let root = match kdf::derive_for_new_passphrase(passphrase, params).await {
        Ok(root) => root,
        Err(failure) => return failure.response(),
    };
    let KdfInput { params, salt } = root.input();
    let kek = root.kek();
    // From the header write on, the answer says whether the new wrap took effect (epoch.rs).
    epoch::commit();
    let changed = match session.vault.as_mut() {
        Some(vault) => vault.change_passphrase_with_kek(&kek, params, salt).await,
        None => return Response::Locked,
    };
    match changed {
        Ok(()) => {
            locking::replace_kek(session, kek).await;
            Response::Done
        }
        Err(error) => to_response(&error),
    }
}

async fn list(vault: &UnlockedVault<ChromeStore>, query: &EntryQuery) -> Result<Response, VaultError> {
    let listing = match (query.from_ms, query.to_ms) {
        (None, None) if query.is_only_a_limit() => vault.list_recent(query.limit.unwrap_or(u32::MAX) as usize).await?,
        (None, None) => vault.all_entries(false).await?,
        (from, to) => vault.list_range(from.unwrap_or(i64::MIN), to.unwrap_or(i64::MAX)).await?,
    };
    // Decrypted entries the answer does not carry are wiped, not just freed (the answer's own
    // are wiped once sent: lib.rs). Filtered and sorted in place: no stray copy of an entry's
    // time or intensity is left in a freed buffer (a stable sort would allocate one).
    let mut entries: Vec<Entry> = listing.entries;
    entries.retain_mut(|e| {
        let keep = !e.deleted && query.matches(e);
        if !keep {
            e.zeroize();
        }
        keep
    });
    // Ids are unique, so the order is total and an unstable sort gives the same result.
    entries.sort_unstable_by_key(|e| std::cmp::Reverse((e.occurred_at, e.id)));
    if let Some(limit) = query.limit.map(|l| l as usize).filter(|&l| l < entries.len()) {
        entries[limit..].iter_mut().for_each(Zeroize::zeroize);
        entries.truncate(limit);
    }
    let (unreadable, unreadable_wordings) = listing.unreadable.iter().map(Told::of).map(|told| (told.english, told.wording)).unzip();
    Ok(Response::Entries { entries, unreadable, unreadable_wordings })
}
