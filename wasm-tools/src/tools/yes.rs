//! yes: print a line (the arguments, or `y`) until the reader goes away.

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::io::out;
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut words = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Value(value) => words.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut line = if words.is_empty() {
        "y".to_string()
    } else {
        words.join(" ")
    };
    line.push('\n');
    // Fill a block with whole lines so that each write is large.
    let copies = (16 * 1024 / line.len()).max(1);
    let block = line.repeat(copies);
    loop {
        out(block.as_bytes())?;
    }
}
