//! Bundle formats v2 (written) and v1 (read): round trips, every kind of damage, and the
//! checked-in test vectors.

mod common;

use std::path::PathBuf;

use common::{FAST, at, entry};
use proptest::prelude::*;
use sotto_vault::bundle::{
    BundleContents, BundleHeader, HEADER_LEN, encrypt_bundle, encrypt_bundle_with_salt, encrypt_payload_with_salt, payload_json,
};
use sotto_vault::{BundleError, Entry, MedicationTaken, Passphrase, Quality, Region, RegionPain, Settings, decrypt_bundle};

fn contents(entries: Vec<Entry>) -> BundleContents {
    BundleContents { vault_id: "00112233445566778899aabbccddeeff".into(), exported_at: 1_772_000_000_000, entries, settings: None }
}

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The entries of the checked-in vector: every kind of field, a zero, a tombstone, non-ASCII text.
fn vector_entries() -> Vec<Entry> {
    let mut a = entry(1, at(2026, 3, 3, 8, 15), 6);
    a.regions = vec![
        RegionPain { region: Region::LowerBackLeft, intensity: Some(7) },
        RegionPain { region: Region::KneeRight, intensity: Some(0) },
    ];
    a.custom_regions = vec!["behind the left ear".into()];
    a.qualities = vec![Quality::Aching, Quality::Shooting];
    a.pattern = Some(sotto_vault::Pattern::ComesAndGoes);
    a.duration_minutes = Some(90);
    a.medications = vec![MedicationTaken {
        name: "ibuprofen".into(),
        dose: "400 mg".into(),
        taken_at: Some(at(2026, 3, 3, 8, 30)),
        relief: Some(4),
        ..Default::default()
    }];
    a.treatments = vec!["heat pad".into()];
    a.triggers = vec!["long drive".into()];
    a.better = vec!["lying flat".into()];
    a.worse = vec!["sitting".into()];
    a.sleep_minutes = Some(330);
    a.sleep_quality = Some(3);
    a.mood = Some(0);
    a.interference_activity = Some(6);
    a.interference_work = Some(8);
    a.interference_sleep = Some(5);
    a.note = format!("Schmerz nach dem Heben — «worse by evening». {}", "Long note. ".repeat(120));
    a.tags = vec!["flare".into(), "work".into()];
    let b = sotto_vault::Entry::no_pain(entry(2, 0, 0).id, at(2026, 3, 4, 21, 0), 60);
    let c = entry(3, at(2026, 3, 5, 12, 0), 2).to_tombstone();
    vec![a, b, c]
}

const VECTOR_PASSPHRASE: &str = "correct horse battery staple";
const VECTOR_SALT: [u8; 16] = *b"sotto-vector-v1!";

fn vector_contents() -> BundleContents {
    let mut c = contents(vector_entries());
    c.settings = Some(Settings::default());
    c
}

/// Format 1 (uncompressed), as the writer of that format wrote it.
fn vector_bundle_v1() -> Vec<u8> {
    let payload = payload_json(&vector_contents());
    encrypt_payload_with_salt(1, &payload, &Passphrase::new(VECTOR_PASSPHRASE), FAST, 1024, VECTOR_SALT).unwrap()
}

/// Format 2, as this build writes it. (Its bytes depend on the DEFLATE encoder; any encoder's
/// stream must decrypt to the same entries.)
fn vector_bundle_v2() -> Vec<u8> {
    encrypt_bundle_with_salt(&vector_contents(), &Passphrase::new(VECTOR_PASSPHRASE), FAST, 1024, VECTOR_SALT).unwrap()
}

/// A format 2 bundle around `payload` taken as the already-compressed stream.
fn v2_around(payload: &[u8]) -> Vec<u8> {
    encrypt_payload_with_salt(2, payload, &Passphrase::new(VECTOR_PASSPHRASE), FAST, 1024, VECTOR_SALT).unwrap()
}

/// Writes tests/vectors/*. Run once with `cargo test -p sotto-vault --test bundle -- --ignored`;
/// the files are checked in and must then never change.
#[test]
#[ignore]
fn regenerate_vectors() {
    let dir = vectors_dir();
    let good = vector_bundle_v1();
    std::fs::write(dir.join("valid_small.bundle"), &good).unwrap();
    let expected = serde_json::to_string_pretty(&vector_entries()).unwrap() + "\n";
    std::fs::write(dir.join("valid_small.expected.json"), &expected).unwrap();

    let v2 = vector_bundle_v2();
    std::fs::write(dir.join("valid_small_v2.bundle"), &v2).unwrap();
    std::fs::write(dir.join("valid_small_v2.expected.json"), &expected).unwrap();
    let mut flipped = v2.clone();
    flipped[HEADER_LEN + 100] ^= 0x40;
    std::fs::write(dir.join("invalid_v2_flipped_byte.bundle"), flipped).unwrap();
    // Authentic, but the payload is the JSON itself, not DEFLATE.
    std::fs::write(dir.join("invalid_v2_not_deflate.bundle"), v2_around(&payload_json(&vector_contents()))).unwrap();
    // Authentic, one complete DEFLATE stream, then a byte after its end.
    let mut trailing = sotto_vault::compress::deflate(&payload_json(&vector_contents())).to_vec();
    trailing.push(0);
    std::fs::write(dir.join("invalid_v2_bytes_after_stream.bundle"), v2_around(&trailing)).unwrap();
    // Authentic, but the stream stops before its final block.
    let whole = sotto_vault::compress::deflate(&payload_json(&vector_contents()));
    std::fs::write(dir.join("invalid_v2_stream_cut.bundle"), v2_around(&whole[..whole.len() - 20])).unwrap();

    let mut flipped = good.clone();
    flipped[HEADER_LEN + 100] ^= 0x40;
    std::fs::write(dir.join("invalid_flipped_byte.bundle"), flipped).unwrap();
    let mut tag = good.clone();
    tag[50] ^= 0x01;
    std::fs::write(dir.join("invalid_header_tag.bundle"), tag).unwrap();
    let sealed = 1024 + 16;
    std::fs::write(dir.join("invalid_truncated_at_chunk.bundle"), &good[..HEADER_LEN + 2 * sealed]).unwrap();
    std::fs::write(dir.join("invalid_truncated_header.bundle"), &good[..30]).unwrap();
    let mut reordered = good[..HEADER_LEN].to_vec();
    reordered.extend_from_slice(&good[HEADER_LEN + sealed..HEADER_LEN + 2 * sealed]);
    reordered.extend_from_slice(&good[HEADER_LEN..HEADER_LEN + sealed]);
    reordered.extend_from_slice(&good[HEADER_LEN + 2 * sealed..]);
    std::fs::write(dir.join("invalid_reordered_chunks.bundle"), reordered).unwrap();
    let mut version = good.clone();
    version[8..10].copy_from_slice(&3u16.to_be_bytes());
    std::fs::write(dir.join("invalid_unsupported_version.bundle"), version).unwrap();
    let mut params = good.clone();
    params[11..15].copy_from_slice(&u32::MAX.to_be_bytes());
    std::fs::write(dir.join("invalid_kdf_params.bundle"), params).unwrap();
    std::fs::write(dir.join("invalid_not_a_bundle.bundle"), b"PK\x03\x04 this is a zip file").unwrap();
}

#[derive(serde::Deserialize)]
struct Vector {
    file: String,
    passphrase: String,
    expect: String,
}

/// Maps an error to the stable name used in tests/vectors/vectors.json.
fn error_name(e: &BundleError) -> String {
    match e {
        BundleError::NotABundle => "not_a_bundle".into(),
        BundleError::UnsupportedVersion { .. } => "unsupported_version".into(),
        BundleError::UnsupportedPayloadVersion { .. } => "unsupported_payload_version".into(),
        BundleError::Truncated => "truncated".into(),
        BundleError::InvalidParams(_) => "invalid_params".into(),
        BundleError::InvalidChunkSize(_) => "invalid_chunk_size".into(),
        BundleError::WrongPassphrase => "wrong_passphrase".into(),
        BundleError::CorruptChunk { index } => format!("corrupt_chunk:{index}"),
        BundleError::InvalidCompression => "invalid_compression".into(),
        BundleError::TooLarge => "too_large".into(),
        BundleError::InvalidPayload { line, .. } => format!("invalid_payload:{line}"),
        BundleError::Randomness => "randomness".into(),
    }
}

#[test]
fn checked_in_vectors() {
    let dir = vectors_dir();
    let list: Vec<Vector> = serde_json::from_str(&std::fs::read_to_string(dir.join("vectors.json")).unwrap()).unwrap();
    assert!(list.len() >= 15);
    for v in list {
        let bytes = std::fs::read(dir.join(&v.file)).unwrap();
        let got = decrypt_bundle(&bytes, &Passphrase::new(v.passphrase.clone()));
        match (v.expect.as_str(), got) {
            ("ok", Ok(c)) => {
                let expected: Vec<Entry> = serde_json::from_str(
                    &std::fs::read_to_string(dir.join(v.file.replace(".bundle", ".expected.json"))).unwrap(),
                )
                .unwrap();
                assert_eq!(c.entries, expected, "{}", v.file);
                assert_eq!(c.entries, vector_entries());
            }
            (want, Err(e)) => assert_eq!(error_name(&e), want, "{}", v.file),
            (want, Ok(_)) => panic!("{} decrypted but {want} was expected", v.file),
        }
    }
    // Format 1's bytes are fixed given the salt: the checked-in file is what its writer wrote.
    assert_eq!(std::fs::read(dir.join("valid_small.bundle")).unwrap(), vector_bundle_v1());
    // This build writes format 2.
    assert_eq!(BundleHeader::parse(&vector_bundle_v2()).unwrap().version, 2);
}

#[test]
fn round_trip_empty_and_exact_multiple() {
    let pass = Passphrase::new("p");
    let empty = contents(Vec::new());
    let b = encrypt_bundle(&empty, &pass, FAST, 1024).unwrap();
    assert_eq!(decrypt_bundle(&b, &pass).unwrap(), empty);
    // Payloads that end exactly on a chunk boundary carry no empty trailing chunk.
    for n in 0..40 {
        let c = contents((0..n).map(|i| entry(i, at(2026, 1, 1, 0, 0), 3)).collect());
        let b = encrypt_bundle(&c, &pass, FAST, 1024).unwrap();
        assert_eq!(decrypt_bundle(&b, &pass).unwrap(), c);
    }
}

#[test]
fn header_parse_reports_each_field() {
    let good = vector_bundle_v2();
    let h = BundleHeader::parse(&good).unwrap();
    assert_eq!((h.version, h.kdf, h.chunk_size, h.salt), (2, FAST, 1024, VECTOR_SALT));
    assert_eq!(h.to_bytes(), good[..HEADER_LEN].to_vec());
    assert_eq!(BundleHeader::parse(&good[..5]), Err(BundleError::Truncated));
    assert_eq!(BundleHeader::parse(b""), Err(BundleError::Truncated));
    assert_eq!(BundleHeader::parse(b"hello world"), Err(BundleError::NotABundle));
    let mut cs = good.clone();
    cs[39..43].copy_from_slice(&10u32.to_be_bytes());
    assert_eq!(BundleHeader::parse(&cs), Err(BundleError::InvalidChunkSize(10)));
    for (size, ok) in [(1023u32, false), (1024, true), (16 * 1024 * 1024, true), (16 * 1024 * 1024 + 1, false)] {
        let mut cs = good.clone();
        cs[39..43].copy_from_slice(&size.to_be_bytes());
        assert_eq!(BundleHeader::parse(&cs).is_ok(), ok, "chunk size {size}");
    }
    assert_eq!(sotto_vault::bundle::DEFAULT_CHUNK_SIZE, 65536);
    let mut alg = good.clone();
    alg[10] = 2;
    assert!(matches!(BundleHeader::parse(&alg), Err(BundleError::InvalidParams(_))));
    let text = sotto_vault::bundle::inspect(&good).unwrap();
    assert!(text.contains("memory 64 KiB, 1 passes, 1 lanes"), "{text}");
    assert_eq!(decrypt_bundle(&good[..HEADER_LEN], &Passphrase::new(VECTOR_PASSPHRASE)), Err(BundleError::Truncated));
}

#[test]
fn inspect_tells_the_chunks_the_content_size_and_whether_it_is_compressed() {
    // What `cargo run -- bundle inspect` says of a file, from its header and length alone. Per
    // docs/format.md §4, the stream is cut into chunks of C bytes (at least one; a multiple of C
    // ends with a full chunk), each stored with a 16-byte tag.
    let says = |bytes: &[u8], chunks: usize, content: usize, compressed: &str| {
        let text = sotto_vault::bundle::inspect(bytes).expect("a bundle's header");
        let line = format!("file size: {} bytes, {chunks} chunk(s), about {content} bytes of encrypted {compressed}content\n", bytes.len());
        assert!(text.contains(&line), "expected {line:?} in:\n{text}");
    };
    let payload = payload_json(&vector_contents());
    let v1 = encrypt_payload_with_salt(1, &payload, &Passphrase::new(VECTOR_PASSPHRASE), FAST, 1024, VECTOR_SALT).unwrap();
    says(&v1, payload.len().div_ceil(1024), payload.len(), "");
    let empty = encrypt_payload_with_salt(1, &[], &Passphrase::new(VECTOR_PASSPHRASE), FAST, 1024, VECTOR_SALT).unwrap();
    says(&empty, 1, 0, "");
    says(&v2_around(&[7; 1024]), 1, 1024, "compressed ");
    says(&v2_around(&[7; 3000]), 3, 3000, "compressed ");
}

fn expected_for_flip(index: usize, len: usize) -> impl Fn(&BundleError) -> bool {
    let sealed = 1024 + 16;
    move |e: &BundleError| match index {
        0..=7 => *e == BundleError::NotABundle,
        // 2 → 1 (the other format, same length) fails the header tag.
        8..=9 => matches!(e, BundleError::UnsupportedVersion { .. } | BundleError::WrongPassphrase),
        10..=22 => matches!(e, BundleError::InvalidParams(_) | BundleError::WrongPassphrase),
        23..=38 | 43..=58 => *e == BundleError::WrongPassphrase,
        39..=42 => matches!(e, BundleError::InvalidChunkSize(_) | BundleError::WrongPassphrase | BundleError::Truncated),
        _ => {
            let chunk = ((index - HEADER_LEN) / sealed) as u64;
            let _ = len;
            *e == BundleError::CorruptChunk { index: chunk }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_flipped_byte_gives_the_right_error(index in 0usize..10_000, bit in 0u8..8) {
        let good = vector_bundle_v2();
        let index = index % good.len();
        let mut bad = good.clone();
        bad[index] ^= 1 << bit;
        let err = decrypt_bundle(&bad, &Passphrase::new(VECTOR_PASSPHRASE)).unwrap_err();
        prop_assert!(expected_for_flip(index, good.len())(&err), "byte {} → {:?}", index, err);
    }

    #[test]
    fn any_truncation_is_an_error(cut in 0usize..10_000) {
        let good = vector_bundle_v2();
        let cut = cut % good.len();
        let err = decrypt_bundle(&good[..cut], &Passphrase::new(VECTOR_PASSPHRASE)).unwrap_err();
        let sealed = 1024 + 16;
        let last_index = (cut.saturating_sub(HEADER_LEN + 1) / sealed) as u64;
        prop_assert!(
            err == BundleError::Truncated || err == BundleError::CorruptChunk { index: last_index },
            "cut at {} → {:?}", cut, err
        );
        if cut <= HEADER_LEN || (cut - HEADER_LEN) % sealed < 16 {
            prop_assert_eq!(err, BundleError::Truncated);
        }
    }

    #[test]
    fn parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = BundleHeader::parse(&bytes);
        let _ = sotto_vault::bundle::inspect(&bytes);
    }

    #[test]
    fn round_trip(entries in proptest::collection::vec((0u64..1000, 0i64..4_000_000_000_000, 0u8..=10, ".{0,300}"), 0..30)) {
        let entries: Vec<Entry> = entries.into_iter().map(|(n, t, i, note)| Entry { note, ..entry(n, t, i) }).collect();
        let c = contents(entries);
        let pass = Passphrase::new("pw");
        let b = encrypt_bundle(&c, &pass, FAST, 1024).unwrap();
        prop_assert_eq!(decrypt_bundle(&b, &pass).unwrap(), c);
        prop_assert_eq!(decrypt_bundle(&b, &Passphrase::new("pW")).unwrap_err(), BundleError::WrongPassphrase);
    }
}
