//! Vault-level merge properties: two devices with disjoint edits converge whichever way they
//! exchange bundles, and re-importing changes nothing.

mod common;

use common::{FAST, at, block_on, entry};
use proptest::prelude::*;
use sotto_vault::{Entry, MemoryStore, Passphrase, Vault};

#[derive(Clone, Copy, Debug)]
enum Edit {
    Keep,
    Intensity(u8),
    Move(i64),
    Delete,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::Keep),
        (0u8..=10).prop_map(Edit::Intensity),
        (-30i64..30).prop_map(Edit::Move),
        Just(Edit::Delete),
    ]
}

async fn apply(v: &mut sotto_vault::UnlockedVault<&MemoryStore>, e: &Entry, edit: Edit) {
    match edit {
        Edit::Keep => {}
        Edit::Intensity(i) => {
            v.update_entry(e, Entry { intensity: i, ..e.clone() }).await.unwrap();
        }
        Edit::Move(days) => {
            v.update_entry(e, Entry { occurred_at: e.occurred_at + days * 86_400_000, ..e.clone() }).await.unwrap();
        }
        Edit::Delete => v.delete_entry(e).await.unwrap(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn disjoint_edits_converge_and_reimport_is_idempotent(edits in proptest::collection::vec((edit(), any::<bool>()), 1..12)) {
        block_on(async {
            let pass = Passphrase::new("p");
            let base: Vec<Entry> = (0..edits.len() as u64).map(|n| entry(n, at(2026, 1, 1, 0, 0) + n as i64 * 40_000_000, 5)).collect();
            let (sa, sb) = (MemoryStore::new(), MemoryStore::new());
            let (mut a, _) = Vault::create(&sa, &pass, FAST).await.unwrap();
            let (mut b, _) = Vault::create(&sb, &pass, FAST).await.unwrap();
            a.import_entries(base.clone()).await.unwrap();
            b.import_entries(base.clone()).await.unwrap();
            // Each entry is edited on exactly one side: disjoint edits.
            for (e, (ed, on_a)) in base.iter().zip(&edits) {
                if *on_a { apply(&mut a, e, *ed).await } else { apply(&mut b, e, *ed).await }
            }
            let bundle_a = a.export_bundle(&pass, FAST, 0).await.unwrap();
            let bundle_b = b.export_bundle(&pass, FAST, 0).await.unwrap();
            let r = a.import_bundle(&bundle_b, &pass).await.unwrap();
            // The report tells what B's edits did to A: deletions apart, never as added.
            let on_b = |want: fn(&Edit) -> bool| edits.iter().filter(|(e, on_a)| !on_a && want(e)).count();
            let expected_deleted = on_b(|e| matches!(e, Edit::Delete));
            let expected_updated = on_b(|e| matches!(e, Edit::Intensity(_) | Edit::Move(_)));
            assert_eq!(
                (r.added, r.updated, r.deleted, r.unchanged),
                (0, expected_updated, expected_deleted, edits.len() - expected_updated - expected_deleted)
            );
            b.import_bundle(&bundle_a, &pass).await.unwrap();
            let all_a = a.all_entries(true).await.unwrap().entries;
            let all_b = b.all_entries(true).await.unwrap().entries;
            assert_eq!(all_a, all_b, "commutative: both orders give the same journal");
            let deleted = edits.iter().filter(|(e, _)| matches!(e, Edit::Delete)).count();
            assert_eq!(all_a.iter().filter(|e| e.deleted).count(), deleted);
            let before = sa.snapshot();
            let r = a.import_bundle(&bundle_b, &pass).await.unwrap();
            assert_eq!((r.added, r.updated, r.deleted, r.unchanged), (0, 0, 0, edits.len()));
            assert_eq!(sa.snapshot(), before, "idempotent");
        });
    }
}
