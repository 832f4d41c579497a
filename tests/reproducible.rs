//! Two builds from clean clones in two different directories give the same store zip, byte for
//! byte (docs/verify.md). Each clone is built from scratch with its own target directory and, for
//! the second, its own CARGO_HOME path, so any absolute path, time or ordering that leaked into
//! the package would show up as a different hash.
//!
//! It clones the committed HEAD (not the working tree) and takes two clean builds, several
//! minutes on two cores, so it is ignored by default. Run it with:
//!
//!     cargo test --test reproducible -- --ignored --nocapture

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The zip a clean clone in `dir` built, and its per-file listing.
struct Build {
    dir: PathBuf,
    zip_sha256: String,
    listing: String,
}

#[test]
#[ignore = "two clean builds, several minutes: cargo test --test reproducible -- --ignored --nocapture"]
fn two_clean_clones_in_different_directories_build_the_same_zip() {
    let base = std::env::temp_dir().join(format!("sotto-reproducible-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).expect("create the work directory");

    let first = clone_and_package(&base.join("a"), None);
    // A longer, deeper path shifts every absolute path; another CARGO_HOME path (the same
    // registry behind a symlink, so nothing is downloaded again) stands in for another user.
    let other_home = base.join("another-user-home-directory/.cargo");
    std::fs::create_dir_all(&other_home).expect("create the second CARGO_HOME");
    std::os::unix::fs::symlink(cargo_home().join("registry"), other_home.join("registry")).expect("link the registry");
    let second = clone_and_package(&base.join("a-longer-directory-name/for-the-second-clean-build"), Some(&other_home));

    println!("first build  {}: sha256 {}", first.dir.display(), first.zip_sha256);
    println!("second build {}: sha256 {}", second.dir.display(), second.zip_sha256);
    if first.zip_sha256 != second.zip_sha256 {
        let differing: Vec<&str> = first.listing.lines().filter(|line| !second.listing.lines().any(|l| l == *line)).collect();
        panic!(
            "the two builds differ; files whose hash differs (first build's line):\n{}\nboth clones are kept under {} for diffing",
            differing.join("\n"),
            base.display()
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .expect("CARGO_HOME or HOME must be set")
}

fn clone_and_package(dir: &Path, cargo_home: Option<&Path>) -> Build {
    let repo = env!("CARGO_MANIFEST_DIR");
    let status = Command::new("git")
        .args(["-c", "advice.detachedHead=false", "-c", "init.defaultBranch=main"])
        .args(["clone", "--quiet", "--no-hardlinks", repo])
        .arg(dir)
        .status()
        .expect("run git clone");
    assert!(status.success(), "git clone of {repo} failed");

    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(dir).args(["run", "--quiet", "--locked", "--", "package"]);
    // A clean environment for the child: nothing of this cargo's configuration (target dir,
    // flags, wrappers, this test's CARGO_* variables) may reach the build under test.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let cargo_set = name.starts_with("CARGO_") && name != "CARGO_HOME";
        let redirects = ["RUSTFLAGS", "RUSTDOCFLAGS", "RUSTC", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "SOTTO_SKIP_WASM"]
            .contains(&name.as_ref());
        if cargo_set || redirects {
            command.env_remove(name.as_ref());
        }
    }
    if let Some(home) = cargo_home {
        command.env("CARGO_HOME", home);
    }
    let started = std::time::Instant::now();
    let output = command.output().expect("run cargo");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "`cargo run -- package` failed in {}:\n{}{stdout}",
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("built {} in {:.0?}", dir.display(), started.elapsed());

    let zip_path = stdout.lines().find_map(|l| l.strip_prefix("package: ")).expect("a `package: PATH` line").trim();
    let printed = stdout.lines().find_map(|l| l.strip_prefix("sha256: ")).expect("a `sha256: HEX` line").trim();
    let bytes = std::fs::read(zip_path).expect("read the zip");
    let zip_sha256: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(printed, zip_sha256, "the printed SHA-256 is not the zip's");
    let listing = std::fs::read_to_string(Path::new(zip_path).with_extension("sha256")).expect("read the listing");
    Build { dir: dir.to_path_buf(), zip_sha256, listing }
}
