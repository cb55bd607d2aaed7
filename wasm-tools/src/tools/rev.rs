//! rev: reverse the characters of each line.

use crate::common::ToolResult;
use crate::common::args;
use crate::common::io::{each_input, for_each_line, out};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let files = args::operands_only(argv)?;
    each_input(tool, files, |_, input| {
        for_each_line(input, |line| {
            let newline = line.last() == Some(&b'\n');
            let body = String::from_utf8_lossy(if newline {
                &line[..line.len() - 1]
            } else {
                line
            });
            let mut reversed: String = body.chars().rev().collect();
            if newline {
                reversed.push('\n');
            }
            out(reversed.as_bytes())
        })
    })
}
