//! echo: print arguments separated by spaces (GNU: -n, -e, -E; other words starting with `-` print).

use crate::common::ToolResult;
use crate::common::escape::{EscapeStyle, expand};
use crate::common::io::out;
use std::ffi::OsString;

pub fn main(_tool: &'static str, args: Vec<OsString>) -> ToolResult {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args.iter().map(|a| a.to_string_lossy()).peekable();
    while let Some(word) = words.peek() {
        let flags = word.strip_prefix('-').unwrap_or("");
        if flags.is_empty() || !flags.chars().all(|c| matches!(c, 'n' | 'e' | 'E')) {
            break;
        }
        for flag in flags.chars() {
            match flag {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        words.next();
    }
    let mut line = Vec::new();
    for (index, word) in words.enumerate() {
        if index > 0 {
            line.push(b' ');
        }
        if escapes {
            let expanded = expand(word.as_bytes(), EscapeStyle::Echo);
            line.extend_from_slice(&expanded.bytes);
            if expanded.stop {
                out(&line)?;
                return Ok(0);
            }
        } else {
            line.extend_from_slice(word.as_bytes());
        }
    }
    if newline {
        line.push(b'\n');
    }
    out(&line)?;
    Ok(0)
}
