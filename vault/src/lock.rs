//! When an unlocked session must lock. Pure: the worker feeds it clock readings and settings.

/// The lock rules in force for one session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockPolicy {
    /// Lock this long after unlocking regardless of activity (0: no such limit).
    pub auto_lock_minutes: u32,
    /// Whether inactivity locks.
    pub lock_on_idle: bool,
    /// Inactivity limit.
    pub idle_minutes: u32,
    /// Strict mode: inactivity always locks, after at most one minute.
    pub strict_mode: bool,
}

impl LockPolicy {
    pub fn from_settings(s: &crate::settings::Settings) -> LockPolicy {
        LockPolicy {
            auto_lock_minutes: s.auto_lock_minutes,
            lock_on_idle: s.lock_on_idle,
            idle_minutes: s.idle_minutes,
            strict_mode: s.strict_mode,
        }
    }

    /// The inactivity limit in milliseconds, if inactivity locks at all.
    fn idle_limit_ms(&self) -> Option<i64> {
        let minutes = if self.strict_mode {
            Some(self.idle_minutes.min(1))
        } else if self.lock_on_idle {
            Some(self.idle_minutes)
        } else {
            None
        };
        minutes.map(|m| i64::from(m) * 60_000)
    }
}

/// Clock readings for one decision, all UTC unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionClock {
    pub now: i64,
    pub unlocked_at: i64,
    pub last_activity: i64,
    /// An absolute deadline set by the worker (e.g. "lock at 22:00"), if any.
    pub deadline: Option<i64>,
}

/// Whether the session must lock now.
///
/// A clock that runs backwards (now before the unlock or the last activity) locks: a changed
/// system clock must not extend a session.
pub fn must_lock(policy: &LockPolicy, clock: &SessionClock) -> bool {
    let SessionClock { now, unlocked_at, last_activity, deadline } = *clock;
    if now < unlocked_at || now < last_activity {
        return true;
    }
    if deadline.is_some_and(|d| now >= d) {
        return true;
    }
    if policy.auto_lock_minutes > 0 && now.saturating_sub(unlocked_at) >= i64::from(policy.auto_lock_minutes) * 60_000 {
        return true;
    }
    policy.idle_limit_ms().is_some_and(|limit| now.saturating_sub(last_activity) >= limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn policy() -> impl Strategy<Value = LockPolicy> {
        (0u32..120, any::<bool>(), 0u32..120, any::<bool>()).prop_map(|(a, l, i, s)| LockPolicy {
            auto_lock_minutes: a,
            lock_on_idle: l,
            idle_minutes: i,
            strict_mode: s,
        })
    }

    fn clock() -> impl Strategy<Value = SessionClock> {
        (0i64..10_000_000, 0i64..10_000_000, 0i64..20_000_000, proptest::option::of(0i64..30_000_000)).prop_map(
            |(unlocked_at, since, now_after, deadline)| {
                let last_activity = unlocked_at + since;
                SessionClock { now: last_activity + now_after, unlocked_at, last_activity, deadline }
            },
        )
    }

    #[test]
    fn examples() {
        let p = LockPolicy { auto_lock_minutes: 0, lock_on_idle: true, idle_minutes: 5, strict_mode: false };
        let c = SessionClock { now: 4 * 60_000, unlocked_at: 0, last_activity: 0, deadline: None };
        assert!(!must_lock(&p, &c));
        assert!(must_lock(&p, &SessionClock { now: 5 * 60_000, ..c }));
        assert!(must_lock(&LockPolicy { strict_mode: true, ..p }, &SessionClock { now: 60_000, ..c }));
        assert!(must_lock(&p, &SessionClock { now: -1, ..c }), "clock went back");
        assert!(must_lock(&p, &SessionClock { deadline: Some(100), ..c }));
        let never = LockPolicy { auto_lock_minutes: 0, lock_on_idle: false, idle_minutes: 5, strict_mode: false };
        assert!(!must_lock(&never, &SessionClock { now: i64::MAX, ..c }));
        let auto = LockPolicy { auto_lock_minutes: 30, ..never };
        assert!(must_lock(&auto, &SessionClock { now: 30 * 60_000, last_activity: 30 * 60_000, ..c }));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn later_never_unlocks(p in policy(), c in clock(), more in 0i64..10_000_000) {
            let later = SessionClock { now: c.now + more, ..c };
            prop_assert!(!must_lock(&p, &c) || must_lock(&p, &later));
        }

        #[test]
        fn stricter_settings_never_unlock(p in policy(), c in clock(), less in 0u32..120) {
            if must_lock(&p, &c) {
                let strict = LockPolicy { strict_mode: true, ..p };
                let shorter_idle = LockPolicy { idle_minutes: p.idle_minutes.min(less), ..p };
                let idle_on = LockPolicy { lock_on_idle: true, ..p };
                prop_assert!(must_lock(&strict, &c));
                prop_assert!(must_lock(&shorter_idle, &c));
                prop_assert!(must_lock(&idle_on, &c));
                if p.auto_lock_minutes != 0 {
                    let shorter_auto = LockPolicy { auto_lock_minutes: p.auto_lock_minutes.min(less.max(1)), ..p };
                    prop_assert!(must_lock(&shorter_auto, &c));
                }
            }
        }

        #[test]
        fn activity_resets_idle_but_not_deadline(p in policy(), c in clock()) {
            let active_now = SessionClock { last_activity: c.now, ..c };
            let past_deadline = c.deadline.is_some_and(|d| c.now >= d);
            prop_assert!(!past_deadline || must_lock(&p, &active_now));
        }
    }
}
