//! The shell's commands in one table, read by the router and run by the interpreter: the names
//! the shell runs itself (builtins), the toolset's names, and for every command that starts
//! other commands (a wrapper: `env`, `timeout`, `xargs`, `find -exec`, `sh -c`, `sudo`, …) how
//! its arguments name them. The router inspects what a reading finds; the interpreter runs it;
//! both read the arguments through the same functions, so they cannot disagree.

mod arg;
mod find;
mod options;
mod shell;
mod text;
mod tools;
mod xargs;

pub(crate) use arg::{Arg, Refusal};
pub(crate) use find::{FIND_PLACEHOLDER, FindPlan, has_actions};
pub(crate) use options::{Options, Reading};
pub(crate) use shell::{ShellCall, ShellSource};
pub(crate) use text::{after_double_dash, eval_text, source_file, trap_text};
pub(crate) use tools::{TOOL_NAMES, is_tool};
pub(crate) use xargs::{XARGS_DEFAULT, XargsPlan};

/// Who runs a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Runs {
    /// The shell itself, on the host (it changes the shell or starts other commands): the
    /// interpreter's dispatch matches every [`Builtin`], so none is listed and not run.
    Shell(Builtin),
    /// A native program: only a container can run it.
    Native,
}

/// The builtins, as the interpreter dispatches them (several names may share one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    True,
    False,
    /// `test` and `[`.
    Test,
    Alias,
    Break,
    Caller,
    Cd,
    /// `compgen`: completion words.
    Compgen,
    /// `pushd`, `popd`, `dirs`: the directory stack.
    Pushd,
    Popd,
    Dirs,
    Continue,
    /// `declare`, `typeset`, `readonly`.
    Declare,
    Exit,
    Export,
    Getopts,
    Let,
    Local,
    /// `printf -v NAME`; plain `printf` is the toolset's.
    Printf,
    Pwd,
    Read,
    /// `mapfile`, `readarray`.
    Mapfile,
    Return,
    Set,
    Shift,
    Shopt,
    Type,
    Unalias,
    Unset,
    Wait,
    /// `source`, `.`.
    Source,
    Eval,
    Trap,
    /// `sh`, `bash`.
    Shell,
    /// `env CMD…`; `env` alone (or with options of its own) is the toolset's.
    Env,
    Timeout,
    /// `nice`, `nohup`: run their command.
    Wrapper,
    /// `builtin NAME ARGS…`: runs the builtin named.
    Named,
    Command,
    Exec,
    Xargs,
    /// `find` with `-exec`-style actions; without them the toolset's.
    Find,
}

/// How a command's arguments start other commands.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Starts {
    /// Nothing: its arguments are data.
    Nothing,
    /// Options as the program reads them ([`Options`]), then a command or shell text.
    AfterOptions(&'static Options),
    /// A shell: `-c TEXT`, a script file, or standard input ([`ShellCall`]).
    Shell,
    /// Its arguments joined into text for this shell (`eval`).
    Eval,
    /// A script file read into this shell (`source`, `.`).
    Source,
    /// Text this shell runs later (`trap TEXT SIGNAL…`).
    Trap,
    /// Commands built from its input ([`XargsPlan`]).
    Xargs,
    /// Commands for the files it finds ([`FindPlan`]); without an action it is the toolset's.
    FindExec,
}

/// One command of the table.
#[derive(Debug)]
pub(crate) struct Command {
    pub(crate) name: &'static str,
    pub(crate) runs: Runs,
    pub(crate) starts: Starts,
}

const fn shell(name: &'static str, builtin: Builtin, starts: Starts) -> Command {
    Command {
        name,
        runs: Runs::Shell(builtin),
        starts,
    }
}

const fn native(name: &'static str, starts: Starts) -> Command {
    Command {
        name,
        runs: Runs::Native,
        starts,
    }
}

const fn after(options: &'static Options) -> Starts {
    Starts::AfterOptions(options)
}

/// Every command the shell or the router knows by name, apart from the toolset's. A new
/// wrapper needs a case in the router's agreement test (`src/router/agreement.rs`).
pub(crate) const COMMANDS: &[Command] = &[
    // Builtins that start nothing.
    shell(":", Builtin::True, Starts::Nothing),
    shell("[", Builtin::Test, Starts::Nothing),
    shell("alias", Builtin::Alias, Starts::Nothing),
    shell("break", Builtin::Break, Starts::Nothing),
    shell("caller", Builtin::Caller, Starts::Nothing),
    shell("cd", Builtin::Cd, Starts::Nothing),
    shell("compgen", Builtin::Compgen, Starts::Nothing),
    shell("continue", Builtin::Continue, Starts::Nothing),
    shell("declare", Builtin::Declare, Starts::Nothing),
    shell("dirs", Builtin::Dirs, Starts::Nothing),
    shell("exit", Builtin::Exit, Starts::Nothing),
    shell("export", Builtin::Export, Starts::Nothing),
    shell("false", Builtin::False, Starts::Nothing),
    shell("getopts", Builtin::Getopts, Starts::Nothing),
    shell("let", Builtin::Let, Starts::Nothing),
    shell("local", Builtin::Local, Starts::Nothing),
    shell("popd", Builtin::Popd, Starts::Nothing),
    shell("printf", Builtin::Printf, Starts::Nothing),
    shell("pushd", Builtin::Pushd, Starts::Nothing),
    shell("pwd", Builtin::Pwd, Starts::Nothing),
    shell("read", Builtin::Read, Starts::Nothing),
    shell("mapfile", Builtin::Mapfile, Starts::Nothing),
    shell("readarray", Builtin::Mapfile, Starts::Nothing),
    shell("readonly", Builtin::Declare, Starts::Nothing),
    shell("return", Builtin::Return, Starts::Nothing),
    shell("set", Builtin::Set, Starts::Nothing),
    shell("shift", Builtin::Shift, Starts::Nothing),
    shell("shopt", Builtin::Shopt, Starts::Nothing),
    shell("test", Builtin::Test, Starts::Nothing),
    shell("true", Builtin::True, Starts::Nothing),
    shell("type", Builtin::Type, Starts::Nothing),
    shell("typeset", Builtin::Declare, Starts::Nothing),
    shell("unalias", Builtin::Unalias, Starts::Nothing),
    shell("unset", Builtin::Unset, Starts::Nothing),
    shell("wait", Builtin::Wait, Starts::Nothing),
    // Builtins that start other commands.
    shell(".", Builtin::Source, Starts::Source),
    shell("source", Builtin::Source, Starts::Source),
    shell("eval", Builtin::Eval, Starts::Eval),
    shell("trap", Builtin::Trap, Starts::Trap),
    shell("sh", Builtin::Shell, Starts::Shell),
    shell("bash", Builtin::Shell, Starts::Shell),
    shell("env", Builtin::Env, after(&options::ENV)),
    shell("timeout", Builtin::Timeout, after(&options::TIMEOUT)),
    shell("nice", Builtin::Wrapper, after(&options::NICE)),
    shell("nohup", Builtin::Wrapper, after(&options::PLAIN)),
    shell("builtin", Builtin::Named, after(&options::PLAIN)),
    shell("command", Builtin::Command, after(&options::COMMAND)),
    shell("exec", Builtin::Exec, after(&options::EXEC)),
    shell("xargs", Builtin::Xargs, Starts::Xargs),
    shell("find", Builtin::Find, Starts::FindExec),
    // Native programs that start other commands: the router follows them to what they start.
    native("dash", Starts::Shell),
    native("ash", Starts::Shell),
    native("ksh", Starts::Shell),
    native("mksh", Starts::Shell),
    native("zsh", Starts::Shell),
    native("posh", Starts::Shell),
    native("yash", Starts::Shell),
    native("time", after(&options::TIME)),
    native("unbuffer", after(&options::PLAIN)),
    native("setsid", after(&options::PLAIN)),
    native("sudo", after(&options::SUDO)),
    native("doas", after(&options::DOAS)),
    native("su", after(&options::SU)),
    native("runuser", after(&options::SU)),
    native("stdbuf", after(&options::STDBUF)),
    native("ionice", after(&options::IONICE)),
    native("taskset", after(&options::TASKSET)),
    native("chrt", after(&options::CHRT)),
    native("flock", after(&options::FLOCK)),
    native("watch", after(&options::WATCH)),
    native("strace", after(&options::TRACE)),
    native("ltrace", after(&options::TRACE)),
    native("busybox", after(&options::PLAIN)),
];

/// The table's entry for `name`.
pub(crate) fn lookup(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|command| command.name == name)
}

/// The builtin `name` names, if it names one.
pub(crate) fn builtin(name: &str) -> Option<Builtin> {
    match lookup(name)?.runs {
        Runs::Shell(builtin) => Some(builtin),
        Runs::Native => None,
    }
}

/// Whether the shell runs `name` itself.
pub(crate) fn is_builtin(name: &str) -> bool {
    builtin(name).is_some()
}

/// How `name`'s arguments start other commands (`None` for a command that is not in the table).
pub(crate) fn starts(name: &str) -> Option<Starts> {
    lookup(name)
        .map(|command| command.starts)
        .filter(|starts| !matches!(starts, Starts::Nothing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_in_the_table_once_and_no_native_wrapper_is_a_tool() {
        for (i, command) in COMMANDS.iter().enumerate() {
            assert!(
                COMMANDS[i + 1..].iter().all(|c| c.name != command.name),
                "{} twice",
                command.name
            );
            if command.runs == Runs::Native {
                assert!(!is_tool(command.name), "{} is a tool", command.name);
            }
        }
        assert!(is_builtin("xargs") && is_builtin(".") && !is_builtin("sudo"));
        assert!(starts("cd").is_none() && starts("sudo").is_some());
    }
}
