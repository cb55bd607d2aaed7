//! The `zonebox` command as agents call it: the contract other issues rely on.

use crate::support::{Host, TestLimits, expect_status, text, zonebox};

/// The bundled policy that denies native names instead of failing them at run time.
const STRICT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/strict.toml");

#[test]
fn run_passes_output_and_exit_status_through() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args(["run", "echo hello"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "hello\n");
    assert_eq!(text(&output.stderr), "");

    let output = zonebox(&host.workspace())
        .args(["run", "cat hello.txt missing.txt"])
        .output()
        .unwrap();
    expect_status(&output, 1);
    assert_eq!(text(&output.stdout), "hello from the workspace\n");
    assert_eq!(
        text(&output.stderr),
        "cat: missing.txt: No such file or directory\n"
    );

    let output = zonebox(&host.workspace())
        .args(["run", "--", "false"])
        .output()
        .unwrap();
    expect_status(&output, 1);
}

#[test]
fn the_default_policy_shows_the_current_directory_read_only() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args(["run", "ls"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "hello.txt\nsub\n");
    let before = host.tree();
    let output = zonebox(&host.workspace())
        .args(["run", "touch made-by-agent"])
        .output()
        .unwrap();
    expect_status(&output, 1);
    assert_eq!(host.tree(), before);
}

#[test]
fn json_output_has_every_field() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args([
            "run",
            "--json",
            "--timeout",
            "0.3",
            "--max-output",
            "100",
            "yes",
        ])
        .output()
        .unwrap();
    expect_status(&output, 124);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(json["exit_code"], 124);
    assert_eq!(json["backend"], "wasm");
    assert_eq!(json["truncated"], true);
    assert_eq!(json["limit"], "wall_clock");
    assert!(json["duration_ms"].as_f64().unwrap() >= 300.0);
    assert!(json["stdout"].as_str().unwrap().starts_with("y\ny\n"));
    assert!(
        json["stderr"]
            .as_str()
            .unwrap()
            .contains("limits.timeout_secs = 0.3")
    );

    let output = zonebox(&host.workspace())
        .args(["run", "--json", "echo hi"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        (
            json["stdout"].as_str(),
            json["limit"].is_null(),
            json["truncated"].as_bool()
        ),
        (Some("hi\n"), true, Some(false))
    );
}

#[test]
fn limit_stops_exit_124_and_137_with_one_line_naming_the_limit() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args(["run", "--timeout", "0.2", "sleep 10"])
        .output()
        .unwrap();
    expect_status(&output, 124);
    assert_eq!(
        text(&output.stderr),
        "zonebox: stopped by the wall-clock limit: limits.timeout_secs = 0.2\n"
    );
    let policy = host.policy_file(&TestLimits {
        cpu_fuel: Some(1000),
        ..TestLimits::default()
    });
    let output = zonebox(&host.workspace())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .arg("seq 100000")
        .output()
        .unwrap();
    expect_status(&output, 137);
    assert!(
        text(&output.stderr).ends_with(
            "zonebox: stopped by the CPU limit: limits.cpu_fuel = 1000 (the line's budget)\n"
        ),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn flags_override_policy_keys() {
    let host = Host::new();
    let policy = host.policy_file(&TestLimits::default());
    let out = host.out().display().to_string();
    let output = zonebox(&host.workspace())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .args([
            "--zone",
            &format!("{out}:/results:rw"),
            "--workdir",
            "/results",
            "touch made-here",
        ])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert!(host.out().join("made-here").is_file());
}

#[test]
fn the_environment_is_an_allowlist() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .env("ZB_SECRET", "hunter2")
        .args(["run", "env"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    let env = text(&output.stdout);
    assert!(
        !env.contains("hunter2"),
        "host variables do not leak: {env}"
    );
    assert!(
        env.contains("PWD=/workspace\n") && env.contains("HOME=/tmp\n"),
        "{env}"
    );
    let output = zonebox(&host.workspace())
        .env("ZB_SECRET", "hunter2")
        .args([
            "run",
            "--env",
            "ZB_SECRET",
            "--env",
            "GREETING=hi there",
            "env",
        ])
        .output()
        .unwrap();
    let env = text(&output.stdout);
    assert!(
        env.contains("ZB_SECRET=hunter2\n") && env.contains("GREETING=hi there\n"),
        "{env}"
    );
}

#[test]
fn scratch_directories_are_removed_from_the_host() {
    let host = Host::new();
    let tmp = tempfile::tempdir().unwrap();
    let output = zonebox(&host.workspace())
        .env("TMPDIR", tmp.path())
        .args(["run", "mkdir -p /tmp/a/b/c"])
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "the scratch directory is gone"
    );
    let output = zonebox(&host.workspace())
        .env("TMPDIR", tmp.path())
        .args(["run", "--timeout", "0.2", "yes"])
        .output()
        .unwrap();
    expect_status(&output, 124);
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "also after a timeout"
    );
}

#[test]
fn stdin_passes_through_only_when_asked() {
    let host = Host::new();
    let mut child = zonebox(&host.workspace())
        .args(["run", "--stdin", "wc -l"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"a\nb\nc\n").unwrap();
    let output = child.wait_with_output().unwrap();
    expect_status(&output, 0);
    assert_eq!(text(&output.stdout), "3\n");
    let output = zonebox(&host.workspace())
        .args(["run", "cat"])
        .stdin(std::process::Stdio::inherit())
        .output()
        .unwrap();
    expect_status(&output, 0);
    assert_eq!(
        text(&output.stdout),
        "",
        "without --stdin the command reads an empty input"
    );
}

#[test]
fn bad_flags_and_lines_exit_2_with_the_reason() {
    let host = Host::new();
    let cases: &[(&[&str], &str)] = &[
        (&["run", "--timeout", "abc", "echo"], "--timeout"),
        (
            &["run", "--timeout", "0", "echo"],
            "--timeout (limits.timeout_secs) = 0: expected seconds above 0",
        ),
        (
            &["run", "--memory", "999999", "echo"],
            "--memory (limits.memory_mib) = 999999",
        ),
        (
            &["run", "--zone", "nonsense", "echo"],
            "--zone: expected HOST:GUEST:MODE",
        ),
        (
            &["run", "--zone", ".:/w:rwx", "echo"],
            "(zones[2].mode) = \"rwx\": expected \"ro\", \"rw\" or \"scratch\"",
        ),
        (
            &["run", "--workdir", "/elsewhere", "echo"],
            "--workdir (workdir) = \"/elsewhere\": outside every zone",
        ),
        (
            &["run", "--env", "1BAD=x", "echo"],
            "is not a variable name",
        ),
        (
            &["run", "--policy", "/no/such/policy.toml", "echo"],
            "/no/such/policy.toml: cannot read the file",
        ),
        (
            &["run", "echo", "hi"],
            "the command line must be one argument; quote it: zonebox run 'echo hi'",
        ),
        (
            &["run", "if true; then echo"],
            "the line ends before the command does",
        ),
        (&["run", "echo 'unbalanced"], "unterminated single quote"),
        (&["run", ""], "empty command line"),
        (&["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let output = zonebox(&host.workspace()).args(*args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(
            text(&output.stderr).contains(expected),
            "{args:?}: expected {expected:?} in {}",
            text(&output.stderr)
        );
        assert!(output.stdout.is_empty(), "{args:?} printed to stdout");
    }
}

#[test]
fn a_parse_error_points_at_the_spot() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args(["run", "grep -rn TODO src | | sort"])
        .output()
        .unwrap();
    expect_status(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("column 21: syntax error near here"),
        "{stderr}"
    );
    assert!(
        stderr.contains("\n  grep -rn TODO src | | sort\n                      ^"),
        "{stderr}"
    );
}

#[test]
fn native_commands_are_denied_with_126_and_names_found_at_run_time_exit_127() {
    let host = Host::new();
    let output = zonebox(&host.workspace())
        .args([
            "run",
            "--policy",
            STRICT,
            "python3 -c 'print(1)'; echo never",
        ])
        .output()
        .unwrap();
    expect_status(&output, 126);
    assert_eq!(text(&output.stdout), "");
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with("zonebox: denied: python3: python3 is not in the wasm toolset")
            && stderr.contains("[routing.unknown = \"deny\"]"),
        "{stderr}"
    );
    // The default policy runs the line: the name fails as bash's "command not found".
    let output = zonebox(&host.workspace())
        .args(["run", "python3 -c 'print(1)' || echo fallback; python3"])
        .output()
        .unwrap();
    expect_status(&output, 127);
    assert_eq!(text(&output.stdout), "fallback\n");
    assert!(text(&output.stderr).contains("python3: command not found"));
    // The test policy lets names known only at run time into wasm, where a native program
    // is not found.
    let policy = host.policy_file(&TestLimits::default());
    let output = zonebox(&host.workspace())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .arg("c=python3; $c -V")
        .output()
        .unwrap();
    expect_status(&output, 127);
    assert_eq!(text(&output.stderr), "python3: command not found\n");
}

/// A reader that goes away (`zonebox tools | grep -q x`, `| head -1`) ends zonebox's output
/// quietly: no panic, status 0.
#[test]
fn a_closed_stdout_is_a_normal_end() {
    use std::io::Read;
    let host = Host::new();
    for args in [
        vec!["tools", "--long"],
        vec!["route", "ls -la"],
        vec![
            "policy",
            "check",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policies/default.toml"),
        ],
        vec!["run", "--json", "seq 100000"],
    ] {
        let mut child = zonebox(&host.workspace())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Close the read end at once: every write zonebox makes meets a broken pipe.
        drop(child.stdout.take());
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(status.success(), "{args:?}: {status:?} {stderr}");
    }
}

#[test]
fn tools_lists_the_toolset_one_a_line() {
    let host = Host::new();
    let output = zonebox(&host.workspace()).arg("tools").output().unwrap();
    expect_status(&output, 0);
    let listed: Vec<String> = text(&output.stdout).lines().map(String::from).collect();
    for tool in [
        "echo", "printf", "cat", "ls", "cp", "mv", "rm", "mkdir", "rmdir", "touch", "head", "tail",
        "wc", "true", "false", "pwd", "env", "sleep", "yes", "seq",
    ] {
        assert!(
            listed.iter().any(|t| t == tool),
            "{tool} missing from {listed:?}"
        );
    }
    for tool in &listed {
        let output = zonebox(&host.workspace())
            .args(["run", &format!("{tool} --zonebox-bogus-option")])
            .output()
            .unwrap();
        assert_ne!(
            output.status.code(),
            Some(127),
            "{tool} is listed but not runnable"
        );
    }
}
