//! Known-answer tests: if a dependency upgrade changes any output, these fail before a user's
//! vault stops opening.

use argon2::{Algorithm, Argon2, AssociatedData, ParamsBuilder, Version};

fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '\n'], "")).unwrap()
}

/// RFC 9106 §5.3: Argon2id v0x13, m = 32 KiB, t = 3, p = 4, with secret and associated data.
#[test]
fn argon2id_rfc9106() {
    let mut builder = ParamsBuilder::new();
    builder.m_cost(32).t_cost(3).p_cost(4).output_len(32).data(AssociatedData::new(&[4; 12]).unwrap());
    let params = builder.build().unwrap();
    let argon = Argon2::new_with_secret(&[3; 8], Algorithm::Argon2id, Version::V0x13, params).unwrap();
    let mut tag = [0u8; 32];
    argon.hash_password_into(&[1; 32], &[2; 16], &mut tag).unwrap();
    assert_eq!(tag.to_vec(), unhex("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
}

/// RFC 5869 Appendix A.1 (HKDF-SHA-256, test case 1), through the same `Hkdf` the crate uses.
#[test]
fn hkdf_sha256_rfc5869_case1() {
    let ikm = [0x0b; 22];
    let salt = unhex("000102030405060708090a0b0c");
    let info = unhex("f0f1f2f3f4f5f6f7f8f9");
    let (prk, hk) = hkdf::Hkdf::<sha2::Sha256>::extract(Some(&salt), &ikm);
    assert_eq!(prk.to_vec(), unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"));
    let mut okm = [0u8; 42];
    hk.expand(&info, &mut okm).unwrap();
    assert_eq!(
        okm.to_vec(),
        unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
    // Our 32-byte helper is the prefix of the same output.
    assert_eq!(crate::keys::hkdf32(&salt, &ikm, &info).to_vec(), okm[..32].to_vec());
}

/// McGrew & Viega, "The Galois/Counter Mode of Operation", test case 16 (AES-256, 60-byte
/// plaintext, 20-byte AAD), through the crate's own AES-GCM wrapper.
#[test]
fn aes256_gcm_test_case_16() {
    let key: [u8; 32] = unhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308").try_into().unwrap();
    let nonce: [u8; 12] = unhex("cafebabefacedbaddecaf888").try_into().unwrap();
    let pt = unhex(
        "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
    );
    let aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
    let sealed = crate::aead::seal_with_nonce(&key, &nonce, &aad, &pt);
    let expected = unhex(
        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662\
         76fc6ece0f4e1768cddf8853bb2d551b",
    );
    assert_eq!(sealed, expected);
    assert_eq!(crate::aead::open_with_nonce(&key, &nonce, &aad, &sealed), Some(pt));
    let mut flipped = sealed.clone();
    flipped[0] ^= 1;
    assert_eq!(crate::aead::open_with_nonce(&key, &nonce, &aad, &flipped), None);
}

/// Sotto's own derivation chain, pinned: passphrase → Argon2id → HKDF("sotto/v1/kek").
/// Computed once with this implementation and cross-checked by vault/tests/vectors/decrypt_bundle.py.
#[test]
fn derive_kek_regression() {
    use crate::keys::{KdfParams, Passphrase, derive_kek};
    let kek = derive_kek(
        &Passphrase::new("correct horse battery staple"),
        &KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 },
        &[0x11; 16],
    )
    .unwrap();
    assert_eq!(hex::encode(kek.expose_bytes()), KEK_REGRESSION);
}

const KEK_REGRESSION: &str = "36c3e8b3b1badf39570092af6fdd06f788b1a4a14ab1cbfc2df0406fce052ed1";
