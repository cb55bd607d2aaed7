//! Hostile wasm programs (tests/integration/programs/*.wat) under the sandbox's limits.

use crate::support::{Host, TestLimits, program};
use zonebox::LimitKind;

/// Runs the hostile program `name` with a wall clock of 0.5 s.
fn run_with_half_a_second(name: &str) -> zonebox::Output {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 0.5,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    sandbox
        .run_wasm(&program(&sandbox, name), &[], Vec::new())
        .unwrap()
}

#[test]
fn a_busy_loop_is_stopped_by_the_wall_clock() {
    let output = run_with_half_a_second("busy_loop");
    assert_eq!(output.exit_code, 124);
    assert_eq!(output.limit, Some(LimitKind::WallClock));
    assert!(
        output.duration.as_secs_f64() >= 0.5,
        "not stopped before the limit"
    );
    assert!(
        output.stderr_text().contains("limits.timeout_secs = 0.5"),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn a_long_sleep_is_stopped_by_the_wall_clock() {
    // A program's relative sleep must stay a wait the wall clock can end, not a blocked thread:
    // only the toolset's file calls run on the calling thread.
    let output = run_with_half_a_second("long_sleep");
    assert_eq!(output.exit_code, 124, "{}", output.stderr_text());
    assert_eq!(output.limit, Some(LimitKind::WallClock));
}

#[test]
fn a_memory_hog_is_stopped_by_the_memory_limit() {
    let host = Host::new();
    let limits = TestLimits {
        memory_mib: 32,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let output = sandbox
        .run_wasm(&program(&sandbox, "memory_hog"), &[], Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 137);
    assert_eq!(output.limit, Some(LimitKind::Memory));
    assert!(
        output.stderr_text().contains("limits.memory_mib = 32"),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn deep_recursion_is_stopped_by_the_stack_limit() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let output = sandbox
        .run_wasm(&program(&sandbox, "deep_recursion"), &[], Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 137);
    assert_eq!(output.limit, Some(LimitKind::Stack));
}

#[test]
fn a_write_flood_is_capped_then_stopped() {
    let host = Host::new();
    let limits = TestLimits {
        timeout_secs: 0.5,
        max_output_bytes: 4096,
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let output = sandbox
        .run_wasm(&program(&sandbox, "write_flood"), &[], Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 124);
    assert!(output.truncated);
    let stdout = output.stdout_text();
    assert!(stdout.len() < 4096 + 200, "kept {} bytes", stdout.len());
    assert_eq!(stdout.matches("[zonebox: ").count(), 1, "one marker line");
    assert!(
        stdout.starts_with("flood flood") && stdout.ends_with("flood\n"),
        "head and tail are kept"
    );
}

#[test]
fn cpu_fuel_stops_a_busy_loop_deterministically() {
    let host = Host::new();
    let limits = TestLimits {
        cpu_fuel: Some(10_000_000),
        ..TestLimits::default()
    };
    let sandbox = host.sandbox_with(&limits);
    let output = sandbox
        .run_wasm(&program(&sandbox, "busy_loop"), &[], Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 137);
    assert_eq!(output.limit, Some(LimitKind::Cpu));
    assert!(
        output.stderr_text().contains("limits.cpu_fuel = 10000000"),
        "{}",
        output.stderr_text()
    );
}

#[test]
fn open_files_are_capped() {
    let host = Host::new();
    let roomy = host.sandbox_with(&TestLimits {
        max_open_files: 64,
        ..TestLimits::default()
    });
    let output = roomy
        .run_wasm(&program(&roomy, "open_files"), &[], Vec::new())
        .unwrap();
    assert_eq!(
        (output.exit_code, output.limit),
        (0, None),
        "32 opens fit in 64: {}",
        output.stderr_text()
    );
    let tight = host.sandbox_with(&TestLimits {
        max_open_files: 4,
        ..TestLimits::default()
    });
    let output = tight
        .run_wasm(&program(&tight, "open_files"), &[], Vec::new())
        .unwrap();
    assert_eq!(output.exit_code, 137);
    assert_eq!(output.limit, Some(LimitKind::OpenFiles));
}

#[test]
fn guessed_descriptors_absolute_paths_and_dotdot_reach_nothing() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let output = sandbox
        .run_wasm(&program(&sandbox, "escape_fds"), &[], Vec::new())
        .unwrap();
    assert_eq!(
        output.exit_code, 0,
        "attempt {} succeeded",
        output.exit_code
    );
}

#[test]
fn a_module_that_is_not_wasm_is_a_clear_error() {
    let host = Host::new();
    let sandbox = host.sandbox();
    let error = sandbox
        .compile_program("junk", b"\0asm\x01\0\0\0garbage")
        .err()
        .expect("invalid module");
    assert!(
        error.to_string().starts_with("wasm program junk: "),
        "{error}"
    );
}

/// Every command of the toolset, given hostile operands and input: binary data with NUL bytes
/// and invalid UTF-8, a 4 MB line, a path outside every zone and one that climbs out with `..`.
/// None may crash (trap), panic (exit 70) or die of a limit it did not earn, and the host tree
/// must be as it was.
#[test]
fn every_tool_survives_hostile_operands_and_input() {
    let host = crate::support::Host::new();
    let ws = host.workspace();
    let mut binary: Vec<u8> = (0u32..300_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    binary.extend_from_slice(b"\xff\xfe\xc3\x28\n\0tail");
    std::fs::write(ws.join("binary.dat"), &binary).unwrap();
    std::fs::write(ws.join("long.txt"), "y".repeat(4 << 20)).unwrap();
    std::fs::write(
        ws.join("bad-utf8.txt"),
        b"caf\xe9\nna\xefve \xc3\x28 text\n",
    )
    .unwrap();
    let before = host.tree();
    let sandbox = host.sandbox_with(&crate::support::TestLimits {
        // Room for the slowest tool on a 4 MiB line on a loaded 2-core machine (xxd: ~1.3 s).
        timeout_secs: 6.0,
        ..Default::default()
    });
    let operands = [
        "/workspace/binary.dat",
        "/workspace/long.txt",
        "/workspace/bad-utf8.txt",
        "/etc/passwd",
        "../../outside/secret.txt",
    ];
    let mut failures = Vec::new();
    for tool in sandbox.tools().unwrap() {
        for operand in operands {
            let line = format!("{} {operand}", tool.name);
            let output = sandbox
                .run_with_stdin(&line, binary.clone())
                .unwrap_or_else(|e| panic!("{line}: {e}"));
            let crashed = matches!(output.exit_code, 70 | 134)
                || output.stderr_text().contains("panicked")
                || (output.limit.is_some() && output.exit_code != 124);
            // Only a command that never ends on its own (`yes`) may meet the wall clock.
            let timed_out = output.exit_code == 124 && tool.name != "yes";
            if crashed || timed_out {
                failures.push(format!(
                    "{line}: exit {} limit {:?}: {}",
                    output.exit_code,
                    output.limit,
                    output.stderr_text().lines().last().unwrap_or("")
                ));
            }
            assert!(
                !output.stdout_text().contains("top secret"),
                "{line} read a file outside the zones"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(host.tree(), before, "the host tree is unchanged");
}
