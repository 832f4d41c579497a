//! When an unlocked session must lock: pure decisions, tested natively. The worker feeds them
//! clock readings, settings and the system's idle states (`chrome.idle`) and carries them out.
//!
//! - `auto_lock_minutes` counts from the last request that used the vault, not from the unlock;
//! - `lock_on_idle`/`idle_minutes` are the *system's* idleness, and a locked screen always locks;
//! - strict mode means the key never leaves the worker's memory (so an evicted worker is locked).

use serde::{Deserialize, Serialize};
use crate::settings::Settings;

const MINUTE_MS: i64 = 60_000;
/// `chrome.idle` refuses detection intervals under 15 seconds.
pub const MIN_IDLE_DETECTION_SECONDS: u32 = 15;

/// The lock rules for one session, taken from the (encrypted) settings at unlock and whenever
/// they change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockPolicy {
    /// Lock this long after the last request that used the vault. `None`: never by this rule
    /// (`auto_lock_minutes` = 0).
    pub inactivity_ms: Option<i64>,
    /// Lock when the computer has been idle for `system_idle_seconds`.
    pub lock_on_system_idle: bool,
    pub system_idle_seconds: u32,
    /// The key lives only in the worker's memory: no session copy, so eviction locks.
    pub strict: bool,
}

impl LockPolicy {
    pub fn from_settings(settings: &Settings) -> LockPolicy {
        LockPolicy {
            inactivity_ms: (settings.auto_lock_minutes > 0).then(|| i64::from(settings.auto_lock_minutes) * MINUTE_MS),
            lock_on_system_idle: settings.lock_on_idle,
            system_idle_seconds: settings.idle_minutes.saturating_mul(60),
            strict: settings.strict_mode,
        }
    }

    /// Until the settings have been read: the defaults (5 minutes, default mode).
    pub fn default_policy() -> LockPolicy {
        LockPolicy::from_settings(&Settings::default())
    }

    /// The moment the session locks if nothing uses the vault before it.
    pub fn deadline(&self, last_activity_ms: i64) -> Option<i64> {
        self.inactivity_ms.map(|limit| last_activity_ms.saturating_add(limit))
    }

    /// The interval to hand `chrome.idle.setDetectionInterval`.
    pub fn idle_detection_seconds(&self) -> u32 {
        self.system_idle_seconds.max(MIN_IDLE_DETECTION_SECONDS)
    }

    /// Whether the worker may keep a session copy in `chrome.storage.session`.
    pub fn keeps_session_copy(&self) -> bool {
        !self.strict
    }
}

/// Why a session locks on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockCause {
    Inactivity,
    /// The clock reads earlier than the last activity: a changed system clock must not extend
    /// a session, so this locks too.
    ClockWentBack,
    SystemIdle,
    ScreenLocked,
}

/// Whether the session must lock at `now_ms`, given its last vault activity.
pub fn check(policy: &LockPolicy, last_activity_ms: i64, now_ms: i64) -> Option<LockCause> {
    if now_ms < last_activity_ms {
        return Some(LockCause::ClockWentBack);
    }
    match policy.deadline(last_activity_ms) {
        Some(deadline) if now_ms >= deadline => Some(LockCause::Inactivity),
        _ => None,
    }
}

/// What a `chrome.idle.onStateChanged` state means for an unlocked session.
pub fn on_idle_state(policy: &LockPolicy, state: &str) -> Option<LockCause> {
    match state {
        // A locked screen always locks: whoever unlocks the computer next need not be the user.
        "locked" => Some(LockCause::ScreenLocked),
        "idle" if policy.lock_on_system_idle => Some(LockCause::SystemIdle),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(minutes: u32) -> LockPolicy {
        LockPolicy::from_settings(&Settings { auto_lock_minutes: minutes, ..Settings::default() })
    }

    #[test]
    fn inactivity_counts_from_the_last_vault_request() {
        let p = policy(5);
        assert_eq!(check(&p, 0, 4 * MINUTE_MS + 59_999), None);
        assert_eq!(check(&p, 0, 5 * MINUTE_MS), Some(LockCause::Inactivity));
        // A request at minute 4 moves the deadline to minute 9.
        assert_eq!(check(&p, 4 * MINUTE_MS, 8 * MINUTE_MS), None);
        assert_eq!(p.deadline(4 * MINUTE_MS), Some(9 * MINUTE_MS));
    }

    #[test]
    fn the_default_window_is_five_minutes_in_default_mode() {
        let p = LockPolicy::default_policy();
        assert_eq!(p.inactivity_ms, Some(5 * MINUTE_MS));
        assert!(p.keeps_session_copy());
    }

    #[test]
    fn strict_mode_keeps_no_session_copy() {
        let strict = LockPolicy::from_settings(&Settings { strict_mode: true, ..Settings::default() });
        assert!(strict.strict);
        assert!(!strict.keeps_session_copy(), "strict: the key lives only in the worker's memory");
    }

    #[test]
    fn zero_minutes_never_locks_by_inactivity_but_a_clock_going_back_does() {
        let p = policy(0);
        assert_eq!(check(&p, 0, i64::MAX), None);
        assert_eq!(p.deadline(0), None);
        assert_eq!(check(&p, 1_000, 999), Some(LockCause::ClockWentBack));
        assert_eq!(check(&policy(5), 1_000, 999), Some(LockCause::ClockWentBack));
    }

    #[test]
    fn idle_detection_never_asks_chrome_for_less_than_15_seconds() {
        let p = LockPolicy { system_idle_seconds: 0, ..policy(5) };
        assert_eq!(p.idle_detection_seconds(), 15);
        assert_eq!(policy(5).idle_detection_seconds(), 300);
    }

    #[test]
    fn screen_lock_always_locks_system_idle_only_when_asked() {
        let on = policy(5);
        let off = LockPolicy { lock_on_system_idle: false, ..on };
        assert_eq!(on_idle_state(&on, "idle"), Some(LockCause::SystemIdle));
        assert_eq!(on_idle_state(&off, "idle"), None);
        assert_eq!(on_idle_state(&off, "locked"), Some(LockCause::ScreenLocked));
        assert_eq!(on_idle_state(&on, "active"), None);
    }

    #[test]
    fn later_never_unlocks() {
        for minutes in [0, 1, 5, 60] {
            let p = policy(minutes);
            for last in [0i64, 10_000, 3_600_000] {
                let mut locked = false;
                for now in (last..last + 2 * 3_600_000).step_by(7_919) {
                    let verdict = check(&p, last, now).is_some();
                    assert!(!locked || verdict, "unlocked again at {now} after locking ({minutes} min)");
                    locked |= verdict;
                }
            }
        }
    }
}
