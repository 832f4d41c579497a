//! The offline CLI (`src/bundle_cmd.rs` of the root package), compiled and tested from here.

#[allow(dead_code, reason = "run() reads the real terminal; tests use run_with")]
#[path = "../../src/bundle_cmd.rs"]
mod bundle_cmd;

use std::path::PathBuf;

fn vector(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors").join(name).display().to_string()
}

fn run(args: &[&str], passphrase: &str) -> Result<String, String> {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let pass = passphrase.to_string();
    bundle_cmd::run_with(&args, move || Ok(pass), &mut out)?;
    Ok(String::from_utf8(out).unwrap())
}

#[test]
fn inspect_needs_no_passphrase() {
    let text = run(&["inspect", &vector("valid_small.bundle")], "unused").unwrap();
    assert!(text.contains("Argon2id v19, memory 64 KiB"), "{text}");
    assert!(text.contains("chunk size: 1024 bytes"));
}

#[test]
fn decrypt_json_and_csv() {
    let json = run(&["decrypt", &vector("valid_small.bundle")], "correct horse battery staple").unwrap();
    let entries: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(entries.len(), 2, "the tombstone is not shown");
    assert_eq!(entries[0]["mood"], 0);
    let csv = run(&["decrypt", &vector("valid_small.bundle"), "--csv"], "correct horse battery staple").unwrap();
    assert!(csv.starts_with("date,time,utc_offset,intensity,"));
    assert_eq!(csv.matches("\r\n").count(), 3);
}

#[test]
fn errors_are_messages_not_panics() {
    let e = run(&["decrypt", &vector("valid_small.bundle")], "nope").unwrap_err();
    assert!(e.contains("passphrase does not open this backup"), "{e}");
    let e = run(&["decrypt", &vector("invalid_truncated_at_chunk.bundle")], "correct horse battery staple").unwrap_err();
    assert!(e.contains("incomplete"), "{e}");
    assert!(run(&["decrypt", "--passphrase", "x", "f"], "").unwrap_err().starts_with("usage"));
    assert!(run(&[], "").unwrap_err().starts_with("usage"));
    assert!(run(&["inspect", "/nonexistent/file"], "").unwrap_err().contains("cannot read"));
    let e = run(&["inspect", &vector("invalid_not_a_bundle.bundle")], "").unwrap_err();
    assert_eq!(e, "this file is not a Sotto backup");
}

#[test]
fn a_passphrase_typed_with_decomposed_accents_opens_a_bundle_made_in_the_browser() {
    // The browser's worker exports under the NFC passphrase ("é" as one code point); a terminal
    // may send "e" + U+0301 for the same key presses.
    let nfc = "crème brûlée à l'été";
    let nfd = "cre\u{300}me bru\u{302}le\u{301}e a\u{300} l'e\u{301}te\u{301}";
    assert_ne!(nfc, nfd);
    let contents = sotto_vault::BundleContents { vault_id: "00".repeat(16), exported_at: 1, entries: Vec::new(), settings: None };
    let fast = sotto_vault::KdfParams { m_cost_kib: 64, t_cost: 1, p_cost: 1 };
    let bytes = sotto_vault::bundle::encrypt_bundle(&contents, &sotto_vault::Passphrase::new(nfc), fast, 1024).unwrap();
    let file = std::env::temp_dir().join(format!("sotto-cli-nfc-{}.bundle", std::process::id()));
    std::fs::write(&file, bytes).unwrap();
    let path = file.display().to_string();
    let decomposed = run(&["decrypt", &path], nfd);
    let composed = run(&["decrypt", &path], nfc);
    std::fs::remove_file(&file).unwrap();
    assert_eq!(decomposed.unwrap(), "[]\n");
    assert_eq!(composed.unwrap(), "[]\n");
}
