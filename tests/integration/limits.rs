//! Limits on toolset commands: the wall clock (also while blocked in the host) and output.

use crate::support::{Host, TestLimits, run};
use zonebox::LimitKind;

#[test]
fn yes_is_cut_by_the_output_limit_then_stopped_by_the_timeout() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 0.3,
        max_output_bytes: 1000,
        ..TestLimits::default()
    };
    let output = run(&host.sandbox_with(&limits), "yes zonebox");
    assert_eq!(output.exit_code, 124);
    assert_eq!(output.limit, Some(LimitKind::WallClock));
    assert!(output.truncated);
    let stdout = output.stdout_text();
    let marker = stdout
        .lines()
        .find(|l| l.starts_with("[zonebox: "))
        .expect("marker line");
    assert!(
        marker.contains("bytes of stdout dropped here: limits.max_output_bytes = 1000"),
        "{marker}"
    );
    let kept: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("[zonebox: "))
        .collect();
    assert!(
        kept.iter()
            .all(|l| l.is_empty() || "zonebox".starts_with(l) || "zonebox".ends_with(l)),
        "only whole or cut lines of yes"
    );
    assert!(stdout.len() <= 1000 + marker.len() + 2);
    assert_eq!(
        output.stderr_text(),
        "zonebox: stopped by the wall-clock limit: limits.timeout_secs = 0.3\n"
    );
}

#[test]
fn the_wall_clock_covers_time_blocked_in_the_host() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 0.3,
        ..TestLimits::default()
    };
    let output = run(&host.sandbox_with(&limits), "sleep 30");
    assert_eq!(output.exit_code, 124);
    assert_eq!(output.limit, Some(LimitKind::WallClock));
}

#[test]
fn output_under_the_limit_is_kept_whole() {
    let host = Host::new();
    let output = run(&host.sandbox(), "seq 1000");
    assert!(!output.truncated);
    assert_eq!(output.stdout_text().lines().count(), 1000);
    assert_eq!(output.limit, None);
}

#[test]
fn stderr_has_its_own_cap() {
    let host = Host::new();
    let limits = TestLimits {
        max_output_bytes: 200,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let many: Vec<String> = (0..100).map(|i| format!("/nope/{i}")).collect();
    let output = run(&sandbox, &format!("cat {}", many.join(" ")));
    assert_eq!(output.exit_code, 1);
    assert!(output.truncated);
    assert!(
        output
            .stderr_text()
            .contains("bytes of stderr dropped here"),
        "{}",
        output.stderr_text()
    );
}
