//! tail: the last lines or bytes of each input (-n N, -n +N, -c N, -c +N, -q, -v, -z, -NUM).
//! Following a growing file (-f) needs a writer running beside it, which arrives with the shell.

use crate::common::args::Arg;
use crate::common::count::Count;
use crate::common::headers::{self, Unit};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, Read};

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let options = headers::parse(argv, &|arg| match arg {
        Arg::Short('f' | 'F') | Arg::Long("follow") => Err(ToolError::usage(
            "option '-f' (follow) is not supported: a sandboxed run has no concurrent writer to follow",
        )),
        _ => Ok(false),
    })?;
    let delimiter = options.delimiter();
    options.for_each_input(tool, |input| match options.unit {
        Unit::Lines(Count {
            marked: false,
            amount,
        }) => last_lines(input, amount, delimiter),
        Unit::Lines(Count {
            marked: true,
            amount,
        }) => from_line(input, amount, delimiter),
        Unit::Bytes(Count {
            marked: false,
            amount,
        }) => last_bytes(input, amount),
        Unit::Bytes(Count {
            marked: true,
            amount,
        }) => from_byte(input, amount),
    })
}

fn last_lines(input: &mut dyn BufRead, amount: u64, delimiter: u8) -> Result<(), ToolError> {
    let mut window: VecDeque<Vec<u8>> = VecDeque::new();
    if amount == 0 {
        std::io::copy(input, &mut std::io::sink())?;
        return Ok(());
    }
    loop {
        let mut line = Vec::new();
        if input.read_until(delimiter, &mut line)? == 0 {
            break;
        }
        if window.len() as u64 == amount {
            window.pop_front();
        }
        window.push_back(line);
    }
    for line in window {
        out(&line)?;
    }
    Ok(())
}

/// `-n +K`: from line K on (K = 0 and 1 both mean the first line).
fn from_line(input: &mut dyn BufRead, start: u64, delimiter: u8) -> Result<(), ToolError> {
    let mut line = Vec::new();
    for _ in 1..start.max(1) {
        line.clear();
        if input.read_until(delimiter, &mut line)? == 0 {
            return Ok(());
        }
    }
    crate::common::io::copy_to_stdout(input)
}

fn last_bytes(input: &mut dyn BufRead, amount: u64) -> Result<(), ToolError> {
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    let start = data
        .len()
        .saturating_sub(usize::try_from(amount).unwrap_or(usize::MAX));
    out(&data[start..])
}

fn from_byte(input: &mut dyn BufRead, start: u64) -> Result<(), ToolError> {
    std::io::copy(
        &mut input.take(start.saturating_sub(1)),
        &mut std::io::sink(),
    )?;
    crate::common::io::copy_to_stdout(input)
}
