//! `zonebox tools`: the toolset's commands, one a line (with `--long`, and what each does).

use super::progress;
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct ToolsArgs {
    /// Also print what each command does.
    #[arg(long, short)]
    long: bool,
}

pub(crate) fn run(args: ToolsArgs) -> anyhow::Result<ExitCode> {
    let sandbox = progress::sandbox(zonebox::Policy::default_policy()?)?;
    for tool in sandbox.tools()? {
        if args.long {
            super::out::print(&format!("{:<10} {}\n", tool.name, tool.summary))?;
        } else {
            super::out::print(&format!("{}\n", tool.name))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
