//! Entry points for `cargo fuzz` (fuzz/). Not part of the API: each feeds arbitrary bytes to
//! every decoder that sees data from outside, and must never panic.

use crate::bundle;
use crate::entry::{Entry, merge};
use crate::keys::RecordKey;
use crate::record::{RecordKind, open_record, seal_record};

/// The record decoder: record framing, AEAD and DEFLATE, then every JSON shape a record can hold, the
/// header parser and the recovery-code parser.
pub fn record_decode(data: &[u8]) {
    let key = RecordKey::from_array([0x42; 32]);
    let id = [7u8; 16];
    let _ = open_record(&key, &id, RecordKind::Segment, "v:s:00", data);
    // Round trip: anything sealed opens to itself.
    if let Ok(sealed) = seal_record(&key, &id, RecordKind::Manifest, "v:m", data) {
        assert_eq!(open_record(&key, &id, RecordKind::Manifest, "v:m", &sealed).ok().as_deref().map(Vec::as_slice), Some(data));
    }
    // The inflater sees authenticated bytes only, but must hold on any input; and deflate round-trips.
    let _ = crate::compress::inflate(data, 1 << 20);
    assert_eq!(crate::compress::inflate(&crate::compress::deflate(data), data.len()).ok().as_deref().map(Vec::as_slice), Some(data));
    let _ = crate::vault::VaultHeader::parse(data);
    crate::vault::fuzz_decode_payloads(data);
    if let Ok(e) = serde_json::from_slice::<Entry>(data) {
        let _ = e.validate();
        let _ = e.canonical_json();
        assert_eq!(merge(&e, &e), e);
        let _ = crate::report::csv::entry_row(&e);
        // Unknown fields survive a round trip.
        if let Ok(text) = serde_json::to_vec(&e) {
            let again: Option<Entry> = serde_json::from_slice(&text).ok();
            assert_eq!(again.as_ref(), Some(&e));
        }
    }
    if let Ok(text) = core::str::from_utf8(data) {
        let _ = crate::recovery::RecoveryCode::parse(text);
        let _ = crate::calendar::IsoWeek::parse(text);
    }
}

/// The bundle parser: header, `inspect`, chunk decryption under a fixed key (skipping Argon2,
/// which would make every input slow), and the payload parser, on the bytes as given and inflated.
pub fn bundle_parse(data: &[u8]) {
    let _ = bundle::inspect(data);
    if let Ok(header) = bundle::BundleHeader::parse(data) {
        let _ = bundle::fuzz_decrypt_chunks(&header, data.get(bundle::HEADER_LEN..).unwrap_or_default());
    }
    let _ = bundle::fuzz_parse_payload(data);
    // Format 2's payload stage: the chunks' plaintext inflated, then parsed.
    if let Ok(json) = crate::compress::inflate(data, 1 << 24) {
        let _ = bundle::fuzz_parse_payload(&json);
    }
}
