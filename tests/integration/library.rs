//! The library as an agent embeds it: one sandbox shared by threads, runs isolated from each other.

use crate::support::Host;
use std::sync::Arc;
use zonebox::Sandbox;

#[test]
fn a_sandbox_is_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Sandbox>();
}

#[test]
fn concurrent_runs_are_isolated_from_each_other() {
    let host = Host::new();
    let sandbox = Arc::new(host.sandbox());
    let threads: Vec<_> = (0..4)
        .map(|worker| {
            let sandbox = Arc::clone(&sandbox);
            std::thread::spawn(move || {
                for round in 0..10 {
                    let output = sandbox.run("ls -A /tmp").expect("runs");
                    assert_eq!(
                        output.stdout_text(),
                        "",
                        "worker {worker} round {round}: scratch is private"
                    );
                    let output = sandbox
                        .run(&format!("touch /out/w{worker}-{round}"))
                        .expect("runs");
                    assert_eq!(output.exit_code, 0);
                    let output = sandbox
                        .run(&format!("echo {worker} {round}"))
                        .expect("runs");
                    assert_eq!(output.stdout_text(), format!("{worker} {round}\n"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("worker");
    }
    assert_eq!(std::fs::read_dir(host.out()).unwrap().count(), 40);
}

#[test]
fn errors_at_the_boundary_are_typed() {
    let host = Host::new();
    let sandbox = host.sandbox();
    match sandbox.run("echo a | | cat") {
        Err(zonebox::Error::CommandLine(error)) => assert_eq!(error.position, 9),
        other => panic!("expected a command-line error, got {other:?}"),
    }
    match zonebox::Policy::from_toml("workdir = 1", "inline") {
        Err(error) => assert_eq!(error.problems[0].key, "workdir"),
        Ok(_) => panic!("a bad policy was accepted"),
    }
}
