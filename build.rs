//! Builds the wasm toolset (`wasm-tools/`) for wasm32-wasip1 and hands it to the host crate, the
//! way wasmtime's test-programs artifacts are built: a user never runs a second cargo command.
//!
//! The toolset always builds in release, into one target directory shared by every host profile
//! (`target/wasm-tools`), so `cargo build`, `cargo clippy` and `cargo test` reuse one build.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-wasip1";

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let tools_dir = manifest_dir.join("wasm-tools");
    for watched in ["src", "Cargo.toml", "Cargo.lock"] {
        println!(
            "cargo:rerun-if-changed={}",
            tools_dir.join(watched).display()
        );
    }
    println!("cargo:rerun-if-env-changed=CARGO_TARGET_DIR");

    require_wasm_target();
    let target_dir = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                manifest_dir.join(dir)
            }
        })
        .unwrap_or_else(|| manifest_dir.join("target"))
        .join("wasm-tools");
    let wasm = build_toolset(&tools_dir, &target_dir);
    let bytes = std::fs::read(&wasm).unwrap_or_else(|e| panic!("reading {}: {e}", wasm.display()));
    let embedded = out_dir.join("zonebox-tools.wasm");
    std::fs::write(&embedded, &bytes).expect("writing the toolset into OUT_DIR");
    let hash = blake3::hash(&bytes).to_hex();
    let generated = format!(
        "/// The toolset module (wasm32-wasip1), built from `wasm-tools/` by build.rs.\n\
         pub(crate) static TOOLSET_WASM: &[u8] = include_bytes!({embedded:?});\n\
         /// BLAKE3 of [`TOOLSET_WASM`], part of the compiled-code cache key.\n\
         pub(crate) const TOOLSET_HASH: &str = \"{hash}\";\n"
    );
    std::fs::write(out_dir.join("toolset.rs"), generated).expect("writing toolset.rs into OUT_DIR");
    build_line_runner(
        &manifest_dir.join("line-runner/main.rs"),
        &out_dir.join("line-runner"),
    );
}

/// Builds the warm containers' line runner for this host: one file, std only, linked statically
/// (`+crt-static`) so that it runs in any image, even one without a libc. On hosts other than
/// Linux there is no runner (an empty file: warm containers say so when asked for).
fn build_line_runner(source: &Path, out: &Path) {
    // The runner is its folder: main.rs and the protocol it shares with zonebox.
    if let Some(folder) = source.parent() {
        println!("cargo:rerun-if-changed={}", folder.display());
    }
    let target = env::var("TARGET").expect("cargo sets TARGET");
    if !target.contains("-linux-") {
        std::fs::write(out, b"").expect("writing an empty line runner into OUT_DIR");
        return;
    }
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let status = Command::new(rustc)
        .args(["--edition", "2024", "--crate-name", "line_runner"])
        .args([
            "-C",
            "opt-level=s",
            "-C",
            "panic=abort",
            "-C",
            "strip=symbols",
        ])
        .args(["-C", "target-feature=+crt-static", "--target", &target])
        .arg("-o")
        .arg(out)
        .arg(source)
        .status()
        .expect("running rustc for the line runner");
    assert!(
        status.success(),
        "building the line runner ({}) failed: a static link needs the C library's static \
         archive (Debian: libc6-dev)",
        source.display()
    );
}

/// Stops the build with the exact command to run when the wasm target is not installed.
fn require_wasm_target() {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let installed = sysroot.is_some_and(|root| {
        Path::new(&root)
            .join("lib/rustlib")
            .join(TARGET)
            .join("lib")
            .is_dir()
    });
    if !installed {
        panic!(
            "\n\nzonebox builds its toolset for the {TARGET} target, which this Rust toolchain does not have.\n\
             Install it with:\n\n    rustup target add {TARGET}\n\nthen run the same cargo command again.\n"
        );
    }
}

fn build_toolset(tools_dir: &Path, target_dir: &Path) -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(tools_dir)
        .args([
            "build",
            "--release",
            "--locked",
            "--target",
            TARGET,
            "--target-dir",
        ])
        .arg(target_dir);
    // The host build's settings (clippy's wrapper, host RUSTFLAGS, profile overrides) must not leak
    // into the toolset build: they would change its fingerprint and rebuild it per host profile.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy();
        let host_only =
            key.starts_with("CARGO_") && key != "CARGO_HOME" && key != "CARGO_NET_OFFLINE"
                || key.starts_with("RUSTC")
                || key == "RUSTFLAGS"
                || key == "RUSTDOCFLAGS"
                || key == "CLIPPY_ARGS";
        if host_only {
            command.env_remove(key.as_ref());
        }
    }
    let status = command.status().expect("running cargo to build wasm-tools");
    if !status.success() {
        panic!("building the wasm toolset (wasm-tools/) for {TARGET} failed: see the errors above");
    }
    target_dir
        .join(TARGET)
        .join("release")
        .join("zonebox-tools.wasm")
}
