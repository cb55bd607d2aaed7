//! What every tool shares: the error type with its exit code, and the process set-up.

pub mod args;
pub mod cformat;
pub mod count;
pub mod escape;
pub mod fileinfo;
pub mod fsops;
pub mod glob;
pub mod headers;
pub mod io;
pub mod locale;
pub mod lzw;
pub mod mode_change;
pub mod modes;
pub mod nesting;
pub mod pause;
pub mod posix_regex;
pub mod time;

use std::ffi::{OsStr, OsString};

/// Exit status for a write to a reader that has gone.
pub const BROKEN_PIPE_EXIT: i32 = 1;

/// A tool's entry point: its own name (for messages) and its arguments after `argv[0]`.
pub type ToolMain = fn(&'static str, Vec<OsString>) -> ToolResult;

/// The exit status of a tool that ran to its end, or the error that stopped it.
pub type ToolResult = Result<i32, ToolError>;

/// An error that ends a tool: printed as `tool: message`, then the tool exits with `code`.
#[derive(Debug)]
pub struct ToolError {
    pub code: i32,
    pub message: Option<String>,
}

impl ToolError {
    /// A failure of the tool's work (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        ToolError {
            code: 1,
            message: Some(message.into()),
        }
    }

    /// A missing, extra or malformed operand: GNU coreutils exit 1 for these.
    pub fn operand(message: impl Into<String>) -> Self {
        ToolError::failure(message)
    }

    /// An option the tool does not have or cannot honour (exit 2, as the toolset's contract says).
    pub fn usage(message: impl Into<String>) -> Self {
        ToolError {
            code: 2,
            message: Some(message.into()),
        }
    }

    /// The reader of our output has gone: end quietly. (WASI exit codes stop at 125, so the
    /// host, which knows the reader went away, reports SIGPIPE's 141 where the shell expects it.)
    pub fn broken_pipe() -> Self {
        ToolError {
            code: BROKEN_PIPE_EXIT,
            message: None,
        }
    }

    /// True for [`ToolError::broken_pipe`]: the tool must stop, not go on to its next input.
    pub fn is_broken_pipe(&self) -> bool {
        self.code == BROKEN_PIPE_EXIT && self.message.is_none()
    }
}

impl From<lexopt::Error> for ToolError {
    fn from(error: lexopt::Error) -> Self {
        ToolError::usage(args::describe_lexopt_error(error))
    }
}

impl From<std::io::Error> for ToolError {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            ToolError::broken_pipe()
        } else {
            ToolError::failure(io::describe(&error))
        }
    }
}

/// For tools whose every trouble exits with one status (grep, diff, cmp: 2): the error keeps
/// its message and takes that code.
pub fn trouble_exits_with(code: i32, result: ToolResult) -> ToolResult {
    result.map_err(|error| ToolError {
        code,
        message: error.message,
    })
}

/// Prints the error, if any, and turns the result into the process exit status.
pub fn finish(tool: &str, result: ToolResult) -> i32 {
    // What the tool wrote before it failed still reaches the reader, ahead of the error.
    let flushed = io::flush_stdout();
    let result = result.and_then(|code| flushed.map(|()| code));
    match result {
        Ok(code) => code,
        Err(error) => {
            if let Some(message) = error.message {
                eprintln!("{tool}: {message}");
            }
            error.code
        }
    }
}

/// The host passes the working directory as `PWD`; WASI has no other way to say it.
pub fn enter_working_directory() {
    if let Some(dir) = std::env::var_os("PWD") {
        // A failure leaves the cwd at `/`; tools then report paths as they find them.
        let _ = std::env::set_current_dir(dir);
    }
}

/// The last component of a path given as `argv[0]`.
pub fn basename_of(path: &OsStr) -> String {
    let text = path.to_string_lossy();
    text.rsplit('/').next().unwrap_or_default().to_string()
}
