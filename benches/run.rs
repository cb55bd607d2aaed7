//! Criterion benchmarks of the library and CLI paths: a command in-process, pipelines of one to
//! five stages (the cost per stage), a session's lines, building another sandbox (the engine is
//! shared), routing alone (parse and decide, nothing runs), and the CLI as a fresh process with
//! a warm and a cold cache.
//!
//! `cargo bench --bench run` (results in target/criterion). Numbers belong here and in the
//! README, never in tests.

use criterion::{Criterion, criterion_group, criterion_main};
use std::process::Command;
use std::time::Duration;
use zonebox::{Policy, Sandbox};

fn cache_dir() -> std::path::PathBuf {
    std::env::temp_dir().join("zonebox-bench-cache")
}

fn build_sandbox() -> Sandbox {
    let policy = Policy::default_policy().expect("default policy");
    Sandbox::builder(policy)
        .cache_dir(cache_dir())
        .build()
        .expect("sandbox")
}

fn in_process(c: &mut Criterion) {
    let sandbox = build_sandbox();
    let mut group = c.benchmark_group("in_process");
    group.bench_function("echo_hi", |b| {
        b.iter(|| sandbox.run("echo hi").expect("runs"))
    });
    group.bench_function("cat_cargo_toml", |b| {
        b.iter(|| sandbox.run("cat Cargo.toml").expect("runs"))
    });
    group.bench_function("ls_la_src", |b| {
        b.iter(|| sandbox.run("ls -la src").expect("runs"))
    });
    // The process's engine is shared: a second sandbox costs its policy, not a toolset load
    // (the first sandbox's cost is in the CLI rows).
    group.bench_function("sandbox_new_shared_engine", |b| b.iter(build_sandbox));
    group.bench_function("pipeline_cat_grep_wc", |b| {
        b.iter(|| {
            sandbox
                .run("cat Cargo.toml | grep version | wc -l")
                .expect("runs")
        })
    });
    group.bench_function("builtin_only_line", |b| {
        b.iter(|| sandbox.run("x=1; y=$((x+1)); true").expect("runs"))
    });
    let mut session = sandbox.session().expect("session");
    group.bench_function("session_echo_hi", |b| {
        b.iter(|| session.run("echo hi").expect("runs"))
    });
    group.finish();
    let mut stages = c.benchmark_group("pipeline_stages");
    for count in [1, 2, 3, 5] {
        let line = std::iter::once("echo hi")
            .chain(std::iter::repeat_n("cat", count - 1))
            .collect::<Vec<_>>()
            .join(" | ");
        stages.bench_function(format!("{count}_stages"), |b| {
            b.iter(|| sandbox.run(&line).expect("runs"))
        });
    }
    stages.finish();
}

fn cli(c: &mut Criterion) {
    let binary = env!("CARGO_BIN_EXE_zonebox");
    let run = |cache: &std::path::Path| {
        let status = Command::new(binary)
            .args(["run", "echo hi"])
            .env("ZONEBOX_CACHE_DIR", cache)
            .output()
            .expect("spawn");
        assert!(status.status.success());
    };
    run(&cache_dir());
    let mut group = c.benchmark_group("cli_process");
    group.bench_function("echo_hi_warm_cache", |b| b.iter(|| run(&cache_dir())));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("echo_hi_cold_cache", |b| {
        b.iter_with_setup(
            || tempfile::tempdir().expect("temp dir"),
            |cold| run(cold.path()),
        )
    });
    group.bench_function("native_echo_process", |b| {
        b.iter(|| Command::new("/bin/echo").arg("hi").output().expect("spawn"))
    });
    group.finish();
}

/// Routing only: parse the line and decide, under the bundled default policy.
fn route_only(c: &mut Criterion) {
    let policy = Policy::default_policy().expect("default policy");
    let mut group = c.benchmark_group("route_only");
    let lines = [
        ("simple", "ls -la"),
        (
            "pipeline",
            "grep -rn TODO src | sort | uniq -c | sort -rn | head",
        ),
        (
            "wrappers",
            "find . -name '*.rs' -exec sh -c 'wc -l \"$1\" | timeout 5 cat' _ {} \\; | xargs -n1 echo",
        ),
        ("denied", "cat x | env -i python3 -c 'print(1)'"),
    ];
    for (name, line) in lines {
        group.bench_function(name, |b| {
            b.iter(|| zonebox::router::route_line(&policy, line).expect("parses"))
        });
    }
    group.finish();
}

criterion_group!(benches, in_process, route_only, cli);
criterion_main!(benches);
