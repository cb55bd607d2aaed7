//! Command-line interface: argument definitions and dispatch. Exit codes: the command's own
//! status for `run`; 2 for a bad flag, policy or command line; 125 when zonebox itself fails.

mod out;
mod policy_cmd;
mod progress;
mod route;
mod run;
mod serve;
mod shell;
mod tools;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use zonebox::{Policy, PolicyOverrides};

/// Exit status for a bad flag, policy or command line.
pub(crate) const EXIT_USAGE: u8 = 2;
/// Exit status when zonebox itself fails (not the command).
pub(crate) const EXIT_INTERNAL: u8 = 125;

#[derive(Parser)]
#[command(
    name = "zonebox",
    version,
    about = "Run shell commands in a WebAssembly sandbox confined to policy zones"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a command line under a policy; exits with the command's own status.
    Run(run::RunArgs),
    /// Where a command line would run (wasm, container or deny) and why; runs nothing.
    /// Exits 0 for wasm or container, 3 for deny.
    Route(route::RouteArgs),
    /// A shell session: lines from stdin (a prompt on a terminal) keep cwd, variables,
    /// functions and $? between them; exits with the last line's status.
    Shell(shell::ShellArgs),
    /// A long-lived JSON-RPC server (one message a line) on stdio or a Unix socket: sessions,
    /// runs, routes and files, with warm instances and containers across calls.
    Serve(serve::ServeArgs),
    /// Work with policy files.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// List the toolset's commands, one a line.
    Tools(tools::ToolsArgs),
}

/// The policy a command works under: `--policy FILE`, else the bundled default, then the flags.
#[derive(clap::Args)]
pub(crate) struct PolicyChoice {
    /// Policy file (TOML); without it the bundled default policy is used.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    #[command(flatten)]
    overrides: PolicyOverrides,
}

impl PolicyChoice {
    pub(crate) fn load(&self) -> anyhow::Result<Policy> {
        let base_dir = std::env::current_dir()?;
        let policy = match &self.policy {
            Some(path) => Policy::from_file_with(path, &self.overrides, &base_dir)?,
            None => Policy::from_toml_with(
                zonebox::policy::DEFAULT_POLICY_TOML,
                zonebox::policy::DEFAULT_SOURCE,
                &self.overrides,
                &base_dir,
            )?,
        };
        Ok(policy)
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Shell(args) => shell::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Route(args) => route::run(args),
        Command::Policy(command) => policy_cmd::run(command),
        Command::Tools(args) => tools::run(args),
    };
    result.unwrap_or_else(|error| {
        eprintln!("zonebox: {error:#}");
        ExitCode::from(exit_code_for(&error))
    })
}

/// The refusal of a command line given as several arguments (`zonebox run ls -la`), which
/// would lose its quoting: it must be one argument.
pub(crate) fn one_line_refusal(line: &str, extra: &[String], command: &str) -> Option<ExitCode> {
    if extra.is_empty() {
        return None;
    }
    let joined = std::iter::once(line)
        .chain(extra.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    eprintln!(
        "zonebox: the command line must be one argument; quote it: zonebox {command} '{joined}'"
    );
    Some(ExitCode::from(EXIT_USAGE))
}

/// Bad input exits 2; anything else is zonebox's own failure.
pub(crate) fn exit_code_for(error: &anyhow::Error) -> u8 {
    let usage = error.downcast_ref::<zonebox::PolicyError>().is_some()
        || matches!(
            error.downcast_ref::<zonebox::Error>(),
            Some(zonebox::Error::Policy(_) | zonebox::Error::CommandLine(_))
        );
    if usage { EXIT_USAGE } else { EXIT_INTERNAL }
}
