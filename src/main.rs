//! `cargo run`: builds the extension (through build.rs) and opens it in Chromium; also hosts the
//! offline tools that work without a browser.

mod bundle_cmd;
mod package;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

/// The unpacked extension this build assembled (see build.rs).
const EXTENSION_DIR: &str = env!("EXTENSION_DIR");

const HELP: &str = "\
Sotto: a private pain and symptom journal in the browser toolbar.

USAGE:
    cargo run [-- COMMAND]

COMMANDS:
    open        (default) open Chromium with the freshly built extension, in its own profile
    path        print the unpacked extension directory
    package     write the store zip (deterministic) and print its SHA-256 and per-file listing
    bench       run the benchmark table in headless Chromium (release build; several minutes)
    bundle inspect FILE          show an export bundle's header (no passphrase needed)
    bundle decrypt FILE [--csv]  decrypt an export bundle to JSON (or CSV) on stdout;
                                 the passphrase is asked on the terminal, never taken from
                                 arguments or the environment
    help        show this text

ENVIRONMENT:
    CHROMIUM    the browser to start (default: /usr/bin/chromium)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("open") => open_in_chromium(),
        Some("path") => {
            println!("{EXTENSION_DIR}");
            Ok(())
        }
        Some("bundle") => bundle_cmd::run(&args[1..]),
        Some("package") => package::run(Path::new(EXTENSION_DIR), env!("CARGO_PKG_VERSION")),
        Some("bench") => bench(),
        Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`; `cargo run -- --help` lists the commands")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn chromium() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return Ok(PathBuf::from(path));
    }
    let debian = PathBuf::from("/usr/bin/chromium");
    if debian.exists() {
        return Ok(debian);
    }
    let can_install = is_root() && Path::new("/usr/bin/apt-get").exists();
    if can_install {
        eprintln!("Chromium is missing; installing Debian's chromium package…");
        let installed = Command::new("sh")
            .args(["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if installed && debian.exists() {
            return Ok(debian);
        }
    }
    Err("Chromium is missing: run `sudo apt-get install -y chromium` (or set CHROMIUM=/path/to/chrome)".into())
}

fn is_root() -> bool {
    // The effective uid, read without a libc dependency; the launcher is only needed on Linux.
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false)
}

/// The benchmark table lives beside the e2e harness it needs (tests/e2e/bench.rs, an ignored test,
/// so `cargo test` never times anything); this runs it, optimised, with its output shown.
fn bench() -> Result<(), String> {
    let _ = chromium()?;
    // `cargo run` tells the program which cargo started it; the workspace is where this was built.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["test", "--release", "--test", "e2e", "bench::benchmark_table", "--", "--ignored", "--exact", "--nocapture"])
        .status()
        .map_err(|e| format!("cannot start cargo: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the benchmark failed ({status})")) }
}

fn open_in_chromium() -> Result<(), String> {
    let extension = PathBuf::from(EXTENSION_DIR);
    let profile = extension.parent().map(|target| target.join("chromium-profile")).ok_or("no target directory")?;
    let browser = chromium()?;
    println!("Sotto's unpacked extension: {}", extension.display());
    println!("To use it in your everyday Chrome, Edge or Brave:");
    println!("  1. open chrome://extensions and switch on Developer mode (top right);");
    println!("  2. click \"Load unpacked\" and choose the directory above.");
    println!("Starting {} with its own profile in {} …", browser.display(), profile.display());

    let mut command = Command::new(&browser);
    let has_display = std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !has_display {
        println!("No display found: Chromium runs headless (press Ctrl-C to stop it).");
        command.args(["--headless=new", "--remote-debugging-port=0"]);
    }
    if is_root() {
        // Chromium refuses to run as root with its sandbox on.
        command.arg("--no-sandbox");
    }
    command
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--load-extension={}", extension.display()))
        .args([
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "chrome://extensions/",
        ]);
    let status = command.status().map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
    if status.success() { Ok(()) } else { Err(format!("Chromium exited with {status}")) }
}
