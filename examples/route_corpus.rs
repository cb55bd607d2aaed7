//! Routes every line of a file of one-liners under a policy and reports how many parse, where
//! they go, why lines are denied, and how long routing takes per line.
//!
//! `cargo run --release --example route_corpus -- CORPUS [POLICY.toml]` (the bundled default
//! policy when no policy is given). One command line per line of CORPUS; blank lines are
//! skipped.

use std::collections::BTreeMap;
use std::time::Instant;
use zonebox::{CommandClass, Policy, Route};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = args
        .next()
        .ok_or("usage: route_corpus CORPUS [POLICY.toml]")?;
    let policy = match args.next() {
        Some(path) => Policy::from_file(path)?,
        None => Policy::default_policy()?,
    };
    let text = std::fs::read_to_string(&corpus)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut routes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut parse_errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut blamed: BTreeMap<String, usize> = BTreeMap::new();
    let mut dynamic_lines = 0;
    let started = Instant::now();
    for line in &lines {
        match zonebox::router::route_line(&policy, line) {
            Ok(decision) => {
                *routes.entry(decision.route.as_str()).or_default() += 1;
                if decision
                    .commands
                    .iter()
                    .any(|c| c.class == CommandClass::Dynamic)
                {
                    dynamic_lines += 1;
                }
                if decision.route == Route::Deny {
                    let denied = decision.denied().map_or("?", |c| c.name.as_str());
                    let key = match decision.denied().map(|c| c.class) {
                        Some(CommandClass::Dynamic) => "(dynamic)".to_string(),
                        _ => denied.to_string(),
                    };
                    *blamed.entry(key).or_default() += 1;
                }
            }
            Err(error) => {
                let message = error.to_string();
                let kind = message.lines().next().unwrap_or_default();
                let kind = kind.split(": ").last().unwrap_or(kind).to_string();
                *parse_errors.entry(kind).or_default() += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    let total = lines.len();
    let parsed: usize = routes.values().sum();
    println!("lines: {total}");
    println!(
        "parsed: {parsed} ({:.1}%), routing time {:.1} µs per line (parse included)",
        100.0 * parsed as f64 / total.max(1) as f64,
        elapsed.as_secs_f64() * 1e6 / total.max(1) as f64
    );
    for (route, count) in &routes {
        println!(
            "  {route:<9} {count:>6} ({:.1}%)",
            100.0 * *count as f64 / total.max(1) as f64
        );
    }
    println!("lines with a name known only at run time: {dynamic_lines}");
    println!("most blamed for denials:");
    let mut blamed: Vec<_> = blamed.into_iter().collect();
    blamed.sort_by_key(|b| std::cmp::Reverse(b.1));
    for (name, count) in blamed.iter().take(25) {
        println!("  {count:>6} {name}");
    }
    println!("parse errors: {}", total - parsed);
    let mut errors: Vec<_> = parse_errors.into_iter().collect();
    errors.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (kind, count) in errors.iter().take(15) {
        println!("  {count:>6} {kind}");
    }
    Ok(())
}
