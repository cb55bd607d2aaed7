//! The host-side parts against hostile lines (the hardening findings): one short line must not
//! abort or panic the process, hold more host memory than `limits.shell_memory_mib` (plus a
//! small constant), run past the wall clock with a normal status, overflow the host stack, or
//! hang on a FIFO. Peak memory is measured on the CLI's process (its own `wait4` usage), since
//! that is where an embedder's memory would go.

use crate::support::{Host, TestLimits, run, zonebox};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use std::time::{Duration, Instant};
use zonebox::LimitKind;

/// What one CLI run ended with, and its peak resident memory.
struct Measured {
    code: Option<i32>,
    signal: Option<i32>,
    stdout: String,
    stderr: String,
    peak_mib: f64,
}

/// Runs `zonebox run --policy P -- line` and reads the child's peak RSS from `wait4`.
#[allow(
    clippy::zombie_processes,
    reason = "the child is waited for with wait4, for its usage"
)]
fn measure(host: &Host, limits: &TestLimits, line: &str) -> Measured {
    let policy = host.policy_file(limits);
    let child = zonebox(host.root.path())
        .arg("run")
        .arg("--policy")
        .arg(&policy)
        .arg("--")
        .arg(line)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("zonebox starts");
    let pid = child.id() as libc::pid_t;
    let (mut out, mut err) = (child.stdout.unwrap(), child.stderr.unwrap());
    let readers = (
        std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default()),
        std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default()),
    );
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; both pointers are valid for writes.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    let status = std::process::ExitStatus::from_raw(status);
    Measured {
        code: status.code(),
        signal: status.signal(),
        stdout: readers.0.join().unwrap(),
        stderr: readers.1.join().unwrap(),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

/// A policy with a small shell budget, so the cases are quick.
fn tight() -> TestLimits {
    TestLimits {
        timeout_secs: 4.0,
        shell_memory_mib: 32,
        ..TestLimits::default()
    }
}

/// Output without a newline, forever.
const ENDLESS_LINE: &str = "awk 'BEGIN { for (;;) printf \"aaaaaaaaaaaaaaaa\" }'";

/// One MiB of zeros in `x`, then `x` made 8 MiB.
const EIGHT_MIB: &str = "x=$(yes 0 | head -c 2097152 | tr -d '\\n'); x=$x$x$x$x$x$x$x$x; ";

#[test]
fn short_lines_hold_no_more_host_memory_than_the_shell_budget() {
    let host = Host::new();
    let limits = tight();
    let baseline = measure(&host, &limits, "echo hi").peak_mib;
    let budget = limits.shell_memory_mib as f64;
    // Slack for the allocator's rounding and what it keeps after frees.
    let slack = 24.0;
    let over_budget = [
        "x=$(yes a | head -c 2097152 | tr -d '\\n'); y=${x//a/$x}".to_string(),
        format!("{EIGHT_MIB}y={}", "$x".repeat(100)),
        format!("{EIGHT_MIB}cat <<EOF | wc -c\n{}\nEOF", "$x".repeat(100)),
        "x=$(yes 0 | head -c 2097152 | tr -d '\\n'); : {1..100000}$x".to_string(),
        format!("{EIGHT_MIB}for i in $(seq 1000); do declare \"v$i=$x\"; done"),
        "a=(1); for i in $(seq 30); do a=(\"${a[@]}\" \"${a[@]}\"); done".to_string(),
        "x=a; while :; do x=$x$x; done".to_string(),
        "echo {1..100000}{1..100000} | wc -c".to_string(),
        "seq 2000000 | xargs echo | wc -c".to_string(),
        format!("{ENDLESS_LINE} | head -c 100000000 | {{ read -r line; echo ${{#line}}; }}"),
    ];
    for line in &over_budget {
        let measured = measure(&host, &limits, line);
        assert_eq!(
            measured.code,
            Some(137),
            "{line}: {} {}",
            measured.stdout,
            measured.stderr
        );
        assert!(
            measured.stderr.contains("shell memory limit"),
            "{line}: {}",
            measured.stderr
        );
        assert!(
            measured.peak_mib - baseline <= budget + slack,
            "{line}: peak {:.0} MiB over a {baseline:.0} MiB baseline, budget {budget} MiB",
            measured.peak_mib
        );
    }
    let within = [
        (
            "a[100000000]=x; a[9000000000000000000]=y; echo ${#a[@]}",
            "2\n",
        ),
        (
            "for i in $(seq 300); do wait & done; wait; echo done",
            "done\n",
        ),
        (
            &*format!("{EIGHT_MIB}f(){{ : $(f); }}; f 2>/dev/null; echo survived"),
            "survived\n",
        ),
    ];
    for (line, stdout) in within {
        let measured = measure(&host, &limits, line);
        assert_eq!(
            (measured.code, measured.stdout.as_str()),
            (Some(0), stdout),
            "{line}: {}",
            measured.stderr
        );
        assert!(
            measured.peak_mib - baseline <= budget + slack,
            "{line}: peak {:.0} MiB over a {baseline:.0} MiB baseline",
            measured.peak_mib
        );
    }
}

#[test]
fn no_line_aborts_panics_or_overflows_the_stack() {
    let host = Host::new();
    let limits = tight();
    let big = "9".repeat(30);
    let lines = [
        format!("echo {{1..{big}}}"),
        format!("echo {{{big}..1}}"),
        format!("echo ~{big}"),
        format!("echo hi {big}>&2"),
        format!("echo hi >&{big}"),
        format!("x='{{1..3}}'; a[{big}]=x; echo ${{a[{big}]}}"),
        format!("echo $(( {}1 ))", "- ".repeat(20_000)),
        format!("echo $(( {}1 ))", "!".repeat(20_000)),
        format!("x='{}1'; echo $((x))", "~".repeat(20_000)),
        format!("echo $(( {}1{} ))", "1?".repeat(10_000), ":1".repeat(10_000)),
        format!("echo $(( {}1 ))", "a=".repeat(20_000)),
        format!("echo $(( {} ))", vec!["1"; 30_000].join("+")),
        format!("{}echo deep{}", "if true; then ".repeat(2000), "; fi".repeat(2000)),
        format!("{}:{}", "while false; do ".repeat(2000), "; done".repeat(2000)),
        format!("[[ {} -n x ]] && echo y", "! ".repeat(20_000)),
        format!("{}true", "! ".repeat(20_000)),
        format!("{} && echo ok", vec!["true"; 10_000].join(" && ")),
        format!("x='{}'; eval \"$x\"", "if true; then ".repeat(500)),
        "a[9000000000000000000]=x; echo ${a[9000000000000000000]}".to_string(),
        "echo ${x:9223372036854775807:9223372036854775807}".to_string(),
        "x=abc; echo ${x: -9223372036854775807}".to_string(),
        "echo $((9223372036854775807 + 1)) $((-9223372036854775807 - 2)) $((1 << 99))".to_string(),
        "echo $(( 7 / 0 )); echo $(( -9223372036854775807 - 1 )) $(( (-9223372036854775807 - 1) / -1 ))".to_string(),
        "printf -v x '%*d' 9999999999 1; echo ${#x}".to_string(),
        "read -n 99999999999999 x <<< hi; echo $x".to_string(),
        "set -- $(seq 100000); shift 9999999999999; echo $#".to_string(),
        "echo {a..z..9223372036854775807} {1..2..-9223372036854775807}".to_string(),
        format!("{}1{}=1", "a[".repeat(12), "]".repeat(12)),
        format!("(( {}1{} ))", "a[x+".repeat(12), "]".repeat(12)),
        format!("echo {}{{1,2}}", "1{".repeat(40)),
        format!("p='{}a'; [[ a == $p ]]", "@(a|".repeat(40)),
        format!("echo {}0{}", "${x".repeat(30), "}".repeat(30)),
    ];
    for line in &lines {
        let started = Instant::now();
        let measured = measure(&host, &limits, line);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(8),
            "{}: took {took:?} under a 4 s wall clock",
            &line[..line.len().min(80)]
        );
        assert!(
            measured.signal.is_none() && !matches!(measured.code, Some(101 | 125 | 134)),
            "{}: {:?}/{:?} {}",
            &line[..line.len().min(80)],
            measured.code,
            measured.signal,
            measured.stderr
        );
        assert!(
            !measured.stderr.contains("panicked") && !measured.stderr.contains("overflow"),
            "{}: {}",
            &line[..line.len().min(80)],
            measured.stderr
        );
    }
}

#[test]
fn host_side_work_ends_at_the_wall_clock_with_its_status() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 1.5,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let lines = [
        "n=30; f='n>0 ? (n-=1, t=f+f, n+=1, t) : 1'; echo $((f))",
        "x=$(yes a | head -c 524288 | tr -d '\\n'); y=${x%%*b}; echo done",
        "x=$(yes a | head -c 524288 | tr -d '\\n'); y=${x##*b}; echo done",
        "x=$(yes a | head -c 2097152 | tr -d '\\n'); while :; do y=${x//a/b}; done",
        "while :; do : {1..1000}; done",
        "yes | while read -r line; do :; done",
    ];
    for line in lines {
        let started = Instant::now();
        let output = run(&sandbox, line);
        let took = started.elapsed();
        assert_eq!(
            (output.exit_code, output.limit),
            (124, Some(LimitKind::WallClock)),
            "{line}: {} {}",
            output.stdout_text(),
            output.stderr_text()
        );
        assert!(!output.stdout_text().contains("done"), "{line}");
        assert!(took < Duration::from_secs(6), "{line}: took {took:?}");
    }
}

#[test]
fn fifos_in_a_zone_are_refused_before_any_open_and_never_hang_the_host() {
    let host = Host::new();
    let fifo = host.out().join("f");
    rustix::fs::mknodat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::FileType::Fifo,
        rustix::fs::Mode::from_raw_mode(0o666),
        0,
    )
    .expect("mkfifo");
    let limits = TestLimits {
        timeout_secs: 5.0,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let lines = [
        "cat < /out/f",
        "cat /out/f",
        "echo x > /out/f",
        "echo x >> /out/f",
        "head -c1 /out/f",
        "wc -c /out/f",
        "sort /out/f",
        "cp /out/f /out/g",
        "x=$(< /out/f); echo \"[$x]\"",
        "source /out/f",
        ". /out/f",
        "sh /out/f",
        "/out/f",
        "tee /out/f < /dev/null",
        "grep -r x /out",
        "exec 3< /out/f",
    ];
    for line in lines {
        let started = Instant::now();
        let output = run(&sandbox, line);
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(4),
            "{line}: blocked for {took:?} ({})",
            output.stderr_text()
        );
        assert_ne!(output.limit, Some(LimitKind::WallClock), "{line}");
    }
    assert!(!host.out().join("g").exists(), "cp copied a FIFO");
}

#[test]
fn a_long_pipeline_holds_one_memory_figure_not_one_per_stage() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 20.0,
        memory_mib: 64,
        ..TestLimits::default()
    };
    let baseline = measure(&host, &limits, "echo hi").peak_mib;
    // Each sort holds its whole input (about 15 MiB of wasm memory here): one fits the policy's
    // 64 MiB, eight at once do not.
    let one = measure(&host, &limits, "seq 1000000 | sort | wc -l");
    assert_eq!(one.stdout, "1000000\n", "{}", one.stderr);
    let stages = format!("seq 1000000 | {}wc -l", "sort | ".repeat(8));
    let eight = measure(&host, &limits, &stages);
    assert!(
        eight.stderr.contains("stopped by the memory limit"),
        "{}",
        eight.stderr
    );
    assert!(
        eight.peak_mib - baseline <= 64.0 + 24.0,
        "peak {:.0} MiB over a {baseline:.0} MiB baseline with memory_mib = 64",
        eight.peak_mib
    );
}

#[test]
fn a_sessions_unfinished_command_costs_linear_time_and_has_a_bound() {
    let host = Host::new();
    let policy = host.policy_file(&TestLimits::default());
    let run_shell = |input: Vec<u8>| {
        let mut child = zonebox(host.root.path())
            .arg("shell")
            .arg("--policy")
            .arg(&policy)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(&input);
        });
        let started = Instant::now();
        let output = child.wait_with_output().unwrap();
        writer.join().unwrap();
        (output, started.elapsed())
    };
    // An open quote fed 200,000 lines, then closed: one command, parsed a few dozen times.
    let mut input = b"echo \"start\n".to_vec();
    input.extend(b"x\n".repeat(200_000));
    input.extend(b"end\" | wc -l\n");
    let (output, took) = run_shell(input);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "200002\n");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    // Past a mebibyte the unfinished command is dropped, and the session goes on.
    let mut input = b"echo 'open\n".to_vec();
    input.extend(b"yyyyyyyyyyyyyyy\n".repeat(100_000));
    input.extend(b"'\necho alive\n");
    input.extend(b"z".repeat(3 << 20));
    input.extend(b"\necho still alive\n");
    let (output, took) = run_shell(input);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("was dropped"), "{stderr}");
    assert!(stderr.contains("a line of more than"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("still alive"),
        "{stderr}"
    );
    assert!(took < Duration::from_secs(20), "took {took:?}");
}
