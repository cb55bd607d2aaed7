//! The Python client (`clients/python`) and its pytest suite against the `zonebox` binary just
//! built: a virtual environment in the target directory, pytest from PyPI (pinned), the client
//! installed as a user installs it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// pytest's version, pinned so the suite runs the same everywhere.
const PYTEST: &str = "pytest==8.3.4";

fn checked(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A virtual environment with pytest, made once per target directory.
fn environment() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-client-venv");
    let python = venv.join("bin/python");
    let ready = python.exists()
        && Command::new(&python)
            .args(["-c", "import pytest"])
            .status()
            .is_ok_and(|s| s.success());
    if !ready {
        let _ = std::fs::remove_dir_all(&venv);
        checked(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            "python3 -m venv (Debian: apt-get install python3-venv)",
        );
        checked(
            Command::new(&python).args(["-m", "pip", "install", "-q", PYTEST]),
            "pip install pytest",
        );
    }
    venv
}

#[test]
fn the_python_client_suite_passes() {
    let venv = environment();
    let python = venv.join("bin/python");
    let client = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients/python");
    checked(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--no-deps",
                "--force-reinstall",
            ])
            .arg(&client),
        "pip install ./clients/python",
    );
    checked(
        Command::new(&python)
            .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"])
            .current_dir(&client)
            .env("ZONEBOX_BIN", env!("CARGO_BIN_EXE_zonebox"))
            .env("ZONEBOX_CACHE_DIR", crate::support::cache_dir()),
        "pytest clients/python/tests",
    );
}
