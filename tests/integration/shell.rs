//! The shell's differential suite: every case of tests/shell/cases.txt must print what bash
//! printed (tests/shell/expected.jsonl, re-derived by tests/shell/generate), with the same exit
//! status, when zonebox runs it over a fresh copy of the same fixture tree.

use crate::support::cache_dir;
use std::path::Path;
use zonebox::{Policy, Sandbox};

fn suite_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/shell"))
}

/// The cases as the generator reads them: single lines, or blocks between `<<<` and `>>>`.
fn cases() -> Vec<String> {
    let text = std::fs::read_to_string(suite_dir().join("cases.txt")).expect("cases.txt");
    let lines: Vec<&str> = text.split('\n').collect();
    let mut cases = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if line == "<<<" {
            let end = index
                + lines[index..]
                    .iter()
                    .position(|l| *l == ">>>")
                    .expect(">>>");
            cases.push(lines[index + 1..end].join("\n"));
            index = end + 1;
            continue;
        }
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            cases.push(line.to_string());
        }
        index += 1;
    }
    cases
}

fn expectations() -> Vec<(String, String, i32)> {
    let text = std::fs::read_to_string(suite_dir().join("expected.jsonl")).expect("expected.jsonl");
    text.lines()
        .skip(1)
        .map(|line| {
            let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            (
                record["line"].as_str().expect("line").to_string(),
                record["stdout"].as_str().expect("stdout").to_string(),
                record["exit"].as_i64().expect("exit") as i32,
            )
        })
        .collect()
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn empty_dir(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

#[test]
fn expectations_are_current_with_the_cases() {
    let lines: Vec<String> = expectations().into_iter().map(|e| e.0).collect();
    assert_eq!(
        lines,
        cases(),
        "cases.txt changed: run python3 tests/shell/generate"
    );
}

#[test]
fn zonebox_shell_prints_what_bash_prints() {
    let root = tempfile::tempdir().unwrap();
    let workspace = root.path().join("workspace");
    std::fs::create_dir(&workspace).unwrap();
    let policy = format!(
        "workdir = \"/workspace\"\nnetwork = \"none\"\n\
         [[zones]]\nhost = {:?}\nguest = \"/workspace\"\nmode = \"rw\"\n\
         [[zones]]\nguest = \"/tmp\"\nmode = \"scratch\"\n\
         [env]\nset = {{ LC_ALL = \"C\", TZ = \"UTC\", HOME = \"/tmp\" }}\n\
         [limits]\ntimeout_secs = 20\nmemory_mib = 256\nmax_output_bytes = 1048576\nmax_open_files = 256\nmax_instances = 64\n\
         [routing]\ndynamic = \"wasm\"\n",
        workspace.display().to_string()
    );
    let policy = Policy::from_toml(&policy, "shell suite policy").expect("policy");
    let sandbox = Sandbox::builder(policy)
        .cache_dir(cache_dir())
        .build()
        .expect("sandbox");
    let expectations = expectations();
    let mut failures = Vec::new();
    for (line, stdout, exit) in &expectations {
        empty_dir(&workspace);
        copy_tree(&suite_dir().join("fixture"), &workspace);
        let (got, code, stderr) = match sandbox.run(line) {
            Ok(output) => (
                output.stdout_text().into_owned(),
                output.exit_code,
                output.stderr_text().into_owned(),
            ),
            Err(error) => (String::new(), 2, error.to_string()),
        };
        if &got != stdout || code != *exit {
            failures.push(format!(
                "{line}\n  bash    {stdout:?} (exit {exit})\n  zonebox {got:?} (exit {code})\n  stderr  {stderr:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from bash:\n{}",
        failures.len(),
        expectations.len(),
        failures.join("\n")
    );
}
