//! fold: wrap lines to a width (-w N, -b counts bytes, -s breaks at blanks).

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, for_each_line, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(args::expand_numeric_shorthand(argv, "-w"));
    let mut width = 80usize;
    let mut at_spaces = false;
    let mut count_bytes = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('w') | Arg::Long("width") => {
                let text = args::value_text(&mut parser)?;
                width = text.parse().ok().filter(|&w| w > 0).ok_or_else(|| {
                    ToolError::operand(format!("invalid number of columns: '{text}'"))
                })?;
            }
            Arg::Short('s') | Arg::Long("spaces") => at_spaces = true,
            Arg::Short('b') | Arg::Long("bytes") => count_bytes = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    each_input(tool, files, |_, input| {
        for_each_line(input, |line| {
            out(&fold_line(line, width, count_bytes, at_spaces))
        })
    })
}

/// Where a character leaves the column, as GNU fold counts it (tabs to the next multiple of 8).
fn advance(column: usize, byte: u8, count_bytes: bool) -> usize {
    if count_bytes {
        return column + 1;
    }
    match byte {
        b'\t' => (column / 8 + 1) * 8,
        b'\x08' => column.saturating_sub(1),
        b'\r' => 0,
        _ => column + 1,
    }
}

/// GNU fold's algorithm: break before the character that would pass the width, at the last
/// blank of the pending segment when -s asks for it.
fn fold_line(line: &[u8], width: usize, count_bytes: bool, at_spaces: bool) -> Vec<u8> {
    let mut folded = Vec::with_capacity(line.len() + 8);
    let mut pending: Vec<u8> = Vec::new();
    let mut column = 0;
    for &byte in line {
        if byte == b'\n' {
            folded.extend_from_slice(&pending);
            folded.push(b'\n');
            pending.clear();
            column = 0;
            continue;
        }
        let next = advance(column, byte, count_bytes);
        if next > width {
            let blank = if at_spaces {
                pending.iter().rposition(|&b| b == b' ' || b == b'\t')
            } else {
                None
            };
            match blank {
                Some(at) => {
                    folded.extend_from_slice(&pending[..=at]);
                    folded.push(b'\n');
                    pending.drain(..=at);
                    column = pending.iter().fold(0, |c, &b| advance(c, b, count_bytes));
                }
                None if !pending.is_empty() => {
                    folded.extend_from_slice(&pending);
                    folded.push(b'\n');
                    pending.clear();
                    column = 0;
                }
                None => {}
            }
            column = advance(column, byte, count_bytes);
        } else {
            column = next;
        }
        pending.push(byte);
    }
    folded.extend_from_slice(&pending);
    folded
}
