//! Hostile command lines against the shell: redirects, globs, `cd` and `source` that try to
//! leave the zones, huge and malformed lines, and shapes that try to outlive the limits. Each
//! must fail as a shell would (or end with the limit's status) and leave the host unchanged.

use crate::support::{Host, TestLimits, run};
use std::os::unix::fs::symlink;
use zonebox::LimitKind;

#[test]
fn redirects_cannot_leave_the_zones_or_write_read_only_ones() {
    let host = Host::new();
    symlink(host.outside().join("secret.txt"), host.out().join("link")).unwrap();
    symlink(host.outside(), host.out().join("dirlink")).unwrap();
    let before = host.tree();
    let sandbox = host.sandbox();
    let cases = [
        // Outside the zones is the guest's read-only root.
        ("echo x > /etc/passwd", "Read-only file system"),
        ("echo x > ../outside/new.txt", "Read-only file system"),
        ("echo x > /workspace/new.txt", "Read-only file system"),
        ("echo x >> /workspace/hello.txt", "Read-only file system"),
        ("echo x > /out/link", ""),
        ("echo x > /out/dirlink/new.txt", ""),
        ("cat < /out/link", ""),
        ("cat < /etc/passwd", "No such file or directory"),
        ("echo x &> /out/../outside/x", "Read-only file system"),
        ("echo x 2> /proc/self/fd/1", "Read-only file system"),
    ];
    for (line, message) in cases {
        let output = run(&sandbox, line);
        assert_eq!(output.exit_code, 1, "{line}: {}", output.stderr_text());
        assert!(
            output.stderr_text().contains(message),
            "{line}: {}",
            output.stderr_text()
        );
        assert!(!output.stdout_text().contains("secret"), "{line}");
    }
    assert_eq!(host.tree(), before, "the host tree changed");
    assert_eq!(
        std::fs::read_to_string(host.outside().join("secret.txt")).unwrap(),
        "top secret\n"
    );
}

#[test]
fn globs_cd_and_source_see_only_the_zones() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let cases = [
        ("echo /etc/*", "/etc/*\n", 0),
        // Above the zones: the read-only root, which lists the zones and the devices.
        ("echo ../*", "../dev ../out ../tmp ../workspace\n", 0),
        ("echo x > /new; ls /", "dev\nout\ntmp\nworkspace\n", 0),
        ("echo ../outside/*", "../outside/*\n", 0),
        ("echo /workspace/*.txt", "/workspace/hello.txt\n", 0),
        ("cd ..; pwd", "/\n", 0),
        ("cd / ; echo $?", "0\n", 0),
        ("cd ../outside && cat secret.txt", "", 1),
        ("source /etc/profile; echo $?", "1\n", 0),
        (". ../outside/secret.txt; echo $?", "1\n", 0),
        ("sh ../outside/secret.txt; echo $?", "127\n", 0),
        (
            "[ -e ../outside/secret.txt ] && echo seen || echo unseen",
            "unseen\n",
            0,
        ),
        (
            "[[ -f /etc/passwd ]] && echo seen || echo unseen",
            "unseen\n",
            0,
        ),
    ];
    for (line, stdout, code) in cases {
        let output = run(&sandbox, line);
        assert_eq!(
            (output.stdout_text().as_ref(), output.exit_code),
            (stdout, code),
            "{line}: {}",
            output.stderr_text()
        );
    }
}

#[test]
fn malformed_and_huge_lines_are_clear_errors() {
    let host = Host::new();
    let sandbox = host.sandbox();
    for line in [
        "echo 'unbalanced",
        "echo \"unbalanced",
        "if true; then echo",
        "echo a\0b",
        // The byte the shell marks its own rewrites with is refused, not taken for a mark.
        "echo a\u{1}b",
        "\u{1}fd>x",
        "echo $(echo",
        ")",
        "",
    ] {
        match sandbox.run(line) {
            Err(zonebox::Error::CommandLine(error)) => {
                assert!(!error.message.is_empty(), "{line:?}");
            }
            other => panic!("{line:?}: expected a command-line error, got {other:?}"),
        }
    }
    let deep = format!("echo {}x{}", "$(echo ".repeat(5000), ")".repeat(5000));
    assert!(matches!(
        sandbox.run(&deep),
        Err(zonebox::Error::CommandLine(_))
    ));
    let megabyte = format!("echo {} | wc -c", "a".repeat(1 << 20));
    let output = run(&sandbox, &megabyte);
    assert_eq!(output.stdout_text(), format!("{}\n", (1 << 20) + 1));
}

#[test]
fn runaway_lines_end_with_their_limit_and_leave_nothing_running() {
    let host = Host::new();
    let sandbox = host.sandbox_with(&TestLimits {
        timeout_secs: 1.0,
        ..TestLimits::default()
    });
    let cases = [
        ("while :; do :; done", 124, LimitKind::WallClock),
        ("yes | yes | yes > /dev/null", 124, LimitKind::WallClock),
        ("f(){ f|f& }; f", 137, LimitKind::Instances),
        ("x=a; while :; do x=$x$x; done", 137, LimitKind::ShellMemory),
        // Associative arrays and their keys are charged as they grow, in place or copied.
        (
            "v=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do v=$v$v; done; \
             declare -A m; i=0; while :; do m[$v$i]=$i; i=$((i+1)); done",
            137,
            LimitKind::ShellMemory,
        ),
        (
            "v=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do v=$v$v; done; \
             declare -A m; i=0; while :; do i=$((i+1)); m+=([k$i]=$v); n=(\"${m[@]}\"); done",
            137,
            LimitKind::ShellMemory,
        ),
        ("sleep 5 | cat", 124, LimitKind::WallClock),
        // The directory stack and trap actions are the shell's tables, charged as they grow.
        (
            "v=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do v=$v$v; done; \
             while :; do pushd -n \"$v\" > /dev/null; done",
            137,
            LimitKind::ShellMemory,
        ),
        (
            "v=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do v=$v$v; done; \
             while :; do v=$v$v; trap \"$v\" ERR; done",
            137,
            LimitKind::ShellMemory,
        ),
        // A DEBUG trap does not fire inside itself: the loop ends by its wall clock.
        (
            "f() { :; }; trap 'f' DEBUG; while :; do f; done",
            124,
            LimitKind::WallClock,
        ), // `select` fed empty answers forever shows its menu forever: the wall clock ends it.
        (
            "yes '' | select x in a b; do :; done",
            124,
            LimitKind::WallClock,
        ),
        // Aliases expanding into each other fan out; each command checks the clock.
        (
            "shopt -s expand_aliases⏎alias x=':;:' w='x;x' v='w;w' u='v;v' t='u;u' s='t;t' \
             r='s;s' q='r;r' p='q;q' o='p;p' n='o;o' m='n;n' l='m;m' k='l;l' j='k;k' i='j;j' \
             h='i;i' g='h;h' f='g;g' e='f;f' d='e;e' c='d;d' b='c;c' a='b;b'⏎a",
            124,
            LimitKind::WallClock,
        ),
    ];
    for (line, code, limit) in cases {
        let line = &line.replace('⏎', "\n");
        let output = run(&sandbox, line);
        assert_eq!(
            (output.exit_code, output.limit),
            (code, Some(limit)),
            "{line}: {}",
            output.stderr_text()
        );
        assert_eq!(
            output.stderr_text().matches("zonebox: stopped by").count(),
            1,
            "{line}: one note: {}",
            output.stderr_text()
        );
    }
    // Nesting through eval is refused, not a host stack overflow.
    let output = run(&sandbox, "x='eval \"$x\"'; eval \"$x\"");
    assert_eq!(output.exit_code, 1);
    assert!(output.stderr_text().contains("maximum nesting level"));
    // The sandbox still works afterwards: nothing was left running in it.
    assert_eq!(run(&sandbox, "echo fine").stdout_text(), "fine\n");
}

#[test]
fn the_cpu_budget_is_the_lines_not_each_commands() {
    let host = Host::new();
    // Enough for one `seq 100000` (and the small commands), not for two.
    let sandbox = host.sandbox_with(&TestLimits {
        cpu_fuel: Some(1_000_000_000),
        ..TestLimits::default()
    });
    let one = run(&sandbox, "seq 100000 > /dev/null; echo one");
    assert_eq!((one.stdout_text().as_ref(), one.exit_code), ("one\n", 0));
    let output = run(
        &sandbox,
        "seq 100000 > /dev/null; echo one; seq 100000 > /dev/null; echo two",
    );
    assert_eq!(output.exit_code, 137, "{}", output.stderr_text());
    assert_eq!(output.limit, Some(LimitKind::Cpu));
    assert!(!output.stdout_text().contains("two"));
    assert_eq!(
        output
            .stderr_text()
            .matches("stopped by the CPU limit")
            .count(),
        1,
        "{}",
        output.stderr_text()
    );
}

#[test]
fn process_substitutions_stay_in_the_scratch_zone_within_the_limits() {
    let host = Host::new();
    let before = host.tree();
    let sandbox = host.sandbox_with(&TestLimits {
        timeout_secs: 1.0,
        ..TestLimits::default()
    });
    // Their files are made in the scratch zone and gone after the command.
    let output = run(
        &sandbox,
        "cat <(echo a) <(echo b); ls -a /tmp | grep -c substitution",
    );
    assert_eq!(
        output.stdout_text(),
        "a\nb\n0\n",
        "{}",
        output.stderr_text()
    );
    // As a redirect too (`> >(cmd)`): the file is in the scratch zone and gone afterwards, and
    // a writer that never stops meets the line's wall clock.
    let output = run(
        &sandbox,
        "echo hi > >(tr a-z A-Z); ls -a /tmp | grep -c substitution",
    );
    assert_eq!(output.stdout_text(), "HI\n0\n", "{}", output.stderr_text());
    let output = run(&sandbox, "yes > >(head -c 1)");
    assert_eq!(
        (output.exit_code, output.limit),
        (124, Some(LimitKind::WallClock)),
        "{}",
        output.stderr_text()
    );
    let output = run(&sandbox, "echo x > >(nosuchprogram); echo ran");
    assert_eq!(output.exit_code, 126, "{}", output.stderr_text());
    // A substitution that never ends is stopped by the line's wall clock, not the host's memory.
    let output = run(&sandbox, "head -c 1 <(yes)");
    assert_eq!(
        (output.exit_code, output.limit),
        (124, Some(LimitKind::WallClock)),
        "{}",
        output.stderr_text()
    );
    // Their commands meet the router like any other: a native name is denied before anything
    // runs, and the denial names the substitution.
    let output = run(&sandbox, "cat <(nosuchprogram) ; echo ran");
    assert_eq!(output.exit_code, 126, "{}", output.stderr_text());
    assert!(
        output
            .stderr_text()
            .contains("nosuchprogram (via process substitution)"),
        "{}",
        output.stderr_text()
    );
    assert_eq!(output.stdout_text(), "");
    // No ro or rw zone was written.
    assert_eq!(host.tree(), before, "the host tree changed");
    // In a session the scratch zone outlives the line: still nothing left there.
    let mut session = sandbox.session().unwrap();
    session.run("diff <(echo x) <(echo x)").unwrap();
    let left = session.run("ls -a /tmp").unwrap();
    assert_eq!(left.stdout_text(), ".\n..\n");
}

#[test]
fn references_descriptors_and_completion_words_stay_bounded() {
    let host = Host::new();
    let sandbox = host.sandbox();
    // A loop of name references is followed a bounded number of times: no hang, no crash.
    let output = run(
        &sandbox,
        "declare -n a=b; declare -n b=a; echo \"[$a]\"; a=1; echo done",
    );
    assert!(output.stdout_text().ends_with("done\n"), "{output:?}");
    // Named descriptors run out after 255 with a message, and the line goes on.
    let output = run(
        &sandbox,
        "for i in $(seq 300); do exec {f}>/dev/null || { echo stop $i; break; }; done",
    );
    assert_eq!(output.stdout_text(), "stop 247\n");
    assert!(output.stderr_text().contains("Too many open files"));
    // A word list's command substitution is refused: the router never saw that command.
    let output = run(&sandbox, "compgen -W '$(touch made)' x; echo $?; ls made");
    assert_eq!(output.stdout_text(), "2\n");
    assert!(
        output
            .stderr_text()
            .contains("not run by the zonebox shell")
    );
    // One endless answer to `select` is read only as far as the shell's budget.
    let small = host.sandbox_with(&TestLimits {
        shell_memory_mib: 8,
        timeout_secs: 20.0,
        ..TestLimits::default()
    });
    let output = run(
        &small,
        "v=$(printf %01000000d 0); while :; do echo -n \"$v\"; done | select x in a; do :; done",
    );
    assert_eq!(
        (output.exit_code, output.limit),
        (137, Some(LimitKind::ShellMemory)),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn subscripts_run_only_code_the_router_saw() {
    let host = Host::new();
    let toml = host
        .policy_toml(&TestLimits::default())
        .replace("dynamic = \"wasm\"", "dynamic = \"deny\"");
    let policy = zonebox::Policy::from_toml(&toml, "deny-dynamic policy").unwrap();
    let strict = zonebox::Sandbox::builder(policy)
        .cache_dir(crate::support::cache_dir())
        .build()
        .unwrap();
    // A reference's subscript is text from a value: its command substitution never runs
    // where the policy runs no dynamic code.
    let output = run(
        &strict,
        "a=(x y); r='a[$(touch /out/made)]'\necho \"${!r}\"\necho next",
    );
    assert_eq!(output.stdout_text(), "next\n");
    assert!(
        output.stderr_text().contains("routing.dynamic"),
        "{output:?}"
    );
    assert!(!host.out().join("made").exists());
    // A subscript written in the line runs its substitution once (the router saw it), and an
    // arithmetic one keeps its side effects: no copy of the shell is made per read.
    let output = run(
        &strict,
        "a=(x y z); i=0; echo \"${a[$(echo 2)]}\" \"${a[i++]}\" \"${a[i++]}\" $i",
    );
    assert_eq!(output.stdout_text(), "z x y 2\n");
    // A runaway subscript meets the line's limits like any other expansion.
    let quick = host.sandbox_with(&TestLimits {
        timeout_secs: 2.0,
        ..TestLimits::default()
    });
    let output = run(&quick, "a=(1); echo \"${a[$(while :; do :; done)]}\"");
    assert_eq!(
        (output.exit_code, output.limit),
        (124, Some(LimitKind::WallClock)),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn links_to_absolute_paths_stay_inside_their_zone() {
    let host = Host::new();
    let sandbox = host.sandbox();
    // Within one zone an absolute target is written relative: the host sees a link that
    // stays in the zone.
    let output = run(
        &sandbox,
        "mkdir -p /out/real && ln -s /out/real /out/link && cd -P /out/link && pwd",
    );
    assert_eq!(output.stdout_text(), "/out/real\n", "{output:?}");
    let written = std::fs::read_link(host.out().join("link")).unwrap();
    assert_eq!(written, std::path::Path::new("real"));
    // Across zones the link holds the guest path, which resolves in the guest's view only.
    let output = run(
        &sandbox,
        "ln -s /workspace /out/cross; echo $?; cd -P /out/cross && pwd",
    );
    assert_eq!(output.stdout_text(), "0\n/workspace\n");
    assert_eq!(
        std::fs::read_link(host.out().join("cross")).unwrap(),
        std::path::Path::new("/workspace")
    );
    // A loop of links ends after a bounded number of steps.
    let output = run(
        &sandbox,
        "cd /out && ln -s b a && ln -s a b && cd -P a; echo $?; pwd -P",
    );
    assert_eq!(output.limit, None, "{output:?}");
    assert!(output.stdout_text().starts_with("1\n"), "{output:?}");
}
