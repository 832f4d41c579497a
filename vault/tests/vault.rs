//! The vault over a MemoryStore: lifecycle, layout guarantees, damage and rollback reporting.

mod common;

use common::{FAST, at, block_on, entry};
use sotto_vault::{
    Entry, KdfParams, MemoryStore, Passphrase, RecordName, Settings, StoreError, Vault, VaultError, VaultStatus,
    calendar::IsoWeek, derive_kek,
};

fn pass() -> Passphrase {
    Passphrase::new("a long and memorable passphrase")
}

fn segment_keys(store: &MemoryStore) -> Vec<String> {
    store.snapshot().keys().filter(|k| k.starts_with("v:s:")).cloned().collect()
}

#[test]
fn create_unlock_and_wrong_passphrase() {
    block_on(async {
        let store = MemoryStore::new();
        assert_eq!(Vault::status(&store).await.unwrap(), VaultStatus::NoVault);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::NoVault));
        let (mut v, code) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let e = v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        v.lock();
        assert_eq!(Vault::create(&store, &pass(), FAST).await.err(), Some(VaultError::AlreadyExists));

        let VaultStatus::Locked(info) = Vault::status(&store).await.unwrap() else { panic!("locked") };
        assert_eq!(info.kdf, FAST);
        assert_eq!(
            Vault::unlock_with_passphrase(&store, &Passphrase::new("wrong")).await.err(),
            Some(VaultError::WrongPassphrase)
        );
        // The KEK can be derived separately (throwaway Wasm instance) and handed over.
        let kek = derive_kek(&pass(), &info.kdf, &info.salt).unwrap();
        let v = Vault::unlock_with_kek(&store, &kek).await.unwrap();
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert_eq!(listing.entries, vec![e]);
        assert!(v.problems().is_empty());

        // Recovery code: wrong, malformed, then right (and it resets the passphrase).
        let wrong = "0000-0000-0000-0000-0000-0000-0000-0000";
        assert_eq!(
            Vault::unlock_with_recovery_code(&store, wrong, &pass(), FAST).await.err(),
            Some(VaultError::WrongRecoveryCode)
        );
        assert!(matches!(
            Vault::unlock_with_recovery_code(&store, "abc", &pass(), FAST).await.err(),
            Some(VaultError::MalformedRecoveryCode(_))
        ));
        let typed = code.reveal().to_lowercase().replace('-', " ");
        let new = Passphrase::new("new passphrase");
        let v = Vault::unlock_with_recovery_code(&store, &typed, &new, FAST).await.unwrap();
        assert_eq!(v.list_recent(10).await.unwrap().entries.len(), 1);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::WrongPassphrase));
        assert!(Vault::unlock_with_passphrase(&store, &new).await.is_ok());
    });
}

#[test]
fn keys_never_debug_print_bytes() {
    block_on(async {
        let store = MemoryStore::new();
        let (_v, code) = Vault::create(&store, &pass(), FAST).await.unwrap();
        assert_eq!(format!("{code:?}"), "RecoveryCode(<redacted>)");
        assert_eq!(format!("{:?}", pass()), "Passphrase(<redacted>)");
        let kek = derive_kek(&pass(), &FAST, &[0; 16]).unwrap();
        assert_eq!(format!("{kek:?}"), "Kek(<redacted>)");
    });
}

#[test]
fn passphrase_change_and_recovery_rotation_rewrap_only() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, old_code) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 1, 5, 8, 0), 3)).await.unwrap();
        let segments_before: Vec<_> = segment_keys(&store).iter().map(|k| store.raw_get(k)).collect();
        let stronger = KdfParams { m_cost_kib: 128, t_cost: 2, p_cost: 1 };
        v.change_passphrase(&Passphrase::new("second"), stronger).await.unwrap();
        let new_code = v.rotate_recovery_code().await.unwrap();
        assert_ne!(new_code, old_code);
        let segments_after: Vec<_> = segment_keys(&store).iter().map(|k| store.raw_get(k)).collect();
        assert_eq!(segments_before, segments_after, "entries are never re-encrypted for a rewrap");
        v.lock();
        let VaultStatus::Locked(info) = Vault::status(&store).await.unwrap() else { panic!() };
        assert_eq!(info.kdf, stronger);
        assert!(Vault::unlock_with_passphrase(&store, &Passphrase::new("second")).await.is_ok());
        assert_eq!(
            Vault::unlock_with_recovery_code(&store, &old_code.reveal(), &pass(), FAST).await.err(),
            Some(VaultError::WrongRecoveryCode)
        );
        assert!(Vault::unlock_with_recovery_code(&store, &new_code.reveal(), &pass(), FAST).await.is_ok());
    });
}

#[test]
fn a_rewrap_with_a_kek_derived_elsewhere_keeps_the_passphrase_and_records_the_params() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        assert_eq!(v.kdf_params(), FAST);
        let stronger = KdfParams { t_cost: FAST.t_cost + 2, ..FAST };
        let salt = sotto_vault::new_salt().unwrap();
        assert_ne!(salt, sotto_vault::new_salt().unwrap());
        let kek = derive_kek(&pass(), &stronger, &salt).unwrap();
        v.change_passphrase_with_kek(&kek, stronger, salt).await.unwrap();
        assert_eq!(v.kdf_params(), stronger);
        let bad = KdfParams { t_cost: 0, ..FAST };
        assert!(matches!(v.change_passphrase_with_kek(&kek, bad, salt).await, Err(VaultError::InvalidParams(_))));
        v.lock();
        let VaultStatus::Locked(info) = Vault::status(&store).await.unwrap() else { panic!() };
        assert_eq!((info.kdf, info.salt), (stronger, salt));
        let reopened = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(reopened.kdf_params(), stronger);
        assert!(Vault::unlock_with_kek(&store, &kek).await.is_ok());
    });
}

#[test]
fn edits_keep_id_bump_revision_and_delete_leaves_tombstone() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let saved = v.save_entry(entry(7, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        assert_eq!(saved.revision, 1);
        let mut edit = saved.clone();
        edit.intensity = 8;
        edit.note = "worse after the drive".into();
        let updated = v.update_entry(&saved, edit).await.unwrap();
        assert_eq!((updated.id, updated.revision), (saved.id, 2));
        // A stale copy cannot overwrite the newer one.
        assert_eq!(
            v.update_entry(&saved, saved.clone()).await.err(),
            Some(VaultError::Conflict { stored_revision: 2 })
        );
        // Moving the entry to another week moves it between segments.
        let mut moved = updated.clone();
        moved.occurred_at = at(2026, 2, 10, 9, 0);
        let moved = v.update_entry(&updated, moved).await.unwrap();
        // A copy read before the move names the old week: it is stale, not gone.
        assert_eq!(
            v.update_entry(&updated, updated.clone()).await.err(),
            Some(VaultError::Conflict { stored_revision: 3 })
        );
        assert_eq!(v.delete_entry(&updated).await.err(), Some(VaultError::Conflict { stored_revision: 3 }));
        assert!(v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap().entries.is_empty());
        assert_eq!(v.list_range(at(2026, 2, 1, 0, 0), at(2026, 2, 28, 0, 0)).await.unwrap().entries, vec![moved.clone()]);
        v.delete_entry(&moved).await.unwrap();
        assert!(v.list_recent(10).await.unwrap().entries.is_empty());
        let all = v.all_entries(true).await.unwrap().entries;
        assert_eq!(all.len(), 1);
        assert!(all[0].deleted && all[0].note.is_empty() && all[0].revision == 4);
        assert_eq!(v.update_entry(&moved, moved.clone()).await.err(), Some(VaultError::Conflict { stored_revision: 4 }));
        // Invalid entries are refused and nothing is written.
        let before = store.snapshot();
        let bad = Entry { intensity: 11, ..entry(8, at(2026, 3, 4, 9, 0), 0) };
        assert!(matches!(v.save_entry(bad).await, Err(VaultError::InvalidEntry(_))));
        assert_eq!(store.snapshot(), before);
    });
}

#[test]
fn unlock_reads_header_and_manifest_only_and_save_cost_is_bounded() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        // 2,000 entries over ~40 weeks.
        let entries: Vec<_> = (0..2000).map(|n| entry(n, at(2025, 1, 1, 0, 0) + n as i64 * 3 * 3_600_000, (n % 11) as u8)).collect();
        v.import_entries(entries).await.unwrap();
        v.lock();
        store.reset_stats();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(store.stats().keys_read, 3, "header, manifest root and the one year's chunk: no entry");
        let mut v = v;
        store.reset_stats();
        v.save_entry(entry(99_999, at(2025, 3, 3, 12, 0), 4)).await.unwrap();
        let s = store.stats();
        assert_eq!((s.write_calls, s.items_written), (1, 3), "one atomic write: segment part + its year's chunk + root");
        assert!(s.keys_read <= 1, "reads only the week's last part");
        assert!(s.bytes_written < 128 * 1024, "bounded write: {} bytes", s.bytes_written);
        // A range reads only the weeks it covers.
        store.reset_stats();
        let l = v.list_range(at(2025, 3, 3, 0, 0), at(2025, 3, 9, 23, 59)).await.unwrap();
        assert!(!l.entries.is_empty());
        assert!(store.stats().keys_read <= 6, "read {} keys", store.stats().keys_read);
    });
}

/// What one save writes does not grow with the journal: with the same last year, a vault
/// spanning 60 years writes the same three items as one spanning a year; only the root is
/// longer, by one short line per year.
#[test]
fn save_writes_the_same_with_one_year_or_sixty() {
    block_on(async {
        let written = |years: i64| async move {
            let store = MemoryStore::new();
            let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
            let end = at(2090, 12, 1, 0, 0);
            // One entry a week, going back `years` years.
            let entries: Vec<_> = (0..years as u64 * 52).map(|n| entry(n, end - n as i64 * 7 * 86_400_000, 3)).collect();
            v.import_entries(entries).await.unwrap();
            store.reset_stats();
            v.save_entry(entry(99_999, end, 4)).await.unwrap();
            let s = store.stats();
            (s.items_written, s.bytes_written)
        };
        let (items_1, bytes_1) = written(1).await;
        let (items_60, bytes_60) = written(60).await;
        assert_eq!((items_1, items_60), (3, 3), "segment part, its year's chunk, root");
        // ~70 bytes per year: the root's padding bucket goes from 1 KiB to 8 KiB at 60 years.
        assert!(bytes_60 - bytes_1 <= 8192 - 1024, "60 years wrote {bytes_60} bytes, 1 year {bytes_1}: more than the root's growth");
    });
}

#[test]
fn a_manifest_chunk_damaged_or_rolled_back_alone_is_rebuilt() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2025, 6, 2, 9, 0), 3)).await.unwrap();
        let chunk_key = |store: &MemoryStore| store.snapshot().keys().find(|k| k.starts_with("v:i:")).unwrap().clone();
        let key_2025 = chunk_key(&store);
        assert_eq!(key_2025.len(), 4 + 32);
        let old_chunk = store.raw_get(&key_2025).unwrap();
        v.save_entry(entry(2, at(2025, 7, 7, 9, 0), 5)).await.unwrap();
        v.save_entry(entry(3, at(2026, 3, 9, 9, 0), 7)).await.unwrap();
        v.lock();
        let good = store.snapshot();

        // Rolled back alone: its newer weeks are still in storage, so nothing is lost.
        store.raw_set(&key_2025, old_chunk);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::IndexRebuilt]);
        assert_eq!(v.list_recent(10).await.unwrap().entries.len(), 3);
        v.lock();
        assert!(Vault::unlock_with_passphrase(&store, &pass()).await.unwrap().problems().is_empty(), "rebuilt and saved");

        // Damaged or removed: reported by year, rebuilt, nothing lost.
        for (key, value) in &good {
            store.raw_set(key, value.clone());
        }
        let mut damaged = good[&key_2025].clone();
        damaged[40] ^= 1;
        store.raw_set(&key_2025, damaged);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::Corrupt { record: RecordName::ManifestChunk { year: 2025 } }]);
        assert!(v.problems()[0].to_string().starts_with("the vault's index of the weeks of 2025 could not be read"));
        assert_eq!(v.list_recent(10).await.unwrap().entries.len(), 3);
        v.lock();
        for (key, value) in &good {
            store.raw_set(key, value.clone());
        }
        // A chunk copied over another year's key does not open there.
        let key_2026 = good.keys().find(|k| k.starts_with("v:i:") && **k != key_2025).unwrap();
        store.raw_set(key_2026, good[&key_2025].clone());
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::Corrupt { record: RecordName::ManifestChunk { year: 2026 } }]);
        assert_eq!(v.list_recent(10).await.unwrap().entries.len(), 3);
    });
}

#[test]
fn storage_keys_and_sizes_reveal_no_timestamps_or_counts() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        let one = store.snapshot();
        v.save_entry(entry(2, at(2026, 3, 5, 9, 0), 6)).await.unwrap();
        let two = store.snapshot();
        assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>(), "same week, same keys");
        for (k, value) in &two {
            if k.starts_with("v:s:") || k.starts_with("v:i:") {
                assert_eq!(k.len(), 4 + 32);
                assert!(!k.contains("2026"));
                assert_eq!(value.len(), one[k].len(), "padding hides the second entry");
            }
        }
    });
}

#[test]
fn damaged_segment_costs_only_its_week() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let before: std::collections::BTreeSet<_> = segment_keys(&store).into_iter().collect();
        v.save_entry(entry(2, at(2026, 3, 10, 9, 0), 5)).await.unwrap();
        let march_10_key = segment_keys(&store).into_iter().find(|k| !before.contains(k)).unwrap();
        let march_3_key = before.into_iter().next().unwrap();
        // Flip one byte of the 2–8 March segment.
        let mut value = store.raw_get(&march_3_key).unwrap();
        value[40] ^= 0x01;
        store.raw_set(&march_3_key, value);
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert_eq!(listing.entries.len(), 1, "the other week still loads");
        let week = IsoWeek { year: 2026, week: 10 };
        assert_eq!(listing.unreadable, vec![VaultError::Corrupt { record: RecordName::Segment { week, part: 0 } }]);
        assert_eq!(
            listing.unreadable[0].to_string(),
            "entries from 2–8 March 2026 could not be read: the stored data is damaged or was altered; the rest of the journal is unaffected"
        );
        // A value copied to another key fails too.
        store.raw_set(&march_3_key, store.raw_get(&march_10_key).unwrap());
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert!(matches!(listing.unreadable[..], [VaultError::Corrupt { .. }]));
        // Truncated and removed values are reported as such.
        store.raw_set(&march_3_key, vec![1, 2, 3]);
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert!(matches!(listing.unreadable[..], [VaultError::Truncated { .. }]));
        store.raw_set(&march_3_key, vec![9; 100]);
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert!(matches!(listing.unreadable[..], [VaultError::UnsupportedVersion { .. }]));
        // Saving into the damaged week never overwrites the damaged part.
        v.save_entry(entry(3, at(2026, 3, 4, 9, 0), 2)).await.unwrap();
        assert_eq!(store.raw_get(&march_3_key).unwrap(), vec![9; 100]);
        let listing = v.list_range(at(2026, 3, 1, 0, 0), at(2026, 3, 31, 0, 0)).await.unwrap();
        assert_eq!(listing.entries.len(), 2);
    });
}

#[test]
fn single_segment_rollback_is_detected() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let e = v.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let key = segment_keys(&store).pop().unwrap();
        let old = store.raw_get(&key).unwrap();
        let mut edit = e.clone();
        edit.intensity = 2;
        v.update_entry(&e, edit).await.unwrap();
        store.raw_set(&key, old);
        v.lock();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        let listing = v.list_recent(5).await.unwrap();
        assert!(listing.entries.is_empty());
        assert!(matches!(&listing.unreadable[..], [VaultError::RolledBack { record: RecordName::Segment { .. } }]));
    });
}

#[test]
fn quota_and_write_failures_save_nothing() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let before = store.snapshot();
        store.set_quota(Some(store.used_bytes() + 100));
        let err = v.save_entry(entry(2, at(2026, 5, 3, 9, 0), 6)).await.unwrap_err();
        assert_eq!(err, VaultError::Storage(StoreError::QuotaExceeded));
        assert!(err.to_string().contains("full, so nothing was saved"));
        assert_eq!(store.snapshot(), before);
        store.set_quota(None);
        store.fail_next_write(StoreError::Other("disk on fire".into()));
        assert!(v.save_entry(entry(2, at(2026, 5, 3, 9, 0), 6)).await.is_err());
        assert_eq!(store.snapshot(), before);
        // The vault stays consistent: the next save works and everything reads back.
        v.save_entry(entry(2, at(2026, 5, 3, 9, 0), 6)).await.unwrap();
        v.lock();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        let listing = v.list_recent(10).await.unwrap();
        assert_eq!((listing.entries.len(), listing.unreadable.len()), (2, 0));
    });
}

#[test]
fn damaged_manifest_is_rebuilt_from_segments() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        for n in 0..20 {
            v.save_entry(entry(n, at(2026, 1, 1, 9, 0) + n as i64 * 86_400_000, 3)).await.unwrap();
        }
        v.lock();
        let mut m = store.raw_get("v:m").unwrap();
        m[30] ^= 0xff;
        store.raw_set("v:m", m);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::Corrupt { record: RecordName::Manifest }]);
        assert_eq!(v.list_recent(100).await.unwrap().entries.len(), 20);
        v.lock();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert!(v.problems().is_empty(), "the rebuilt manifest was saved");
    });
}

#[test]
fn a_manifest_rolled_back_alone_hides_nothing_and_is_reported() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 1, 5, 9, 0), 3)).await.unwrap();
        let old_manifest = store.raw_get("v:m").unwrap();
        // Two later weeks, then the manifest alone is put back to its older copy.
        v.save_entry(entry(2, at(2026, 2, 9, 9, 0), 5)).await.unwrap();
        v.save_entry(entry(3, at(2026, 3, 9, 9, 0), 7)).await.unwrap();
        v.lock();
        store.raw_set("v:m", old_manifest);
        // A planted key that is not one of our segments is ignored, not a reason to rebuild.
        store.raw_set("v:s:00000000000000000000000000000000", vec![1; 64]);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::IndexRebuilt]);
        assert!(v.problems()[0].to_string().contains("nothing was lost"));
        assert_eq!(v.list_recent(10).await.unwrap().entries.len(), 3, "the hidden weeks are back");
        v.lock();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert!(v.problems().is_empty(), "the rebuilt manifest was saved; the planted key does not trigger a rebuild");
    });
}

#[test]
fn tampered_header_is_reported() {
    block_on(async {
        let store = MemoryStore::new();
        let (v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.lock();
        let good = store.raw_get("v:h").unwrap();
        let mut h = good.clone();
        h[100] ^= 1; // activity public key
        store.raw_set("v:h", h);
        assert_eq!(
            Vault::unlock_with_passphrase(&store, &pass()).await.err(),
            Some(VaultError::Corrupt { record: RecordName::Header })
        );
        let mut h = good.clone();
        h[8..10].copy_from_slice(&3u16.to_be_bytes());
        store.raw_set("v:h", h);
        assert!(matches!(Vault::status(&store).await, Err(VaultError::UnsupportedVersion { found: 3, .. })));
        let mut h = good.clone();
        h[8..10].copy_from_slice(&1u16.to_be_bytes());
        store.raw_set("v:h", h);
        let older = Vault::status(&store).await.unwrap_err();
        assert!(older.to_string().contains("written by a pre-release of Sotto"), "{older}");
        store.raw_set("v:h", good[..100].to_vec());
        assert_eq!(Vault::status(&store).await.err(), Some(VaultError::Truncated { record: RecordName::Header }));
        let mut h = good.clone();
        h[30] ^= 1; // m_cost: changes the KEK and the wrap's AAD
        store.raw_set("v:h", h);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::WrongPassphrase));
    });
}

/// docs/format.md §3.1: the passphrase wrap authenticates the version, vault id, KDF parameters,
/// salt and revision; the recovery wrap the version, vault id and recovery salt, and not the
/// revision (which changes without the recovery code at hand). A header with an authenticated
/// byte changed does not open (a cargo-mutants survivor: either wrap's AAD could be emptied with
/// every test passing, since the bytes they flipped also change the key or the public key).
#[test]
fn the_wraps_authenticate_the_bytes_the_format_names() {
    block_on(async {
        let store = MemoryStore::new();
        let (v, code) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.lock();
        let good = store.raw_get("v:h").unwrap();

        let mut other_revision = good.clone();
        other_revision[62] ^= 2; // header revision, bytes 55..63
        store.raw_set("v:h", other_revision);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::WrongPassphrase));
        assert!(Vault::unlock_with_recovery_code(&store, &code.reveal(), &pass(), FAST).await.is_ok());

        let mut other_id = good.clone();
        other_id[12] ^= 1; // vault id, bytes 10..26
        store.raw_set("v:h", other_id);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::WrongPassphrase));
        assert_eq!(
            Vault::unlock_with_recovery_code(&store, &code.reveal(), &pass(), FAST).await.err(),
            Some(VaultError::WrongRecoveryCode)
        );
    });
}

/// docs/format.md §3.1 reader checks: a header longer than 247 bytes is corrupt, a shorter one
/// truncated (cargo-mutants survivors: both length checks could be turned around unnoticed).
#[test]
fn a_header_of_the_wrong_length_is_refused() {
    block_on(async {
        let store = MemoryStore::new();
        let (v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.lock();
        let good = store.raw_get("v:h").unwrap();
        let mut long = good.clone();
        long.push(0);
        store.raw_set("v:h", long);
        assert_eq!(Vault::status(&store).await.err(), Some(VaultError::Corrupt { record: RecordName::Header }));
        store.raw_set("v:h", good[..good.len() - 1].to_vec());
        assert_eq!(Vault::status(&store).await.err(), Some(VaultError::Truncated { record: RecordName::Header }));
        store.raw_set("v:h", good);
        assert!(matches!(Vault::status(&store).await, Ok(VaultStatus::Locked(_))));
    });
}

/// A new entry is stored live at revision 1 and an edit is stored live at the next revision,
/// whatever the caller's copy said (a deletion goes through delete_entry only); a rewrap with
/// the current passphrase records the new parameters (cargo-mutants survivors in vault.rs).
#[test]
fn saves_and_edits_set_revision_and_liveness_and_a_rewrap_records_its_params() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let claimed = Entry { revision: 5, deleted: true, ..entry(1, at(2026, 3, 4, 9, 0), 6) };
        let saved = v.save_entry(claimed).await.unwrap();
        assert_eq!((saved.revision, saved.deleted), (1, false));
        let edit = Entry { deleted: true, intensity: 2, ..saved.clone() };
        let edited = v.update_entry(&saved, edit).await.unwrap();
        assert_eq!((edited.revision, edited.deleted, edited.intensity), (2, false, 2));
        assert_eq!(v.list_recent(5).await.unwrap().entries, vec![edited]);

        let stronger = KdfParams { t_cost: FAST.t_cost + 1, ..FAST };
        v.rewrap_with_params(&pass(), stronger).await.unwrap();
        assert_eq!(v.kdf_params(), stronger);
        v.lock();
        let VaultStatus::Locked(info) = Vault::status(&store).await.unwrap() else { panic!("locked") };
        assert_eq!(info.kdf, stronger);
        assert!(Vault::unlock_with_passphrase(&store, &pass()).await.is_ok());
    });
}

#[test]
fn a_header_put_back_alone_is_reported_until_a_new_one_is_written() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let before_change = store.raw_get("v:h").unwrap();
        let second = Passphrase::new("second passphrase");
        v.change_passphrase(&second, FAST).await.unwrap();
        v.lock();
        assert!(Vault::unlock_with_passphrase(&store, &second).await.unwrap().problems().is_empty());

        // The header from before the passphrase change, put back alone: the old passphrase
        // opens again, and the vault says so at every unlock.
        store.raw_set("v:h", before_change);
        assert_eq!(Vault::unlock_with_passphrase(&store, &second).await.err(), Some(VaultError::WrongPassphrase));
        let mut v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::HeaderReplaced]);
        assert!(v.problems()[0].to_string().contains("an older copy was put back (for instance from before a passphrase change)"));
        assert_eq!(v.list_recent(5).await.unwrap().entries.len(), 1, "entries are intact");
        v.save_entry(entry(2, at(2026, 3, 4, 9, 0), 5)).await.unwrap();
        v.lock();
        let mut v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::HeaderReplaced], "a save does not make the old header trusted");
        // A new passphrase writes a new header, newer than both: the warning ends.
        let third = Passphrase::new("third passphrase");
        v.change_passphrase(&third, FAST).await.unwrap();
        v.lock();
        assert!(Vault::unlock_with_passphrase(&store, &third).await.unwrap().problems().is_empty());

        // From before a recovery-code rotation (same revision, other bytes): reported too.
        let before_rotation = store.raw_get("v:h").unwrap();
        let mut v = Vault::unlock_with_passphrase(&store, &third).await.unwrap();
        v.rotate_recovery_code().await.unwrap();
        v.lock();
        store.raw_set("v:h", before_rotation);
        assert_eq!(Vault::unlock_with_passphrase(&store, &third).await.unwrap().problems(), &[VaultError::HeaderReplaced]);
        // A recovery code rotation writes a header the root pins again.
        let mut v = Vault::unlock_with_passphrase(&store, &third).await.unwrap();
        v.rotate_recovery_code().await.unwrap();
        v.lock();
        assert!(Vault::unlock_with_passphrase(&store, &third).await.unwrap().problems().is_empty());

        // Altered where no wrap looks (the recovery salt): the passphrase still opens, and the
        // recovery code would not, so it is said now rather than on the day it is needed.
        let mut h = store.raw_get("v:h").unwrap();
        h[70] ^= 1;
        store.raw_set("v:h", h);
        assert_eq!(Vault::unlock_with_passphrase(&store, &third).await.unwrap().problems(), &[VaultError::HeaderReplaced]);
    });
}

#[test]
fn a_root_put_back_alone_from_before_a_passphrase_change_is_rebuilt_not_blamed_on_the_header() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let old_root = store.raw_get("v:m").unwrap();
        let second = Passphrase::new("second passphrase");
        v.change_passphrase(&second, FAST).await.unwrap();
        v.lock();
        store.raw_set("v:m", old_root);
        let v = Vault::unlock_with_passphrase(&store, &second).await.unwrap();
        assert_eq!(v.problems(), &[VaultError::IndexRebuilt]);
        assert_eq!(v.list_recent(5).await.unwrap().entries.len(), 1);
        v.lock();
        assert!(Vault::unlock_with_passphrase(&store, &second).await.unwrap().problems().is_empty());
    });
}

#[test]
fn settings_round_trip_and_keep_unknown_fields() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        assert_eq!(v.settings().await.unwrap(), Settings::default());
        let mut s = Settings { strict_mode: true, auto_lock_minutes: 0, ..Default::default() };
        s.extra.insert("from_the_future".into(), serde_json::json!([1, 2]));
        v.set_settings(&s).await.unwrap();
        v.lock();
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.settings().await.unwrap(), s);
    });
}

/// Listings as the popup and the options page use them: a range includes both of its ends, also
/// for an entry whose local week is not its UTC week (offsets of ±14 hours), and the most recent
/// entries come newest first, exactly as many as asked for.
#[test]
fn ranges_include_their_ends_and_recent_entries_come_newest_first() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let mut saved = Vec::new();
        for n in 0..10u64 {
            let at_ms = at(2026, 1, 5, 8, 0) + i64::try_from(n).unwrap() * 3 * 86_400_000;
            saved.push(v.save_entry(entry(n, at_ms, 3)).await.unwrap());
        }
        // Sunday 23:30 UTC seen at UTC+14 is Monday: stored in the following week.
        let east = Entry { utc_offset_minutes: 840, ..entry(20, at(2026, 3, 1, 23, 30), 5) };
        // Monday 00:30 UTC seen at UTC−14 is Sunday: stored in the week before.
        let west = Entry { utc_offset_minutes: -840, ..entry(21, at(2026, 3, 9, 0, 30), 5) };
        saved.push(v.save_entry(east).await.unwrap());
        saved.push(v.save_entry(west).await.unwrap());
        for e in &saved {
            let listing = v.list_range(e.occurred_at, e.occurred_at).await.unwrap();
            assert_eq!(listing.entries, vec![e.clone()], "a range of one instant holds the entry at that instant");
        }
        let first = &saved[0];
        assert!(v.list_range(first.occurred_at - 1, first.occurred_at - 1).await.unwrap().entries.is_empty());
        assert!(v.list_range(first.occurred_at + 1, first.occurred_at + 1).await.unwrap().entries.is_empty());

        let mut newest_first = saved.clone();
        newest_first.sort_by_key(|e| std::cmp::Reverse(e.occurred_at));
        assert_eq!(v.list_recent(5).await.unwrap().entries, newest_first[..5]);
        assert_eq!(v.list_recent(1).await.unwrap().entries, newest_first[..1]);
        assert_eq!(v.list_recent(100).await.unwrap().entries, newest_first);
    });
}

/// What the worker shows about an unlocked journal: the stored count (tombstones included, since
/// they are stored) from the manifest alone, and the vault id the header names.
#[test]
fn the_stored_count_includes_tombstones_and_the_id_is_the_headers() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        assert_eq!(v.stored_entry_count(), 0);
        let first = v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        v.save_entry(entry(2, at(2026, 3, 5, 9, 0), 2)).await.unwrap();
        v.save_entry(entry(3, at(2025, 7, 1, 9, 0), 4)).await.unwrap();
        v.delete_entry(&first).await.unwrap();
        assert_eq!(v.stored_entry_count(), 3);
        v.lock();
        let VaultStatus::Locked(info) = Vault::status(&store).await.unwrap() else { panic!("locked") };
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.stored_entry_count(), 3);
        assert_eq!(v.vault_id(), info.vault_id);
        let other = MemoryStore::new();
        let (w, _) = Vault::create(&other, &pass(), FAST).await.unwrap();
        assert_ne!(w.vault_id(), v.vault_id());
    });
}

/// An older settings record put back (e.g. strict mode switched off again by restoring an earlier
/// copy) is told apart at the next unlock, as is a settings record removed: the root pins it.
/// A cargo-mutants survivor: the root's settings pin could be dropped on unlock unnoticed.
#[test]
fn settings_put_back_or_removed_are_reported_after_an_unlock() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let older = store.raw_get("v:c").expect("settings written at creation");
        v.set_settings(&Settings { strict_mode: true, ..Default::default() }).await.unwrap();
        let current = store.raw_get("v:c").unwrap();
        v.lock();

        store.raw_set("v:c", older);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert_eq!(v.settings().await.err(), Some(VaultError::RolledBack { record: RecordName::Settings }));
        v.lock();

        let mut keep = store.snapshot();
        keep.remove("v:c");
        let without = MemoryStore::new();
        for (k, value) in keep {
            without.raw_set(&k, value);
        }
        let v = Vault::unlock_with_passphrase(&without, &pass()).await.unwrap();
        assert_eq!(v.settings().await.err(), Some(VaultError::Missing { record: RecordName::Settings }));
        v.lock();

        store.raw_set("v:c", current);
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        assert!(v.settings().await.unwrap().strict_mode);
    });
}

#[test]
fn failed_attempts_are_sealed_while_locked() {
    block_on(async {
        let store = MemoryStore::new();
        let (v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.lock();
        assert!(Vault::record_failed_attempt(&store, 1_700_000_000_000).await.unwrap());
        assert!(Vault::record_failed_attempt(&store, 1_600_000_000_000).await.unwrap());
        // Nothing readable in storage.
        for (k, value) in store.snapshot() {
            if k.starts_with("v:a:") {
                assert!(!String::from_utf8_lossy(&value).contains("1700000000000"));
            }
        }
        // Someone without the key plants a fake record: it does not open.
        store.raw_set("v:a:00000000000000000000000000000000", vec![1; 80]);
        let mut v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        let attempts = v.take_failed_attempts().await.unwrap();
        assert_eq!(attempts.times, vec![1_600_000_000_000, 1_700_000_000_000]);
        assert_eq!(attempts.unreadable, 1);
        assert_eq!(v.take_failed_attempts().await.unwrap(), Default::default(), "cleared");
    });
}

#[test]
fn failed_attempts_stay_until_forgotten_and_only_those_read_go() {
    block_on(async {
        let store = MemoryStore::new();
        let (v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        v.lock();
        assert!(Vault::record_failed_attempt(&store, 1_700_000_000_000).await.unwrap());
        let v = Vault::unlock_with_passphrase(&store, &pass()).await.unwrap();
        let read = v.failed_attempts().await.unwrap();
        assert_eq!((read.times.clone(), read.records.len()), (vec![1_700_000_000_000], 1));
        // Read again (the first unlock was cut short before the user saw it): still there.
        assert_eq!(v.failed_attempts().await.unwrap(), read, "reading does not clear");
        // An attempt recorded between the read and the forgetting survives it.
        assert!(Vault::record_failed_attempt(&store, 1_800_000_000_000).await.unwrap());
        Vault::forget_failed_attempts(&store, &read).await.unwrap();
        assert_eq!(v.failed_attempts().await.unwrap().times, vec![1_800_000_000_000]);
    });
}

#[test]
fn export_import_merge_rules() {
    block_on(async {
        let a_store = MemoryStore::new();
        let (mut a, _) = Vault::create(&a_store, &pass(), FAST).await.unwrap();
        let e1 = a.save_entry(entry(1, at(2026, 3, 3, 9, 0), 6)).await.unwrap();
        let e2 = a.save_entry(entry(2, at(2026, 3, 4, 9, 0), 4)).await.unwrap();
        let e3 = a.save_entry(entry(3, at(2026, 4, 4, 9, 0), 1)).await.unwrap();
        let export_pass = Passphrase::new("export");
        let bundle = a.export_bundle(&export_pass, FAST, 1).await.unwrap();
        assert_eq!(sotto_vault::BundleHeader::parse(&bundle).unwrap().chunk_size, 64 * 1024, "exports use 64 KiB chunks");

        let b_store = MemoryStore::new();
        let (mut b, _) = Vault::create(&b_store, &pass(), FAST).await.unwrap();
        let local_only = b.save_entry(entry(9, at(2026, 3, 3, 10, 0), 2)).await.unwrap();
        let r = b.import_bundle(&bundle, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (3, 0, 0, 0));
        let snapshot = b_store.snapshot();
        let r = b.import_bundle(&bundle, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 0, 0, 3));
        assert_eq!(b_store.snapshot(), snapshot, "importing twice changes nothing");

        // A edits e1, deletes e2; B edits e3 further. Import A into B again.
        let mut e1b = e1.clone();
        e1b.intensity = 9;
        a.update_entry(&e1, e1b).await.unwrap();
        a.delete_entry(&e2).await.unwrap();
        let mut e3b = e3.clone();
        e3b.note = "B's edit".into();
        let e3b = b.update_entry(&e3, e3b).await.unwrap();
        let mut e3c = e3b.clone();
        e3c.note = "B's second edit".into();
        let e3c = b.update_entry(&e3b, e3c).await.unwrap();
        let bundle2 = a.export_bundle(&export_pass, FAST, 2).await.unwrap();
        let r = b.import_bundle(&bundle2, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 1, 1, 1), "e1 edited, e2 deleted, e3 newer here");
        let all = b.all_entries(true).await.unwrap().entries;
        let find = |id| all.iter().find(|e| e.id == id).unwrap().clone();
        assert_eq!(find(e1.id).intensity, 9);
        assert!(find(e2.id).deleted);
        assert_eq!(find(e3.id), e3c, "the newer local revision wins");
        assert_eq!(find(local_only.id), local_only, "nothing is deleted that the bundle lacks");

        // Importing an older bundle never resurrects the deleted entry.
        let r = b.import_bundle(&bundle, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 0, 0, 3));
        assert!(b.all_entries(true).await.unwrap().entries.iter().any(|e| e.id == e2.id && e.deleted));

        // Deletions of entries a journal never had are kept and counted as such, never as added:
        // a fresh journal imports bundle2 as two entries and one deletion.
        let c_store = MemoryStore::new();
        let (mut c, _) = Vault::create(&c_store, &pass(), FAST).await.unwrap();
        let r = c.import_bundle(&bundle2, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (2, 0, 1, 0));
        assert_eq!(c.list_recent(10).await.unwrap().entries.len(), 2);
        assert!(c.all_entries(true).await.unwrap().entries.iter().any(|e| e.id == e2.id && e.deleted), "the deletion travels on");
        let r = c.import_bundle(&bundle, &export_pass).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 0, 0, 3), "the older live copy does not come back");
        // A deletion newer than the one here changes nothing the user sees.
        let c_snapshot = c_store.snapshot();
        let mut newer_deletion = c.all_entries(true).await.unwrap().entries.into_iter().find(|e| e.id == e2.id).unwrap();
        newer_deletion.revision += 1;
        let r = c.import_entries(vec![newer_deletion]).await.unwrap();
        assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 0, 0, 1));
        assert_ne!(c_store.snapshot(), c_snapshot, "the newer deletion is stored all the same");

        // Wrong passphrase or damage: nothing touched.
        let before = b_store.snapshot();
        assert_eq!(
            b.import_bundle(&bundle, &Passphrase::new("nope")).await.err(),
            Some(VaultError::Bundle(sotto_vault::BundleError::WrongPassphrase))
        );
        let mut damaged = bundle2.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(b.import_bundle(&damaged, &export_pass).await.is_err());
        assert_eq!(b_store.snapshot(), before);
    });
}
