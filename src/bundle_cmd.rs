//! `sotto bundle …`: read an export bundle offline, so a journal is never locked inside one
//! browser.
//!
//! ```text
//! sotto bundle inspect FILE          header and KDF parameters (no passphrase needed)
//! sotto bundle decrypt FILE [--csv]  entries as JSON (or CSV) on stdout
//! ```
//! The passphrase is read from the terminal with echo off — never from arguments or the
//! environment, where other processes and shell history could see it.

use std::io::Write;

use sotto_vault::{Passphrase, bundle, decrypt_bundle, report};

const USAGE: &str = "usage: sotto bundle inspect FILE\n       sotto bundle decrypt FILE [--csv]";

/// Runs the subcommand; `args` are the words after `bundle`.
pub fn run(args: &[String]) -> Result<(), String> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    run_with(args, || rpassword::prompt_password("Backup passphrase: "), &mut out)
}

/// [`run`] with the passphrase source and output injected (for tests).
pub fn run_with(
    args: &[String],
    read_passphrase: impl FnOnce() -> std::io::Result<String>,
    out: &mut dyn Write,
) -> Result<(), String> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let (command, file, csv) = match words.as_slice() {
        ["inspect", file] => ("inspect", *file, false),
        ["decrypt", file] => ("decrypt", *file, false),
        ["decrypt", file, "--csv"] | ["decrypt", "--csv", file] => ("decrypt", *file, true),
        _ => return Err(USAGE.to_string()),
    };
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let text = if command == "inspect" {
        bundle::inspect(&bytes).map_err(|e| e.to_string())?
    } else {
        // Check the header before asking for the passphrase, so a wrong file fails fast.
        bundle::BundleHeader::parse(&bytes).map_err(|e| e.to_string())?;
        let typed = zeroize::Zeroizing::new(read_passphrase().map_err(|e| format!("cannot read the passphrase from the terminal: {e}"))?);
        let passphrase = typed_passphrase(&typed);
        let contents = decrypt_bundle(&bytes, &passphrase).map_err(|e| e.to_string())?;
        if csv { report::csv::entries_csv(&contents.entries) } else { report::entries_json(&contents.entries) + "\n" }
    };
    out.write_all(text.as_bytes()).map_err(|e| format!("cannot write the output: {e}"))
}

/// The passphrase as the vault compares it: the typed text in Unicode NFC, as the worker
/// normalises every passphrase a page sends (`background/src/lib.rs`). A terminal or input method
/// that produces decomposed accents (NFD, common on macOS) would otherwise not open a bundle
/// exported with the same passphrase typed in the browser.
pub fn typed_passphrase(typed: &str) -> Passphrase {
    use unicode_normalization::UnicodeNormalization;
    // NFC is at most three times as long in UTF-8 (Unicode's stated bound): reserving that up
    // front means the string never reallocates and leaves no partial copy behind.
    let mut text = String::with_capacity(typed.len().saturating_mul(3));
    text.extend(typed.nfc());
    Passphrase::new(text)
}
