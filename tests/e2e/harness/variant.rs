//! Test-only copies of the built extension: the shipped files byte for byte, with the manifest
//! edited and files added for one test (a permission removed, a content script added). The
//! shipped extension itself never changes for a test.

use super::browser::EXTENSION_DIR;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A copy of the built extension in the temp directory, named after `name`, with `edit` applied
/// to its manifest and `files` (path, text) written into it.
pub fn extension_variant(name: &str, edit: impl Fn(&mut Value), files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sotto-variant-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new(EXTENSION_DIR), &dir);
    let mut manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).expect("read the manifest")).expect("a JSON manifest");
    edit(&mut manifest);
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec_pretty(&manifest).expect("JSON")).expect("write the manifest");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("write a file");
    }
    dir
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a directory");
    for entry in std::fs::read_dir(from).expect("read a directory").flatten() {
        let (source, dest) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).expect("copy a file");
        }
    }
}
