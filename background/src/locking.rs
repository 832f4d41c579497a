//! Carrying out the lock policy (`lock_policy.rs` decides): the wake check every entry point
//! runs first, activity, the alarm, the session copy, and locking itself.

use crate::browser;
use crate::lock_policy::{self, LockCause, LockPolicy, SessionCopy};
use crate::session::Session;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sotto_glue::protocol::{EventEnvelope, LockReason, WorkerEvent};
use sotto_glue::storage::ChromeStore;
use sotto_vault::{Kek, Settings, UnlockedVault, Vault};
use zeroize::{Zeroize, Zeroizing};

/// The `chrome.storage.session` key of the session copy.
pub const SESSION_COPY_KEY: &str = "unlocked_session";
/// The alarm that wakes the worker at the inactivity deadline, even from eviction.
pub const LOCK_ALARM: &str = "sotto-auto-lock";

pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

fn reason(cause: LockCause) -> LockReason {
    match cause {
        LockCause::Inactivity | LockCause::ClockWentBack => LockReason::Inactivity,
        LockCause::SystemIdle => LockReason::SystemIdle,
        LockCause::ScreenLocked => LockReason::ScreenLocked,
    }
}

/// Run first by every event entry point (message, alarm, idle, command, menu): a worker that
/// slept through its deadline locks before doing anything else; a worker restarted inside the
/// window reopens the vault from the session copy.
pub async fn wake(session: &mut Session) {
    if session.is_unlocked() {
        if let Some(cause) = lock_policy::check(&session.policy, session.last_activity_ms, now_ms()) {
            lock(session, reason(cause)).await;
        }
    } else {
        restore(session).await;
    }
}

async fn restore(session: &mut Session) {
    let Ok(stored) = browser::session_read(SESSION_COPY_KEY).await else { return };
    if stored.is_undefined() || stored.is_null() {
        return;
    }
    let copy: Option<SessionCopy> = serde_wasm_bindgen::from_value(stored).ok();
    let now = now_ms();
    if let Some(copy) = copy.as_ref().filter(|c| lock_policy::copy_still_valid(c, now))
        && let Some((vault, kek)) = reopen(copy).await
    {
        session.vault = Some(vault);
        session.kek = Some(kek);
        session.policy = copy.policy;
        // Reopening is not activity: the deadline stays where the user's last request put it.
        session.last_activity_ms = copy.last_activity_ms;
        return;
    }
    // Expired, strict, unreadable, or a KEK the passphrase no longer matches: nothing of it may
    // remain, and open pages must show the lock screen.
    forget_copy().await;
    let why = match copy {
        Some(c) if c.kek.is_some() && !c.policy.strict => LockReason::Inactivity,
        _ => LockReason::WorkerRestarted,
    };
    announce(WorkerEvent::Locked { reason: why }).await;
}

async fn reopen(copy: &SessionCopy) -> Option<(UnlockedVault<ChromeStore>, Kek)> {
    let decoded = Zeroizing::new(BASE64.decode(copy.kek.as_deref()?.as_bytes()).ok()?);
    let mut bytes: [u8; 32] = decoded.as_slice().try_into().ok()?;
    let kek = Kek::from_bytes(bytes);
    bytes.zeroize();
    let vault = Vault::unlock_with_kek(ChromeStore::local(), &kek).await.ok()?;
    Some((vault, kek))
}

/// A request used the vault: the inactivity window starts again from now, in memory at once. The
/// session copy and the alarm follow once the answer has gone ([`persist_activity`], spawned by
/// the caller): no answer waits for the two calls to the browser that writing them takes (~1 ms
/// each, more while a page is loading: the popup's first answer, docs/notes.md, session 5). If
/// the worker is stopped in between, the copy keeps the previous activity, so the vault locks a
/// little earlier, never later. Returns whether there is anything to persist.
pub fn note_activity(session: &mut Session) -> bool {
    // Overtaken by a lock: the lock that waits for this session removes the copy anyway, and
    // must not find a fresh one with the key written just before it.
    if !session.is_unlocked() || session.overtaken() {
        return false;
    }
    session.last_activity_ms = now_ms();
    true
}

/// Writes the session copy and re-arms the alarm for the activity noted last, once the session
/// is free again, unless a lock came first (then the copy and the alarm are gone and must stay
/// gone).
pub async fn persist_activity() {
    let session = crate::session::session().await;
    if session.is_unlocked() && !session.overtaken() {
        persist(&session).await;
    }
}

/// The inactivity window starts again, and the session copy and alarm say so before this returns
/// (unlock, settings, a new passphrase: what comes next relies on the copy).
pub async fn touch(session: &mut Session) {
    if note_activity(session) {
        persist(session).await;
    }
}

/// Writes the session copy and arms the alarm for the current deadline.
async fn persist(session: &Session) {
    let mut copy = SessionCopy {
        kek: session.kek.as_ref().filter(|_| session.policy.keeps_session_copy()).map(|k| BASE64.encode(k.expose_bytes())),
        last_activity_ms: session.last_activity_ms,
        policy: session.policy,
    };
    let _ = browser::session_write(SESSION_COPY_KEY, &browser::to_js(&copy)).await;
    // Written at every request: each copy of the KEK in base64 is wiped, not just freed.
    copy.kek.zeroize();
    rearm(session).await;
}

/// Sets the alarm to the session's deadline (or clears it when there is none).
pub async fn rearm(session: &Session) {
    match session.policy.deadline(session.last_activity_ms) {
        Some(deadline) if session.is_unlocked() => {
            let _ = browser::set_alarm(LOCK_ALARM, deadline).await;
        }
        _ => {
            let _ = browser::clear_alarm(LOCK_ALARM).await;
        }
    }
}

/// A vault just opened (unlock, creation, recovery reset): the session starts with the rules
/// from its settings.
pub async fn start(session: &mut Session, vault: UnlockedVault<ChromeStore>, kek: Kek) {
    let settings = vault.settings().await.ok();
    session.vault = Some(vault);
    session.kek = Some(kek);
    session.draft = None;
    settings_changed(session, settings.as_ref()).await;
}

/// The settings changed (or were read at unlock): apply the lock rules and the behaviour
/// preferences at once. `None` (settings unreadable): the defaults' lock rules, prefs untouched.
pub async fn settings_changed(session: &mut Session, settings: Option<&Settings>) {
    session.policy = settings.map(LockPolicy::from_settings).unwrap_or_else(LockPolicy::default_policy);
    let _ = browser::set_idle_detection(session.policy.idle_detection_seconds());
    if let Some(settings) = settings {
        crate::behaviour::settings_changed(settings).await;
    }
    touch(session).await;
}

/// The passphrase changed: the session copy must carry the new KEK (the old one no longer opens).
pub async fn replace_kek(session: &mut Session, kek: Kek) {
    session.kek = Some(kek);
    touch(session).await;
}

/// Locks: forgets keys, decrypted data and drafts first, then removes the session copy and the
/// alarm, then tells open pages. Announces only when something was unlocked.
pub async fn lock(session: &mut Session, why: LockReason) {
    let was_unlocked = session.is_unlocked() || std::mem::take(&mut session.forgotten_for_lock);
    session.forget();
    // The keys are gone from memory above; the three browser calls below are independent, so
    // they run together (Vanish waits for all of them before it moves the tab).
    let tell_pages = async {
        if was_unlocked {
            announce(WorkerEvent::Locked { reason: why }).await;
        }
    };
    let _ = futures_util::join!(forget_copy(), browser::clear_alarm(LOCK_ALARM), tell_pages);
}

/// A lock the user or the system asked for (Lock, Vanish, the screen locking): it takes effect
/// at once, not after the running request. The epoch bump abandons that request, which frees
/// the session and forgets the keys; then the lock proper runs.
pub async fn lock_now(why: LockReason) {
    crate::epoch::lock_with(async {
        let mut session = crate::session::session().await;
        lock(&mut session, why).await;
    })
    .await;
}

pub async fn forget_copy() {
    let _ = browser::session_delete(SESSION_COPY_KEY).await;
}

/// Broadcasts an event to every open Sotto page.
pub async fn announce(event: WorkerEvent) {
    browser::broadcast(&browser::to_js(&EventEnvelope::new(event))).await;
}
