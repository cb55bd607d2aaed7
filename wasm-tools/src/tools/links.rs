//! unlink and link: the single system calls, one operand each (two for link).

use crate::common::args::{self, Arg};
use crate::common::io::describe;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

fn operands(argv: Vec<OsString>, count: usize) -> Result<Vec<String>, ToolError> {
    let mut parser = args::parser(argv);
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    match operands.len() {
        n if n < count => Err(ToolError::operand(match operands.last() {
            Some(last) => format!("missing operand after '{last}'"),
            None => "missing operand".to_string(),
        })),
        n if n > count => Err(ToolError::operand(format!(
            "extra operand '{}'",
            operands[count]
        ))),
        _ => Ok(operands),
    }
}

pub fn unlink(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let operands = operands(argv, 1)?;
    let path = &operands[0];
    std::fs::remove_file(path)
        .map_err(|e| ToolError::failure(format!("cannot unlink '{path}': {}", describe(&e))))?;
    Ok(0)
}

pub fn link(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let operands = operands(argv, 2)?;
    let (target, name) = (&operands[0], &operands[1]);
    std::fs::hard_link(target, name).map_err(|e| {
        ToolError::failure(format!(
            "cannot create link '{name}' to '{target}': {}",
            describe(&e)
        ))
    })?;
    Ok(0)
}
