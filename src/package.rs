//! `cargo run -- package`: the store upload, a zip of the unpacked extension that anyone can
//! rebuild byte for byte from the same commit (docs/verify.md).
//!
//! What makes the zip deterministic, whatever the machine, directory, user or time of the build:
//! - entries in byte order of their `/`-separated paths, files only (no directory entries);
//! - every entry dated 1980-01-01 00:00 (the zip epoch). `SOURCE_DATE_EPOCH` is deliberately
//!   ignored: a date taken from the environment would let two honest builds differ;
//! - every entry `0644`, "made by" Unix, no extra fields, no comments;
//! - deflate level 9 from miniz_oxide (pure Rust, no CPU-specific code paths that could change the
//!   compressed bytes from one machine to the next).
//!
//! The shipped files are checked against a short list of types, so a stray source map, editor
//! backup or test file makes the command fail instead of reaching users.

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

/// The file types an unpacked Sotto needs: manifest and messages, pages, styles, loaders, Wasm,
/// icons. Anything else in the extension directory is a mistake.
const SHIPPED_EXTENSIONS: [&str; 6] = ["json", "html", "css", "js", "wasm", "png"];

/// One file of the extension, as it goes into the zip.
struct ShippedFile {
    /// Relative path with `/` separators, as in the zip and in the browser's extension directory.
    path: String,
    bytes: Vec<u8>,
}

/// Writes `<target>/sotto-<version>.zip` and `<target>/sotto-<version>.sha256` (the per-file
/// listing, in `sha256sum` format) from the built extension, and prints what a release note and
/// a verifier need.
pub fn run(extension_dir: &Path, version: &str) -> Result<(), String> {
    let files = collect_files(extension_dir)?;
    let zip_bytes = zip_files(&files)?;
    let listing: String = files.iter().map(|f| format!("{}  {}\n", sha256_hex(&f.bytes), f.path)).collect();

    let out_dir = extension_dir
        .parent()
        .ok_or_else(|| format!("the extension directory {} has no parent", extension_dir.display()))?;
    let zip_path = out_dir.join(format!("sotto-{version}.zip"));
    let listing_path = out_dir.join(format!("sotto-{version}.sha256"));
    write_atomically(&zip_path, &zip_bytes)?;
    write_atomically(&listing_path, listing.as_bytes())?;

    println!("package: {}", zip_path.display());
    println!("size:    {} bytes", zip_bytes.len());
    println!("sha256:  {}", sha256_hex(&zip_bytes));
    println!("built with {} (rebuild with the same toolchain and Cargo.lock to get the same bytes)", env!("SOTTO_RUSTC_VERSION"));
    println!();
    println!("files (sha256  path; also in {}):", listing_path.display());
    print!("{listing}");
    println!();
    print_wasm_sizes(&files)?;
    Ok(())
}

/// Every file under `dir`, sorted by relative path, after checking each one may ship.
fn collect_files(dir: &Path) -> Result<Vec<ShippedFile>, String> {
    let mut paths = Vec::new();
    walk(dir, &mut paths)?;
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let relative = path
            .strip_prefix(dir)
            .map_err(|_| format!("{} is not inside {}", path.display(), dir.display()))?;
        let parts: Vec<&str> = relative
            .components()
            .map(|c| c.as_os_str().to_str().ok_or_else(|| format!("{} is not a UTF-8 path", relative.display())))
            .collect::<Result<_, _>>()?;
        let relative = parts.join("/");
        check_shippable(&relative)?;
        let bytes = fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        files.push(ShippedFile { path: relative, bytes });
    }
    if !files.iter().any(|f| f.path == "manifest.json") {
        return Err(format!("{} has no manifest.json: build the extension first (`cargo build`)", dir.display()));
    }
    files.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let kind = entry.file_type().map_err(|e| format!("cannot stat {}: {e}", entry.path().display()))?;
        if kind.is_dir() {
            walk(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        } else {
            return Err(format!("{} is neither a file nor a directory: the package ships plain files only", entry.path().display()));
        }
    }
    Ok(())
}

fn check_shippable(path: &str) -> Result<(), String> {
    let hidden = path.split('/').any(|part| part.starts_with('.'));
    let extension = path.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    if hidden || !SHIPPED_EXTENSIONS.contains(&extension) {
        return Err(format!(
            "`{path}` in the extension directory is not something Sotto ships (only .{} files, none hidden): \
             remove it from extension/ or, if it is really needed, add its type to SHIPPED_EXTENSIONS in src/package.rs",
            SHIPPED_EXTENSIONS.join(", .")
        ));
    }
    Ok(())
}

fn zip_files(files: &[ShippedFile]) -> Result<Vec<u8>, String> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9))
        .last_modified_time(DateTime::default()) // 1980-01-01 00:00:00
        .system(System::Unix)
        .unix_permissions(0o644)
        .large_file(false);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        zip.start_file(file.path.as_str(), options).map_err(|e| format!("cannot add {} to the zip: {e}", file.path))?;
        zip.write_all(&file.bytes).map_err(|e| format!("cannot add {} to the zip: {e}", file.path))?;
    }
    let cursor = zip.finish().map_err(|e| format!("cannot finish the zip: {e}"))?;
    Ok(cursor.into_inner())
}

/// Writes next to `path` first and renames, so a reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let partial = path.with_extension(format!("partial-{}", std::process::id()));
    fs::write(&partial, bytes).map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    fs::rename(&partial, path).map_err(|e| format!("cannot move {} into place: {e}", path.display()))
}

/// The Wasm each page ships, with its JS loader: raw and gzip -9, the size a user downloads
/// and roughly what the store's own compression gives.
fn print_wasm_sizes(files: &[ShippedFile]) -> Result<(), String> {
    println!("shipped Wasm per page (bytes; gzip = gzip -9):");
    println!("  {:<12} {:>10} {:>10} {:>9} {:>9}", "page", "wasm", "wasm gzip", "js", "js gzip");
    for wasm in files.iter().filter(|f| f.path.starts_with("wasm/") && f.path.ends_with(".wasm")) {
        // wasm-bindgen names a page's module `<page>_bg.wasm` next to its loader `<page>.js`;
        // a module shipped without bindings (loaded by another one) has no loader.
        let stem = &wasm.path["wasm/".len()..wasm.path.len() - ".wasm".len()];
        let page = stem.strip_suffix("_bg").unwrap_or(stem);
        // The popup's bindings are joined into its page script, popup.js (build.rs).
        let loader_paths = [format!("wasm/{page}.js"), format!("{page}.js")];
        let (loader, loader_gzip) = match loader_paths.iter().find_map(|path| files.iter().find(|f| &f.path == path)) {
            Some(loader) => (loader.bytes.len().to_string(), gzip_size(&loader.bytes)?.to_string()),
            None => ("-".to_string(), "-".to_string()),
        };
        println!(
            "  {:<12} {:>10} {:>10} {:>9} {:>9}",
            page,
            wasm.bytes.len(),
            gzip_size(&wasm.bytes)?,
            loader,
            loader_gzip
        );
    }
    Ok(())
}

fn gzip_size(bytes: &[u8]) -> Result<usize, String> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).map_err(|e| format!("cannot gzip: {e}"))?;
    Ok(encoder.finish().map_err(|e| format!("cannot gzip: {e}"))?.len())
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, bytes: &[u8]) -> ShippedFile {
        ShippedFile { path: path.into(), bytes: bytes.to_vec() }
    }

    #[test]
    fn the_zip_depends_only_on_the_files() {
        let files = [file("a.js", b"x"), file("wasm/b_bg.wasm", b"\0asm")];
        let first = zip_files(&files).expect("zip");
        std::thread::sleep(std::time::Duration::from_millis(1100)); // past the zip's 2 s clock granularity
        assert_eq!(first, zip_files(&files).expect("zip"));
    }

    #[test]
    fn the_zip_has_fixed_dates_and_modes_and_no_extra_fields() {
        let bytes = zip_files(&[file("manifest.json", b"{}")]).expect("zip");
        // The local file header, byte by byte (APPNOTE 4.3.7).
        let u16_at = |offset: usize| u16::from_le_bytes([bytes[offset], bytes[offset + 1]]);
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(u16_at(10), 0, "DOS time 00:00:00");
        assert_eq!(u16_at(12), (1 << 5) | 1, "DOS date 1980-01-01");
        assert_eq!(u16_at(26) as usize, "manifest.json".len());
        assert_eq!(u16_at(28), 0, "no extra fields");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("read back");
        let entry = archive.by_index(0).expect("entry");
        assert_eq!(entry.unix_mode(), Some(0o100644));
        assert_eq!(entry.last_modified(), Some(DateTime::default()));
    }

    #[test]
    fn only_the_types_an_extension_needs_may_ship() {
        for ok in ["manifest.json", "_locales/en/messages.json", "wasm/popup_bg.wasm", "icons/sotto-16.png"] {
            assert!(check_shippable(ok).is_ok(), "{ok}");
        }
        for bad in ["wasm/popup_bg.wasm.map", ".DS_Store", "popup.js~", "_locales/.hidden/x.json", "README.md", "Makefile"] {
            assert!(check_shippable(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
