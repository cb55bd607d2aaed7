//! Wrappers that take options, then a command (`env`, `timeout`, `nice`, `sudo`, `flock`, …):
//! how each reads its options, and the one reading of their arguments that the router inspects
//! and the interpreter runs. Options are skipped as each program reads them, so
//! `timeout -s KILL 5 python3` starts `python3`.

use super::arg::{Arg, known};

/// How one wrapper reads its arguments before the command it starts.
#[derive(Debug)]
pub(crate) struct Options {
    /// Options followed by a value (`-n 5`); the attached form (`-n5`, `--signal=KILL`) is
    /// one argument.
    with_value: &'static [&'static str],
    /// Operands before the command (timeout's duration, flock's file).
    operands: usize,
    /// Options whose value is shell text (`su -c TEXT`, `flock -c TEXT`).
    shell_text: &'static [&'static str],
    /// Options after which nothing runs (`command -v NAME` describes NAME).
    describes: &'static [&'static str],
    /// `NAME=VALUE` arguments before the command are settings, and `-` is an option (env).
    settings: bool,
    /// `-S TEXT` splits TEXT into the command and its arguments (env).
    split_string: bool,
    /// The rest of the arguments are joined into shell text (watch).
    joins_text: bool,
}

const fn options(with_value: &'static [&'static str], operands: usize) -> Options {
    Options {
        with_value,
        operands,
        shell_text: &[],
        describes: &[],
        settings: false,
        split_string: false,
        joins_text: false,
    }
}

pub(super) const PLAIN: Options = options(&[], 0);
pub(super) const ENV: Options = Options {
    settings: true,
    split_string: true,
    ..options(
        &["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
        0,
    )
};
pub(super) const TIMEOUT: Options = options(&["-s", "--signal", "-k", "--kill-after"], 1);
pub(super) const NICE: Options = options(&["-n", "--adjustment"], 0);
pub(super) const COMMAND: Options = Options {
    describes: &["-v", "-V"],
    ..PLAIN
};
pub(super) const EXEC: Options = options(&["-a"], 0);
pub(super) const TIME: Options = options(&["-f", "--format", "-o", "--output"], 0);
pub(super) const SUDO: Options = options(
    &[
        "-u",
        "--user",
        "-g",
        "--group",
        "-C",
        "--close-from",
        "-D",
        "--chdir",
        "-h",
        "--host",
        "-p",
        "--prompt",
        "-r",
        "--role",
        "-t",
        "--type",
        "-U",
        "--other-user",
        "-T",
        "--command-timeout",
    ],
    0,
);
pub(super) const DOAS: Options = options(&["-u", "-C"], 0);
pub(super) const SU: Options = Options {
    shell_text: &["-c", "--command"],
    ..options(&["-s", "--shell", "-g", "--group", "-G", "-w"], 0)
};
pub(super) const STDBUF: Options =
    options(&["-i", "-o", "-e", "--input", "--output", "--error"], 0);
pub(super) const IONICE: Options =
    options(&["-c", "--class", "-n", "--classdata", "-p", "-P", "-u"], 0);
pub(super) const TASKSET: Options = options(&[], 1);
pub(super) const CHRT: Options = options(&["-T", "-P", "-D"], 1);
pub(super) const FLOCK: Options = Options {
    shell_text: &["-c", "--command"],
    ..options(&["-w", "--timeout", "-E", "--conflict-exit-code"], 1)
};
pub(super) const WATCH: Options = Options {
    joins_text: true,
    ..options(&["-n", "--interval", "-d"], 0)
};
pub(super) const TRACE: Options = options(
    &[
        "-o", "-e", "-p", "-s", "-u", "-E", "-a", "-I", "-O", "-P", "-S", "-X", "-b", "-n",
    ],
    0,
);

/// What a wrapper's arguments start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reading<'a, A> {
    /// A command: `before` are the options and settings, `operands` what the wrapper itself
    /// takes (timeout's duration), `command` the command and its arguments (never empty).
    Command {
        before: &'a [A],
        operands: &'a [A],
        command: &'a [A],
    },
    /// Shell text for a new shell (`su -c TEXT`, `env -S TEXT`, `watch`'s joined words).
    ShellText(String),
    /// No command of its own (`env` alone, `command -v NAME`, `timeout 5`).
    Nothing,
    /// An argument known only at run time decides what runs; `what` says which.
    Unknown { arg: &'a A, what: &'static str },
}

impl Options {
    /// Reads `args` (the arguments after the wrapper's name).
    pub(crate) fn read<'a, A: Arg>(&self, args: &'a [A]) -> Reading<'a, A> {
        let mut index = 0;
        while let Some(arg) = args.get(index) {
            let text = match known(arg) {
                Ok(text) => text,
                Err(arg) => {
                    return Reading::Unknown {
                        arg,
                        what: "an argument before the command",
                    };
                }
            };
            if text == "--" {
                index += 1;
                // env's settings go on after `--`; only options end there.
                while self.settings && args.get(index).and_then(Arg::text).is_some_and(is_setting) {
                    index += 1;
                }
                break;
            }
            if self.describes.contains(&text) {
                return Reading::Nothing;
            }
            if self.shell_text.contains(&text) {
                return match args.get(index + 1) {
                    Some(value) => match known(value) {
                        Ok(text) => Reading::ShellText(text.to_string()),
                        Err(arg) => Reading::Unknown {
                            arg,
                            what: "the shell text",
                        },
                    },
                    None => Reading::Nothing,
                };
            }
            if self.split_string
                && let Some(split) = split_string(text, args.get(index + 1))
            {
                return split;
            }
            if self.settings && text == "-" {
                index += 1;
                continue;
            }
            if text.starts_with('-') && text.len() > 1 {
                index += if self.with_value.contains(&text) {
                    2
                } else {
                    1
                };
                continue;
            }
            if self.settings && is_setting(text) {
                index += 1;
                continue;
            }
            break;
        }
        let before = &args[..index.min(args.len())];
        let rest = args.get(index..).unwrap_or_default();
        if rest.len() <= self.operands {
            return Reading::Nothing;
        }
        let (operands, command) = rest.split_at(self.operands);
        if self.joins_text {
            return join(command, "the watched command");
        }
        Reading::Command {
            before,
            operands,
            command,
        }
    }
}

/// `NAME=VALUE`: as GNU env reads its arguments, any word with a `=` before the command.
fn is_setting(text: &str) -> bool {
    text.contains('=')
}

/// `env -S 'CMD ARGS'` (or `--split-string=…`): the string is split into the command and its
/// arguments, as a shell would split it. `None` when `text` is no such option.
fn split_string<'a, A: Arg>(text: &str, next: Option<&'a A>) -> Option<Reading<'a, A>> {
    if let Some(value) = text.strip_prefix("--split-string=") {
        return Some(Reading::ShellText(value.to_string()));
    }
    if !matches!(text, "-S" | "--split-string") {
        return None;
    }
    Some(match next.map(known) {
        Some(Ok(value)) => Reading::ShellText(value.to_string()),
        Some(Err(arg)) => Reading::Unknown {
            arg,
            what: "env -S's string",
        },
        None => Reading::Nothing,
    })
}

/// Arguments joined with spaces into shell text (`eval`, `watch`), when all are known.
pub(crate) fn join<'a, A: Arg>(args: &'a [A], what: &'static str) -> Reading<'a, A> {
    let mut text = Vec::with_capacity(args.len());
    for arg in args {
        match known(arg) {
            Ok(known) => text.push(known),
            Err(arg) => return Reading::Unknown { arg, what },
        }
    }
    if text.is_empty() {
        return Reading::Nothing;
    }
    Reading::ShellText(text.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    fn command(options: &Options, line: &str) -> Option<String> {
        match options.read(&words(line)) {
            Reading::Command { command, .. } => Some(command.join(" ")),
            Reading::ShellText(text) => Some(format!("text: {text}")),
            Reading::Nothing => None,
            Reading::Unknown { what, .. } => Some(format!("unknown: {what}")),
        }
    }

    #[test]
    fn options_are_skipped_as_each_program_reads_them() {
        let python = Some("python3 x".to_string());
        assert_eq!(command(&ENV, "-i A=1 -u B python3 x"), python);
        assert_eq!(command(&ENV, "- A=1 python3 x"), python);
        assert_eq!(command(&ENV, "-- A=1 python3 x"), python);
        assert_eq!(command(&TIMEOUT, "-s KILL 5 python3 x"), python);
        assert_eq!(command(&TIMEOUT, "--signal=KILL 5s python3 x"), python);
        assert_eq!(command(&TIMEOUT, "5"), None);
        assert_eq!(command(&NICE, "-n 5 python3 x"), python);
        assert_eq!(command(&NICE, "-10 -- python3 x"), python);
        assert_eq!(command(&SUDO, "-u root -E python3 x"), python);
        assert_eq!(command(&COMMAND, "-p python3 x"), python);
        assert_eq!(command(&COMMAND, "-v python3"), None);
        assert_eq!(command(&EXEC, "-a name python3 x"), python);
        assert_eq!(
            command(&SU, "-c python3 root"),
            Some("text: python3".into())
        );
        assert_eq!(command(&ENV, "-S python3"), Some("text: python3".into()));
        assert_eq!(command(&WATCH, "-n 1 ls -l"), Some("text: ls -l".into()));
    }
}
