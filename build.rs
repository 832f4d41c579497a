//! Assembles the unpacked extension whenever the root package builds (`cargo build`, `run`, `test`).
//!
//! 1. Builds the three Wasm crates for `wasm32-unknown-unknown` with a nested cargo, in its own
//!    target directory (sharing ours would deadlock on cargo's build-directory lock), naming the
//!    crates with `-p` and setting a guard so that the nested build never re-enters this script.
//! 2. Runs wasm-bindgen (the `wasm-bindgen-cli-support` crate, pinned to `wasm-bindgen`'s version).
//! 3. Copies the static shell (`extension/`) and `manifest.json` (with the workspace version) into
//!    `target/extension/`, which `cargo run` loads and the end-to-end tests read via `EXTENSION_DIR`;
//!    `popup-first.js` gets the protocol version from `glue/src/protocol.rs`.
//! 4. Joins the popup's script, `popup.js`: `popup-first.js`, the popup's bindings and
//!    `popup-start.js`, one classic script (one request: the popup's first script runs as soon
//!    as it arrives, and a page of an extension waits several milliseconds for each file).
//!
//! Set `SOTTO_SKIP_WASM=1` to skip all of this (a quick `cargo check` of native code).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The nested build sets this; seeing it means "we are inside our own Wasm build: do nothing".
const INNER_BUILD_GUARD: &str = "SOTTO_INNER_WASM_BUILD";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const WASM_PROFILE: &str = "wasm-release";
/// (crate package name, artifact stem, output name inside `wasm/`)
const WASM_CRATES: [(&str, &str, &str); 3] = [
    ("sotto-background", "sotto_background", "background"),
    ("sotto-popup", "sotto_popup", "popup"),
    ("sotto-options", "sotto_options", "options"),
];
/// The popup's output name: its bindings are a classic script, joined into `popup.js`.
const POPUP: &str = "popup";
/// Wasm crates shipped as they are, without wasm-bindgen (same tuple). `sotto-kdf` is the
/// throwaway Argon2id module the worker instantiates per derivation and drops, so that Argon2's
/// 64 MiB never stay in the worker's own memory (background/src/kdf.rs).
const RAW_WASM_CRATES: [(&str, &str, &str); 1] = [("sotto-kdf", "sotto_kdf", "kdf")];

type BuildResult<T> = Result<T, String>;

fn main() {
    if env::var_os(INNER_BUILD_GUARD).is_some() {
        return;
    }
    println!("cargo:rerun-if-env-changed=SOTTO_SKIP_WASM");
    if let Err(message) = build_extension(env::var_os("SOTTO_SKIP_WASM").is_none()) {
        // One clear line; cargo prints it under "failed to run custom build command".
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}

fn build_extension(build_wasm: bool) -> BuildResult<()> {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    // Every input of the extension. Only existing paths: cargo reruns forever on a missing one.
    let crates = ["popup", "background", "options", "glue", "vault", "kdf"];
    let inputs = crates
        .iter()
        .flat_map(|c| [format!("{c}/src"), format!("{c}/Cargo.toml")])
        .chain(["extension", "manifest.json", "Cargo.toml", "Cargo.lock", "build.rs"].map(String::from));
    for input in inputs {
        let path = root.join(input);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }

    let target_dir = match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root.join(dir), // join keeps an absolute path as it is
        None => root.join("target"),
    };
    let extension_dir = target_dir.join("extension");
    println!("cargo:rustc-env=EXTENSION_DIR={}", extension_dir.display());
    // `package` prints the toolchain: a rebuild gives the same bytes only with the same one.
    println!("cargo:rustc-env=SOTTO_RUSTC_VERSION={}", rustc_version());
    if !build_wasm {
        return Ok(());
    }

    ensure_wasm_target()?;
    let wasm_target_dir = target_dir.join("wasm-build");
    build_wasm_crates(&root, &wasm_target_dir)?;

    let staging = target_dir.join("extension.partial");
    if staging.exists() {
        fs::remove_dir_all(&staging).map_err(|e| format!("cannot clear {}: {e}", staging.display()))?;
    }
    copy_tree(&root.join("extension"), &staging)?;
    write_manifest(&root.join("manifest.json"), &staging.join("manifest.json"))?;
    write_protocol_version(&root.join("glue/src/protocol.rs"), &staging.join("popup-first.js"))?;
    let artifacts = wasm_target_dir.join(WASM_TARGET).join(WASM_PROFILE);
    for (_, stem, out_name) in WASM_CRATES {
        let script = if out_name == POPUP { BindingsScript::Classic } else { BindingsScript::Module };
        bindgen(&artifacts.join(format!("{stem}.wasm")), out_name, &staging.join("wasm"), script)?;
    }
    join_popup_script(&staging)?;
    for (_, stem, out_name) in RAW_WASM_CRATES {
        let (from, to) = (artifacts.join(format!("{stem}.wasm")), staging.join("wasm").join(format!("{out_name}.wasm")));
        fs::copy(&from, &to).map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }
    // Swap in whole, so a half-written extension is never what Chromium or a test loads.
    if extension_dir.exists() {
        fs::remove_dir_all(&extension_dir).map_err(|e| format!("cannot replace {}: {e}", extension_dir.display()))?;
    }
    fs::rename(&staging, &extension_dir).map_err(|e| format!("cannot move the extension into place: {e}"))?;
    Ok(())
}

/// Installs the wasm32 target with rustup when it is missing, or says exactly what to run.
fn ensure_wasm_target() -> BuildResult<()> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let has_target = || {
        Command::new(&rustc)
            .args(["--print", "target-libdir", "--target", WASM_TARGET])
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()).is_dir())
            .unwrap_or(false)
    };
    if has_target() {
        return Ok(());
    }
    let installed = Command::new("rustup")
        .args(["target", "add", WASM_TARGET])
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if installed && has_target() {
        Ok(())
    } else {
        Err(format!("the {WASM_TARGET} Rust target is missing and could not be installed: run `rustup target add {WASM_TARGET}`"))
    }
}

fn build_wasm_crates(root: &Path, wasm_target_dir: &Path) -> BuildResult<()> {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(root)
        .args(["build", "--profile", WASM_PROFILE, "--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(wasm_target_dir);
    for (package, _, _) in WASM_CRATES.iter().chain(&RAW_WASM_CRATES) {
        command.args(["-p", package]);
    }
    // Cargo hands build scripts an empty CARGO_ENCODED_RUSTFLAGS, which would override RUSTFLAGS:
    // pass the Wasm flags explicitly (0x1f-separated) and drop everything that would redirect
    // the nested build. Paths are remapped so no absolute path of this machine ends up in the
    // shipped Wasm (panic locations), which also keeps the build reproducible across directories
    // (docs/verify.md). When several prefixes match, rustc applies the last one: the target
    // directory (build-script output read by `include!`) comes after the workspace root, which
    // usually contains it.
    let mut flags = vec!["-Ctarget-feature=+simd128".to_string()];
    flags.push(format!("--remap-path-prefix={}=/sotto", root.display()));
    if let Some(home) = cargo_home() {
        flags.push(format!("--remap-path-prefix={}=/cargo", home.display()));
    }
    flags.push(format!("--remap-path-prefix={}=/target", wasm_target_dir.display()));
    for var in [
        "RUSTFLAGS",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_TARGET_DIR",
        "CARGO_BUILD_RUSTFLAGS",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
    ] {
        command.env_remove(var);
    }
    command.env("CARGO_ENCODED_RUSTFLAGS", flags.join("\u{1f}")).env(INNER_BUILD_GUARD, "1");
    let status = command.status().map_err(|e| format!("cannot start the nested cargo build: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("the Wasm crates failed to build (see the compiler output above)".into())
    }
}

/// `rustc -V` of the compiler cargo gave us (the nested Wasm build uses the same toolchain).
fn rustc_version() -> String {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown rustc".into())
}

fn cargo_home() -> Option<PathBuf> {
    env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
}

/// What wasm-bindgen writes for a Wasm crate's JavaScript side.
enum BindingsScript {
    /// An ES module (`--target web`): the worker imports it, options.js too.
    Module,
    /// A classic script defining `wasm_bindgen` (`--target no-modules`), for the popup: joined
    /// into one classic script with what starts it (`join_popup_script`), which runs as soon as
    /// it arrives, where a module would wait for the whole document first.
    Classic,
}

fn bindgen(wasm: &Path, out_name: &str, out_dir: &Path, script: BindingsScript) -> BuildResult<()> {
    let mut bindgen = wasm_bindgen_cli_support::Bindgen::new();
    bindgen.input_path(wasm);
    match script {
        BindingsScript::Module => bindgen.web(true),
        BindingsScript::Classic => bindgen.no_modules(true),
    }
    .map_err(|e| e.to_string())?;
    bindgen
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        .out_name(out_name);
    bindgen
        .generate(out_dir)
        .map_err(|e| format!("wasm-bindgen failed on {}: {e}", wasm.display()))
}

/// `popup.js`, the popup's one script: `popup-first.js` (compiles the Wasm, asks the worker),
/// the popup's bindings (`wasm/popup.js`, classic), `popup-start.js` (starts the Wasm once the
/// document is ready). The three parts are not shipped on their own.
fn join_popup_script(staging: &Path) -> BuildResult<()> {
    let parts = [staging.join("popup-first.js"), staging.join("wasm").join(format!("{POPUP}.js")), staging.join("popup-start.js")];
    let mut joined = String::new();
    for part in &parts {
        let text = fs::read_to_string(part).map_err(|e| format!("cannot read {}: {e}", part.display()))?;
        joined.push_str(&text);
        if !joined.ends_with('\n') {
            joined.push('\n');
        }
    }
    let popup_js = staging.join(format!("{POPUP}.js"));
    fs::write(&popup_js, joined).map_err(|e| format!("cannot write {}: {e}", popup_js.display()))?;
    for part in &parts {
        fs::remove_file(part).map_err(|e| format!("cannot remove {}: {e}", part.display()))?;
    }
    Ok(())
}

/// Copies `from` into `to` recursively, in sorted order so that the output never depends on
/// directory iteration order.
fn copy_tree(from: &Path, to: &Path) -> BuildResult<()> {
    fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(|e| format!("cannot read {}: {e}", from.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let source = entry.path();
        let dest = to.join(entry.file_name());
        if source.is_dir() {
            copy_tree(&source, &dest)?;
        } else {
            fs::copy(&source, &dest).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
        }
    }
    Ok(())
}

/// The manifest's version follows the workspace version (the one place it is set).
fn write_manifest(source: &Path, dest: &Path) -> BuildResult<()> {
    let text = fs::read_to_string(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let placeholder = "\"version\": \"0.0.0\"";
    if !text.contains(placeholder) {
        return Err(format!("manifest.json must carry {placeholder}: the build writes the workspace version there"));
    }
    let version = env::var("CARGO_PKG_VERSION").map_err(|e| e.to_string())?;
    let text = text.replacen(placeholder, &format!("\"version\": \"{version}\""), 1);
    fs::write(dest, text).map_err(|e| format!("cannot write {}: {e}", dest.display()))
}

/// The JavaScript that asks the worker before the popup's Wasm runs (`popup-first.js`) speaks the
/// protocol version `glue` defines (`PROTOCOL_VERSION`, the one place it is set): read from its
/// source, so that bumping it can never leave the page's first question a version behind.
fn write_protocol_version(protocol_rs: &Path, script: &Path) -> BuildResult<()> {
    let source = fs::read_to_string(protocol_rs).map_err(|e| format!("cannot read {}: {e}", protocol_rs.display()))?;
    let definition = "pub const PROTOCOL_VERSION: u32 = ";
    let version = source
        .lines()
        .find_map(|line| line.trim().strip_prefix(definition)?.strip_suffix(';')?.parse::<u32>().ok())
        .ok_or_else(|| format!("{} must define `{definition}<number>;`", protocol_rs.display()))?;
    let text = fs::read_to_string(script).map_err(|e| format!("cannot read {}: {e}", script.display()))?;
    let placeholder = "v: 0 /* PROTOCOL_VERSION */";
    if text.matches(placeholder).count() != 1 {
        return Err(format!("popup-first.js must carry `{placeholder}` once: the build writes the protocol version there"));
    }
    let text = text.replacen(placeholder, &format!("v: {version} /* PROTOCOL_VERSION */"), 1);
    fs::write(script, text).map_err(|e| format!("cannot write {}: {e}", script.display()))
}
