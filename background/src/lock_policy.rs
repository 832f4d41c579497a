//! The session copy: what the worker keeps in `chrome.storage.session` between evictions.
//! The lock rules themselves are the vault's (`sotto_vault::lock`), pure and tested natively.

use serde::{Deserialize, Serialize};
pub use sotto_vault::lock::{LockCause, LockPolicy, check, on_idle_state};

/// The session copy kept in `chrome.storage.session` (memory only, trusted contexts only) in
/// default mode, so that a worker evicted after ~30 s idle reopens the vault without the
/// passphrase while the user's window is still open.
///
/// It holds the KEK, not the master key: the KEK is the smallest thing that reopens the vault
/// (`Vault::unlock_with_kek` re-reads the header and unwraps the master key), and it stops
/// working the moment the passphrase changes, whereas the master key is valid for the vault's
/// whole life and would also open every record ever written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionCopy {
    /// The KEK, standard base64. `None` in strict mode: the copy then only records that a
    /// session was open, so a restarted worker can tell open pages it locked.
    pub kek: Option<String>,
    pub last_activity_ms: i64,
    pub policy: LockPolicy,
}

/// Whether a session copy found at a worker's start may reopen the vault at `now_ms`.
/// Strict mode never leaves a copy; one found anyway (settings changed meanwhile) is refused.
pub fn copy_still_valid(copy: &SessionCopy, now_ms: i64) -> bool {
    copy.kek.is_some() && !copy.policy.strict && check(&copy.policy, copy.last_activity_ms, now_ms).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sotto_vault::Settings;

    fn policy(minutes: u32) -> LockPolicy {
        LockPolicy::from_settings(&Settings { auto_lock_minutes: minutes, ..Settings::default() })
    }

    #[test]
    fn a_session_copy_reopens_only_inside_its_window_and_never_in_strict_mode() {
        let copy = SessionCopy { kek: Some("a2Vr".into()), last_activity_ms: 1_000, policy: policy(1) };
        assert!(!copy_still_valid(&SessionCopy { kek: None, ..copy.clone() }, 1_000), "no key, nothing to reopen");
        assert!(copy_still_valid(&copy, 1_000 + 59_999));
        assert!(!copy_still_valid(&copy, 1_000 + 60_000));
        assert!(!copy_still_valid(&copy, 999), "clock went back");
        let strict = SessionCopy { policy: LockPolicy { strict: true, ..copy.policy }, ..copy.clone() };
        assert!(!copy_still_valid(&strict, 1_000));
        assert!(!strict.policy.keeps_session_copy());
    }

}
