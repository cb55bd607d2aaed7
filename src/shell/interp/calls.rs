//! Where the running command is: `$LINENO`, and the call stack of functions and sourced files
//! that `FUNCNAME`, `BASH_LINENO`, `BASH_SOURCE` and `caller` show, as in `bash -c` (whose
//! text has no file: a function defined there is from "environment", and there is no `main`).

use super::exec::Io;
use super::state::{Array, ShellState, Value};

/// One function call or sourced file.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    /// The function's name, or `source`.
    name: String,
    /// The line it was called from.
    call_line: usize,
    /// The file its commands come from.
    source: String,
}

impl Frame {
    fn cost(&self) -> usize {
        self.name.len() + self.source.len() + 64
    }
}

/// The stack's cost to the shell's tables.
pub(crate) fn frames_cost(frames: &[Frame]) -> usize {
    frames.iter().map(Frame::cost).sum()
}

/// What the running command's line is, from where it ends in its text (bash's count: a
/// command spread over lines is on its last); `eval` text counts on from the `eval`.
pub(crate) fn set_line(state: &mut ShellState, line_in_text: usize) {
    let line = state.line_base + line_in_text;
    if line != state.lineno {
        state.lineno = line;
        state.set_scalar("LINENO", line.to_string());
    }
}

/// A function (`name`) or sourced file (`source`, from `file`) starts: pushed and shown.
pub(crate) fn push(state: &mut ShellState, name: &str, file: Option<&str>) {
    let source = match file {
        Some(file) => file.to_string(),
        None => state
            .frames
            .last()
            .map_or_else(|| "environment".to_string(), |f| f.source.clone()),
    };
    state.frames.push(Frame {
        name: name.to_string(),
        call_line: state.lineno,
        source,
    });
    publish(state);
}

/// The innermost call ended.
pub(crate) fn pop(state: &mut ShellState) {
    state.frames.pop();
    publish(state);
}

/// Sets `FUNCNAME`, `BASH_LINENO` and `BASH_SOURCE` from the stack, innermost first.
fn publish(state: &mut ShellState) {
    state.recharge_tables();
    if state.frames.is_empty() {
        for name in ["FUNCNAME", "BASH_LINENO", "BASH_SOURCE"] {
            state.unset_own(name);
        }
        return;
    }
    let column = |f: fn(&Frame) -> String| -> Value {
        Value::Array(Array::from_values(
            state.frames.iter().rev().map(f).collect(),
        ))
    };
    let names = column(|f| f.name.clone());
    let lines = column(|f| f.call_line.to_string());
    let sources = column(|f| f.source.clone());
    state.set("FUNCNAME", names);
    state.set("BASH_LINENO", lines);
    state.set("BASH_SOURCE", sources);
}

/// `caller [N]`: `LINE FILE` of the current call, or `LINE FUNCTION FILE` of the Nth caller;
/// 1 where the stack is not that deep.
pub(crate) async fn caller(state: &ShellState, io: &Io, args: &[String]) -> i32 {
    let frames: Vec<&Frame> = state.frames.iter().rev().collect();
    let text = match args.first() {
        None => match frames.first() {
            Some(current) => {
                let file = frames.get(1).map_or("NULL", |f| f.source.as_str());
                format!("{} {file}\n", current.call_line)
            }
            None => return 1,
        },
        Some(arg) => {
            let Ok(n) = arg.parse::<usize>() else {
                io.report(&format!("sh: caller: {arg}: invalid number\n"));
                return 2;
            };
            match (frames.get(n), frames.get(n.saturating_add(1))) {
                (Some(frame), Some(outer)) => {
                    format!("{} {} {}\n", frame.call_line, outer.name, outer.source)
                }
                _ => return 1,
            }
        }
    };
    match io.stdout().write_all(text.as_bytes()).await {
        Ok(()) => 0,
        Err(_) => 1,
    }
}
