//! A stable-toolchain fuzzer for the host-side parts: mutates a committed corpus of lines and
//! policies (`tests/fuzz/<target>/`) with hostile shapes (numbers past 64 bits, deep nesting,
//! repetition, splices, random bytes) and checks every property the hardening asks for.
//!
//! ```text
//! cargo run --release --example fuzz -- parse  [--seconds S] [--seed N]   # parse + route, any bytes
//! cargo run --release --example fuzz -- interp [--seconds S] [--seed N]   # run lines under tight limits
//! cargo run --release --example fuzz -- policy [--seconds S] [--seed N]   # policy TOML
//! ```
//!
//! Properties: no panic (caught and reported) and no abort or stack overflow (the input being
//! tried is written to `target/fuzz/<target>-current` first, so a dead process leaves it); for
//! `interp`, every line ends within its wall clock plus a second, with a status, and the
//! process's peak memory (VmHWM, reset before each line) stays within the shell budget plus the
//! wasm memory and a constant. A failing input is saved to `target/fuzz/<target>-failures/` and
//! the run exits 1. New inputs that end with a different status class are kept in memory as
//! further seeds (a poor man's coverage).

use std::collections::HashSet;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zonebox::{Policy, Sandbox};

/// Fragments mutations insert: the shapes that broke the host side before.
const FRAGMENTS: &[&str] = &[
    "{1..99999999999999999999}",
    "{1..100000}",
    "{a..z}",
    "{-9223372036854775807..1}",
    "~99999999999999999999",
    "99999999999999999999>&2",
    ">&99999999999999999999",
    "$((",
    "))",
    "$(",
    ")",
    "${x",
    "}",
    "${x//a/$x}",
    "${x%%*b}",
    "${x:9223372036854775807}",
    "a[9000000000000000000]=x",
    "! ",
    "- ",
    "if true; then ",
    "; fi",
    "while false; do ",
    "; done",
    "case x in x) ",
    ";; esac",
    "f(){ f|f& }; f",
    "x=$x$x; ",
    "<<EOF\n$x$x\nEOF\n",
    " & ",
    " | ",
    " && ",
    " || ",
    "`",
    "'",
    "\"",
    "\\",
    "\n",
    "$@",
    "${!x}",
    "$'\\x00'",
    "eval \"$x\"; ",
    "declare -a a=(1 2); ",
    "read -r x; ",
    "xargs echo",
    "yes | head -c 100000 | ",
    "sleep 5",
    "cat /out/f",
    "> /out/o",
    "$((1<<63))",
    "$((-9223372036854775807-1/-1))",
    "x=",
];

/// One target's check of one input: the class of outcome, or what went wrong.
type Check = dyn FnMut(&[u8]) -> Result<String, String>;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `input`, often several stacked.
fn mutate(rng: &mut Rng, input: &[u8], seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(7) {
            0 => {
                let fragment = FRAGMENTS[rng.below(FRAGMENTS.len())].as_bytes();
                out.splice(at..at, fragment.iter().copied());
            }
            1 if !out.is_empty() => {
                // Repeat a slice many times: nesting and long chains.
                let end = (at + 1 + rng.below(8)).min(out.len());
                let piece = out[at.min(end)..end].to_vec();
                let times = [2, 10, 300, 3000][rng.below(4)];
                let repeated: Vec<u8> = piece.repeat(times);
                out.splice(at..at, repeated);
            }
            2 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] = rng.next() as u8;
            }
            3 if !out.is_empty() => {
                let end = (at + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 => {
                let other = &seeds[rng.below(seeds.len())];
                let from = rng.below(other.len() + 1);
                out.splice(at..at, other[from..].iter().copied());
            }
            5 => {
                let digits = "9".repeat(1 + rng.below(30));
                out.splice(at..at, digits.bytes());
            }
            _ => out.insert(
                at.min(out.len()),
                b"$(){}[];&|<>'\"`\\!-~=?*\n "[rng.below(22)],
            ),
        }
        out.truncate(64 * 1024);
    }
    out
}

fn read_corpus(dir: &Path) -> Vec<Vec<u8>> {
    let mut seeds: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read(e.path()).ok().map(|b| (e.path(), b)))
        .collect();
    seeds.sort();
    seeds.into_iter().map(|(_, b)| b).collect()
}

/// Peak resident memory since the last reset, in MiB (Linux: `/proc/self/status` VmHWM).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_default();
    let (mut seconds, mut seed) = (30.0, 0x2545_f491_4f6c_dd1d_u64);
    while let Some(flag) = args.next() {
        let value = args.next().unwrap_or_default();
        match flag.as_str() {
            "--seconds" => seconds = value.parse().expect("--seconds S"),
            "--seed" => seed = value.parse().expect("--seed N"),
            other => panic!("unknown flag {other}"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("tests/fuzz").join(&target);
    let work = root.join("target/fuzz");
    std::fs::create_dir_all(work.join(format!("{target}-failures"))).unwrap();
    let mut seeds = read_corpus(&corpus);
    let mut rng = Rng(seed | 1);
    let current = work.join(format!("{target}-current"));
    let mut check: Box<Check> = match target.as_str() {
        "parse" => Box::new(check_parse),
        "policy" => Box::new(check_policy),
        "interp" => Box::new(interp_checker(&work)),
        _ => {
            eprintln!("usage: fuzz parse|interp|policy [--seconds S] [--seed N]");
            std::process::exit(2);
        }
    };
    // A panic caught inside the library (upstream parsing code is run guarded) still counts:
    // its message reaches an embedder's stderr.
    static PANICKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    std::panic::set_hook(Box::new(|info| {
        PANICKED.store(true, std::sync::atomic::Ordering::SeqCst);
        eprintln!("panic: {info}");
    }));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    // A watchdog: an input that runs for 10 s hangs something no limit reaches.
    static STARTED_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let epoch = Instant::now();
    {
        let current = current.clone();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let started = STARTED_MS.load(std::sync::atomic::Ordering::SeqCst);
                let now = epoch.elapsed().as_millis() as u64;
                if started > 0 && now.saturating_sub(started) > 10_000 {
                    eprintln!("FAILURE (hang: one input ran 10 s): {}", current.display());
                    std::process::exit(1);
                }
            }
        });
    }
    let (mut runs, mut failures) = (0usize, 0usize);
    let mut outcomes: HashSet<String> = HashSet::new();
    // The corpus itself first, then mutations.
    let mut queue: Vec<Vec<u8>> = seeds.clone();
    while Instant::now() < deadline {
        let input = queue.pop().unwrap_or_else(|| {
            let base = seeds[rng.below(seeds.len())].clone();
            mutate(&mut rng, &base, &seeds)
        });
        std::fs::write(&current, &input).unwrap();
        STARTED_MS.store(
            epoch.elapsed().as_millis() as u64 + 1,
            std::sync::atomic::Ordering::SeqCst,
        );
        runs += 1;
        PANICKED.store(false, std::sync::atomic::Ordering::SeqCst);
        let result = catch_unwind(AssertUnwindSafe(|| check(&input)));
        let result = match result {
            Ok(Ok(_)) if PANICKED.load(std::sync::atomic::Ordering::SeqCst) => {
                Ok(Err("panicked inside (caught)".to_string()))
            }
            other => other,
        };
        match result {
            Ok(Ok(outcome)) => {
                if outcomes.insert(outcome) && seeds.len() < 4096 {
                    seeds.push(input);
                }
            }
            Ok(Err(problem)) => {
                failures += 1;
                save(&work, &target, &input, &problem);
            }
            Err(_) => {
                failures += 1;
                save(&work, &target, &input, "panicked");
            }
        }
    }
    let _ = std::fs::remove_file(&current);
    println!(
        "fuzz {target}: {runs} inputs, {} outcome classes, {failures} failures",
        outcomes.len()
    );
    std::process::exit(i32::from(failures > 0));
}

fn save(work: &Path, target: &str, input: &[u8], problem: &str) {
    let hash = blake3::hash(input).to_hex();
    let path = work.join(format!("{target}-failures/{}", &hash[..16]));
    let _ = std::fs::write(&path, input);
    eprintln!("FAILURE ({problem}): {}", path.display());
}

fn check_parse(input: &[u8]) -> Result<String, String> {
    let line = String::from_utf8_lossy(input);
    let policy = Policy::default_policy().map_err(|e| e.to_string())?;
    Ok(match zonebox::router::route_line(&policy, &line) {
        Ok(decision) => format!("route {:?}", decision.route),
        Err(error) => format!("error {}", error.to_string().lines().next().unwrap_or("")),
    }
    .chars()
    .take(60)
    .collect())
}

fn check_policy(input: &[u8]) -> Result<String, String> {
    let text = String::from_utf8_lossy(input);
    Ok(match Policy::from_toml(&text, "fuzz.toml") {
        Ok(_) => "valid".to_string(),
        Err(error) => error
            .to_string()
            .split(':')
            .nth(1)
            .unwrap_or("")
            .chars()
            .take(40)
            .collect(),
    })
}

/// Lines run in one sandbox under tight limits: 1 s, 16 MiB of shell memory, 32 MiB per wasm
/// instance, 64 KiB of output, a FIFO in the rw zone.
fn interp_checker(work: &Path) -> impl FnMut(&[u8]) -> Result<String, String> + use<> {
    let zone = work.join("interp-zone");
    let _ = std::fs::remove_dir_all(&zone);
    std::fs::create_dir_all(zone.join("ws/sub")).unwrap();
    std::fs::create_dir_all(zone.join("out")).unwrap();
    std::fs::write(zone.join("ws/a.txt"), "alpha\nbeta\n").unwrap();
    let fifo = zone.join("out/f");
    let _ = std::process::Command::new("mkfifo").arg(&fifo).status();
    let policy = format!(
        "workdir = \"/ws\"\nnetwork = \"none\"\n\
         [[zones]]\nhost = {:?}\nguest = \"/ws\"\nmode = \"ro\"\n\
         [[zones]]\nhost = {:?}\nguest = \"/out\"\nmode = \"rw\"\n\
         [[zones]]\nguest = \"/tmp\"\nmode = \"scratch\"\n\
         [limits]\ntimeout_secs = 1\nmemory_mib = 32\nmax_output_bytes = 65536\n\
         max_open_files = 32\nmax_instances = 16\nshell_memory_mib = 16\n\
         [routing]\ndynamic = \"wasm\"\n",
        zone.join("ws").display().to_string(),
        zone.join("out").display().to_string(),
    );
    let policy = Policy::from_toml(&policy, "fuzz policy").expect("fuzz policy");
    let sandbox = Sandbox::new(policy).expect("sandbox");
    let _ = sandbox.run("echo warm");
    // Above what the process holds when the line starts: 16 MiB of shell memory, the parse of
    // a line at the token limit (about 30 MiB), wasm instances (the pool keeps 2 MiB of each
    // resident), output, and the allocator's slack.
    let allowance = 16.0 + 32.0 + 64.0 + 32.0;
    move |input: &[u8]| {
        let line = String::from_utf8_lossy(input);
        reset_peak();
        let allowed = peak_mib() + allowance;
        let started = Instant::now();
        let output = sandbox.run(&line);
        let took = started.elapsed();
        let peak = peak_mib();
        // What the line wrote in the rw zone goes (the FIFO stays).
        for entry in std::fs::read_dir(zone.join("out"))
            .into_iter()
            .flatten()
            .flatten()
        {
            if entry.file_name() != "f" {
                let path = entry.path();
                let _ = std::fs::remove_dir_all(&path).or_else(|_| std::fs::remove_file(&path));
            }
        }
        let _ = std::io::stdout().flush();
        if took > Duration::from_secs(3) {
            return Err(format!("took {took:?} under a 1 s wall clock"));
        }
        if peak > allowed {
            return Err(format!("peak {peak:.0} MiB > {allowed:.0} MiB"));
        }
        Ok(match output {
            Ok(output) => format!("{} {:?}", output.exit_code, output.limit),
            Err(error) => format!(
                "error {}",
                error.to_string().chars().take(30).collect::<String>()
            ),
        })
    }
}
