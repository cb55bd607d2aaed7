//! Toolset behaviour that is the sandbox's own: refused options, the guest's view of paths, and
//! file tools changing a read-write zone. What GNU prints for the same input is checked by the
//! differential suite (tests/differential).

use crate::support::{Host, TestLimits, run};
use std::fs;

/// Behaviour that is the sandbox's own (GNU-comparable cases live in tests/differential):
/// (command line, expected stdout, expected exit status).
const CASES: &[(&str, &str, i32)] = &[
    ("pwd", "/workspace\n", 0),
    ("pwd -P", "/workspace\n", 0),
    ("env -u HOME -u LANG -u PWD", "", 0),
    ("rmdir /workspace", "", 1),
    ("mkdir -m 700 /tmp/x && stat -c %a /tmp/x", "700\n", 0),
    ("ls --bogus", "", 2),
    ("cat -z lines.txt", "", 2),
    ("ls --color=always", "", 2),
    ("env ls", "dir\nlines.txt\ntabs.txt\nutf8.txt\n", 0),
    ("env -i X=1 env", "PWD=/workspace\nX=1\n", 0),
    ("yes --bogus", "", 2),
    ("find dir -type f -exec cat {} \\; | sort", "b\nccccc\n", 0),
    ("find . -exec cat {} \\; -print", "", 1),
    ("find . -perm 644", "", 2),
    ("grep -P '(?<=a)b' lines.txt", "", 2),
    ("whoami", "user\n", 0),
    ("id", "uid=1000(user) gid=1000(user) groups=1000(user)\n", 0),
    ("id -un", "user\n", 0),
    ("id -u", "1000\n", 0),
    ("hostname", "zonebox\n", 0),
    ("uname", "WASI\n", 0),
    ("uname -sm", "WASI wasm32\n", 0),
    ("nproc", "1\n", 0),
    ("which ls grep", "/bin/ls\n/bin/grep\n", 0),
    ("which python3", "", 1),
    ("printenv HOME", "/tmp\n", 0),
    ("printenv NOPE", "", 1),
    ("realpath dir/../lines.txt", "/workspace/lines.txt\n", 0),
    ("realpath -e nowhere", "", 1),
    ("realpath -m /workspace/a/../b", "/workspace/b\n", 0),
    ("readlink -f ./dir/", "/workspace/dir\n", 0),
    ("readlink lines.txt", "", 1),
    ("test -w lines.txt", "", 1),
    ("test -w /tmp", "", 0),
    ("test -r lines.txt", "", 0),
    ("[ -x /bin/ls ]", "", 0),
    // The guest's read-only root: the zones, and the devices the sandbox serves.
    ("cd / && pwd && ls", "/\ndev\nout\ntmp\nworkspace\n", 0),
    (
        "find / -maxdepth 1 | sort",
        "/\n/dev\n/out\n/tmp\n/workspace\n",
        0,
    ),
    (
        "ls /dev",
        "fd\nnull\nrandom\nstderr\nstdin\nstdout\nurandom\nzero\n",
        0,
    ),
    ("head -c 3 /dev/zero | od -An -tx1", " 00 00 00\n", 0),
    ("head -c 16 /dev/urandom | wc -c", "16\n", 0),
    (
        "[ -c /dev/zero ] && [ -d / ] && echo devices",
        "devices\n",
        0,
    ),
    ("echo x > /new.txt", "", 1),
    ("mkdir /made", "", 1),
    ("echo in | cat /dev/stdin", "in\n", 0),
    ("date -s 2020-01-01", "", 2),
    ("truncate -s 0 lines.txt", "", 1),
    ("grep 'a\\(b\\)\\1' lines.txt", "", 2),
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
fn sandbox_specific_behaviour() {
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
        ("touch /out/a.tmp /out/b.tmp /out/keep.txt", 0),
        ("find /out -name '*.tmp' -delete", 0),
        ("find /workspace -name '*.txt' -delete", 1),
        ("truncate -s 10 /out/sized", 0),
        ("truncate -s +5 /out/sized", 0),
        ("ln -s sized /out/link", 0),
        ("ln -s /workspace/hello.txt /out/absolute", 0),
        ("ln -s /out/link /workspace/nope", 1),
        ("cp /workspace/sub/nested.txt /out/edit.txt", 0),
        ("sed -i.bak 's/two/TWO/' /out/edit.txt", 0),
        ("sed -i 's/one/1/' /workspace/sub/nested.txt", 4),
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
    assert!(
        !out.join("a.tmp").exists()
            && !out.join("b.tmp").exists()
            && out.join("keep.txt").is_file()
    );
    assert!(
        host.workspace().join("hello.txt").is_file(),
        "find -delete cannot touch the ro zone"
    );
    let listing = run(&sandbox, "ls -l /out/moved");
    assert!(
        listing
            .stdout_text()
            .starts_with("total 4\n-rw-r--r-- 1 user user 14 Feb  3  2001 nested.txt\n"),
        "{}",
        listing.stdout_text()
    );
    assert_eq!(fs::metadata(out.join("sized")).unwrap().len(), 15);
    assert_eq!(
        fs::read_link(out.join("link")).unwrap(),
        std::path::Path::new("sized")
    );
    assert_eq!(
        run(&sandbox, "wc -c /out/link").stdout_text(),
        "15 /out/link\n",
        "a relative link resolves"
    );
    assert_eq!(
        fs::read_to_string(out.join("edit.txt")).unwrap(),
        "one\nTWO\nthree\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("edit.txt.bak")).unwrap(),
        "one\ntwo\nthree\n"
    );
    assert_eq!(
        fs::read_to_string(host.workspace().join("sub/nested.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    // A link into another zone holds the guest path and resolves in the guest's view.
    assert_eq!(
        fs::read_link(out.join("absolute")).unwrap(),
        std::path::Path::new("/workspace/hello.txt")
    );
    let across = run(&sandbox, "cat /out/absolute");
    assert_eq!(across.stdout_text(), "hello from the workspace\n");
    let made = run(&sandbox, "mktemp -d");
    assert_eq!(made.exit_code, 0);
    assert!(
        made.stdout_text().starts_with("/tmp/tmp.")
            && made.stdout_text().len() == "/tmp/tmp.XXXXXXXXXX\n".len(),
        "{}",
        made.stdout_text()
    );
    let made = run(&sandbox, "mktemp -p /out report.XXXX");
    let name = made.stdout_text().trim().to_string();
    assert!(
        name.starts_with("/out/report.") && out.join(name.trim_start_matches("/out/")).is_file(),
        "{name}"
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

#[test]
fn archives_round_trip_in_a_read_write_zone() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let out = host.out();
    let steps: &[(&str, i32)] = &[
        ("cp /workspace/hello.txt /out/h.txt", 0),
        ("gzip /out/h.txt", 0),
        ("gzip -t /out/h.txt.gz", 0),
        ("gunzip -k /out/h.txt.gz", 0),
        ("gzip -9 -c /workspace/sub/nested.txt", 0),
        ("tar czf /out/tree.tgz -C /workspace sub hello.txt", 0),
        ("mkdir /out/unpacked", 0),
        ("tar xzf /out/tree.tgz -C /out/unpacked", 0),
        ("tar cf /out/plain.tar sub", 0),
        ("tar xf /out/tree.tgz -C /workspace", 2),
        ("gzip /workspace/hello.txt", 1),
    ];
    for (line, code) in steps {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, *code, "{line}: {}", output.stderr_text());
    }
    assert!(
        out.join("h.txt.gz").is_file(),
        "gunzip -k keeps the archive"
    );
    assert_eq!(
        fs::read_to_string(out.join("h.txt")).unwrap(),
        "hello from the workspace\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("unpacked/sub/nested.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("unpacked/hello.txt")).unwrap(),
        "hello from the workspace\n"
    );
    let listing = run(&sandbox, "tar tf /out/plain.tar");
    assert_eq!(listing.stdout_text(), "sub/\nsub/nested.txt\n");
    let verbose = run(&sandbox, "tar tvzf /out/tree.tgz");
    assert!(
        verbose
            .stdout_text()
            .starts_with("drwxr-xr-x user/user         0 "),
        "{}",
        verbose.stdout_text()
    );
    let host_gzip = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(out.join("h.txt.gz"))
        .output();
    if let Ok(decoded) = host_gzip {
        assert_eq!(
            String::from_utf8_lossy(&decoded.stdout),
            "hello from the workspace\n",
            "GNU gzip reads what zonebox wrote"
        );
    }
    assert!(
        host.workspace().join("hello.txt").is_file()
            && !host.workspace().join("hello.txt.gz").exists()
    );
}

/// A one-file ustar archive whose entry is named `name`, written byte by byte, as no
/// well-behaved tool would write `../` names.
fn tar_with_entry(name: &str, content: &[u8]) -> Vec<u8> {
    let mut archive = tar_member(name, b'0', "", content);
    archive.extend_from_slice(&[0u8; 1024]);
    archive
}

/// One ustar member: `kind` is the type flag (`0` file, `2` symbolic link), `link` its target.
fn tar_member(name: &str, kind: u8, link: &str, content: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[157..157 + link.len()].copy_from_slice(link.as_bytes());
    header[100..107].copy_from_slice(b"0000644");
    header[108..115].copy_from_slice(b"0000000");
    header[116..123].copy_from_slice(b"0000000");
    header[124..135].copy_from_slice(format!("{:011o}", content.len()).as_bytes());
    header[136..147].copy_from_slice(b"00000000000");
    header[156] = kind;
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let checksum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..155].copy_from_slice(format!("{checksum:06o}\0").as_bytes());
    let mut archive = header.to_vec();
    let mut body = vec![0u8; content.len().div_ceil(512) * 512];
    body[..content.len()].copy_from_slice(content);
    archive.extend_from_slice(&body);
    archive
}

#[test]
fn tar_does_not_extract_through_the_archives_own_links() {
    let host = Host::new();
    fs::create_dir(host.out().join("into")).unwrap();
    let mut archive = tar_member("up", b'2', "..", b"");
    archive.extend(tar_member("up/escaped.txt", b'0', "", b"evil\n"));
    archive.extend_from_slice(&[0u8; 1024]);
    fs::write(host.out().join("links.tar"), archive).unwrap();
    let sandbox = host.sandbox();
    let output = run(&sandbox, "tar xf /out/links.tar -C /out/into");
    assert_eq!(output.exit_code, 2, "{}", output.stderr_text());
    assert!(
        output
            .stderr_text()
            .contains("a symbolic link is on the way"),
        "{}",
        output.stderr_text()
    );
    assert!(!host.out().join("escaped.txt").exists());
}

#[test]
fn tar_refuses_entries_that_climb_out_of_the_target() {
    let host = Host::new();
    fs::write(
        host.out().join("evil.tar"),
        tar_with_entry("../escape.txt", b"evil\n"),
    )
    .unwrap();
    fs::write(
        host.out().join("good.tar"),
        tar_with_entry("fine.txt", b"fine\n"),
    )
    .unwrap();
    let sandbox = host.sandbox();
    let output = run(&sandbox, "tar xf /out/good.tar -C /out");
    assert_eq!(
        output.exit_code,
        0,
        "the hand-made archive is valid: {}",
        output.stderr_text()
    );
    assert_eq!(
        fs::read_to_string(host.out().join("fine.txt")).unwrap(),
        "fine\n"
    );
    let output = run(&sandbox, "tar xf /out/evil.tar -C /out");
    assert_eq!(output.exit_code, 2);
    assert!(
        output
            .stderr_text()
            .contains("../escape.txt: Member name contains '..'"),
        "{}",
        output.stderr_text()
    );
    assert!(!host.root.path().join("escape.txt").exists());
}

#[test]
fn split_patch_and_line_end_tools_write_only_the_read_write_zone() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let out = host.out();
    fs::write(out.join("five.txt"), "1\n2\n3\n4\n5\n").unwrap();
    fs::write(out.join("greeting.txt"), "hello\nworld\n").unwrap();
    fs::write(
        out.join("fix.diff"),
        "--- a/greeting.txt\n+++ b/greeting.txt\n@@ -1,2 +1,2 @@\n hello\n-world\n+sandbox\n",
    )
    .unwrap();
    fs::write(out.join("crlf.txt"), "a\r\nb\r\n").unwrap();
    let steps: &[(&str, i32)] = &[
        ("split -l 2 /out/five.txt /out/part-", 0),
        ("split -b 4 -d -a 3 /out/five.txt /out/bytes-", 0),
        ("patch -p1 -d /out -i /out/fix.diff", 0),
        ("patch -R -p1 -d /out -i /out/fix.diff", 0),
        ("patch -p1 -i /out/fix.diff /out/greeting.txt", 0),
        ("patch -R /out/greeting.txt /out/fix.diff", 0),
        ("patch /workspace/hello.txt /out/fix.diff", 2),
        ("dos2unix -q /out/crlf.txt", 0),
        ("link /out/five.txt /out/five-link.txt", 0),
        ("unlink /out/five-link.txt", 0),
        ("split -l 1 /workspace/hello.txt /workspace/x", 1),
        ("awk '{ print > \"/out/awk.txt\" }' /workspace/hello.txt", 0),
        ("awk 'BEGIN { print \"x\" > \"/workspace/no.txt\" }'", 2),
    ];
    for (line, code) in steps {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, *code, "{line}: {}", output.stderr_text());
    }
    let read = |name: &str| fs::read_to_string(out.join(name)).unwrap();
    assert_eq!(read("part-aa"), "1\n2\n");
    assert_eq!(read("part-ac"), "5\n");
    assert_eq!(read("bytes-000"), "1\n2\n");
    assert_eq!(read("bytes-002"), "5\n");
    assert_eq!(
        read("greeting.txt"),
        "hello\nworld\n",
        "patched, then reversed"
    );
    assert_eq!(read("crlf.txt"), "a\nb\n");
    assert_eq!(read("awk.txt"), "hello from the workspace\n");
    assert!(!out.join("five-link.txt").exists());
    assert!(host.workspace().join("hello.txt").is_file());
    assert!(!host.workspace().join("no.txt").exists() && !host.workspace().join("xaa").exists());
}

#[test]
fn awk_and_jq_survive_hostile_input() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let out = host.out();
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(200_000).collect();
    binary.extend_from_slice(&[0xff, 0xfe, b'\n']);
    fs::write(out.join("binary.dat"), &binary).unwrap();
    fs::write(out.join("long.txt"), "x".repeat(3_000_000) + "\n").unwrap();
    fs::write(out.join("deep.json"), "[".repeat(100_000)).unwrap();
    let cases: &[(&str, i32)] = &[
        ("awk 'END { print NR > \"/dev/null\" }' /out/binary.dat", 0),
        ("awk '{ n += length($0) } END { print n }' /out/long.txt", 0),
        ("awk 'function f(n) { return f(n + 1) } BEGIN { f(1) }'", 2),
        ("awk 'BEGIN { \"date\" | getline d }'", 2),
        ("awk 'BEGIN { system(\"rm -rf /\") }'", 2),
        (
            "awk 'BEGIN { while ((getline l < \"/etc/passwd\") > 0) n++; print n + 0 }'",
            0,
        ),
        ("jq . /out/binary.dat", 2),
        ("jq . /out/deep.json", 2),
        ("jq -n '[range(10)] | .[100000000]'", 0),
    ];
    for (line, code) in cases {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, *code, "{line}: {}", output.stderr_text());
    }
    let deep_program = format!(
        "awk 'BEGIN {{ x = {}1{} }}'",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let deep_signs = format!("awk 'BEGIN {{ x = {}1 }}'", "- ".repeat(5000));
    let deep_blocks = format!("awk 'BEGIN {}{}'", "{".repeat(5000), "}".repeat(5000));
    let deep_filter = format!("jq -n '{}1{}'", "[".repeat(5000), "]".repeat(5000));
    for (line, code) in [
        (deep_program, 1),
        (deep_signs, 1),
        (deep_blocks, 1),
        (deep_filter, 3),
    ] {
        let output = run(&sandbox, &line);
        assert_eq!(
            output.exit_code,
            code,
            "{}: {}",
            &line[..40],
            output.stderr_text()
        );
    }
    let long = run(&sandbox, "awk '{ print length($0) }' /out/long.txt");
    assert_eq!(long.stdout_text(), "3000000\n");
    let outside = run(
        &sandbox,
        "awk 'BEGIN { while ((getline l < \"/etc/passwd\") > 0) n++; print n + 0 }'",
    );
    assert_eq!(outside.stdout_text(), "0\n", "no host file is readable");
}

/// find, grep -r, du, tar c and ls -U walk a directory in the host's directory order, as GNU's
/// tools do (their lines then match GNU's line for line), whatever that order is here.
#[test]
fn walks_follow_the_host_directory_order() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let many = host.out().join("many");
    fs::create_dir(&many).unwrap();
    for i in 0..40 {
        fs::write(many.join(format!("f{i:02}-{}.txt", i * 7919 % 97)), "x\n").unwrap();
    }
    let host_order: Vec<String> = fs::read_dir(&many)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut sorted = host_order.clone();
    sorted.sort();
    let names = |line: &str, strip: &dyn Fn(&str) -> Option<String>| -> Vec<String> {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, 0, "{line}: {}", output.stderr_text());
        output.stdout_text().lines().filter_map(strip).collect()
    };
    let last_part = |line: &str| -> Option<String> {
        let name = line.rsplit(['/', '\t']).next()?;
        (name.starts_with('f') && name.ends_with(".txt")).then(|| name.to_string())
    };
    for line in [
        "find /out/many -type f",
        "grep -rl x /out/many",
        "du -a /out/many",
        "ls -U /out/many",
        "tar cf - -C /out many | tar tf -",
    ] {
        assert_eq!(names(line, &last_part), host_order, "{line}");
    }
    assert_eq!(
        names("ls /out/many", &last_part),
        sorted,
        "ls sorts by name"
    );
}

/// bc does arbitrary-precision arithmetic for any line an agent pipes in: sizes, exponents,
/// recursion, nesting and binary input end with bc's own error (status 0, as GNU bc), never a
/// trap, a limit or a panic.
#[test]
fn bc_survives_hostile_programs() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let out = host.out();
    let binary: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    fs::write(out.join("binary.dat"), &binary).unwrap();
    let deep = format!("echo '{}1{}' | bc", "(".repeat(5000), ")".repeat(5000));
    let cases: Vec<(String, i32, &str)> = vec![
        (
            "echo 'scale=100000000; 1/3' | bc".into(),
            0,
            "number too long",
        ),
        ("echo '7^100000000000' | bc".into(), 0, "exponent too large"),
        (
            "echo 'define f(n) { return f(n+1) }; f(1)' | bc".into(),
            0,
            "recursion too deep",
        ),
        (deep, 0, "nesting deeper than"),
        ("echo 'e(100000000)' | bc -l".into(), 0, "number too long"),
        (
            "echo 'j(1000000000, 1)' | bc -l".into(),
            0,
            "number too long",
        ),
        (
            "echo 'a[16777215] = 1; a[16777215]; a[16777216] = 1' | bc".into(),
            0,
            "subscript out of bounds",
        ),
        (
            "echo 'obase=99999999999999999999; ibase=-5' | bc".into(),
            0,
            "obase too large, set to 2147483647",
        ),
        ("bc /out/binary.dat".into(), 0, "illegal character"),
        (
            "bc /etc/passwd".into(),
            1,
            "File /etc/passwd is unavailable.",
        ),
        ("echo 'x = read()' | bc".into(), 0, "read(): no more input"),
    ];
    for (line, code, message) in &cases {
        let output = run(&sandbox, line);
        let shown = &line[..line.len().min(60)];
        assert_eq!(output.exit_code, *code, "{shown}: {}", output.stderr_text());
        assert_eq!(output.limit, None, "{shown}: met a limit");
        assert!(
            output.stderr_text().contains(message),
            "{shown}: {}",
            output.stderr_text()
        );
    }
    let bounded = run(&sandbox, "echo 'a[16777215] = 1; a[16777215]' | bc");
    assert_eq!(bounded.stdout_text(), "1\n");
}

#[test]
fn tail_follow_prints_appended_lines_until_the_time_limit() {
    let host = Host::new();
    let log = host.out().join("app.log");
    fs::write(&log, "first\n").unwrap();
    let sandbox = host.sandbox_with(&TestLimits {
        timeout_secs: 2.0,
        ..TestLimits::default()
    });
    let writer = std::thread::spawn({
        let log = log.clone();
        move || {
            std::thread::sleep(std::time::Duration::from_millis(600));
            let mut text = fs::read_to_string(&log).unwrap();
            text.push_str("second\n");
            fs::write(&log, text).unwrap();
        }
    });
    let output = run(&sandbox, "tail -f /out/app.log");
    writer.join().unwrap();
    assert_eq!(output.exit_code, 124, "the wall clock ends it");
    assert_eq!(output.stdout_text(), "first\nsecond\n");
}

#[test]
fn df_lists_the_zones_and_chmod_stays_in_read_write_ones() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let df = run(&sandbox, "df");
    let lines: Vec<String> = df.stdout_text().lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "a header and one line per zone: {lines:?}");
    assert!(lines[1].starts_with("zone-ro") && lines[1].ends_with(" /workspace"));
    assert!(lines[2].starts_with("zone-rw") && lines[2].ends_with(" /out"));
    assert!(lines[3].ends_with(" /tmp"));
    let out = host.out();
    fs::write(out.join("run.sh"), "#!/bin/sh\n").unwrap();
    for (line, code) in [
        ("chmod +x /out/run.sh", 0),
        ("chmod 600 /workspace/hello.txt", 1),
        ("chmod 777 /out", 1),
        ("chmod u+s /out/run.sh", 0),
        ("chown user:user /out/run.sh", 0),
        ("chown -R 1000 /out", 0),
        ("chown root /out/run.sh", 1),
        ("chgrp nosuchgroup /out/run.sh", 1),
        ("chown user /workspace/hello.txt", 1),
    ] {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, code, "{line}: {}", output.stderr_text());
    }
    let modes = run(&sandbox, "stat -c '%a %A' /out/run.sh");
    assert_eq!(
        modes.stdout_text(),
        "755 -rwxr-xr-x\n",
        "no set-id bit from the sandbox"
    );
    let listing = run(&sandbox, "ls -l /out/run.sh");
    assert!(
        listing.stdout_text().starts_with("-rwxr-xr-x "),
        "{}",
        listing.stdout_text()
    );
    assert_eq!(run(&sandbox, "test -x /out/run.sh").exit_code, 0);
    assert_eq!(run(&sandbox, "test -x /workspace/hello.txt").exit_code, 1);
}
