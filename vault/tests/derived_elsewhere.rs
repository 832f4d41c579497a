//! The `*_with_root` API (and `change_passphrase_with_kek` fed from a root): Argon2id run elsewhere (the worker's throwaway Wasm instance) and its
//! output handed to the vault. Everything it writes must be exactly what the passphrase API
//! writes, so that either side opens what the other made.

mod common;

use common::{FAST, at, block_on, entry};
use sotto_vault::bundle::{BundleHeader, decrypt_bundle_with_root};
use sotto_vault::{
    BundleError, KdfInput, KdfParams, MemoryStore, Passphrase, PassphraseRoot, Vault, VaultError, VaultStatus, decrypt_bundle, derive_kek, new_salt,
};

fn pass() -> Passphrase {
    Passphrase::new("a long and memorable passphrase")
}

fn fresh(params: KdfParams) -> KdfInput {
    KdfInput { params, salt: new_salt().unwrap() }
}

/// Argon2id "elsewhere": derived, reduced to its 32 bytes, rebuilt, as the worker does.
fn elsewhere(passphrase: &Passphrase, input: KdfInput) -> PassphraseRoot {
    let derived = PassphraseRoot::derive(passphrase, input).unwrap();
    PassphraseRoot::from_argon2_output(input, *derived.expose_argon2_output())
}

fn locked_input(store: &MemoryStore) -> KdfInput {
    match block_on(Vault::status(store)).unwrap() {
        VaultStatus::Locked(info) => info.kdf_input(),
        VaultStatus::NoVault => panic!("no vault"),
    }
}

#[test]
fn a_root_gives_the_kek_derive_kek_gives_and_never_prints_its_bytes() {
    let a = fresh(FAST);
    let bad = KdfParams { m_cost_kib: 7, t_cost: 1, p_cost: 1 };
    assert!(PassphraseRoot::derive(&pass(), KdfInput { params: bad, salt: a.salt }).is_err());
    let root = PassphraseRoot::derive(&pass(), a).unwrap();
    assert_eq!(root.input(), a);
    assert_eq!(root.kek().expose_bytes(), derive_kek(&pass(), &a.params, &a.salt).unwrap().expose_bytes());
    let shown = format!("{root:?}");
    assert!(shown.contains("<redacted>") && !shown.contains(&format!("{:?}", root.expose_argon2_output())), "{shown}");
}

#[test]
fn a_vault_created_changed_and_reset_from_roots_opens_with_passphrases() {
    block_on(async {
        let store = MemoryStore::new();
        let input = fresh(FAST);
        let (mut v, code) = Vault::create_with_root(&store, &elsewhere(&pass(), input)).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        v.lock();
        assert_eq!(locked_input(&store), input, "the header stores the input the root was derived for");
        assert!(Vault::unlock_with_passphrase(&store, &pass()).await.is_ok());
        let again = elsewhere(&pass(), fresh(FAST));
        assert_eq!(Vault::create_with_root(&store, &again).await.err(), Some(VaultError::AlreadyExists));

        // Change: a new input, the old passphrase stops working, the entries stay.
        let mut v = Vault::unlock_with_kek(&store, &elsewhere(&pass(), locked_input(&store)).kek()).await.unwrap();
        let stronger = KdfParams { m_cost_kib: 128, t_cost: 2, p_cost: 1 };
        let second = Passphrase::new("second");
        let new_input = fresh(stronger);
        let new_root = elsewhere(&second, new_input);
        v.change_passphrase_with_kek(&new_root.kek(), new_input.params, new_input.salt).await.unwrap();
        v.lock();
        assert_eq!(locked_input(&store), new_input);
        assert_eq!(Vault::unlock_with_passphrase(&store, &pass()).await.err(), Some(VaultError::WrongPassphrase));
        assert_eq!(Vault::unlock_with_passphrase(&store, &second).await.unwrap().list_recent(5).await.unwrap().entries.len(), 1);

        // Reset with the recovery code: wrong and malformed codes change nothing.
        let third = Passphrase::new("third");
        let reset_root = elsewhere(&third, fresh(FAST));
        let wrong = "0000-0000-0000-0000-0000-0000-0000-0000";
        assert_eq!(Vault::reset_with_recovery_code(&store, wrong, &reset_root).await.err(), Some(VaultError::WrongRecoveryCode));
        assert!(matches!(Vault::reset_with_recovery_code(&store, "abc", &reset_root).await.err(), Some(VaultError::MalformedRecoveryCode(_))));
        assert!(Vault::unlock_with_passphrase(&store, &second).await.is_ok());
        let v = Vault::reset_with_recovery_code(&store, &code.reveal(), &reset_root).await.unwrap();
        assert_eq!(v.list_recent(5).await.unwrap().entries.len(), 1);
        v.lock();
        assert_eq!(Vault::unlock_with_passphrase(&store, &second).await.err(), Some(VaultError::WrongPassphrase));
        assert!(Vault::unlock_with_passphrase(&store, &third).await.is_ok());
        // The KEK the session copy keeps is the root's.
        assert!(Vault::unlock_with_kek(&store, &reset_root.kek()).await.is_ok());
    });
}

#[test]
fn bundles_sealed_and_opened_with_roots_match_the_passphrase_api() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create(&store, &pass(), FAST).await.unwrap();
        let saved = v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        let export = Passphrase::new("export passphrase");
        let input = fresh(FAST);
        let bytes = v.export_bundle_with_root(&elsewhere(&export, input), 7).await.unwrap();
        let header = BundleHeader::parse(&bytes).unwrap();
        assert_eq!(header.kdf_input(), input, "the bundle header stores the input the root was derived for");
        // Opened with the passphrase API, and with a root derived from the header's input.
        assert_eq!(decrypt_bundle(&bytes, &export).unwrap().entries, vec![saved.clone()]);
        let opened = decrypt_bundle_with_root(&bytes, &elsewhere(&export, header.kdf_input())).unwrap();
        assert_eq!((opened.entries, opened.exported_at), (vec![saved], 7));
        // A root for another passphrase, or for another salt, does not open it.
        assert_eq!(decrypt_bundle_with_root(&bytes, &elsewhere(&pass(), input)).err(), Some(BundleError::WrongPassphrase));
        let other_salt = fresh(FAST);
        assert_eq!(decrypt_bundle_with_root(&bytes, &elsewhere(&export, other_salt)).err(), Some(BundleError::WrongPassphrase));
        // The passphrase API's bundles open with roots too.
        let by_passphrase = v.export_bundle(&export, FAST, 8).await.unwrap();
        let input = BundleHeader::parse(&by_passphrase).unwrap().kdf_input();
        assert_eq!(decrypt_bundle_with_root(&by_passphrase, &elsewhere(&export, input)).unwrap().exported_at, 8);
    });
}

#[test]
fn the_export_check_accepts_only_the_current_passphrase_and_export_contents_holds_everything() {
    block_on(async {
        let store = MemoryStore::new();
        let (mut v, _) = Vault::create_with_root(&store, &elsewhere(&pass(), fresh(FAST))).await.unwrap();
        v.save_entry(entry(1, at(2026, 3, 4, 9, 0), 6)).await.unwrap();
        let gone = v.save_entry(entry(2, at(2025, 1, 1, 9, 0), 2)).await.unwrap();
        v.delete_entry(&gone).await.unwrap();

        let input = v.passphrase_kdf_input();
        assert_eq!(input, locked_input(&store));
        assert!(v.passphrase_root_opens(&elsewhere(&pass(), input)));
        assert!(!v.passphrase_root_opens(&elsewhere(&Passphrase::new("a long and memorable passphrasE"), input)));
        // The right passphrase with another salt is not this vault's root.
        assert!(!v.passphrase_root_opens(&elsewhere(&pass(), fresh(FAST))));
        // After a change, only the new passphrase passes the check.
        let new = Passphrase::new("another long passphrase");
        let new_input = fresh(FAST);
        v.change_passphrase_with_kek(&elsewhere(&new, new_input).kek(), new_input.params, new_input.salt).await.unwrap();
        assert!(v.passphrase_root_opens(&elsewhere(&new, v.passphrase_kdf_input())));
        assert!(!v.passphrase_root_opens(&elsewhere(&pass(), v.passphrase_kdf_input())));

        let contents = v.export_contents(1_800_000_000_000).await.unwrap();
        assert_eq!(contents.entries.len(), 2, "the tombstone travels too");
        assert!(contents.entries.iter().any(|e| e.deleted));
        assert_eq!(contents.exported_at, 1_800_000_000_000);
        assert!(contents.settings.is_some());
    })
}
