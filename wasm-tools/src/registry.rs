//! The dispatch table: every tool of the toolset, by name, made from `tool_list.rs` (adding a
//! tool is one line there; zonebox's shell and router read the same list).

use crate::common::ToolMain;
use crate::tools;

/// One command of the toolset.
pub struct Tool {
    pub name: &'static str,
    pub main: ToolMain,
    pub summary: &'static str,
}

macro_rules! tool_list {
    ($($name:literal => $main:path, $summary:literal;)*) => {
        pub const TOOLS: &[Tool] = &[$(Tool { name: $name, main: $main, summary: $summary }),*];
    };
}

include!("tool_list.rs");

pub fn find(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|tool| tool.name == name)
}
