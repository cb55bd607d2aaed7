//! `zonebox shell`: a session fed line by line from stdin (an interactive prompt on a
//! terminal). The working directory, variables, functions and `$?` carry over between lines;
//! a construct left open (`if`, a quote, a here-document) reads the next lines until it closes.

use super::{PolicyChoice, progress};
use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct ShellArgs {
    #[command(flatten)]
    policy: PolicyChoice,
}

pub(crate) fn run(args: ShellArgs) -> anyhow::Result<ExitCode> {
    let policy = args.policy.load()?;
    let sandbox = progress::sandbox(policy)?;
    let mut session = sandbox.session()?;
    let interactive = std::io::stdin().is_terminal();
    let mut pending = String::new();
    let mut lines = std::io::stdin().lock().lines();
    loop {
        if interactive {
            let prompt = if pending.is_empty() {
                format!("zonebox:{}$ ", session.cwd())
            } else {
                "> ".to_string()
            };
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
        }
        let Some(line) = lines.next() else { break };
        pending.push_str(&line?);
        pending.push('\n');
        if pending.trim().is_empty() {
            pending.clear();
            continue;
        }
        match zonebox::shell::parse(&pending) {
            Err(error) if error.incomplete => continue,
            Err(error) => {
                eprintln!("zonebox: {error}");
                pending.clear();
                continue;
            }
            Ok(_) => {}
        }
        let output = session.run(&pending)?;
        pending.clear();
        // A closed stdout (e.g. `| head`) is not zonebox's failure.
        let _ = std::io::stdout().write_all(&output.stdout);
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().write_all(&output.stderr);
    }
    let last_status = session.last_status();
    drop(session);
    sandbox.close_for_exit();
    if !pending.trim().is_empty() {
        eprintln!(
            "zonebox: the input ended inside an unfinished command: {}",
            pending.trim()
        );
        return Ok(ExitCode::from(super::EXIT_USAGE));
    }
    Ok(ExitCode::from((last_status & 0xff) as u8))
}
