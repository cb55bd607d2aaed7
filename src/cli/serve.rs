//! `zonebox serve`: the JSON-RPC server (newline-delimited JSON-RPC 2.0) on stdio, or on a
//! Unix socket with `--socket PATH`. Only protocol goes to stdout.

use super::{PolicyChoice, progress};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use zonebox::server::{Server, ServerOptions};

#[derive(clap::Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    policy: PolicyChoice,
    /// Listen on this Unix socket (made 0600) instead of stdio; each connection has its own
    /// sessions, and every connection shares the warm instances and containers.
    #[arg(long, value_name = "PATH")]
    socket: Option<PathBuf>,
    /// Sessions held at once, over every connection.
    #[arg(long, value_name = "N", default_value_t = ServerOptions::default().max_sessions)]
    max_sessions: usize,
    /// Seconds a session may run nothing before it is closed (its scratch zones deleted).
    #[arg(long, value_name = "SECS", default_value_t = ServerOptions::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// The longest message read, in bytes; a longer one is skipped with an error.
    #[arg(long, value_name = "BYTES", default_value_t = ServerOptions::default().max_message_bytes)]
    max_message_bytes: usize,
}

/// Logs go to stderr (stdout carries only the protocol), filtered as `ZONEBOX_LOG` says
/// (tracing's filter syntax; by default `zonebox=info,warn`; `zonebox=debug` shows every run).
fn start_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ZONEBOX_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("zonebox=info,warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

pub(crate) fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    start_logging();
    let policy = args.policy.load()?;
    if args.max_sessions == 0 {
        anyhow::bail!("--max-sessions must be at least 1");
    }
    let options = ServerOptions {
        max_sessions: args.max_sessions,
        idle_timeout: Duration::from_secs(args.idle_timeout.max(1)),
        max_message_bytes: args.max_message_bytes.max(1024),
        ..ServerOptions::default()
    };
    let sandbox = progress::sandbox(policy)?;
    let server = Arc::new(Server::new(sandbox, options));
    match &args.socket {
        Some(path) => server.serve_unix(path)?,
        None => server.serve(std::io::stdin().lock(), std::io::stdout()),
    }
    Ok(ExitCode::SUCCESS)
}
