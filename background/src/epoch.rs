//! The lock epoch: how a lock takes effect while a long request (an export of a large journal,
//! an import, an Argon2id run) holds the session.
//!
//! The session sits behind an async mutex that each request holds for its whole run, so a lock
//! that queued for it would wait seconds, and Vanish, whose page closing and tab move come after
//! the lock, with it. Instead a lock first bumps this counter, which lives outside the mutex:
//! - the request holding the session got it under the old epoch; its future is dropped at its
//!   current `await` (its waker is woken, so this does not wait for the awaited promise), the
//!   mutex it held is free, and once the lock is done it answers
//!   [`Response::Locked`](sotto_glue::protocol::Response::Locked);
//! - whoever takes the session next finds it unlocked under an older epoch and forgets the keys
//!   before anything else ([`crate::session::session`]), so no request after the bump is served
//!   with the key.
//!
//! Dropping a request mid-way is safe for storage: every vault change is one atomic `set_many`
//! at its end (an import merges in memory and commits once), so it either was issued whole or
//! not at all; the in-memory vault it was changing is forgotten with the keys.
//!
//! But an answer must say what happened: a passphrase change dropped after its header write was
//! issued would answer "locked" while the new passphrase is in effect, and a recovery-code
//! rotation would lose the only copy of the new code. So a request calls [`commit`] just before
//! the write that changes the journal: from then on a lock no longer abandons it; it finishes
//! (the write and its bookkeeping: milliseconds, no Argon2id), its answer is what really
//! happened, and the lock, waiting for the session, applies right after. The keys stay in
//! memory for that long; everything slow (Argon2id, reading the journal) comes before the
//! commit and is still abandoned at once.

use futures_util::lock::Mutex;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

thread_local! {
    static EPOCH: Cell<u64> = const { Cell::new(0) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The wakers of the requests running now, so a bump reaches them at once.
    static RUNNING: RefCell<BTreeMap<u64, Waker>> = const { RefCell::new(BTreeMap::new()) };
    /// Held by a lock from its bump until its work is done (see [`lock_finished`]).
    static LOCKING: &'static Mutex<()> = Box::leak(Box::new(Mutex::new(())));
    /// Set by [`commit`] during the poll of the request that calls it.
    static COMMITTING: Cell<bool> = const { Cell::new(false) };
}

/// Marks the running request as past its point of no return: a lock that comes from now on
/// waits for it to finish instead of abandoning it. Called just before a write whose outcome
/// the answer must report (a new header, a saved entry); at most the write and what follows it
/// remain. Outside a request (nothing polled through [`unless_locked`]) it has no effect.
pub fn commit() {
    COMMITTING.with(|c| c.set(true));
}

pub fn current() -> u64 {
    EPOCH.with(Cell::get)
}

/// Runs `lock` (which takes the session and locks it) as a lock that happens now: the epoch is
/// bumped first, so every running request is abandoned and every later one sees "locked".
pub async fn lock_with<F: Future>(lock: F) -> F::Output {
    let _locking = LOCKING.with(|l| *l).lock().await;
    bump();
    lock.await
}

/// Waits until the lock that abandoned a request has done its work (keys forgotten, session copy
/// removed, pages told), so the abandoned request's "locked" answer is already true when it
/// arrives.
pub async fn lock_finished() {
    drop(LOCKING.with(|l| *l).lock().await);
}

fn bump() {
    EPOCH.with(|e| e.set(e.get().wrapping_add(1)));
    let wakers: Vec<Waker> = RUNNING.with(|r| std::mem::take(&mut *r.borrow_mut()).into_values().collect());
    wakers.into_iter().for_each(Waker::wake);
}

/// How a request run through [`unless_locked`] ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Ran<T> {
    /// It ran to its end with no lock meanwhile.
    Finished(T),
    /// A lock came after its [`commit`]: it ran to its end (its output is what happened), and
    /// the lock applies now.
    FinishedThenLocked(T),
    /// A lock came first: it was dropped at its current `await`.
    Abandoned,
}

/// Runs `request` (which holds the session) unless a lock comes before its [`commit`].
pub fn unless_locked<F: Future>(request: F) -> UnlessLocked<F> {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    UnlessLocked { request: Some(Box::pin(request)), started: current(), id, committed: false }
}

pub struct UnlessLocked<F: Future> {
    request: Option<Pin<Box<F>>>,
    started: u64,
    id: u64,
    /// The request called [`commit`]: a lock no longer abandons it.
    committed: bool,
}

impl<F: Future> Future for UnlessLocked<F> {
    type Output = Ran<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The epoch first: once a lock happened, an uncommitted request never runs another step.
        let locked_since = current() != self.started;
        if locked_since && !self.committed {
            self.abandon();
            return Poll::Ready(Ran::Abandoned);
        }
        let Some(request) = self.request.as_mut() else { return Poll::Ready(Ran::Abandoned) };
        // Only this request runs during this poll (one thread; a poll runs no other task), so
        // a `commit` seen now is its own.
        COMMITTING.with(|c| c.set(false));
        let polled = request.as_mut().poll(cx);
        let committed_now = COMMITTING.with(|c| c.replace(false));
        self.committed |= committed_now;
        match polled {
            Poll::Ready(output) => {
                self.request = None;
                RUNNING.with(|r| r.borrow_mut().remove(&self.id));
                // Reached with the epoch moved only by a committed request.
                Poll::Ready(if current() != self.started { Ran::FinishedThenLocked(output) } else { Ran::Finished(output) })
            }
            Poll::Pending => {
                RUNNING.with(|r| r.borrow_mut().insert(self.id, cx.waker().clone()));
                Poll::Pending
            }
        }
    }
}

impl<F: Future> UnlessLocked<F> {
    /// Drops the request (and with it the session it held), then forgets the keys at once if the
    /// session is free, instead of when the lock that bumped the epoch gets to it.
    fn abandon(&mut self) {
        self.request = None;
        RUNNING.with(|r| r.borrow_mut().remove(&self.id));
        crate::session::forget_if_free();
    }
}

impl<F: Future> Drop for UnlessLocked<F> {
    fn drop(&mut self) {
        RUNNING.with(|r| r.borrow_mut().remove(&self.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// A step the test lets finish: pending until `open` is set.
    struct Gate(Rc<Cell<bool>>);

    impl Future for Gate {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            if self.0.get() { Poll::Ready(()) } else { Poll::Pending }
        }
    }

    fn poll_once<F: Future + Unpin>(future: &mut F) -> Poll<F::Output> {
        Pin::new(future).poll(&mut Context::from_waker(Waker::noop()))
    }

    /// A lock as Lock and Vanish make it: the bump, then (here) nothing to do.
    fn lock() {
        let mut locking = Box::pin(lock_with(async {}));
        assert!(poll_once(&mut locking).is_ready(), "no other lock holds the lock mutex");
    }

    /// A request that does `before`, awaits the gate (its write), then answers 7.
    fn request(gate: &Rc<Cell<bool>>, commits: bool) -> UnlessLocked<impl Future<Output = u32>> {
        let gate = Gate(Rc::clone(gate));
        unless_locked(async move {
            if commits {
                commit();
            }
            gate.await;
            7
        })
    }

    #[test]
    fn a_request_runs_to_its_answer_without_a_lock() {
        let gate = Rc::new(Cell::new(false));
        let mut running = request(&gate, true);
        assert!(poll_once(&mut running).is_pending());
        gate.set(true);
        assert_eq!(poll_once(&mut running), Poll::Ready(Ran::Finished(7)));
    }

    #[test]
    fn a_lock_abandons_a_request_before_its_commit() {
        let gate = Rc::new(Cell::new(false));
        let mut running = request(&gate, false);
        assert!(poll_once(&mut running).is_pending());
        lock();
        // Abandoned at once, even though its step could now finish.
        gate.set(true);
        assert_eq!(poll_once(&mut running), Poll::Ready(Ran::Abandoned));
    }

    #[test]
    fn a_committed_request_finishes_and_says_a_lock_followed() {
        let gate = Rc::new(Cell::new(false));
        let mut running = request(&gate, true);
        assert!(poll_once(&mut running).is_pending());
        lock();
        // Its write is still under way: it waits for it rather than being dropped.
        assert!(poll_once(&mut running).is_pending());
        gate.set(true);
        assert_eq!(poll_once(&mut running), Poll::Ready(Ran::FinishedThenLocked(7)));
    }

    #[test]
    fn a_commit_outside_a_request_does_not_shield_the_next_one() {
        commit();
        let gate = Rc::new(Cell::new(false));
        let mut running = request(&gate, false);
        assert!(poll_once(&mut running).is_pending());
        lock();
        assert_eq!(poll_once(&mut running), Poll::Ready(Ran::Abandoned));
    }
}
