//! Stored-record decoding (framing, AEAD, padding, JSON payloads, header) on arbitrary bytes:
//! must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sotto_vault::fuzzing::record_decode(data);
});
