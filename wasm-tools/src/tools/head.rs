//! head: the first lines or bytes of each input (-n N, -n -N, -c N, -c -N, -q, -v, -z, -NUM).

use crate::common::count::Count;
use crate::common::headers::{self, Unit};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, Read};

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let options = headers::parse(argv, &|_| Ok(false))?;
    let delimiter = options.delimiter();
    options.for_each_input(tool, |input| match options.unit {
        Unit::Lines(Count {
            marked: false,
            amount,
        }) => first_lines(input, amount, delimiter),
        Unit::Lines(Count {
            marked: true,
            amount,
        }) => all_but_last_lines(input, amount, delimiter),
        Unit::Bytes(Count {
            marked: false,
            amount,
        }) => first_bytes(input, amount),
        Unit::Bytes(Count {
            marked: true,
            amount,
        }) => all_but_last_bytes(input, amount),
    })
}

fn first_lines(
    input: &mut dyn BufRead,
    mut remaining: u64,
    delimiter: u8,
) -> Result<(), ToolError> {
    let mut line = Vec::new();
    while remaining > 0 {
        line.clear();
        if input.read_until(delimiter, &mut line)? == 0 {
            break;
        }
        out(&line)?;
        remaining -= 1;
    }
    Ok(())
}

fn all_but_last_lines(
    input: &mut dyn BufRead,
    keep_back: u64,
    delimiter: u8,
) -> Result<(), ToolError> {
    let mut window: VecDeque<Vec<u8>> = VecDeque::new();
    loop {
        let mut line = Vec::new();
        if input.read_until(delimiter, &mut line)? == 0 {
            return Ok(());
        }
        window.push_back(line);
        if window.len() as u64 > keep_back {
            out(&window.pop_front().unwrap_or_default())?;
        }
    }
}

fn first_bytes(input: &mut dyn BufRead, amount: u64) -> Result<(), ToolError> {
    let mut taken = input.take(amount);
    crate::common::io::copy_to_stdout(&mut taken)
}

fn all_but_last_bytes(input: &mut dyn BufRead, keep_back: u64) -> Result<(), ToolError> {
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    let end = data
        .len()
        .saturating_sub(usize::try_from(keep_back).unwrap_or(usize::MAX));
    out(&data[..end])
}
