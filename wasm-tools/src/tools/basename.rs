//! basename: strip directories (and a suffix) from names (-a, -s SUFFIX, -z).

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut multiple = false;
    let mut suffix: Option<String> = None;
    let mut terminator = b'\n';
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('a') | Arg::Long("multiple") => multiple = true,
            Arg::Short('s') | Arg::Long("suffix") => {
                suffix = Some(args::value_text(&mut parser)?);
                multiple = true;
            }
            Arg::Short('z') | Arg::Long("zero") => terminator = 0,
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    if !multiple {
        match names.len() {
            1 => {}
            2 => suffix = names.pop(),
            _ => return Err(ToolError::operand(format!("extra operand '{}'", names[2]))),
        }
    }
    for name in &names {
        let mut base = base_name(name).to_string();
        if let Some(suffix) = &suffix
            && base.len() > suffix.len()
            && base.ends_with(suffix.as_str())
        {
            base.truncate(base.len() - suffix.len());
        }
        out(base.as_bytes())?;
        out(&[terminator])?;
    }
    Ok(0)
}

/// The last component, trailing slashes ignored; `/` for a name of only slashes.
pub fn base_name(name: &str) -> &str {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() {
        return if name.is_empty() { "" } else { "/" };
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}
