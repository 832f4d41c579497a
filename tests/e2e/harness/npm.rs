//! Independent references from the npm registry, for tests and benchmarks that compare Sotto's
//! output with another implementation (hash-wasm's Argon2id, FHIR.js's R4 validator).
//!
//! A package is fetched once with `npm pack` into `<target>/npm-cache/` and its tarball is
//! checked against the SHA-512 the registry publishes (`npm view NAME@VERSION dist.integrity`)
//! before every use, so a test always runs the exact code it was written against. Nothing from
//! here is ever loaded into the extension.

use super::EXTENSION_DIR;
use base64::Engine as _;
use sha2::{Digest, Sha512};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One pinned npm package.
pub struct NpmPackage {
    pub name: &'static str,
    pub version: &'static str,
    /// The registry's `dist.integrity`: `sha512-<base64>`.
    pub integrity: &'static str,
}

fn on_path(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|out| out.status.success())
}

/// Node.js and npm, installed from Debian's packages when we are root and they are missing (as
/// the harness does for Chromium); `Err` is the one line to run otherwise.
pub fn ensure_node_and_npm() -> Result<(), String> {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    if !(on_path("node") && on_path("npm")) {
        INSTALL.call_once(|| {
            if unsafe { libc::geteuid() } == 0 {
                let _ = Command::new("sh")
                    .args(["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm"])
                    .status();
            }
        });
    }
    if on_path("node") && on_path("npm") {
        Ok(())
    } else {
        Err("Node.js and npm are missing: run `sudo apt-get install -y nodejs npm`".into())
    }
}

fn cache_dir() -> Result<PathBuf, String> {
    Path::new(EXTENSION_DIR).parent().map(|target| target.join("npm-cache")).ok_or_else(|| "no target directory".to_string())
}

impl NpmPackage {
    /// The verified tarball's path. `Err` says in one line what is missing (npm, the registry, a
    /// tarball that does not match the pin) and what to run.
    pub fn tarball(&self) -> Result<PathBuf, String> {
        let dir = cache_dir()?;
        let tarball = dir.join(format!("{}-{}.tgz", self.name, self.version));
        if !tarball.exists() {
            ensure_node_and_npm()?;
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            eprintln!("fetching {}@{} with `npm pack` (once, into {})", self.name, self.version, dir.display());
            let packed = Command::new("npm")
                .args(["pack", &format!("{}@{}", self.name, self.version), "--silent", "--pack-destination"])
                .arg(&dir)
                .status()
                .map_err(|e| format!("`npm pack {}@{}` could not start: {e}", self.name, self.version))?;
            if !packed.success() {
                return Err(format!("`npm pack {}@{}` failed: is the npm registry reachable?", self.name, self.version));
            }
        }
        let bytes = std::fs::read(&tarball).map_err(|e| format!("cannot read {}: {e}", tarball.display()))?;
        let integrity = format!("sha512-{}", base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes)));
        if integrity != self.integrity {
            let _ = std::fs::remove_file(&tarball);
            return Err(format!("{} does not match the pinned SHA-512 (removed; run again)", tarball.display()));
        }
        Ok(tarball)
    }

    /// One file of the verified package (`path` inside the tarball, e.g. `package/dist/x.js`).
    pub fn file(&self, path: &str) -> Result<Vec<u8>, String> {
        let tarball = self.tarball()?;
        let out = Command::new("tar")
            .arg("-xzOf")
            .arg(&tarball)
            .arg(path)
            .output()
            .map_err(|e| format!("tar is needed to unpack {} ({e})", self.name))?;
        if !out.status.success() {
            return Err(format!("{}@{} has no {path}", self.name, self.version));
        }
        Ok(out.stdout)
    }

    /// The verified package unpacked (its `package/` directory), fresh from the tarball each
    /// time it is asked for, so an edited copy is never run.
    pub fn unpacked(&self) -> Result<PathBuf, String> {
        let tarball = self.tarball()?;
        let dir = cache_dir()?.join(format!("{}-{}-{}", self.name, self.version, std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let status = Command::new("tar")
            .arg("-xzf")
            .arg(&tarball)
            .arg("-C")
            .arg(&dir)
            .status()
            .map_err(|e| format!("tar is needed to unpack {} ({e})", self.name))?;
        if !status.success() {
            return Err(format!("could not unpack {}", tarball.display()));
        }
        Ok(dir.join("package"))
    }
}
