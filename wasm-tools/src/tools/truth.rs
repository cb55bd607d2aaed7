//! true and false: exit 0 or 1, whatever the arguments.

use crate::common::ToolResult;
use std::ffi::OsString;

pub fn main_true(_tool: &'static str, _args: Vec<OsString>) -> ToolResult {
    Ok(0)
}

pub fn main_false(_tool: &'static str, _args: Vec<OsString>) -> ToolResult {
    Ok(1)
}
