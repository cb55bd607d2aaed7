//! The differential suite: every line of tests/differential/cases.txt must print what GNU printed
//! (tests/differential/expected.jsonl, re-derived by tests/differential/generate), with the same
//! exit status, when run by zonebox over the same fixture tree.

use crate::support::cache_dir;
use std::path::Path;
use zonebox::{Policy, Sandbox};

struct Expectation {
    line: String,
    stdout: String,
    exit: i32,
}

fn suite_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/differential"))
}

fn cases() -> Vec<String> {
    let text = std::fs::read_to_string(suite_dir().join("cases.txt")).expect("cases.txt");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(String::from)
        .collect()
}

fn expectations() -> Vec<Expectation> {
    let text = std::fs::read_to_string(suite_dir().join("expected.jsonl")).expect("expected.jsonl");
    text.lines()
        .skip(1)
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            Expectation {
                line: record["line"].as_str().expect("line").to_string(),
                stdout: record["stdout"].as_str().expect("stdout").to_string(),
                exit: record["exit"].as_i64().expect("exit") as i32,
            }
        })
        .collect()
}

/// A case ending in `| sort` compares sorted lines (bash sorts GNU's side with GNU sort, in the C
/// locale: byte order), for tools whose GNU output order depends on the file system.
fn sort_lines(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort_unstable();
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn is_fixture_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
}

/// A case ending in `< FILE` reads that fixture file on stdin (bash redirects it the same way).
fn split_stdin(line: &str) -> (&str, Vec<u8>) {
    match line.rsplit_once(" < ") {
        Some((command, file)) if is_fixture_path(file) => {
            let path = suite_dir().join("fixture").join(file);
            (
                command,
                std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            )
        }
        _ => (line, Vec::new()),
    }
}

fn sandbox() -> Sandbox {
    let fixture = suite_dir().join("fixture").display().to_string();
    let policy = format!(
        "workdir = \"/workspace\"\nnetwork = \"none\"\n\
         [[zones]]\nhost = {fixture:?}\nguest = \"/workspace\"\nmode = \"ro\"\n\
         [[zones]]\nguest = \"/tmp\"\nmode = \"scratch\"\n\
         [env]\nset = {{ LC_ALL = \"C\", TZ = \"UTC\", HOME = \"/tmp\" }}\n\
         [limits]\ntimeout_secs = 10\nmemory_mib = 256\nmax_output_bytes = 1048576\nmax_open_files = 256\nmax_instances = 64\n\
         [routing]\ndynamic = \"wasm\"\n"
    );
    let policy = Policy::from_toml(&policy, "differential policy").expect("policy");
    Sandbox::builder(policy)
        .cache_dir(cache_dir())
        .build()
        .expect("sandbox")
}

#[test]
fn expectations_are_current_with_the_cases() {
    let lines: Vec<String> = expectations().into_iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        cases(),
        "cases.txt changed: run python3 tests/differential/generate"
    );
}

/// Gives every fixture file and directory the time of a fresh checkout (now), as the generator
/// does to its copy, so cases like `find -mmin -60` do not depend on when the tree was cloned.
fn touch_fixture_to_now(dir: &Path) {
    let now = std::time::SystemTime::now();
    let touch = |path: &Path| {
        if let Ok(handle) = std::fs::File::open(path) {
            let _ = handle.set_modified(now);
        }
    };
    touch(dir);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            touch_fixture_to_now(&path);
        } else if entry.file_type().is_ok_and(|t| t.is_file()) {
            touch(&path);
        }
    }
}

#[test]
fn zonebox_prints_what_gnu_prints() {
    touch_fixture_to_now(&suite_dir().join("fixture"));
    let sandbox = sandbox();
    let expectations = expectations();
    let mut failures = Vec::new();
    for expected in &expectations {
        let (line, sorted) = match expected.line.strip_suffix(" | sort") {
            Some(line) => (line, true),
            None => (expected.line.as_str(), false),
        };
        let (line, stdin) = split_stdin(line);
        let output = sandbox
            .run_with_stdin(line, stdin)
            .unwrap_or_else(|e| panic!("{}: {e}", expected.line));
        let stdout = if sorted {
            sort_lines(&output.stdout_text())
        } else {
            output.stdout_text().into_owned()
        };
        if stdout != expected.stdout || output.exit_code != expected.exit {
            failures.push(format!(
                "{}\n  GNU     {:?} (exit {})\n  zonebox {:?} (exit {})\n  stderr  {:?}",
                expected.line,
                expected.stdout,
                expected.exit,
                stdout,
                output.exit_code,
                output.stderr_text()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from GNU:\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
}
