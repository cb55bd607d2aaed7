//! dirname: strip the last component from names (-z).

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut terminator = b'\n';
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('z') | Arg::Long("zero") => terminator = 0,
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    for name in &names {
        out(dir_name(name).as_bytes())?;
        out(&[terminator])?;
    }
    Ok(0)
}

fn dir_name(name: &str) -> &str {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() {
        return if name.starts_with('/') { "/" } else { "." };
    }
    match trimmed.rfind('/') {
        None => ".",
        Some(at) => {
            let parent = trimmed[..at].trim_end_matches('/');
            if parent.is_empty() { "/" } else { parent }
        }
    }
}
