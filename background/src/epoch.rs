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

/// Runs `request` (which holds the session) unless a lock comes first: `None` when a lock
/// abandoned it.
pub fn unless_locked<F: Future>(request: F) -> UnlessLocked<F> {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    UnlessLocked { request: Some(Box::pin(request)), started: current(), id }
}

pub struct UnlessLocked<F: Future> {
    request: Option<Pin<Box<F>>>,
    started: u64,
    id: u64,
}

impl<F: Future> Future for UnlessLocked<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The epoch first: once a lock happened, the request never runs another step.
        if current() != self.started {
            self.abandon();
            return Poll::Ready(None);
        }
        let Some(request) = self.request.as_mut() else { return Poll::Ready(None) };
        match request.as_mut().poll(cx) {
            Poll::Ready(output) => {
                self.request = None;
                RUNNING.with(|r| r.borrow_mut().remove(&self.id));
                Poll::Ready(Some(output))
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
