//! The host-side interpreter: runs a parsed line's lists, pipelines, compound commands and
//! builtins itself, and each toolset command as a wasm instance, every effect inside the zones.

mod arith;
mod brace;
mod budget;
mod builtins;
mod exec;
mod expand;
mod find_exec;
mod pattern;
mod redirect;
mod state;
mod test_expr;
mod xargs;
mod zonefs;

pub(crate) use brace::brace_expand;
pub(crate) use budget::{Budget, string_cost};
pub(crate) use builtins::BUILTINS;
pub(crate) use exec::{Interp, Unwind, is_tool};
pub(crate) use expand::{Escaped, ansi_c, escape};
pub(crate) use redirect::Fds;
pub(crate) use state::ShellState;
pub(crate) use zonefs::ZoneFs;
