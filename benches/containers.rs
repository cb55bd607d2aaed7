//! The container backend's latency, in one run, against the docker CLI: a one-shot `echo hi`
//! (create, start, attach, wait, remove) and an `echo hi` exec'd into a warm container, each
//! next to `docker run --rm IMAGE echo hi` and `docker exec CONTAINER echo hi`. p50 and p95 of
//! each, and zonebox's time as a fraction of the docker CLI's.
//!
//! `cargo bench --bench containers` (needs a docker engine; builds the images with
//! tests/images/build when missing). `ZONEBOX_BENCH_RUNS` sets the samples (default 30).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use zonebox::{Backend, Policy, Sandbox};

const IMAGE: &str = "zonebox/busybox:1";

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.95))
}

fn sample(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    f(); // warm-up
    let samples = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect();
    percentiles(samples)
}

fn docker(args: &[&str]) {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("docker runs");
    assert!(
        out.status.success(),
        "docker {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn sandbox(pool: u32) -> Sandbox {
    let work = std::env::temp_dir().join("zonebox-container-bench");
    std::fs::create_dir_all(&work).unwrap();
    let _ = Command::new("chown")
        .args(["1000:1000"])
        .arg(&work)
        .status();
    let text = format!(
        "workdir = \"/w\"\nnetwork = \"none\"\n[[zones]]\nhost = {:?}\nguest = \"/w\"\nmode = \"rw\"\n\
         [[zones]]\nguest = \"/tmp\"\nmode = \"scratch\"\n[env]\nset = {{ PATH = \"/bin\" }}\n\
         [limits]\ntimeout_secs = 30\nmemory_mib = 256\nmax_output_bytes = 65536\nmax_open_files = 256\nmax_instances = 16\n\
         [routing]\nunknown = \"container\"\n\
         [container]\nruntime = \"auto\"\nimage = \"{IMAGE}\"\nallowed_images = [\"zonebox/\"]\npool_size = {pool}\n",
        work.display().to_string()
    );
    let policy = Policy::from_toml(&text, "container bench").expect("policy");
    Sandbox::builder(policy)
        .cache_dir(std::env::temp_dir().join("zonebox-bench-cache"))
        .build()
        .expect("sandbox")
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and `cargo test --benches` probe benches this way
    }
    if Command::new("docker")
        .arg("info")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        println!("skipped: no docker engine answers `docker info`");
        return;
    }
    let build = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/images/build");
    let built = Command::new(build)
        .arg("busybox")
        .status()
        .expect("tests/images/build runs");
    assert!(built.success(), "tests/images/build busybox failed");
    let runs: usize = std::env::var("ZONEBOX_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30);

    let one_shot = sandbox(0);
    let zonebox_one_shot = sample(runs, || {
        let out = one_shot
            .run_on(Backend::Container, "echo hi", Vec::new())
            .unwrap();
        assert_eq!(out.stdout, b"hi\n");
    });
    let docker_run = sample(runs, || {
        docker(&["run", "--rm", "--network", "none", IMAGE, "echo", "hi"])
    });

    let warm = sandbox(1);
    let zonebox_warm = sample(runs, || {
        let out = warm
            .run_on(Backend::Container, "echo hi", Vec::new())
            .unwrap();
        assert_eq!(out.stdout, b"hi\n");
    });
    docker(&[
        "run",
        "-d",
        "--rm",
        "--name",
        "zonebox-bench-exec",
        "--network",
        "none",
        IMAGE,
        "sleep",
        "3600",
    ]);
    let docker_exec = sample(runs, || {
        docker(&["exec", "zonebox-bench-exec", "echo", "hi"])
    });
    docker(&["rm", "-f", "zonebox-bench-exec"]);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("container latency, {runs} samples each (p50 / p95, ms)");
    for (name, ours, theirs, base) in [
        (
            "one-shot echo hi",
            zonebox_one_shot,
            docker_run,
            "docker run --rm",
        ),
        (
            "warm-pool exec echo hi",
            zonebox_warm,
            docker_exec,
            "docker exec",
        ),
    ] {
        println!(
            "  {name:<24} zonebox {:>7.1} / {:>7.1}   {base:<16} {:>7.1} / {:>7.1}   ratio (p50) {:.2}x",
            ms(ours.0),
            ms(ours.1),
            ms(theirs.0),
            ms(theirs.1),
            ms(ours.0) / ms(theirs.0)
        );
    }
}
