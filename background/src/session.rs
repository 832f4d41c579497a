//! The worker's one piece of state: the unlocked vault (holding the keys), the KEK that the
//! session copy carries, the lock clock, and the popup's draft.
//!
//! Requests from the popup and the options page interleave at every `await`, so the state sits
//! behind an async mutex: each request holds it for its whole run, and two saves can never
//! interleave their read-modify-write of a segment. A lock does not queue behind a running
//! request: it bumps the lock epoch (`epoch.rs`) outside the mutex.

use crate::lock_policy::LockPolicy;
use futures_util::lock::{Mutex, MutexGuard};
use sotto_glue::storage::ChromeStore;
use sotto_vault::{Kek, UnlockedVault};

pub struct Session {
    /// `Some` exactly while unlocked. Dropping it zeroizes every key.
    pub vault: Option<UnlockedVault<ChromeStore>>,
    /// The KEK that opened the vault, kept (zeroized on drop) to write the session copy.
    pub kek: Option<Kek>,
    /// The popup's unsaved form: memory only, only while unlocked.
    pub draft: Option<serde_json::Value>,
    /// The rules in force, from the settings read at unlock.
    pub policy: LockPolicy,
    /// The last request that used the vault (UTC ms).
    pub last_activity_ms: i64,
    /// The lock epoch (`epoch.rs`) this state belongs to: older means a lock happened since.
    epoch: u64,
    /// The keys were forgotten on catching up with a lock: the lock that bumped the epoch must
    /// still announce it to open pages.
    pub forgotten_for_lock: bool,
}

impl Default for Session {
    fn default() -> Self {
        Session { vault: None, kek: None, draft: None, policy: LockPolicy::default_policy(), last_activity_ms: 0, epoch: 0, forgotten_for_lock: false }
    }
}

impl Session {
    /// Forgets the keys (zeroized as they drop) and everything decrypted, at once and
    /// synchronously: nothing else the lock does may delay this.
    pub fn forget(&mut self) {
        if let Some(vault) = self.vault.take() {
            vault.lock();
        }
        self.kek = None;
        self.set_draft(None);
        // A decrypted import must not outlive the session that opened it.
        crate::transfer::forget();
    }

    /// Replaces the draft, wiping the one it replaces: the popup sends the whole form at every
    /// keystroke, and each freed copy would otherwise stay readable in the worker's memory.
    pub fn set_draft(&mut self, draft: Option<serde_json::Value>) {
        if let Some(mut old) = std::mem::replace(&mut self.draft, draft) {
            sotto_vault::wipe_json(&mut old);
        }
    }

    pub fn is_unlocked(&self) -> bool {
        self.vault.is_some()
    }

    /// A lock came while a committed request (`epoch::commit`) still finishes with this state:
    /// it is forgotten as soon as that request ends, so nothing may be kept for later (no
    /// session copy written, no deadline armed).
    pub fn overtaken(&self) -> bool {
        self.epoch != crate::epoch::current()
    }

    /// A lock happened since this state was last used (the epoch was bumped while a request
    /// held it): forget everything before anyone uses it.
    fn catch_up(&mut self) {
        let now = crate::epoch::current();
        if self.epoch != now {
            self.forgotten_for_lock |= self.is_unlocked();
            self.forget();
            self.epoch = now;
        }
    }
}

thread_local! {
    // One session for the whole life of the worker: leaking it once gives the `'static`
    // reference the guard needs, and the worker's memory is torn down with it anyway.
    static SESSION: &'static Mutex<Session> = Box::leak(Box::new(Mutex::new(Session::default())));
}

/// Waits for exclusive use of the session. A session left unlocked under an older lock epoch
/// comes back locked: no request after a lock is served with the key.
pub async fn session() -> MutexGuard<'static, Session> {
    let mut session = SESSION.with(|session| *session).lock().await;
    session.catch_up();
    session
}

/// Forgets the keys now if no request holds the session (called when a lock abandons one).
pub fn forget_if_free() {
    if let Some(mut session) = SESSION.with(|session| *session).try_lock() {
        session.catch_up();
    }
}
