//! The seam between the interpreter and what runs a toolset command: the interpreter builds a
//! [`ToolCall`] and hands it to a [`ToolRunner`] (the wasm backend in a sandbox; a recording
//! runner in tests, so that shell semantics are tested without wasm).

use super::limit::Stopped;
use crate::stdio::{Input, Output};
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

/// One toolset command to run.
pub(crate) struct ToolCall<'a> {
    /// The command's name (a toolset name, without a directory) and its arguments.
    pub(crate) argv: &'a [String],
    pub(crate) env: &'a [(String, String)],
    /// The guest path it starts in.
    pub(crate) workdir: &'a str,
    pub(crate) stdin: Input,
    pub(crate) stdout: Output,
    pub(crate) stderr: Output,
    /// When the line's wall clock runs out: the command is stopped then.
    pub(crate) deadline: Instant,
    /// The CPU budget left to it (what the line has not spent); `None`: unmetered.
    pub(crate) fuel: Option<u64>,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ToolOutcome {
    pub(crate) exit_code: i32,
    /// Why it was stopped, when a limit or a crash ended it.
    pub(crate) stopped: Option<Stopped>,
    /// Fuel it consumed (0 when unmetered).
    pub(crate) fuel_used: u64,
}

/// The future a [`ToolRunner`] returns: the outcome, or why the command could not start.
pub(crate) type Running<'a> =
    Pin<Box<dyn Future<Output = Result<ToolOutcome, String>> + Send + 'a>>;

/// Runs one toolset command of a line.
pub(crate) trait ToolRunner: Sync {
    fn run<'a>(&'a self, call: ToolCall<'a>) -> Running<'a>;
}
