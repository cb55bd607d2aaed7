//! zonebox through the library, in one process: the bench binary behind benches/compare's
//! in-process and warm-container columns, and the measurements of issue 8's library targets.
//!
//! ```text
//! cargo run --release --example inproc -- [--policy FILE] [--backend wasm|container] \
//!     [--runs N] 'LINE'                      # latency: p50 and p95 of N runs, in seconds
//! cargo run --release --example inproc -- --threads 2 --seconds 3 'echo hi'
//!                                            # throughput: lines per second across threads
//! cargo run --release --example inproc -- --sessions 1000 'echo hi'
//!                                            # memory: RSS with N idle sessions open
//! ```
//!
//! Each mode prints one JSON object on stdout. Without `--policy` the bundled default policy is
//! used (the current directory is its read-only workspace). Every line must exit 0.

use clap::Parser;
use serde_json::json;
use std::time::{Duration, Instant};
use zonebox::{Backend, Policy, Sandbox};

#[derive(Parser)]
struct Args {
    /// Policy file; the bundled default policy without it.
    #[arg(long)]
    policy: Option<std::path::PathBuf>,
    /// `wasm` or `container` (a warm-pool exec when the policy has a pool); the router's choice
    /// without it.
    #[arg(long, value_parser = ["wasm", "container"])]
    backend: Option<String>,
    /// Timed runs (latency mode), after one warm-up run.
    #[arg(long, default_value_t = 200)]
    runs: usize,
    /// Throughput mode: this many threads run the line in a loop.
    #[arg(long)]
    threads: Option<usize>,
    /// How long the throughput mode runs.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    /// Memory mode: open this many sessions, run the line once in each, keep them all open.
    #[arg(long)]
    sessions: Option<usize>,
    line: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let policy = match &args.policy {
        Some(path) => Policy::from_file(path)?,
        None => Policy::default_policy()?,
    };
    let backend = match args.backend.as_deref() {
        Some("container") => Some(Backend::Container),
        Some(_) => Some(Backend::Wasm),
        None => None,
    };
    let rss_before = rss_bytes();
    let sandbox = Sandbox::new(policy)?;
    let report = if let Some(count) = args.sessions {
        sessions(&sandbox, &args.line, count, rss_before)?
    } else if let Some(threads) = args.threads {
        throughput(&sandbox, &args.line, threads, args.seconds, backend)?
    } else {
        latency(&sandbox, &args.line, args.runs, backend)?
    };
    println!("{report}");
    Ok(())
}

/// Runs `line` once, failing on a non-zero exit.
fn run_once(sandbox: &Sandbox, line: &str, backend: Option<Backend>) -> Result<(), String> {
    let output = match backend {
        Some(backend) => sandbox.run_on(backend, line, Vec::new()),
        None => sandbox.run(line),
    }
    .map_err(|e| e.to_string())?;
    if output.exit_code != 0 {
        return Err(format!(
            "`{line}` exited {}: {}",
            output.exit_code,
            output.stderr_text()
        ));
    }
    Ok(())
}

fn latency(
    sandbox: &Sandbox,
    line: &str,
    runs: usize,
    backend: Option<Backend>,
) -> Result<serde_json::Value, String> {
    run_once(sandbox, line, backend)?;
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        run_once(sandbox, line, backend)?;
        samples.push(started.elapsed().as_secs_f64());
    }
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Ok(json!({"line": line, "runs": samples.len(), "p50": at(0.5), "p95": at(0.95)}))
}

fn throughput(
    sandbox: &Sandbox,
    line: &str,
    threads: usize,
    seconds: f64,
    backend: Option<Backend>,
) -> Result<serde_json::Value, String> {
    run_once(sandbox, line, backend)?;
    let until = Instant::now() + Duration::from_secs_f64(seconds);
    let started = Instant::now();
    let counts = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(move || -> Result<u64, String> {
                    let mut done = 0;
                    while Instant::now() < until {
                        run_once(sandbox, line, backend)?;
                        done += 1;
                    }
                    Ok(done)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("a worker panicked".into())))
            .collect::<Result<Vec<u64>, String>>()
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let total: u64 = counts.iter().sum();
    Ok(json!({
        "line": line,
        "threads": threads,
        "seconds": elapsed,
        "lines": total,
        "lines_per_second": total as f64 / elapsed,
    }))
}

fn sessions(
    sandbox: &Sandbox,
    line: &str,
    count: usize,
    rss_before: u64,
) -> Result<serde_json::Value, String> {
    let rss_sandbox = rss_bytes();
    let mut open = Vec::with_capacity(count);
    for _ in 0..count {
        let mut session = sandbox.session().map_err(|e| e.to_string())?;
        let output = session.run(line).map_err(|e| e.to_string())?;
        if output.exit_code != 0 {
            return Err(format!("`{line}` exited {}", output.exit_code));
        }
        open.push(session);
    }
    let rss_sessions = rss_bytes();
    let per_session = rss_sessions.saturating_sub(rss_sandbox) as f64 / count.max(1) as f64;
    let report = json!({
        "line": line,
        "sessions": open.len(),
        "rss_before_sandbox_mib": mib(rss_before),
        "rss_with_sandbox_mib": mib(rss_sandbox),
        "rss_with_sessions_mib": mib(rss_sessions),
        "kib_per_session": per_session / 1024.0,
    });
    drop(open);
    Ok(report)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// This process's resident set size, from /proc/self/status (0 where there is none).
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}
