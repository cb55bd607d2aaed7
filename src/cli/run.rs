//! `zonebox run`: one command line under a policy; output passes through (or as one JSON object)
//! and zonebox exits with the command's status.

use super::{PolicyChoice, progress};
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    policy: PolicyChoice,
    /// Print one JSON object (stdout, stderr, exit_code, backend, duration_ms, truncated, limit,
    /// decision) instead of passing the output through.
    #[arg(long)]
    json: bool,
    /// Run on this backend whatever the router would choose (a denied line stays denied):
    /// `wasm` or `container`.
    #[arg(long, value_name = "BACKEND", value_parser = ["wasm", "container"])]
    backend: Option<String>,
    /// Give the command zonebox's own standard input (by default it reads an empty input).
    #[arg(long)]
    stdin: bool,
    /// The command line, as one argument: zonebox run 'ls -la /workspace'
    #[arg(value_name = "COMMAND LINE", allow_hyphen_values = true)]
    line: String,
    /// Refused: the command line must be one argument (quote it).
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    extra: Vec<String>,
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if let Some(refusal) = super::one_line_refusal(&args.line, &args.extra, "run") {
        return Ok(refusal);
    }
    let policy = args.policy.load()?;
    let mut stdin = Vec::new();
    if args.stdin {
        std::io::stdin().read_to_end(&mut stdin)?;
    }
    let sandbox = progress::sandbox(policy)?;
    let output = match args.backend.as_deref() {
        Some("container") => sandbox.run_on(zonebox::Backend::Container, &args.line, stdin)?,
        Some(_) => sandbox.run_on(zonebox::Backend::Wasm, &args.line, stdin)?,
        None => sandbox.run_with_stdin(&args.line, stdin)?,
    };
    sandbox.close_for_exit();
    if args.json {
        let json = serde_json::to_string(&output.report())?;
        super::out::print(&format!("{json}\n"))?;
    } else {
        // A closed stdout (e.g. `| head`) is not zonebox's failure: ignore write errors here.
        let _ = std::io::stdout().write_all(&output.stdout);
        let _ = std::io::stderr().write_all(&output.stderr);
    }
    Ok(ExitCode::from(exit_status_byte(output.exit_code)))
}

/// A process exit status is one byte, as the shell sees it.
fn exit_status_byte(code: i32) -> u8 {
    (code & 0xff) as u8
}
