//! Zones: what a command can reach, and that the host is left as the mode allows.

use crate::support::{Host, run};
use std::fs;

#[test]
fn reads_the_read_only_zone() {
    let host = Host::new();
    let output = run(&host.sandbox(), "cat /workspace/hello.txt");
    assert_eq!(output.stdout_text(), "hello from the workspace\n");
    assert_eq!(output.exit_code, 0);
    let output = run(&host.sandbox(), "cat sub/nested.txt");
    assert_eq!(
        output.stdout_text(),
        "one\ntwo\nthree\n",
        "relative paths start at the workdir"
    );
}

#[test]
fn writes_to_the_read_only_zone_fail_and_create_nothing() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let before = host.tree();
    for line in [
        "touch /workspace/new.txt",
        "mkdir /workspace/newdir",
        "cp /workspace/hello.txt /workspace/copy.txt",
        "mv /workspace/hello.txt /workspace/moved.txt",
        "rm /workspace/hello.txt",
        "rm -rf /workspace/sub",
        "mv /workspace/hello.txt /out/stolen.txt",
        "sed -i s/hello/bye/ /workspace/hello.txt",
        "echo x >> /workspace/hello.txt",
    ] {
        let output = run(&sandbox, line);
        assert_ne!(
            output.exit_code,
            0,
            "{line} should fail: {}",
            output.stderr_text()
        );
        assert!(!output.stderr.is_empty(), "{line} should say why");
    }
    // Writes are refused as a read-only mount refuses them (GNU's wording for `sed -i`).
    for (line, says) in [
        (
            "touch /workspace/new.txt",
            "cannot touch '/workspace/new.txt': Read-only file system",
        ),
        (
            "sed -i s/hello/bye/ /workspace/hello.txt",
            "sed: couldn't open temporary file /workspace/sed",
        ),
        (
            "cp /workspace/hello.txt /workspace/c.txt",
            "Read-only file system",
        ),
    ] {
        let output = run(&sandbox, line);
        assert!(output.stderr_text().contains(says), "{line}: {output:?}");
        assert!(
            output.stderr_text().contains("Read-only file system"),
            "{line}"
        );
    }
    assert_eq!(host.tree(), before, "the host tree is unchanged");
    assert_eq!(
        fs::read_to_string(host.workspace().join("hello.txt")).unwrap(),
        "hello from the workspace\n"
    );
}

#[test]
fn writes_to_the_read_write_zone_land_on_the_host() {
    let host = Host::new();
    let sandbox = host.sandbox();
    assert_eq!(run(&sandbox, "mkdir -p /out/a/b/c").exit_code, 0);
    assert_eq!(
        run(&sandbox, "cp -r /workspace/sub /out/a/copied").exit_code,
        0
    );
    assert_eq!(run(&sandbox, "touch /out/a/b/c/new.txt").exit_code, 0);
    assert!(host.out().join("a/b/c/new.txt").is_file());
    assert_eq!(
        fs::read_to_string(host.out().join("a/copied/nested.txt")).unwrap(),
        "one\ntwo\nthree\n"
    );
    assert_eq!(run(&sandbox, "mv /out/a/copied /out/renamed").exit_code, 0);
    assert!(host.out().join("renamed/nested.txt").is_file());
    assert_eq!(run(&sandbox, "rm -r /out/renamed").exit_code, 0);
    assert!(!host.out().join("renamed").exists());
}

#[test]
fn scratch_starts_empty_and_is_gone_after_the_run() {
    let host = Host::new();
    let sandbox = host.sandbox();
    assert_eq!(run(&sandbox, "mkdir -p /tmp/work/deeper").exit_code, 0);
    assert_eq!(
        run(&sandbox, "cp /workspace/hello.txt /tmp/copy").exit_code,
        0
    );
    let listing = run(&sandbox, "ls -A /tmp");
    assert_eq!(listing.exit_code, 0);
    assert_eq!(
        listing.stdout_text(),
        "",
        "each run gets a fresh, empty scratch zone"
    );
    let before = host.tree();
    assert_eq!(run(&sandbox, "touch /tmp/a").exit_code, 0);
    assert_eq!(
        host.tree(),
        before,
        "scratch writes never reach the zones' host directories"
    );
}

#[test]
fn nothing_outside_the_zones_is_reachable() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let secret = host.outside().join("secret.txt").display().to_string();
    for line in [
        "cat /etc/passwd".to_string(),
        "cat /workspace/../../etc/passwd".to_string(),
        "cat ../outside/secret.txt".to_string(),
        "cat /workspace/../outside/secret.txt".to_string(),
        format!("cat {secret}"),
        "ls /".to_string(),
        "ls /workspace/..".to_string(),
        "cat /proc/self/environ".to_string(),
    ] {
        let output = run(&sandbox, &line);
        assert!(
            !output.stdout_text().contains("top secret"),
            "{line} leaked the secret"
        );
        assert!(
            !output.stdout_text().contains("root:"),
            "{line} leaked /etc/passwd"
        );
        if line.starts_with("cat") {
            assert_eq!(output.exit_code, 1, "{line}: {}", output.stderr_text());
        }
    }
}

#[test]
fn symlinks_that_point_outside_are_refused_for_reading_and_writing() {
    let host = Host::new();
    let secret = host.outside().join("secret.txt");
    std::os::unix::fs::symlink(&secret, host.workspace().join("link-to-secret")).unwrap();
    std::os::unix::fs::symlink(host.outside(), host.workspace().join("link-to-outside")).unwrap();
    std::os::unix::fs::symlink("../outside/secret.txt", host.out().join("relative-escape"))
        .unwrap();
    std::os::unix::fs::symlink("hello.txt", host.workspace().join("inner-link")).unwrap();
    let sandbox = host.sandbox();
    for line in [
        "cat link-to-secret",
        "cat link-to-outside/secret.txt",
        "ls link-to-outside/",
        "cat /out/relative-escape",
    ] {
        let output = run(&sandbox, line);
        assert_ne!(output.exit_code, 0, "{line} should fail");
        assert!(
            !output.stdout_text().contains("top secret"),
            "{line} leaked the secret"
        );
    }
    for line in [
        "cp /workspace/hello.txt /out/relative-escape",
        "touch /out/relative-escape",
    ] {
        run(&sandbox, line);
    }
    assert_eq!(
        fs::read_to_string(&secret).unwrap(),
        "top secret\n",
        "the file behind the link is untouched"
    );
    let output = run(&sandbox, "cat inner-link");
    assert_eq!(
        output.stdout_text(),
        "hello from the workspace\n",
        "links that stay inside a zone work"
    );
}

#[test]
fn absolute_links_resolve_in_the_guest_view_across_zones() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let setup = run(
        &sandbox,
        "ln -s /workspace/hello.txt /out/l && ln -s /workspace/sub /out/d && \
         ln -s /etc/passwd /out/p",
    );
    assert_eq!(setup.exit_code, 0, "{}", setup.stderr_text());
    let cases: &[(&str, &str, i32)] = &[
        ("cat /out/l", "hello from the workspace\n", 0),
        ("cat < /out/l", "hello from the workspace\n", 0),
        ("[ -f /out/l ] && echo file", "file\n", 0),
        ("readlink /out/l", "/workspace/hello.txt\n", 0),
        ("wc -l < /out/d/nested.txt", "3\n", 0),
        ("ls /out/d", "nested.txt\n", 0),
        ("echo /out/d/*", "/out/d/nested.txt\n", 0),
        ("cd /out/d && pwd -P", "/workspace/sub\n", 0),
        (
            "cp /out/l /out/copy && cat /out/copy",
            "hello from the workspace\n",
            0,
        ),
        (
            "ln -s /tmp/f /out/t && echo through > /out/t && cat /tmp/f",
            "through\n",
            0,
        ),
        ("cat /out/p", "", 1),
    ];
    for (line, stdout, code) in cases {
        let output = run(&sandbox, line);
        assert_eq!(
            output.stdout_text(),
            *stdout,
            "{line}: {}",
            output.stderr_text()
        );
        assert_eq!(output.exit_code, *code, "{line}: {}", output.stderr_text());
    }
    let refused = run(&sandbox, "echo x > /out/l");
    assert!(
        refused.stderr_text().contains("Read-only file system"),
        "the ro zone behind the link stays read-only: {}",
        refused.stderr_text()
    );
    let copy = run(&sandbox, "cp /out/copy /out/l");
    assert_ne!(copy.exit_code, 0, "cp through the link into the ro zone");
    assert_eq!(
        fs::read_to_string(host.workspace().join("hello.txt")).unwrap(),
        "hello from the workspace\n"
    );
    assert_eq!(
        fs::read_link(host.out().join("l")).unwrap(),
        std::path::Path::new("/workspace/hello.txt"),
        "the link holds the guest path as written"
    );
}
