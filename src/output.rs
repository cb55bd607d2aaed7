//! What a run returns: the command's output, exit code, which backend ran it, and any limit hit.

use crate::backend::Backend;
use crate::line::LimitKind;
use crate::router::Decision;
use serde::Serialize;
use std::borrow::Cow;
use std::time::Duration;

/// The result of a command that ran (successfully or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Standard output, head and tail kept under `limits.max_output_bytes`.
    pub stdout: Vec<u8>,
    /// Standard error, likewise; a limit that stopped the run adds one line naming it.
    pub stderr: Vec<u8>,
    /// The command's exit status: 124 when the wall clock stopped it, 137 for memory, CPU or
    /// stack or open-files limits, 134 when the program crashed, 127 for a command not found.
    pub exit_code: i32,
    pub backend: Backend,
    pub duration: Duration,
    /// True when stdout or stderr lost bytes to the output limit.
    pub truncated: bool,
    /// The limit that stopped the run, if one did.
    pub limit: Option<LimitKind>,
    /// Where the router sent the line and why (`None` for [`crate::Sandbox::run_wasm`]).
    pub decision: Option<Decision>,
}

impl Output {
    pub fn stdout_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.stdout)
    }

    pub fn stderr_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.stderr)
    }

    pub fn success(&self) -> bool {
        self.exit_code == 0
    }

    /// The run as `zonebox run --json` and the server show it: text streams (invalid UTF-8
    /// replaced), the status, the backend, the time, the limit and the router's decision.
    pub fn report(&self) -> RunReport<'_> {
        RunReport {
            stdout: self.stdout_text(),
            stderr: self.stderr_text(),
            exit_code: self.exit_code,
            backend: self.backend,
            duration_ms: self.duration.as_secs_f64() * 1000.0,
            truncated: self.truncated,
            limit: self.limit,
            decision: self.decision.as_ref(),
        }
    }
}

/// One run's fields as JSON clients read them (see [`Output::report`]).
#[derive(Debug, Serialize)]
pub struct RunReport<'a> {
    pub stdout: Cow<'a, str>,
    pub stderr: Cow<'a, str>,
    pub exit_code: i32,
    pub backend: Backend,
    pub duration_ms: f64,
    pub truncated: bool,
    pub limit: Option<LimitKind>,
    pub decision: Option<&'a Decision>,
}
