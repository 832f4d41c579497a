//! `cargo run -- package` ships exactly the built extension, and the zip, unzipped, loads in
//! Chromium as an unpacked extension: the worker starts and both pages render from Wasm.

#[path = "e2e/harness/mod.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Browser, LaunchOptions, EXTENSION_DIR, WAIT};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the package command and returns the zip's path, as printed.
fn package() -> PathBuf {
    let output = Command::new(env!("CARGO_BIN_EXE_sotto")).arg("package").output().expect("run `sotto package`");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "`sotto package` failed: {}{stdout}", String::from_utf8_lossy(&output.stderr));
    let path = stdout.lines().find_map(|l| l.strip_prefix("package: ")).expect("a `package: PATH` line");
    PathBuf::from(path.trim())
}

/// Every file under `dir` by `/`-separated relative path.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("read dir").map(|e| e.expect("dir entry")) {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path.strip_prefix(root).expect("inside").to_string_lossy().replace('\\', "/");
                out.insert(relative, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn unzip(zip_path: &Path) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sotto-unzipped-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = std::fs::File::open(zip_path).expect("open the zip");
    zip::ZipArchive::new(file).expect("a valid zip").extract(&dir).expect("unzip");
    dir
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let read = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (read(16), read(20))
}

#[test]
fn the_package_unzips_to_the_built_extension_and_loads_in_chromium() {
    let zip_path = package();
    let unzipped = unzip(&zip_path);

    // Exactly the built extension: same files, same bytes, nothing added or left out.
    let built = files_under(Path::new(EXTENSION_DIR));
    let shipped = files_under(&unzipped);
    assert_eq!(shipped.keys().collect::<Vec<_>>(), built.keys().collect::<Vec<_>>());
    assert!(shipped == built, "a file's bytes differ between the zip and {EXTENSION_DIR}");

    // Every icon the manifest names is there, a PNG of the size it claims.
    let manifest: serde_json::Value = serde_json::from_slice(&shipped["manifest.json"]).expect("manifest is JSON");
    for icons in [&manifest["icons"], &manifest["action"]["default_icon"]] {
        let icons = icons.as_object().expect("an icons object");
        assert!(!icons.is_empty());
        for (size, path) in icons {
            let path = path.as_str().expect("icon path");
            let bytes = shipped.get(path).unwrap_or_else(|| panic!("the manifest names {path}, which is not shipped"));
            let size: u32 = size.parse().expect("icon size");
            assert_eq!(png_size(bytes), (size, size), "{path}");
        }
    }
    // The neutral set for discreet mode ships next to the mark.
    for size in [16, 32, 48, 128] {
        assert_eq!(png_size(&shipped[&format!("icons/neutral-{size}.png")]), (size, size));
    }

    let browser = Browser::launch_with(LaunchOptions { extension_dir: Some(unzipped.clone()), ..Default::default() });
    assert_eq!(browser.worker().eval("chrome.runtime.getManifest().version"), serde_json::json!(env!("CARGO_PKG_VERSION")));
    for page in ["popup.html", "options.html"] {
        let page = browser.open_extension_page(page);
        page.wait_until("document.getElementById('app') && document.getElementById('app').childElementCount > 0", WAIT);
    }
    browser.assert_no_context_errors();
    drop(browser);
    let _ = std::fs::remove_dir_all(&unzipped);
}
