//! `zonebox policy check FILE`: validate a policy (with any flag overrides) and print it resolved.

use super::PolicyChoice;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub(crate) enum PolicyCommand {
    /// Validate a policy file and print it resolved (absolute host paths, every limit), or its
    /// errors (exit 2).
    Check {
        /// The policy file.
        file: PathBuf,
        #[command(flatten)]
        overrides: zonebox::PolicyOverrides,
    },
}

pub(crate) fn run(command: PolicyCommand) -> anyhow::Result<ExitCode> {
    let PolicyCommand::Check { file, overrides } = command;
    let choice = PolicyChoice {
        policy: Some(file.clone()),
        overrides,
    };
    let policy = choice.load()?;
    super::out::print(&format!("# {}: valid\n", file.display()))?;
    super::out::print(&policy.to_toml())?;
    Ok(ExitCode::SUCCESS)
}
