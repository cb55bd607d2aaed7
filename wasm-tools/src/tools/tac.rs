//! tac: print inputs with their lines in reverse order (-s SEP, -b).

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut separator = b"\n".to_vec();
    let mut before = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("separator") => {
                separator = args::value_text(&mut parser)?.into_bytes();
                if separator.is_empty() {
                    return Err(ToolError::operand("separator cannot be empty"));
                }
            }
            Arg::Short('b') | Arg::Long("before") => before = true,
            Arg::Short('r') | Arg::Long("regex") => {
                return Err(ToolError::usage(
                    "option '-r' (regex separators) is not supported",
                ));
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    each_input(tool, files, |_, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        for record in split_records(&data, &separator, before).iter().rev() {
            out(record)?;
        }
        Ok(())
    })
}

/// Splits keeping each separator with its record (after it, or before it with -b).
fn split_records<'a>(data: &'a [u8], separator: &[u8], before: bool) -> Vec<&'a [u8]> {
    let mut records = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i + separator.len() <= data.len() {
        if &data[i..i + separator.len()] == separator {
            if before {
                if i > start {
                    records.push(&data[start..i]);
                }
                start = i;
            } else {
                records.push(&data[start..i + separator.len()]);
                start = i + separator.len();
            }
            i += separator.len();
        } else {
            i += 1;
        }
    }
    if start < data.len() {
        records.push(&data[start..]);
    }
    records
}
