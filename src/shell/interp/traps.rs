//! Traps: `trap [-lp] [[ACTION] CONDITION…]` and when they fire. `EXIT` runs when the shell
//! (or a subshell) ends, `ERR` where a failure would end the shell under `set -e`, `DEBUG`
//! before each simple command, `RETURN` when a function or sourced file ends. A function
//! inherits `ERR` only under `set -E` and `DEBUG`/`RETURN` only under `set -T`, as in bash.
//! Traps on signals are kept and listed but never fire: nothing signals a sandboxed line but
//! its limits.

use super::exec::{Interp, Io, Status, Unwind};
use super::state::ShellState;
use brush_parser::ast::SimpleCommand;

/// The pseudo-signals after the real ones, in bash's listing order.
const DEBUG: u8 = 65;
const ERR: u8 = 66;
const RETURN: u8 = 67;
const EXIT: u8 = 0;

/// Linux's signal names, by number (1–31; 34–64 are the real-time ones).
const SIGNALS: [&str; 31] = [
    "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG",
    "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS",
];

/// The traps set, by condition number, in listing order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Traps {
    actions: Vec<(u8, String)>,
    /// A trap's action is running: no trap fires inside it.
    running: bool,
}

/// The traps a function call put aside (those it does not inherit) and what it started with.
pub(crate) struct CallTraps {
    saved: [Option<String>; 3],
    started: [Option<String>; 3],
}

const CALL_CONDITIONS: [u8; 3] = [ERR, DEBUG, RETURN];

impl Traps {
    fn get(&self, condition: u8) -> Option<&String> {
        self.actions
            .iter()
            .find(|(c, _)| *c == condition)
            .map(|(_, a)| a)
    }

    fn set(&mut self, condition: u8, action: Option<String>) {
        self.actions.retain(|(c, _)| *c != condition);
        if let Some(action) = action {
            let at = self.actions.partition_point(|(c, _)| *c < condition);
            self.actions.insert(at, (condition, action));
        }
    }

    /// What the actions' text costs the shell's tables.
    pub(crate) fn cost(&self) -> usize {
        self.actions
            .iter()
            .map(|(_, action)| super::budget::string_cost(action))
            .sum()
    }

    /// The `EXIT` trap's action, cleared (it runs once).
    pub(crate) fn take_exit(&mut self) -> Option<String> {
        let action = self.get(EXIT).cloned();
        self.set(EXIT, None);
        action.filter(|a| !a.is_empty())
    }

    /// What a subshell starts with: bash resets every trap there but ignored signals, and
    /// `ERR` under `set -E`, `DEBUG` and `RETURN` under `set -T`.
    pub(crate) fn for_subshell(&self, errtrace: bool, functrace: bool) -> Traps {
        let kept = |condition: u8, action: &str| match condition {
            ERR => errtrace,
            DEBUG | RETURN => functrace,
            _ => action.is_empty() && (1..=64).contains(&condition),
        };
        Traps {
            actions: self
                .actions
                .iter()
                .filter(|(c, a)| kept(*c, a))
                .cloned()
                .collect(),
            running: self.running,
        }
    }

    /// Entering a function: puts aside the traps it does not inherit.
    pub(crate) fn enter_function(&mut self, errtrace: bool, functrace: bool) -> CallTraps {
        let saved = CALL_CONDITIONS.map(|c| self.get(c).cloned());
        for (condition, inherited) in CALL_CONDITIONS
            .into_iter()
            .zip([errtrace, functrace, functrace])
        {
            if !inherited {
                self.set(condition, None);
            }
        }
        let started = CALL_CONDITIONS.map(|c| self.get(c).cloned());
        CallTraps { saved, started }
    }

    /// Leaving a function: a trap it set stays set (traps are the shell's); the others come
    /// back as the caller had them.
    pub(crate) fn leave_function(&mut self, call: CallTraps) {
        for (index, condition) in CALL_CONDITIONS.into_iter().enumerate() {
            if self.get(condition) == call.started[index].as_ref() {
                self.set(condition, call.saved[index].clone());
            }
        }
    }

    /// Whether `condition`'s trap would run now: set, not empty (ignored), and no trap
    /// running.
    fn armed(&self, condition: u8) -> bool {
        !self.running && self.get(condition).is_some_and(|a| !a.is_empty())
    }

    fn firing(&self, condition: u8) -> Option<String> {
        self.armed(condition)
            .then(|| self.get(condition).cloned())
            .flatten()
    }
}

/// A condition's number from its name or number (`EXIT`, `0`, `INT`, `SIGINT`, `2`, `ERR`).
fn condition(name: &str) -> Option<u8> {
    if let Ok(number) = name.parse::<u8>() {
        return (number <= 64 && !(32..=33).contains(&number)).then_some(number);
    }
    let upper = name.to_ascii_uppercase();
    match upper.as_str() {
        "EXIT" => return Some(EXIT),
        "DEBUG" => return Some(DEBUG),
        "ERR" => return Some(ERR),
        "RETURN" => return Some(RETURN),
        _ => {}
    }
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    (1..=64u8).find(|&n| signal_name(n).strip_prefix("SIG") == Some(bare))
}

/// bash's name of a condition (`EXIT`, `SIGINT`, `SIGRTMIN+3`, `ERR`).
fn signal_name(number: u8) -> String {
    match number {
        EXIT => "EXIT".to_string(),
        1..=31 => format!("SIG{}", SIGNALS[usize::from(number) - 1]),
        34 => "SIGRTMIN".to_string(),
        35..=49 => format!("SIGRTMIN+{}", number - 34),
        50..=63 => format!("SIGRTMAX-{}", 64 - number),
        64 => "SIGRTMAX".to_string(),
        DEBUG => "DEBUG".to_string(),
        ERR => "ERR".to_string(),
        RETURN => "RETURN".to_string(),
        _ => number.to_string(),
    }
}

/// `trap -l`'s table, five to a line.
fn signal_table() -> String {
    let numbers: Vec<u8> = (1..=64).filter(|n| !(32..=33).contains(n)).collect();
    let mut text = String::new();
    for row in numbers.chunks(5) {
        for number in row {
            text.push_str(&format!("{number:2}) {}\t", signal_name(*number)));
        }
        if row.len() == 5 {
            text.pop();
        }
        text.push('\n');
    }
    text
}

fn listing(number: u8, action: &str) -> String {
    format!(
        "trap -- '{}' {}\n",
        action.replace('\'', "'\\''"),
        signal_name(number)
    )
}

/// The `trap` builtin.
pub(crate) async fn trap(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let mut args = args;
    let mut list = false;
    let mut print = false;
    while let Some(first) = args.first() {
        match first.as_str() {
            "--" => {
                args = &args[1..];
                break;
            }
            "-l" => list = true,
            "-p" => print = true,
            "-lp" | "-pl" => (list, print) = (true, true),
            option if option.starts_with('-') && option.len() > 1 => {
                io.report(&format!("sh: trap: {option}: invalid option\n"));
                io.report("trap: usage: trap [-lp] [[arg] signal_spec ...]\n");
                return 2;
            }
            _ => break,
        }
        args = &args[1..];
    }
    let mut text = String::new();
    let mut status = 0;
    if list {
        text = signal_table();
    } else if print || args.is_empty() {
        if args.is_empty() {
            for (number, action) in &state.traps.actions {
                text.push_str(&listing(*number, action));
            }
        }
        for name in args {
            match condition(name) {
                Some(number) => {
                    if let Some(action) = state.traps.get(number) {
                        text.push_str(&listing(number, action));
                    }
                }
                None => {
                    io.report(&format!("sh: trap: {name}: invalid signal specification\n"));
                    status = 1;
                }
            }
        }
    } else {
        // `trap SIGNAL…` with a signal as the first word resets, as `trap - SIGNAL…`.
        let (action, conditions) = if args.len() == 1
            || (condition(&args[0]).is_some() && args[0].parse::<u8>().is_ok())
        {
            (None, args)
        } else {
            let action = (args[0] != "-").then(|| args[0].clone());
            (action, &args[1..])
        };
        for name in conditions {
            match condition(name) {
                Some(number) => state.traps.set(number, action.clone()),
                None => {
                    io.report(&format!("sh: trap: {name}: invalid signal specification\n"));
                    status = 1;
                }
            }
        }
        state.recharge_tables();
    }
    if !text.is_empty() && io.stdout().write_all(text.as_bytes()).await.is_err() {
        return 1;
    }
    status
}

impl Interp<'_> {
    /// Runs `condition`'s trap, if one is set and none is running, keeping `$?`.
    async fn fire(&self, state: &mut ShellState, io: &Io, condition: u8) {
        let Some(action) = state.traps.firing(condition) else {
            return;
        };
        let status = state.last_status;
        state.traps.running = true;
        let _ = self.run_text(state, io.clone(), &action).await;
        state.traps.running = false;
        state.last_status = status;
    }

    /// A command failed where `set -e` would end the shell.
    pub(crate) async fn fire_err(&self, state: &mut ShellState, io: &Io, status: i32) {
        state.last_status = status;
        self.fire(state, io, ERR).await;
    }

    /// A simple command is about to run (`$BASH_COMMAND` shows it to the trap).
    pub(crate) async fn fire_debug(
        &self,
        state: &mut ShellState,
        io: &Io,
        command: &SimpleCommand,
    ) {
        if state.traps.armed(DEBUG) {
            state.set_scalar("BASH_COMMAND", command.to_string());
            self.fire(state, io, DEBUG).await;
        }
    }

    /// A function's body or a sourced file ended with `result`: unless it was left by `exit`
    /// or a stop, its `RETURN` trap runs, seeing the last command's status as `$?` (a
    /// `return N` does not change it).
    pub(crate) async fn fire_return(&self, state: &mut ShellState, io: &Io, result: &Status) {
        match result {
            Ok(status) => state.last_status = *status,
            Err(Unwind::Return(_)) => {}
            Err(_) => return,
        }
        self.fire(state, io, RETURN).await;
    }

    /// The shell or a subshell ends: its `EXIT` trap runs once.
    pub(crate) async fn fire_exit(&self, state: &mut ShellState, io: &Io) {
        if let Some(action) = state.traps.take_exit() {
            state.traps.running = true;
            let _ = self.run_text(state, io.clone(), &action).await;
            state.traps.running = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_numbers_name_the_same_condition() {
        assert_eq!(condition("INT"), Some(2));
        assert_eq!(condition("sigint"), Some(2));
        assert_eq!(condition("2"), Some(2));
        assert_eq!(condition("0"), Some(EXIT));
        assert_eq!(condition("RTMIN+3"), Some(37));
        assert_eq!(condition("ERR"), Some(ERR));
        assert_eq!(condition("65"), None);
        assert_eq!(condition("NOPE"), None);
    }

    #[test]
    fn the_table_matches_bash() {
        let table = signal_table();
        assert!(
            table.starts_with(" 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t 4) SIGILL\t 5) SIGTRAP\n")
        );
        assert!(table.ends_with("63) SIGRTMAX-1\t64) SIGRTMAX\t\n"));
    }

    #[test]
    fn a_function_keeps_a_trap_it_set_and_gets_back_the_ones_it_did_not_inherit() {
        let mut traps = Traps::default();
        traps.set(ERR, Some("echo err".into()));
        let call = traps.enter_function(false, false);
        assert_eq!(traps.firing(ERR), None);
        traps.set(RETURN, Some("echo ret".into()));
        traps.leave_function(call);
        assert_eq!(traps.firing(ERR).as_deref(), Some("echo err"));
        assert_eq!(traps.firing(RETURN).as_deref(), Some("echo ret"));
    }
}
