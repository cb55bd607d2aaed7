//! yes: print a line (the arguments, or `y`) until the reader goes away.

use crate::common::ToolResult;
use crate::common::io::out;
use std::ffi::OsString;

pub fn main(_tool: &'static str, args: Vec<OsString>) -> ToolResult {
    let words: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let args: &[String] = if words.first().is_some_and(|w| w == "--") {
        &words[1..]
    } else {
        &words
    };
    let mut line = if args.is_empty() {
        "y".to_string()
    } else {
        args.join(" ")
    };
    line.push('\n');
    // Fill a block with whole lines so that each write is large.
    let copies = (16 * 1024 / line.len()).max(1);
    let block = line.repeat(copies);
    loop {
        out(block.as_bytes())?;
    }
}
