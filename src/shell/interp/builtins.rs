//! Builtins: commands the shell runs itself, on the host, because they change the shell
//! (cd, export, set, read, …) or start other commands (sh -c, eval, source, env, timeout,
//! xargs, command, exec). Which names they are, and how the ones that start commands read
//! their arguments, is the shell's command table ([`crate::shell::commands`]), which the router
//! reads too; everything else is a toolset command.

use super::declare::{Declarer, declare};
use super::exec::{Interp, Io, Status, Unwind, status_of};
use super::options::{Family, letter_option};
use super::set::set_option;
use super::state::{Array, ShellState, Value, element_name, is_name};
use super::type_of::{Report, report_names, type_options};
use crate::line::exit;
use crate::shell::commands::{self, Builtin, Reading, ShellCall, ShellSource, Starts, is_builtin};
use crate::zones::{describe, normalize};
use std::time::Duration;

/// The largest script `source` or `sh FILE` reads.
const MAX_SCRIPT_BYTES: u64 = 1 << 20;

/// Runs `argv` if it names a builtin; `None` when it does not (or, for `env`/`printf` without
/// what makes them the shell's, when the toolset's command should run).
pub(crate) async fn run(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    argv: &[String],
) -> Option<Status> {
    let name = argv[0].as_str();
    let builtin = commands::builtin(name)?;
    let args = &argv[1..];
    let status = match builtin {
        Builtin::True => Ok(0),
        Builtin::False => Ok(1),
        Builtin::Test => Ok(super::test_expr::test(interp, state, io, name, args)),
        Builtin::Cd => Ok(super::dirs::cd(interp, state, io, args).await),
        Builtin::Pushd => Ok(super::dirs::pushd(interp, state, io, args).await),
        Builtin::Popd => Ok(super::dirs::popd(interp, state, io, args).await),
        Builtin::Dirs => Ok(super::dirs::dirs(state, io, args).await),
        Builtin::Pwd => {
            // `pwd -P`: the directory with its symbolic links resolved.
            let physical = args
                .iter()
                .rev()
                .find(|a| matches!(a.as_str(), "-P" | "-L"));
            let cwd = match physical.map(String::as_str) {
                Some("-P") => interp.zones.physical(&state.cwd),
                _ => state.cwd.clone(),
            };
            write(io, &format!("{cwd}\n")).await
        }
        Builtin::Export | Builtin::Declare | Builtin::Local => {
            Ok(declare(state, io, Declarer::of(name), args).await)
        }
        Builtin::Caller => Ok(super::calls::caller(state, io, args).await),
        Builtin::Compgen => interp.compgen(state, io, args).await,
        Builtin::Getopts => Ok(super::getopts::getopts(state, io, args)),
        Builtin::Let => Ok(let_arithmetic(interp, state, io, args)),
        Builtin::Shopt => Ok(super::set::shopt(state, io, args).await),
        Builtin::Unset => {
            let mut status = 0;
            for name in args.iter().filter(|a| !a.starts_with('-')) {
                if args.iter().any(|a| a == "-f") {
                    state.functions.remove(name);
                } else if let Some((array, index)) =
                    element_name(name).filter(|(array, _)| is_name(array))
                {
                    // A declared variable that is no array has only element 0.
                    let scalar = state
                        .declared(array)
                        .is_some_and(|v| matches!(*v.value, Value::Scalar(_)));
                    if scalar {
                        let unquoted = index.trim_matches(['"', '\'']);
                        match super::arith::evaluate_index(unquoted, state) {
                            Ok(0) => state.unset(array),
                            Ok(_) => {
                                io.report(&format!("sh: unset: {array}: not an array variable\n"));
                                status = 1;
                            }
                            Err(message) => io.report(&format!("sh: unset: {message}\n")),
                        }
                        continue;
                    }
                    match super::arith::element_key(state, array, index) {
                        Ok(Some(key)) => state.unset_element(array, &key),
                        // Before the first element (`unset 'a[-9]'`).
                        Ok(None) => {
                            io.report(&format!("sh: unset: [{index}]: bad array subscript\n"));
                            status = 1;
                        }
                        Err(message) => io.report(&format!("sh: unset: {message}\n")),
                    }
                } else if state.attributes(name).readonly {
                    io.report(&format!(
                        "sh: unset: {name}: cannot unset: readonly variable\n"
                    ));
                    status = 1;
                } else if state.declared(name).is_none()
                    && !args.iter().any(|a| a == "-v")
                    && state.functions.remove(name).is_some()
                {
                    // `unset NAME` with no such variable unsets the function.
                    state.recharge_tables();
                } else if args.iter().any(|a| a == "-n") {
                    // `unset -n ref`: the reference itself; a name that is no reference stays.
                    if state
                        .own_variable(name)
                        .is_some_and(|v| v.attributes.nameref)
                    {
                        state.unset_own(name);
                    }
                } else if !state.unset_callers_local(name) {
                    state.unset(name);
                }
            }
            Ok(status)
        }
        Builtin::Set => Ok(super::set::set(state, io, args).await),
        Builtin::Shift => {
            let n = args
                .first()
                .and_then(|a| a.parse::<usize>().ok())
                .unwrap_or(1);
            if n > state.positional.len() {
                Ok(1)
            } else {
                state.positional.drain(..n);
                state.recharge_tables();
                Ok(0)
            }
        }
        Builtin::Exit => Err(Unwind::Exit(status_arg(state, io, name, args))),
        Builtin::Return if state.returnable == 0 => {
            io.report("sh: return: can only `return' from a function or sourced script\n");
            Ok(2)
        }
        Builtin::Return => Err(Unwind::Return(status_arg(state, io, name, args))),
        Builtin::Break | Builtin::Continue => loop_control(state, io, name, builtin, args),
        Builtin::Wait => {
            state.jobs.wait().await;
            Ok(0)
        }
        Builtin::Trap => Ok(super::traps::trap(state, io, args).await),
        Builtin::Alias => Ok(alias(state, io, args).await),
        Builtin::Unalias => Ok(unalias(state, io, args)),
        Builtin::Read => interp.read_builtin(state, io, args).await,
        Builtin::Mapfile => mapfile(interp, state, io, args).await,
        Builtin::Eval => {
            // eval's text counts its lines on from the eval's.
            let base = std::mem::replace(&mut state.line_base, state.lineno.saturating_sub(1));
            let status = match commands::eval_text(args) {
                Reading::ShellText(text) => interp.run_text(state, io.clone(), &text).await,
                _ => interp.run_text(state, io.clone(), "").await,
            };
            state.line_base = base;
            status
        }
        Builtin::Source => source(interp, state, io, args).await,
        Builtin::Shell => Ok(sh(interp, state, io, args).await),
        Builtin::Type => match type_options(args) {
            Ok((report, all, functions, names)) => {
                Ok(report_names(state, &interp.zones, io, names, report, all, functions).await)
            }
            Err(message) => {
                io.report(&format!("sh: type: {message}\n"));
                Ok(2)
            }
        },
        Builtin::Command => command(interp, state, io, args).await,
        Builtin::Named => match reading(name, args) {
            Reading::Command { command, .. } if is_builtin(&command[0]) => {
                return Box::pin(run(interp, state, io, command)).await;
            }
            Reading::Command { command, .. } => {
                io.report(&format!(
                    "sh: builtin: {}: not a shell builtin\n",
                    command[0]
                ));
                Ok(1)
            }
            _ => Ok(0),
        },
        Builtin::Exec => match reading(name, args) {
            Reading::Command { command, .. } => {
                match interp.run_argv(state, io, command.to_vec()).await {
                    Ok(status) => Err(Unwind::Exit(status)),
                    Err(unwind) => Err(unwind),
                }
            }
            _ => Ok(0),
        },
        Builtin::Wrapper => match reading(name, args) {
            Reading::Command { command, .. } => {
                interp
                    .run_without_functions(state, io, command.to_vec())
                    .await
            }
            _ => Ok(0),
        },
        Builtin::Timeout => timeout(interp, state, io, args).await,
        Builtin::Env => return env(interp, state, io, args).await,
        Builtin::Printf if args.first().is_some_and(|a| a == "-v") => {
            printf_to_variable(interp, state, io, args).await
        }
        Builtin::Printf => return None,
        Builtin::Xargs => super::xargs::run(interp, state, io, args).await,
        Builtin::Find if commands::has_actions(args) => {
            super::find_exec::run(interp, state, io, args).await
        }
        Builtin::Find => return None,
    };
    Some(status)
}

/// How the wrapper `name` (`env`, `nice`, `exec`, …) reads `args`: the table's reading, the
/// one the router inspects.
fn reading<'a>(name: &str, args: &'a [String]) -> Reading<'a, String> {
    match commands::starts(name) {
        Some(Starts::AfterOptions(options)) => options.read(args),
        _ => Reading::Nothing,
    }
}

/// `command [-p] CMD…` runs CMD without functions; `command -v`/`-V NAME…` describes names.
async fn command(interp: &Interp<'_>, state: &mut ShellState, io: &Io, args: &[String]) -> Status {
    match reading("command", args) {
        Reading::Command { command, .. } => {
            interp
                .run_without_functions(state, io, command.to_vec())
                .await
        }
        _ => match args.iter().position(|a| a == "-v" || a == "-V") {
            Some(at) => {
                let report = if args[at] == "-v" {
                    Report::Short
                } else {
                    Report::Sentence
                };
                Ok(report_names(
                    state,
                    &interp.zones,
                    io,
                    &args[at + 1..],
                    report,
                    false,
                    true,
                )
                .await)
            }
            None => Ok(0),
        },
    }
}

/// `alias [NAME[=VALUE]…]`: defines or prints aliases. As in `bash -c`, aliases are kept (for
/// the session and `alias` itself) but never expanded; the router routes their values.
async fn alias(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let quoted =
        |name: &str, value: &str| format!("alias {name}='{}'\n", value.replace('\'', "'\\''"));
    let mut status = 0;
    let mut text = String::new();
    if args.is_empty() || args.iter().all(|a| a == "-p") {
        let mut names: Vec<_> = state.aliases.iter().collect();
        names.sort();
        for (name, value) in names {
            text.push_str(&quoted(name, value));
        }
    }
    for arg in args.iter().filter(|a| *a != "-p") {
        match arg.split_once('=') {
            Some((name, value)) => {
                state.aliases.insert(name.to_string(), value.to_string());
                let line = state.lineno;
                state.new_aliases.retain(|(n, _)| n != name);
                state.new_aliases.push((name.to_string(), line));
                state.recharge_tables();
            }
            None => match state.aliases.get(arg) {
                Some(value) => text.push_str(&quoted(arg, value)),
                None => {
                    io.report(&format!("sh: alias: {arg}: not found\n"));
                    status = 1;
                }
            },
        }
    }
    let _ = io.stdout().write_all(text.as_bytes()).await;
    status
}

/// `unalias [-a] NAME…`.
fn unalias(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let mut status = 0;
    for arg in args {
        if arg == "-a" {
            state.aliases.clear();
        } else if state.aliases.remove(arg).is_none() {
            io.report(&format!("sh: unalias: {arg}: not found\n"));
            status = 1;
        }
    }
    status
}

async fn write(io: &Io, text: &str) -> Status {
    match io.stdout().write_all(text.as_bytes()).await {
        Ok(()) => Ok(0),
        Err(_) => Ok(1),
    }
}

/// `exit [N]` and `return [N]`: N modulo 256, `$?` without it; one that is not a number is
/// status 2, as bash's "numeric argument required".
fn status_arg(state: &ShellState, io: &Io, name: &str, args: &[String]) -> i32 {
    match args.first() {
        None => state.last_status,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                io.report(&format!("sh: {name}: {text}: numeric argument required\n"));
                2
            }
        },
    }
}

/// `break [N]` and `continue [N]`: outside a loop they do nothing (bash says so on stderr);
/// a count that is not a number ends the shell with 128, more than one argument with 1.
fn loop_control(
    state: &ShellState,
    io: &Io,
    name: &str,
    builtin: Builtin,
    args: &[String],
) -> Status {
    if args.len() > 1 {
        io.report(&format!("sh: {name}: too many arguments\n"));
        return Err(Unwind::Exit(1));
    }
    let count = match args.first() {
        None => 1,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 1 => usize::try_from(n).unwrap_or(usize::MAX),
            Ok(n) => {
                io.report(&format!("sh: {name}: {n}: loop count out of range\n"));
                return Ok(1);
            }
            Err(_) => {
                io.report(&format!("sh: {name}: {text}: numeric argument required\n"));
                return Err(Unwind::Exit(128));
            }
        },
    };
    if state.loops == 0 {
        io.report(&format!(
            "sh: {name}: only meaningful in a `for', `while', or `until' loop\n"
        ));
        return Ok(0);
    }
    let count = count.min(state.loops);
    Err(if builtin == Builtin::Break {
        Unwind::Break(count)
    } else {
        Unwind::Continue(count)
    })
}

/// `let EXPR…`: evaluates each; 1 when the last is 0.
fn let_arithmetic(interp: &Interp<'_>, state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    if args.is_empty() {
        io.report("sh: let: expression expected\n");
        return 1;
    }
    let mut last = 0;
    for expression in args {
        match super::arith::evaluate(expression, state) {
            Ok(value) => last = value,
            Err(message) => {
                if let Err(Unwind::Exit(status)) = interp.check_limits() {
                    return status;
                }
                io.report(&format!("sh: let: {message}\n"));
                return 1;
            }
        }
    }
    i32::from(last == 0)
}

/// `mapfile [-t] [-d DELIM] [-n COUNT] [-s SKIP] [-O ORIGIN] [ARRAY]` (and `readarray`): the
/// lines of standard input as an array (default `MAPFILE`), each with its delimiter unless
/// `-t`; the input held is bounded by the shell memory budget.
async fn mapfile(interp: &Interp<'_>, state: &mut ShellState, io: &Io, args: &[String]) -> Status {
    let mut strip = false;
    let mut delimiter = b'\n';
    let mut count: Option<usize> = None;
    let mut skip = 0usize;
    let mut origin: Option<usize> = None;
    let mut name = "MAPFILE".to_string();
    let mut fd = 0usize;
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        let option = arg.as_str();
        if matches!(option, "-n" | "-s" | "-O" | "-u") {
            index += 1;
            let Some(n) = args.get(index).and_then(|n| n.parse::<usize>().ok()) else {
                io.report(&format!(
                    "sh: mapfile: {}: invalid number\n",
                    args.get(index).map_or("", String::as_str)
                ));
                return Ok(1);
            };
            match option {
                "-n" => count = (n > 0).then_some(n),
                "-s" => skip = n,
                "-u" => fd = n,
                _ => origin = Some(n),
            }
            index += 1;
            continue;
        }
        match option {
            "-t" => strip = true,
            "-d" => {
                index += 1;
                delimiter = args.get(index).and_then(|d| d.bytes().next()).unwrap_or(0);
            }
            "-C" | "-c" => {
                io.report(&format!(
                    "sh: mapfile: {option}: not supported by the zonebox shell\n"
                ));
                return Ok(2);
            }
            other if other.starts_with('-') && other.len() > 1 => {
                io.report(&format!("sh: mapfile: {other}: invalid option\n"));
                return Ok(2);
            }
            other => {
                if !is_name(other) {
                    io.report(&format!("sh: mapfile: `{other}': not a valid identifier\n"));
                    return Ok(1);
                }
                name = other.to_string();
            }
        }
        index += 1;
    }
    // The input and the array made of it are values of the shell: within the budget.
    let room = interp.budget.available() / 3;
    let Some(input) = io.input_at(fd) else {
        io.report(&format!(
            "sh: mapfile: {fd}: invalid file descriptor: Bad file descriptor\n"
        ));
        return Ok(1);
    };
    let input = input.read_up_to(room.saturating_add(1)).await;
    if input.len() > room {
        return Err(interp.out_of_memory());
    }
    let mut items = match origin {
        Some(_) => state.get(&name).map(Value::to_array).unwrap_or_default(),
        None => Array::default(),
    };
    let pieces = input
        .split_inclusive(|&b| b == delimiter)
        .skip(skip)
        .take(count.unwrap_or(usize::MAX));
    for (at, piece) in (origin.unwrap_or(0)..).zip(pieces) {
        interp.check_limits()?;
        let piece = if strip {
            piece.strip_suffix(&[delimiter]).unwrap_or(piece)
        } else {
            piece
        };
        items.set(at, String::from_utf8_lossy(piece).into_owned());
    }
    state.set(&name, Value::Array(items));
    Ok(0)
}

async fn source(interp: &Interp<'_>, state: &mut ShellState, io: &Io, args: &[String]) -> Status {
    let args = commands::after_double_dash(args);
    let Some(path) = args.first() else {
        io.report("sh: source: filename argument required\n");
        return Ok(2);
    };
    let guest = sourced_file(interp, state, path);
    let text = match interp.zones.read_file(&guest, MAX_SCRIPT_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(error) => {
            io.report(&format!("sh: {path}: {}\n", describe(&error)));
            return Ok(1);
        }
    };
    let saved =
        (args.len() > 1).then(|| std::mem::replace(&mut state.positional, args[1..].to_vec()));
    state.returnable += 1;
    super::calls::push(state, "source", Some(path));
    let base = std::mem::replace(&mut state.line_base, 0);
    let result = interp.run_text(state, io.clone(), &text).await;
    state.line_base = base;
    interp.fire_return(state, io, &result).await;
    super::calls::pop(state);
    state.returnable -= 1;
    if let Some(saved) = saved {
        state.positional = saved;
    }
    match result {
        Err(Unwind::Return(status)) => Ok(status),
        other => other,
    }
}

/// The file `source NAME` reads: a name without `/` is looked for on `$PATH` first (regular
/// files only), then in the working directory, as bash's `sourcepath` does. Where
/// `routing.dynamic` runs no code the router has not read, only the working directory's file
/// is read (the one the router read before the line ran).
fn sourced_file(interp: &Interp<'_>, state: &ShellState, name: &str) -> String {
    let here = normalize(&state.cwd, name);
    if name.contains('/') || interp.policy.routing.dynamic == crate::policy::Fallback::Deny {
        return here;
    }
    let path = state
        .get("PATH")
        .map(|v| v.scalar().to_string())
        .unwrap_or_default();
    path.split(':')
        .map(|dir| {
            normalize(
                &state.cwd,
                &format!("{}/{name}", if dir.is_empty() { "." } else { dir }),
            )
        })
        .find(|candidate| {
            interp
                .zones
                .metadata(candidate, true)
                .is_ok_and(|m| m.is_file())
        })
        .unwrap_or(here)
}

/// bash's own long options (`bash --norc -c …`): how bash starts, nothing the child shell
/// here reads.
const BASH_LONG_OPTIONS: &[&str] = &[
    "norc",
    "noprofile",
    "noediting",
    "login",
    "debugger",
    "dump-strings",
    "dump-po-strings",
    "wordexp",
    "protected",
];

/// `sh -c TEXT [NAME ARGS…]`, `sh FILE [ARGS…]`, `bash -e -c …`: a child shell, run here,
/// its arguments read as the router reads them ([`ShellCall`]).
async fn sh(interp: &Interp<'_>, state: &ShellState, io: &Io, args: &[String]) -> i32 {
    let mut child = state.clone();
    // A shell started without `PWD` in its environment finds its directory physically.
    if state.get("PWD").is_none() {
        let physical = interp.zones.physical(&state.cwd);
        child.cwd = physical;
    }
    child.subshell = false;
    child.functions.clear();
    child.frames.clear();
    child.line_base = 0;
    child.retain_vars(|v| v.exported);
    child.options = Default::default();
    let call = ShellCall::read(args);
    for (setting, on) in call.settings() {
        // `-O NAME` is a shopt option, `-o NAME` and letters are set's; bash's own long
        // options (`--norc`, …) change nothing here.
        let (family, name) = match setting.strip_prefix("O:") {
            Some(name) => (Family::Shopt, name.to_string()),
            None if setting.chars().count() == 1 => {
                let letter = setting.chars().next().unwrap_or('?');
                match letter_option(letter) {
                    Some(name) => (Family::Set, name.to_string()),
                    // -c, -s, -i, -l, -r: how the shell runs, read by ShellCall.
                    None => continue,
                }
            }
            None if BASH_LONG_OPTIONS.contains(&setting.as_str()) => {
                continue;
            }
            None => (Family::Set, setting),
        };
        if let Err(status) = set_option(&mut child, io, "sh", family, &name, on) {
            return status.max(2);
        }
    }
    let text = match call.source {
        ShellSource::Text(text) => {
            if let Some((name, positional)) = call.rest.split_first() {
                child.name = name.clone();
                child.positional = positional.to_vec();
            }
            text.clone()
        }
        ShellSource::File(path) => {
            match interp
                .zones
                .read_file(&normalize(&state.cwd, path), MAX_SCRIPT_BYTES)
            {
                Ok(bytes) => {
                    child.name = path.clone();
                    child.positional = call.rest.to_vec();
                    String::from_utf8_lossy(&bytes).into_owned()
                }
                Err(error) => {
                    io.report(&format!("sh: {path}: {}\n", describe(&error)));
                    return exit::NOT_FOUND;
                }
            }
        }
        ShellSource::Stdin => {
            child.positional = call.rest.to_vec();
            let text = io.stdin().read_up_to(MAX_SCRIPT_BYTES as usize).await;
            String::from_utf8_lossy(&text).into_owned()
        }
        ShellSource::MissingText | ShellSource::Unknown(_) => {
            io.report("sh: -c: option requires an argument\n");
            return 2;
        }
    };
    status_of(interp.run_text(&mut child, io.clone(), &text).await)
}

/// `timeout [-s SIG] [-k DUR] [--preserve-status] DUR CMD…`: 124 when the command overruns.
async fn timeout(interp: &Interp<'_>, state: &mut ShellState, io: &Io, args: &[String]) -> Status {
    let Reading::Command {
        operands, command, ..
    } = reading("timeout", args)
    else {
        io.report("timeout: missing operand\n");
        return Ok(exit::WRAPPER_FAILED);
    };
    let duration = &operands[0];
    let Some(limit) = parse_duration(duration) else {
        io.report(&format!("timeout: invalid time interval '{duration}'\n"));
        return Ok(exit::WRAPPER_FAILED);
    };
    let mut child = state.clone();
    let run = interp.run_without_functions(&mut child, io, command.to_vec());
    if limit.is_zero() {
        return Ok(status_of(run.await));
    }
    match tokio::time::timeout(limit, run).await {
        Ok(status) => Ok(status_of(status)),
        Err(_) => Ok(exit::TIMED_OUT),
    }
}

fn parse_duration(text: &str) -> Option<Duration> {
    let (number, unit) = match text.char_indices().last()? {
        (i, c) if c.is_ascii_alphabetic() => (&text[..i], c),
        _ => (text, 's'),
    };
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite() && *v >= 0.0)?;
    let seconds = match unit {
        's' => value,
        'm' => value * 60.0,
        'h' => value * 3600.0,
        'd' => value * 86400.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds.min(1e9)))
}

/// `env [-i] [-u NAME] [NAME=VALUE…] CMD…`, read as the router reads it: the settings before
/// the command apply to it. Without a command, or with options the shell does not apply
/// (`-C`, `-0`, `-S`, …), the toolset's env runs instead (`None`).
async fn env(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> Option<Status> {
    let Reading::Command {
        before, command, ..
    } = reading("env", args)
    else {
        return None;
    };
    let mut child = state.clone();
    let mut settings = before.iter();
    while let Some(setting) = settings.next() {
        match setting.as_str() {
            "-i" | "--ignore-environment" | "-" => child.retain_vars(|v| !v.exported),
            "-u" | "--unset" => {
                if let Some(name) = settings.next() {
                    child.unset(name);
                }
            }
            "--" => {}
            option if option.starts_with('-') => return None,
            assignment => {
                if let Some((name, value)) = assignment.split_once('=') {
                    child.set_scalar(name, value);
                    child.export(name);
                }
            }
        }
    }
    Some(Ok(status_of(
        interp
            .run_without_functions(&mut child, io, command.to_vec())
            .await,
    )))
}

/// `printf -v NAME FORMAT ARGS…`: the toolset's printf, its output stored in NAME.
async fn printf_to_variable(
    interp: &Interp<'_>,
    state: &mut ShellState,
    io: &Io,
    args: &[String],
) -> Status {
    let Some(name) = args.get(1) else {
        io.report("sh: printf: -v: option requires an argument\n");
        return Ok(2);
    };
    // `-v NAME` or `-v NAME[SUBSCRIPT]`.
    let element = element_name(name).filter(|(array, _)| is_name(array));
    let variable = element.map_or(name.as_str(), |(array, _)| array);
    if !is_name(variable) {
        io.report(&format!("sh: printf: `{name}': not a valid identifier\n"));
        return Ok(2);
    }
    if state.attributes(variable).readonly {
        io.report(&format!("sh: printf: {variable}: readonly variable\n"));
        return Ok(1);
    }
    let limit = interp.line.output_cap();
    let (sub, capture) = io.with_captured_stdout(limit);
    let mut argv = vec!["printf".to_string()];
    argv.extend(args[2..].iter().cloned());
    let status = interp.run_tool(state, &sub, &argv).await;
    let text = capture.text(limit);
    match element {
        Some((array, subscript)) => match super::arith::element_key(state, array, subscript) {
            Ok(Some(key)) => state.set_element(array, key, text, false),
            _ => {
                io.report(&format!("sh: printf: {name}: bad array subscript\n"));
                return Ok(1);
            }
        },
        None => state.set_scalar(name, text),
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1.5"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("x"), None);
    }
}
