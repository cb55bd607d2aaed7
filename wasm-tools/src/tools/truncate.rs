//! truncate: set file sizes (-s [+-<>/%]SIZE, -c no-create, -r REFERENCE).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs::OpenOptions;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut size: Option<String> = None;
    let mut reference: Option<u64> = None;
    let mut no_create = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("size") => size = Some(args::value_text(&mut parser)?),
            Arg::Short('c') | Arg::Long("no-create") => no_create = true,
            Arg::Short('o') | Arg::Long("io-blocks") => {
                return Err(ToolError::usage(
                    "option '-o' is not supported: the sandbox has no block sizes",
                ));
            }
            Arg::Short('r') | Arg::Long("reference") => {
                let name = args::value_text(&mut parser)?;
                reference = Some(
                    std::fs::metadata(&name)
                        .map_err(|e| {
                            ToolError::failure(format!("cannot stat '{name}': {}", describe(&e)))
                        })?
                        .len(),
                );
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if size.is_none() && reference.is_none() {
        return Err(ToolError::operand(
            "you must specify either '--size' or '--reference'",
        ));
    }
    if files.is_empty() {
        return Err(ToolError::operand("missing file operand"));
    }
    let (operator, amount) = match &size {
        Some(text) => {
            let (operator, digits) = match text.chars().next() {
                Some(c @ ('+' | '-' | '<' | '>' | '/' | '%')) => (Some(c), &text[1..]),
                _ => (None, text.as_str()),
            };
            let amount = crate::common::count::parse(digits, "bytes")
                .map_err(|_| ToolError::operand(format!("Invalid number: '{text}'")))?
                .amount;
            (operator, amount)
        }
        None => (None, reference.unwrap_or(0)),
    };
    let mut status = 0;
    for name in files {
        let file = OpenOptions::new()
            .write(true)
            .create(!no_create)
            .truncate(false)
            .open(&name);
        let file = match file {
            Ok(file) => file,
            Err(error) if no_create && error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => {
                warn(
                    tool,
                    format!("cannot open '{name}' for writing: {}", describe(&error)),
                );
                status = 1;
                continue;
            }
        };
        let current = file.metadata().map(|m| m.len()).unwrap_or(0);
        let base = match (operator, reference, &size) {
            (_, Some(reference), Some(_)) => reference,
            _ => current,
        };
        let new_size = match operator {
            None => amount,
            Some('+') => base + amount,
            Some('-') => base.saturating_sub(amount),
            Some('<') => base.min(amount),
            Some('>') => base.max(amount),
            Some('/') if amount > 0 => base / amount * amount,
            Some('%') if amount > 0 => base.div_ceil(amount) * amount,
            Some(_) => return Err(ToolError::operand("division by zero")),
        };
        if let Err(error) = file.set_len(new_size) {
            warn(
                tool,
                format!("failed to truncate '{name}': {}", describe(&error)),
            );
            status = 1;
        }
    }
    Ok(status)
}
