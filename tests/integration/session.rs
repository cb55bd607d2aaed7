//! Sessions: the library's `Session` and `zonebox shell` keep cwd, variables, functions, `$?`
//! and scratch contents between lines, and nothing leaks between sessions.

use crate::support::{Host, text, zonebox};
use std::io::Write;
use std::process::Stdio;

#[test]
fn a_session_keeps_its_shell_between_lines() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let mut session = sandbox.session().unwrap();
    for line in [
        "cd sub",
        "export MODE=fast; plain=kept",
        "greet() { echo \"hi $1\"; }",
        "echo scratch > /tmp/note",
        "false",
    ] {
        session.run(line).unwrap();
    }
    assert_eq!(session.cwd(), "/workspace/sub");
    assert_eq!(session.last_status(), 1);
    let output = session
        .run("echo $?; pwd; echo $MODE $plain; greet you; cat /tmp/note; printenv MODE")
        .unwrap();
    assert_eq!(
        output.stdout_text(),
        "1\n/workspace/sub\nfast kept\nhi you\nscratch\nfast\n"
    );
    // `exit` ends its line, not the session.
    assert_eq!(session.run("exit 4").unwrap().exit_code, 4);
    assert_eq!(session.run("echo $?").unwrap().stdout_text(), "4\n");
    // Another session starts fresh, with its own empty scratch zone.
    let mut other = sandbox.session().unwrap();
    let output = other.run("pwd; echo \"[$MODE]\"; cat /tmp/note").unwrap();
    assert_eq!(output.stdout_text(), "/workspace\n[]\n");
    assert_eq!(output.exit_code, 1);
}

#[test]
fn zonebox_shell_reads_lines_and_continues_open_constructs() {
    let host = Host::new();
    let mut child = zonebox(&host.workspace())
        .args(["shell", "--policy"])
        .arg(host.policy_file(&Default::default()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"cd sub\nfor w in a b; do\n  echo \"$w\"\ndone\npwd\necho 'broken\nexit 3\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(text(&output.stdout), "a\nb\n/workspace/sub\n");
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("unfinished command"));
}
