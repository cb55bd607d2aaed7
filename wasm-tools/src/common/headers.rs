//! What head and tail share: their options, `==> name <==` headers, and the per-file loop.

use super::args::{self, Arg};
use super::count::{self, Count};
use super::io::{self, inputs_or_stdin, open_input, out, warn};
use super::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::BufRead;

/// What to take from each input.
#[derive(Debug, Clone, Copy)]
pub enum Unit {
    Lines(Count),
    Bytes(Count),
}

pub struct Options {
    pub unit: Unit,
    pub zero_terminated: bool,
    pub files: Vec<String>,
    headers: Option<bool>,
}

/// Parses `-n`, `-c`, `-q`, `-v`, `-z` (and `-NUM`) shared by head and tail; `is_known` vets the
/// rest (it may refuse an option with its own error).
pub fn parse(
    argv: Vec<OsString>,
    is_known: &dyn Fn(&Arg<'_>) -> Result<bool, ToolError>,
) -> Result<Options, ToolError> {
    let mut parser = args::parser(args::expand_numeric_shorthand(argv, "-n"));
    let mut options = Options {
        unit: Unit::Lines(Count {
            marked: false,
            amount: 10,
        }),
        zero_terminated: false,
        files: Vec::new(),
        headers: None,
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('n') | Arg::Long("lines") => {
                options.unit = Unit::Lines(count::parse(&args::value_text(&mut parser)?, "lines")?)
            }
            Arg::Short('c') | Arg::Long("bytes") => {
                options.unit = Unit::Bytes(count::parse(&args::value_text(&mut parser)?, "bytes")?)
            }
            Arg::Short('q') | Arg::Long("quiet" | "silent") => options.headers = Some(false),
            Arg::Short('v') | Arg::Long("verbose") => options.headers = Some(true),
            Arg::Short('z') | Arg::Long("zero-terminated") => options.zero_terminated = true,
            Arg::Value(value) => options.files.push(args::text(value)),
            other => {
                if !is_known(&other)? {
                    return Err(args::unknown(other));
                }
            }
        }
    }
    Ok(options)
}

impl Options {
    pub fn delimiter(&self) -> u8 {
        if self.zero_terminated { 0 } else { b'\n' }
    }

    /// Runs `each` on every input with headers as GNU prints them; returns the exit status.
    pub fn for_each_input(
        &self,
        tool: &str,
        mut each: impl FnMut(&mut dyn BufRead) -> Result<(), ToolError>,
    ) -> ToolResult {
        let files = inputs_or_stdin(self.files.clone());
        let show_headers = self.headers.unwrap_or(files.len() > 1);
        let mut status = 0;
        let mut printed_header = false;
        for name in &files {
            let mut input = match open_input(name) {
                Ok(input) => input,
                Err(error) => {
                    warn(
                        tool,
                        format!("cannot open '{name}' for reading: {}", io::describe(&error)),
                    );
                    status = 1;
                    continue;
                }
            };
            if show_headers {
                let shown = if name == "-" { "standard input" } else { name };
                let separator = if printed_header { "\n" } else { "" };
                out(format!("{separator}==> {shown} <==\n").as_bytes())?;
                printed_header = true;
            }
            if let Err(error) = each(&mut input) {
                if error.is_broken_pipe() {
                    return Err(error);
                }
                warn(
                    tool,
                    format!(
                        "error reading '{name}': {}",
                        error.message.unwrap_or_default()
                    ),
                );
                status = 1;
            }
        }
        Ok(status)
    }
}
