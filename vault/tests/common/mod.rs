//! Shared helpers for the integration tests.
#![allow(dead_code)]

use sotto_vault::calendar::days_from_civil;
use sotto_vault::{Entry, EntryId, KdfParams};

/// The smallest Argon2id parameters, so tests run fast. Never use outside tests.
pub const FAST: KdfParams = KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 };

pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

/// UTC ms of a civil date and time.
pub fn at(year: i32, month: u8, day: u8, hour: i64, minute: i64) -> i64 {
    days_from_civil(year, month, day) * 86_400_000 + (hour * 60 + minute) * 60_000
}

pub fn entry(n: u64, occurred_at: i64, intensity: u8) -> Entry {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&n.to_be_bytes());
    id[15] = 0x5a;
    Entry::new(EntryId::from_bytes(id), occurred_at, 60, intensity)
}
