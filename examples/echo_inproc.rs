//! `echo hi` through the library, in one process: prints the median seconds of N runs (after a
//! warm-up), for benches/compare's in-process row.
//!
//! `cargo run --release --example echo_inproc -- [RUNS]` (default 200), in a directory the
//! default policy can use as its workspace.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse())
        .transpose()?
        .unwrap_or(200);
    let sandbox = zonebox::Sandbox::new(zonebox::Policy::default_policy()?)?;
    let mut samples = Vec::with_capacity(runs);
    for i in 0..=runs {
        let started = Instant::now();
        let output = sandbox.run("echo hi")?;
        let elapsed = started.elapsed().as_secs_f64();
        if output.stdout != b"hi\n" {
            return Err(format!("unexpected output: {output:?}").into());
        }
        if i > 0 {
            samples.push(elapsed);
        }
    }
    samples.sort_by(f64::total_cmp);
    println!("{}", samples[samples.len() / 2]);
    Ok(())
}
