//! The host-side interpreter: runs a parsed line's lists, pipelines, compound commands and
//! builtins itself, and hands each toolset command to the line's [`crate::line::ToolRunner`],
//! every effect inside the zones.

mod arith;
mod assign;
mod brace;
mod budget;
mod builtins;
mod calls;
mod compgen;
mod compound;
mod declare;
mod dirs;
mod exec;
mod expand;
mod find_exec;
mod getopts;
mod options;
mod parameter;
mod pattern;
mod process_sub;
mod read;
mod redirect;
mod select;
mod set;
mod simple;
mod state;
mod subscript;
mod test_expr;
mod transform;
mod traps;
mod type_of;
mod xargs;

pub(crate) use brace::brace_expand;
pub(crate) use budget::{Budget, string_cost};
pub(crate) use exec::{Interp, Unwind, status_of};
pub(crate) use expand::{Escaped, ansi_c, escape};
pub(crate) use redirect::Fds;
pub(crate) use state::ShellState;
pub(crate) use state::is_name;
