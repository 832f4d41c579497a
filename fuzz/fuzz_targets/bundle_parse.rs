//! Bundle header, chunk framing and payload parsing on arbitrary bytes: must never panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    sotto_vault::fuzzing::bundle_parse(data);
});
