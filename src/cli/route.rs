//! `zonebox route`: where a line would run (wasm, container or deny), every command found with
//! its class and the rule that classified it; nothing runs. Exit 0 for wasm or container, 3
//! for deny, 2 for a line that does not parse.

use super::PolicyChoice;
use std::process::ExitCode;

/// Exit status of `zonebox route` for a denied line.
const EXIT_ROUTE_DENIED: u8 = 3;

#[derive(clap::Args)]
pub(crate) struct RouteArgs {
    #[command(flatten)]
    policy: PolicyChoice,
    /// Print the decision as one JSON object (route, commands with class, route, rule, via,
    /// reason).
    #[arg(long)]
    json: bool,
    /// The command line, as one argument: zonebox route 'python3 x.py | head'
    #[arg(value_name = "COMMAND LINE", allow_hyphen_values = true)]
    line: String,
    /// Refused: the command line must be one argument (quote it).
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    extra: Vec<String>,
}

pub(crate) fn run(args: RouteArgs) -> anyhow::Result<ExitCode> {
    if let Some(refusal) = super::one_line_refusal(&args.line, &args.extra, "route") {
        return Ok(refusal);
    }
    let policy = args.policy.load()?;
    let decision = zonebox::router::route_line(&policy, &args.line)?;
    if args.json {
        super::out::print(&format!("{}\n", serde_json::to_string(&decision)?))?;
    } else {
        super::out::print(&decision.to_string())?;
        if let Some(message) = decision.denial_message() {
            super::out::print(&format!("{message}\n"))?;
        }
    }
    Ok(match decision.route {
        zonebox::Route::Deny => ExitCode::from(EXIT_ROUTE_DENIED),
        zonebox::Route::Wasm | zonebox::Route::Container => ExitCode::SUCCESS,
    })
}
