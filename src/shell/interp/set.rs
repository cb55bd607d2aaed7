//! The `set` and `shopt` builtins: options turned on and off by letter or name, the listings
//! (`set`, `set -o`, `set +o`, `shopt`, `shopt -p`), queries (`shopt -q`) and the positional
//! parameters (`set -- …`), as bash prints and returns them.

use super::declare::declaration_line;
use super::exec::Io;
use super::options::{Family, OptionError, command_line, letter_option, report_line};
use super::state::{ShellState, Value};
use super::transform::quoted;

/// Sets one option by name, reporting a name the family does not have or an option the shell
/// does not honour; the status `set`/`shopt` return for it.
pub(crate) fn set_option(
    state: &mut ShellState,
    io: &Io,
    builtin: &str,
    family: Family,
    name: &str,
    on: bool,
) -> Result<(), i32> {
    match state.options.set(family, name, on) {
        Ok(()) => Ok(()),
        Err(OptionError::Unknown) => {
            let what = match family {
                Family::Set => "invalid option name",
                Family::Shopt => "invalid shell option name",
            };
            io.report(&format!("sh: {builtin}: {name}: {what}\n"));
            Err(if family == Family::Set { 2 } else { 1 })
        }
        Err(OptionError::NotHonoured) => {
            io.report(&format!(
                "sh: {builtin}: {name}: not supported by the zonebox shell\n"
            ));
            Err(1)
        }
    }
}

/// `set [-+abCefhmnuvx] [-+o NAME] [--] [ARG…]`.
pub(crate) async fn set(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    if args.is_empty() {
        let _ = io
            .stdout()
            .write_all(variables_listing(state).as_bytes())
            .await;
        return 0;
    }
    let mut index = 0;
    while index < args.len() {
        let arg = &args[index];
        if arg == "--" {
            state.positional = args[index + 1..].to_vec();
            state.recharge_tables();
            return 0;
        }
        if arg == "-" {
            // `set -`: -x and -v off, and the rest are the positional parameters.
            state.options.xtrace = false;
            let _ = state.options.set(Family::Set, "verbose", false);
            if index + 1 < args.len() {
                state.positional = args[index + 1..].to_vec();
                state.recharge_tables();
            }
            return 0;
        }
        if arg == "+" {
            // A lone `+` is no option and no operand.
            index += 1;
            continue;
        }
        let (on, letters) = match (arg.strip_prefix('-'), arg.strip_prefix('+')) {
            (Some(letters), _) if !letters.is_empty() => (true, letters),
            (_, Some(letters)) if !letters.is_empty() => (false, letters),
            _ => {
                state.positional = args[index..].to_vec();
                state.recharge_tables();
                return 0;
            }
        };
        for letter in letters.chars() {
            let name = match letter {
                'o' => {
                    index += 1;
                    match args.get(index) {
                        Some(name) => name.clone(),
                        None => {
                            let listing: String = state
                                .options
                                .listed(Family::Set)
                                .into_iter()
                                .map(|(name, value)| match on {
                                    true => report_line(name, value),
                                    false => command_line(Family::Set, name, value),
                                })
                                .collect();
                            let _ = io.stdout().write_all(listing.as_bytes()).await;
                            return 0;
                        }
                    }
                }
                letter => match letter_option(letter) {
                    Some(name) => name.to_string(),
                    None => {
                        io.report(&format!("sh: set: -{letter}: invalid option\n"));
                        return 2;
                    }
                },
            };
            if let Err(status) = set_option(state, io, "set", Family::Set, &name, on) {
                return status;
            }
        }
        index += 1;
    }
    0
}

/// `shopt [-pqsuo] [NAME…]`.
pub(crate) async fn shopt(state: &mut ShellState, io: &Io, args: &[String]) -> i32 {
    let (mut set, mut unset, mut print, mut quiet, mut family) =
        (false, false, false, false, Family::Shopt);
    let mut index = 0;
    while let Some(letters) = args
        .get(index)
        .and_then(|a| a.strip_prefix('-'))
        .filter(|l| !l.is_empty())
    {
        index += 1;
        if letters == "-" {
            break;
        }
        for letter in letters.chars() {
            match letter {
                's' => set = true,
                'u' => unset = true,
                'p' => print = true,
                'q' => quiet = true,
                'o' => family = Family::Set,
                other => {
                    io.report(&format!("sh: shopt: -{other}: invalid option\n"));
                    return 2;
                }
            }
        }
    }
    let names = &args[index..];
    if set && unset {
        io.report("sh: shopt: cannot set and unset shell options simultaneously\n");
        return 1;
    }
    if (set || unset) && !names.is_empty() {
        let mut status = 0;
        for name in names {
            if let Err(code) = set_option(state, io, "shopt", family, name, set) {
                status = code.min(1);
            }
        }
        return status;
    }
    let show = |name: &str, on: bool| match print {
        true => command_line(family, name, on),
        false => report_line(name, on),
    };
    let mut out = String::new();
    let mut status = 0;
    if names.is_empty() {
        for (name, on) in state.options.listed(family) {
            if (set && !on) || (unset && on) {
                continue;
            }
            out.push_str(&show(name, on));
        }
    } else {
        for name in names {
            match state.options.get(family, name) {
                Some(on) => {
                    if !on {
                        status = 1;
                    }
                    out.push_str(&show(name, on));
                }
                None => {
                    io.report(&format!("sh: shopt: {name}: invalid shell option name\n"));
                    status = 1;
                }
            }
        }
    }
    if !quiet {
        let _ = io.stdout().write_all(out.as_bytes()).await;
    }
    status
}

/// Bare `set`: every variable as `NAME=VALUE`, sorted, values quoted as bash quotes them.
fn variables_listing(state: &ShellState) -> String {
    let mut names: Vec<&String> = state
        .vars
        .iter()
        .filter(|(_, v)| !v.attributes.unset)
        .map(|(name, _)| name)
        .collect();
    names.sort();
    let mut out = String::new();
    for name in names {
        let Some(variable) = state.vars.get(name) else {
            continue;
        };
        match &*variable.value {
            Value::Scalar(text) => out.push_str(&format!("{name}={}\n", listed_text(text))),
            _ => out.push_str(&declaration_line(name, variable, false)),
        }
    }
    out
}

/// A value as `set` lists it: bare when nothing in it is special to the shell.
fn listed_text(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_/.-:,+=@%^".contains(c);
    if text.chars().all(plain) {
        text.to_string()
    } else {
        quoted(text)
    }
}
