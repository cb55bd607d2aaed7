//! unlink and link: the single system calls, one operand each (two for link).

use crate::common::args;
use crate::common::io::describe;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

fn operands(argv: Vec<OsString>, count: usize) -> Result<Vec<String>, ToolError> {
    let operands = args::operands_only(argv)?;
    args::exactly(&operands, count)?;
    Ok(operands)
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
