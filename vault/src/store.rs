//! The key-value store the vault is laid out over: `chrome.storage.local` in the extension, a
//! [`MemoryStore`] in native tests.
//!
//! `set_many` must be atomic: either every item is written or none is. `chrome.storage.local.set`
//! with one object gives that guarantee, and the vault relies on it so that a segment and the
//! manifest naming it can never disagree after a crash.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

use crate::error::StoreError;

/// Asynchronous string-keyed byte store. Futures are not `Send`: Wasm is single-threaded, and the
/// worker's store is a JS object.
#[allow(async_fn_in_trait, reason = "single-threaded by design; no Send bound wanted")]
pub trait KvStore {
    /// Values of the keys that exist; absent keys are simply missing from the map.
    async fn get_many(&self, keys: &[String]) -> Result<BTreeMap<String, Vec<u8>>, StoreError>;
    /// Writes every item, or none of them.
    async fn set_many(&self, items: Vec<(String, Vec<u8>)>) -> Result<(), StoreError>;
    /// Removes the keys (absent keys are not an error).
    async fn remove(&self, keys: &[String]) -> Result<(), StoreError>;
    /// Every key in the store (the vault filters by its own prefixes).
    async fn list_keys(&self) -> Result<Vec<String>, StoreError>;
}

impl<T: KvStore + ?Sized> KvStore for &T {
    async fn get_many(&self, keys: &[String]) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
        (**self).get_many(keys).await
    }
    async fn set_many(&self, items: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
        (**self).set_many(items).await
    }
    async fn remove(&self, keys: &[String]) -> Result<(), StoreError> {
        (**self).remove(keys).await
    }
    async fn list_keys(&self) -> Result<Vec<String>, StoreError> {
        (**self).list_keys().await
    }
}

/// Counters a test can read to prove what an operation touched.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreStats {
    /// Keys asked for by `get_many`.
    pub keys_read: usize,
    /// Items written by `set_many`.
    pub items_written: usize,
    /// Bytes written by `set_many`.
    pub bytes_written: usize,
    /// Calls to `set_many`.
    pub write_calls: usize,
}

/// An in-memory store for tests, able to simulate the failures the browser can produce.
#[derive(Default)]
pub struct MemoryStore {
    map: RefCell<BTreeMap<String, Vec<u8>>>,
    fail_next_write: RefCell<Option<StoreError>>,
    quota_bytes: Cell<Option<usize>>,
    stats: Cell<StoreStats>,
}

impl MemoryStore {
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// The next `set_many` or `remove` fails with `error` and writes nothing.
    pub fn fail_next_write(&self, error: StoreError) {
        *self.fail_next_write.borrow_mut() = Some(error);
    }

    /// Writes that would make the total size of keys and values exceed `bytes` fail with
    /// [`StoreError::QuotaExceeded`] (None: unlimited).
    pub fn set_quota(&self, bytes: Option<usize>) {
        self.quota_bytes.set(bytes);
    }

    pub fn stats(&self) -> StoreStats {
        self.stats.get()
    }

    pub fn reset_stats(&self) {
        self.stats.set(StoreStats::default());
    }

    /// Direct access for tests that tamper with stored values.
    pub fn raw_get(&self, key: &str) -> Option<Vec<u8>> {
        self.map.borrow().get(key).cloned()
    }

    /// Direct write for tests that tamper with stored values (bypasses faults and quota).
    pub fn raw_set(&self, key: &str, value: Vec<u8>) {
        self.map.borrow_mut().insert(key.to_string(), value);
    }

    /// A copy of everything, for snapshot-and-restore (rollback) tests.
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        self.map.borrow().clone()
    }

    /// Total bytes of keys and values.
    pub fn used_bytes(&self) -> usize {
        self.map.borrow().iter().map(|(k, v)| k.len() + v.len()).sum()
    }

    fn take_fault(&self) -> Result<(), StoreError> {
        match self.fail_next_write.borrow_mut().take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl KvStore for MemoryStore {
    async fn get_many(&self, keys: &[String]) -> Result<BTreeMap<String, Vec<u8>>, StoreError> {
        let mut stats = self.stats.get();
        stats.keys_read += keys.len();
        self.stats.set(stats);
        let map = self.map.borrow();
        Ok(keys.iter().filter_map(|k| map.get(k).map(|v| (k.clone(), v.clone()))).collect())
    }

    async fn set_many(&self, items: Vec<(String, Vec<u8>)>) -> Result<(), StoreError> {
        self.take_fault()?;
        // Usage is summed only when a test set a quota (the native benchmarks save into large maps).
        if let Some(quota) = self.quota_bytes.get() {
            let map = self.map.borrow();
            let mut after = self.used_bytes();
            for (k, v) in &items {
                after = after.saturating_sub(map.get(k).map_or(0, |old| k.len() + old.len()));
                after = after.saturating_add(k.len() + v.len());
            }
            if after > quota {
                return Err(StoreError::QuotaExceeded);
            }
        }
        let mut map = self.map.borrow_mut();
        let mut stats = self.stats.get();
        stats.write_calls += 1;
        stats.items_written += items.len();
        stats.bytes_written += items.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        self.stats.set(stats);
        for (k, v) in items {
            map.insert(k, v);
        }
        Ok(())
    }

    async fn remove(&self, keys: &[String]) -> Result<(), StoreError> {
        self.take_fault()?;
        let mut map = self.map.borrow_mut();
        for k in keys {
            map.remove(k);
        }
        Ok(())
    }

    async fn list_keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.borrow().keys().cloned().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(key: &str, len: usize) -> (String, Vec<u8>) {
        (key.to_string(), vec![7; len])
    }

    /// The native tests' stand-in counts a quota as `chrome.storage.local` does (keys and values),
    /// so that "full storage" is refused at the same byte in both.
    #[test]
    fn the_quota_counts_keys_and_values_and_a_replaced_value_only_once() {
        pollster::block_on(async {
            let store = MemoryStore::new();
            store.set_many(vec![item("ab", 10), item("c", 5)]).await.expect("no quota yet");
            assert_eq!(store.used_bytes(), 2 + 10 + 1 + 5);
            store.set_quota(Some(30));
            // 18 used; replacing "ab" (12) by 20 bytes of value makes 1 + 5 + 2 + 20 = 28.
            store.set_many(vec![item("ab", 20)]).await.expect("within the quota");
            assert_eq!(store.used_bytes(), 28);
            // Exactly at the quota is allowed, one byte over is not, and a refused write changes nothing.
            store.set_many(vec![item("d", 1)]).await.expect("exactly at the quota");
            assert_eq!(store.used_bytes(), 30);
            assert_eq!(store.set_many(vec![item("e", 0)]).await, Err(StoreError::QuotaExceeded));
            assert_eq!(store.set_many(vec![item("ab", 19), item("f", 1)]).await, Err(StoreError::QuotaExceeded));
            assert_eq!(store.used_bytes(), 30);
            assert_eq!(store.raw_get("ab").map(|v| v.len()), Some(20));
            // A write that shrinks usage always fits.
            store.set_many(vec![item("ab", 0)]).await.expect("smaller");
            assert_eq!(store.used_bytes(), 10);
        });
    }

    /// What the vault's cost tests read ("a save writes three records of ~N bytes").
    #[test]
    fn the_counters_say_what_was_read_and_written() {
        pollster::block_on(async {
            let store = MemoryStore::new();
            store.set_many(vec![item("ab", 10), item("c", 5)]).await.expect("written");
            store.set_many(vec![item("d", 3)]).await.expect("written");
            let _ = store.get_many(&["ab".to_string(), "nothing".to_string()]).await;
            assert_eq!(store.stats(), StoreStats { keys_read: 2, items_written: 3, bytes_written: 12 + 6 + 4, write_calls: 2 });
            // A refused write counts nothing.
            store.set_quota(Some(0));
            assert!(store.set_many(vec![item("e", 1)]).await.is_err());
            assert_eq!(store.stats().write_calls, 2);
            store.reset_stats();
            assert_eq!(store.stats(), StoreStats::default());
        });
    }
}
