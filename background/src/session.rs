//! The worker's one piece of state: the unlocked vault (holding the keys) and the popup's draft.
//!
//! Requests from the popup and the options page interleave at every `await`, so the state sits
//! behind an async mutex: each request holds it for its whole run, and two saves can never
//! interleave their read-modify-write of a segment.

use futures_util::lock::{Mutex, MutexGuard};
use sotto_glue::storage::ChromeStore;
use sotto_vault::UnlockedVault;

#[derive(Default)]
pub struct Session {
    /// `Some` exactly while unlocked. Dropping it zeroizes every key.
    pub vault: Option<UnlockedVault<ChromeStore>>,
    /// The popup's unsaved form: memory only, only while unlocked.
    pub draft: Option<serde_json::Value>,
}

impl Session {
    /// Forgets the keys (zeroized as the vault drops) and everything decrypted.
    pub fn lock(&mut self) {
        if let Some(vault) = self.vault.take() {
            vault.lock();
        }
        self.draft = None;
        // A decrypted import must not outlive the session that opened it.
        crate::transfer::forget();
    }
}

thread_local! {
    // One session for the whole life of the worker: leaking it once gives the `'static`
    // reference the guard needs, and the worker's memory is torn down with it anyway.
    static SESSION: &'static Mutex<Session> = Box::leak(Box::new(Mutex::new(Session::default())));
}

/// Waits for exclusive use of the session.
pub async fn session() -> MutexGuard<'static, Session> {
    SESSION.with(|session| *session).lock().await
}
