//! xargs' arguments, read once into a plan: the router inspects its command (and which of its
//! words the replace string makes known only at run time), the interpreter runs it. Options are
//! read as GNU's getopt reads them: clustered flags (`-0rt`), values attached or separate
//! (`-n1`, `-n 1`, `--max-args=1`, `--max-args 1`), optional values only attached (`-i{}`,
//! `--replace=R`, `-l2`).

use super::arg::{Arg, Refusal, known};

/// The command xargs runs when it is given none.
pub(crate) const XARGS_DEFAULT: &str = "echo";

/// What xargs will do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct XargsPlan<'a, A> {
    /// The item separator (`-0`, `-d X`); `None`: blanks and newlines, with quotes.
    pub(crate) delimiter: Option<u8>,
    pub(crate) max_args: Option<usize>,
    pub(crate) max_lines: Option<usize>,
    /// The replace string (`-I R`, `-i`, `--replace`): each input line makes one command with
    /// it replaced. `Some(None)` when it is known only at run time.
    pub(crate) replace: Option<Option<String>>,
    pub(crate) no_run_if_empty: bool,
    pub(crate) trace: bool,
    /// `-E STR`, `-e[STR]`: input from the item that equals STR on is ignored.
    pub(crate) eof: Option<String>,
    /// `-s N`: the most bytes a command line takes (each word and its terminating NUL).
    pub(crate) max_chars: Option<usize>,
    /// The command and its first arguments, as given (xargs runs [`XARGS_DEFAULT`] when it
    /// is empty).
    pub(crate) command: &'a [A],
}

/// How an option takes a value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Takes {
    Nothing,
    Required,
    /// Only attached (`-i{}`, `--replace=R`).
    Optional,
}

/// Every option: short letter, long name, how it takes its value.
const OPTIONS: &[(char, &str, Takes)] = &[
    ('0', "null", Takes::Nothing),
    ('r', "no-run-if-empty", Takes::Nothing),
    ('t', "verbose", Takes::Nothing),
    ('x', "exit", Takes::Nothing),
    ('p', "interactive", Takes::Nothing),
    ('o', "open-tty", Takes::Nothing),
    ('n', "max-args", Takes::Required),
    ('L', "", Takes::Required),
    ('l', "max-lines", Takes::Optional),
    ('P', "max-procs", Takes::Required),
    ('s', "max-chars", Takes::Required),
    ('d', "delimiter", Takes::Required),
    ('I', "", Takes::Required),
    ('i', "replace", Takes::Optional),
    ('E', "", Takes::Required),
    ('e', "eof", Takes::Optional),
    ('a', "arg-file", Takes::Required),
    ('\0', "process-slot-var", Takes::Required),
];

impl<'a, A: Arg> XargsPlan<'a, A> {
    /// Reads xargs' arguments (after its name).
    pub(crate) fn read(args: &'a [A]) -> Result<XargsPlan<'a, A>, Refusal<'a, A>> {
        let mut plan = XargsPlan {
            delimiter: None,
            max_args: None,
            max_lines: None,
            replace: None,
            no_run_if_empty: false,
            trace: false,
            eof: None,
            max_chars: None,
            command: &[],
        };
        let mut index = 0;
        while let Some(arg) = args.get(index) {
            let text = known(arg).map_err(Refusal::Unknown)?;
            index += 1;
            if text == "--" {
                break;
            }
            if let Some(long) = text.strip_prefix("--") {
                let (name, attached) = match long.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (long, None),
                };
                let Some(&(letter, _, takes)) =
                    OPTIONS.iter().find(|(_, n, _)| !n.is_empty() && *n == name)
                else {
                    return Err(invalid(format!("unrecognized option '{text}'")));
                };
                let value = match (takes, attached) {
                    (Takes::Required, None) => {
                        let next = args.get(index).ok_or_else(|| {
                            invalid(format!("option '--{name}' requires an argument"))
                        })?;
                        index += 1;
                        Some(next.text())
                    }
                    (Takes::Nothing, Some(_)) => {
                        return Err(invalid(format!(
                            "option '--{name}' doesn't allow an argument"
                        )));
                    }
                    (_, attached) => attached.map(Some),
                };
                plan.set(letter, name, value)?;
                continue;
            }
            if !text.starts_with('-') || text.len() == 1 {
                index -= 1;
                break;
            }
            for (at, letter) in text[1..].char_indices() {
                let Some(&(_, _, takes)) = OPTIONS
                    .iter()
                    .find(|(l, _, _)| *l == letter && letter != '\0')
                else {
                    return Err(invalid(format!("invalid option -- '{letter}'")));
                };
                let attached = &text[1 + at + letter.len_utf8()..];
                let value = match takes {
                    Takes::Nothing => {
                        plan.set(letter, "", None)?;
                        continue;
                    }
                    Takes::Optional => (!attached.is_empty()).then_some(Some(attached)),
                    Takes::Required if !attached.is_empty() => Some(Some(attached)),
                    Takes::Required => {
                        let next = args.get(index).ok_or_else(|| {
                            invalid(format!("option requires an argument -- '{letter}'"))
                        })?;
                        index += 1;
                        Some(next.text())
                    }
                };
                plan.set(letter, "", value)?;
                break;
            }
        }
        plan.command = args.get(index..).unwrap_or_default();
        Ok(plan)
    }

    /// Applies one option; `value` is `Some(None)` when the value is known only at run time.
    fn set(
        &mut self,
        letter: char,
        long: &str,
        value: Option<Option<&str>>,
    ) -> Result<(), Refusal<'a, A>> {
        let number = |value: Option<Option<&str>>, name: &str| -> Result<Option<usize>, _> {
            match value {
                Some(Some(text)) => text
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .map(Some)
                    .ok_or_else(|| invalid(format!("invalid number \"{text}\" for {name} option"))),
                _ => Ok(None),
            }
        };
        match letter {
            '0' => self.delimiter = Some(0),
            'r' => self.no_run_if_empty = true,
            't' => self.trace = true,
            'x' | 'P' => {}
            's' => self.max_chars = number(value, "-s")?,
            'E' | 'e' => {
                self.eof = value
                    .flatten()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            }
            'n' => self.max_args = number(value, "-n")?,
            'L' => self.max_lines = number(value, "-L")?,
            'l' => self.max_lines = number(value.or(Some(Some("1"))), "-l")?,
            'd' => self.delimiter = value.flatten().and_then(delimiter),
            'I' | 'i' => {
                self.replace = match value {
                    None => Some(Some("{}".to_string())),
                    Some(Some("")) => None,
                    Some(text) => Some(text.map(str::to_string)),
                }
            }
            '\0' if long == "process-slot-var" => {}
            other => {
                let shown = if long.is_empty() {
                    format!("-{other}")
                } else {
                    format!("--{long}")
                };
                return Err(invalid(format!(
                    "{shown} is not supported by the zonebox shell{}",
                    if other == 'a' {
                        "; redirect the file to stdin"
                    } else {
                        ""
                    }
                )));
            }
        }
        Ok(())
    }
}

fn invalid<'a, A>(message: String) -> Refusal<'a, A> {
    Refusal::Invalid(format!("xargs: {message}"))
}

/// The byte `-d` names (`\n`, `\t`, `\0` or a character's first byte).
fn delimiter(text: &str) -> Option<u8> {
    match text {
        "\\n" => Some(b'\n'),
        "\\t" => Some(b'\t'),
        "\\0" => Some(0),
        other => other.bytes().next(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    fn plan(text: &str) -> (Option<Option<String>>, String) {
        let args = words(text);
        let plan = XargsPlan::read(&args).unwrap();
        (plan.replace, plan.command.join(" "))
    }

    #[test]
    fn every_spelling_of_replace_agrees() {
        let braces = Some(Some("{}".to_string()));
        assert_eq!(plan("-I{} echo {}"), (braces.clone(), "echo {}".into()));
        assert_eq!(plan("-I {} echo {}"), (braces.clone(), "echo {}".into()));
        assert_eq!(plan("-i echo {}"), (braces.clone(), "echo {}".into()));
        assert_eq!(
            plan("--replace echo {}"),
            (braces.clone(), "echo {}".into())
        );
        assert_eq!(
            plan("--replace=R echo R"),
            (Some(Some("R".into())), "echo R".into())
        );
        assert_eq!(
            plan("-iR echo R"),
            (Some(Some("R".into())), "echo R".into())
        );
        assert_eq!(plan("-0rn1 -- wc -l"), (None, "wc -l".into()));
        let args = words("--max-args 2 -P4 sh -c x");
        let read = XargsPlan::read(&args).unwrap();
        assert_eq!((read.max_args, read.command.len()), (Some(2), 3));
    }

    #[test]
    fn refusals() {
        for bad in [
            "-q x",
            "--bogus",
            "-n 0 echo",
            "-n",
            "-a file echo",
            "-s 0 echo",
            "--null=1",
        ] {
            assert!(
                matches!(XargsPlan::read(&words(bad)), Err(Refusal::Invalid(_))),
                "{bad}"
            );
        }
    }
}
