//! One line's run, as every part that runs it sees it: the limits that can stop it ([`Limit`],
//! [`Stopped`]), the exit statuses it ends with ([`exit`]), its budget of wall clock, CPU fuel
//! and running instances ([`LineBudget`]), and the [`ToolRunner`] the interpreter hands each
//! toolset command to (the wasm backend runs them; tests record them).

mod budget;
pub(crate) mod exit;
mod limit;
pub(crate) mod tool_runner;

pub(crate) use budget::{InstanceSlots, LineBudget};
pub use limit::LimitKind;
pub(crate) use limit::Stopped;
pub(crate) use tool_runner::{ToolCall, ToolOutcome, ToolRunner};
