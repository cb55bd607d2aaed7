//! tail: the last lines or bytes of each input (-n N, -n +N, -c N, -c +N, -q, -v, -z, -NUM), and
//! -f / -F: then it keeps printing what is appended to the named files until the run's wall-clock
//! limit ends it (the bound every sandboxed run has), as GNU's runs until it is killed.

use crate::common::args::Arg;
use crate::common::count::Count;
use crate::common::headers::{self, Unit};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::cell::Cell;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, Read, Seek, SeekFrom};
use std::time::Duration;

/// How often a followed file is checked for growth.
const FOLLOW_INTERVAL: Duration = Duration::from_millis(200);

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let follow = Cell::new(false);
    let options = headers::parse(argv, &|arg| match arg {
        Arg::Short('f' | 'F') | Arg::Long("follow") => {
            follow.set(true);
            Ok(true)
        }
        _ => Ok(false),
    })?;
    let delimiter = options.delimiter();
    let status = options.for_each_input(tool, |input| match options.unit {
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
    })?;
    // A pipe cannot grow behind us: GNU ignores -f on standard input, and so do we.
    let named: Vec<&String> = options.files.iter().filter(|f| *f != "-").collect();
    if follow.get() && !named.is_empty() {
        follow_files(tool, &named, options.files.len() > 1)?;
    }
    Ok(status)
}

/// Prints what is appended to each file, forever: the run's time limit is what stops it.
fn follow_files(tool: &str, files: &[&String], headers: bool) -> Result<(), ToolError> {
    let mut offsets: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .collect();
    let mut last_shown = Some(files.len() - 1);
    loop {
        crate::common::io::flush_stdout()?;
        crate::common::pause::pause(FOLLOW_INTERVAL);
        for (i, name) in files.iter().enumerate() {
            let Ok(length) = std::fs::metadata(name).map(|m| m.len()) else {
                continue;
            };
            if length < offsets[i] {
                crate::common::io::warn(tool, format!("{name}: file truncated"));
                offsets[i] = 0;
            }
            if length == offsets[i] {
                continue;
            }
            let mut file = std::fs::File::open(name)?;
            file.seek(SeekFrom::Start(offsets[i]))?;
            let mut appended = Vec::new();
            file.take(length - offsets[i]).read_to_end(&mut appended)?;
            if headers && last_shown != Some(i) {
                out(format!("\n==> {name} <==\n").as_bytes())?;
                last_shown = Some(i);
            }
            out(&appended)?;
            offsets[i] = length;
        }
    }
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
