//! rev: reverse the characters of each line. A NUL byte ends what util-linux's rev sees of a
//! line: the rest of it and its newline are lost, and the line goes on with the next one
//! (`printf 'ab\0x\ncd\n' | rev` prints `dcba`), as util-linux's wide-character reading does.

use crate::common::ToolResult;
use crate::common::args;
use crate::common::io::{each_input, for_each_line, out};
use std::ffi::OsString;

fn reversed(line: &[u8]) -> String {
    String::from_utf8_lossy(line).chars().rev().collect()
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let files = args::operands_only(argv)?;
    each_input(tool, files, |_, input| {
        let mut pending = Vec::new();
        for_each_line(input, |line| {
            let newline = line.last() == Some(&b'\n');
            let body = if newline {
                &line[..line.len() - 1]
            } else {
                line
            };
            if let Some(nul) = body.iter().position(|b| *b == 0) {
                pending.extend_from_slice(&body[..nul]);
                return Ok(());
            }
            pending.extend_from_slice(body);
            if !newline {
                return Ok(());
            }
            let mut text = reversed(&pending);
            text.push('\n');
            pending.clear();
            out(text.as_bytes())
        })?;
        if pending.is_empty() {
            Ok(())
        } else {
            out(reversed(&pending).as_bytes())
        }
    })
}
