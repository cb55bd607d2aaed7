//! The spine's toolset commands, each with the GNU options agents use. Expectations are what GNU
//! coreutils prints for the same files (the generated differential suite arrives with issue 4).

use crate::support::{Host, run};
use std::fs;

/// (command line, expected stdout, expected exit status)
const CASES: &[(&str, &str, i32)] = &[
    ("echo hello world", "hello world\n", 0),
    ("echo -n no newline", "no newline", 0),
    ("echo -e 'a\\tb\\nc'", "a\tb\nc\n", 0),
    ("echo -e 'stop\\cnever'", "stop", 0),
    ("echo -x", "-x\n", 0),
    ("echo", "\n", 0),
    ("printf '%s-%d\\n' a 1 b 2", "a-1\nb-2\n", 0),
    (
        "printf '%5.2f|%-4s|%03d|%x|%o|%e\\n' 3.14159 ab 7 255 8 12345.678",
        " 3.14|ab  |007|ff|10|1.234568e+04\n",
        0,
    ),
    ("printf '%b' 'x\\ty\\n'", "x\ty\n", 0),
    ("printf '%s\\n'", "\n", 0),
    ("printf '%d\\n' \"'A\"", "65\n", 0),
    ("printf '%d\\n' abc", "0\n", 1),
    ("printf '%%|%c\\n' xyz", "%|x\n", 0),
    ("seq 3", "1\n2\n3\n", 0),
    ("seq 2 2 9", "2\n4\n6\n8\n", 0),
    ("seq 5 -2 1", "5\n3\n1\n", 0),
    ("seq -s , 1 4", "1,2,3,4\n", 0),
    ("seq -w 8 10", "08\n09\n10\n", 0),
    ("seq 1 0.5 2", "1.0\n1.5\n2.0\n", 0),
    ("seq -f '%03g' 1 3", "001\n002\n003\n", 0),
    ("seq 3 1", "", 0),
    ("cat lines.txt", "alpha\nbeta\n\n\ngamma\n", 0),
    (
        "cat -n lines.txt",
        "     1\talpha\n     2\tbeta\n     3\t\n     4\t\n     5\tgamma\n",
        0,
    ),
    (
        "cat -b lines.txt",
        "     1\talpha\n     2\tbeta\n\n\n     3\tgamma\n",
        0,
    ),
    ("cat -s lines.txt", "alpha\nbeta\n\ngamma\n", 0),
    ("cat -E tabs.txt", "a\tb$\n", 0),
    ("cat -A tabs.txt", "a^Ib$\n", 0),
    ("cat missing.txt", "", 1),
    ("head -n 2 lines.txt", "alpha\nbeta\n", 0),
    ("head -2 lines.txt", "alpha\nbeta\n", 0),
    ("head -n -3 lines.txt", "alpha\nbeta\n", 0),
    ("head -c 3 lines.txt", "alp", 0),
    (
        "head -n 1 lines.txt tabs.txt",
        "==> lines.txt <==\nalpha\n\n==> tabs.txt <==\na\tb\n",
        0,
    ),
    ("head -q -n 1 lines.txt tabs.txt", "alpha\na\tb\n", 0),
    ("tail -n 2 lines.txt", "\ngamma\n", 0),
    ("tail -1 lines.txt", "gamma\n", 0),
    ("tail -n +4 lines.txt", "\ngamma\n", 0),
    ("tail -c 4 lines.txt", "mma\n", 0),
    ("tail -c +3 tabs.txt", "b\n", 0),
    ("wc -l lines.txt", "5 lines.txt\n", 0),
    ("wc lines.txt", " 5  3 19 lines.txt\n", 0),
    (
        "wc -w -c lines.txt tabs.txt",
        " 3 19 lines.txt\n 2  4 tabs.txt\n 5 23 total\n",
        0,
    ),
    ("wc -L lines.txt", "5 lines.txt\n", 0),
    ("wc -m utf8.txt", "6 utf8.txt\n", 0),
    ("wc -c utf8.txt", "7 utf8.txt\n", 0),
    ("true", "", 0),
    ("false", "", 1),
    ("true --help", "", 0),
    ("pwd", "/workspace\n", 0),
    ("ls", "dir\nlines.txt\ntabs.txt\nutf8.txt\n", 0),
    ("ls -a dir", ".\n..\n.hidden\nb.txt\nc.txt\n", 0),
    ("ls -A dir", ".hidden\nb.txt\nc.txt\n", 0),
    ("ls -r dir", "c.txt\nb.txt\n", 0),
    ("ls -S dir", "c.txt\nb.txt\n", 0),
    ("ls -d dir", "dir\n", 0),
    ("ls -p", "dir/\nlines.txt\ntabs.txt\nutf8.txt\n", 0),
    ("ls -1 dir/b.txt lines.txt", "dir/b.txt\nlines.txt\n", 0),
    ("ls -R dir", "dir:\nb.txt\nc.txt\n", 0),
    ("ls --color=never dir", "b.txt\nc.txt\n", 0),
    ("ls nowhere", "", 2),
    ("sleep 0.01", "", 0),
    ("sleep 0.01s 0.01", "", 0),
    ("sleep", "", 2),
    ("sleep abc", "", 1),
    ("env -i A=1 B=2", "A=1\nB=2\n", 0),
    ("env -u HOME -u LANG -u PWD", "", 0),
    ("rmdir /workspace", "", 1),
    ("mkdir -m 700 /tmp/x", "", 2),
    ("ls --bogus", "", 2),
    ("cat -z lines.txt", "", 2),
];

fn workspace(host: &Host) {
    let ws = host.workspace();
    fs::remove_file(ws.join("hello.txt")).unwrap();
    fs::remove_dir_all(ws.join("sub")).unwrap();
    fs::write(ws.join("lines.txt"), "alpha\nbeta\n\n\ngamma\n").unwrap();
    fs::write(ws.join("tabs.txt"), "a\tb\n").unwrap();
    fs::write(ws.join("utf8.txt"), "héllo\n").unwrap();
    fs::create_dir(ws.join("dir")).unwrap();
    fs::write(ws.join("dir/b.txt"), "b\n").unwrap();
    fs::write(ws.join("dir/c.txt"), "ccccc\n").unwrap();
    fs::write(ws.join("dir/.hidden"), "").unwrap();
}

#[test]
fn spine_tools_match_gnu_on_common_options() {
    let host = Host::new();
    workspace(&host);
    let sandbox = host.sandbox();
    let mut failures = Vec::new();
    for (line, stdout, code) in CASES {
        let output = run(&sandbox, line);
        if output.stdout_text() != *stdout || output.exit_code != *code {
            failures.push(format!(
                "{line}\n  expected {stdout:?} (exit {code})\n  got      {:?} (exit {})\n  stderr   {:?}",
                output.stdout_text(),
                output.exit_code,
                output.stderr_text()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn file_tools_change_the_read_write_zone_as_gnu_does() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let out = host.out();
    let steps: &[(&str, i32)] = &[
        ("mkdir /out/a", 0),
        ("mkdir /out/a", 1),
        ("mkdir -p /out/a/b/c", 0),
        ("cp /workspace/hello.txt /out/a/b/c", 0),
        ("cp -r /workspace/sub /out/tree", 0),
        ("cp /workspace/sub /out/nope", 1),
        ("cp -n /workspace/sub/nested.txt /out/tree/nested.txt", 0),
        ("mv /out/tree /out/moved", 0),
        ("touch -d '2001-02-03 04:05:06' /out/moved/nested.txt", 0),
        ("touch /out/fresh", 0),
        ("rmdir /out/a/b/c", 1),
        ("rm /out/a/b/c/hello.txt", 0),
        ("rmdir -p /out/a/b/c", 1),
        ("rm /out/moved", 1),
        ("rm -f /out/never-existed", 0),
        ("rm /out/never-existed", 1),
        ("rm -rf /", 1),
        ("rm -r /out/.", 1),
    ];
    for (line, code) in steps {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, *code, "{line}: {}", output.stderr_text());
    }
    assert!(
        !out.join("a").exists(),
        "rmdir -p removed the chain up to the zone root"
    );
    assert_eq!(
        fs::read_to_string(out.join("moved/nested.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    let modified = fs::metadata(out.join("moved/nested.txt"))
        .unwrap()
        .modified()
        .unwrap();
    let seconds = modified
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(seconds, 981_173_106, "touch -d sets the time (UTC)");
    assert!(out.join("fresh").is_file());
    let listing = run(&sandbox, "ls -l /out/moved");
    assert!(
        listing
            .stdout_text()
            .starts_with("total 4\n-rw-r--r-- 1 user user 14 Feb  3  2001 nested.txt\n"),
        "{}",
        listing.stdout_text()
    );
    let verbose = run(&sandbox, "cp -v /workspace/hello.txt /out/v.txt");
    assert_eq!(
        verbose.stdout_text(),
        "'/workspace/hello.txt' -> '/out/v.txt'\n"
    );
}

#[test]
fn stdin_reaches_the_command() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let output = sandbox.run_with_stdin("wc -l", "a\nb\n").unwrap();
    assert_eq!(output.stdout_text(), "2\n");
    let output = sandbox.run_with_stdin("tail -n 1 -", "x\ny\n").unwrap();
    assert_eq!(output.stdout_text(), "y\n");
    let output = sandbox.run_with_stdin("cat -n", "only\n").unwrap();
    assert_eq!(output.stdout_text(), "     1\tonly\n");
}
