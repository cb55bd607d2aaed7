//! A shell's arguments (`sh [options] -c TEXT [NAME ARGS…]`, `sh [options] FILE [ARGS…]`, `sh`
//! reading standard input), read once for the router and the interpreter.

use super::arg::{Arg, known};

/// Where a shell's commands come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShellSource<'a, A> {
    /// `-c TEXT`.
    Text(&'a A),
    /// A script file.
    File(&'a A),
    /// Standard input (`sh`, `sh -s`).
    Stdin,
    /// `-c` with no text after the options.
    MissingText,
    /// An option known only at run time.
    Unknown(&'a A),
}

/// One reading of a shell's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShellCall<'a, A> {
    /// The options (`-e`, `-o pipefail`, `--norc`, …), each with its value.
    pub(crate) options: &'a [A],
    pub(crate) source: ShellSource<'a, A>,
    /// After the text: `$0` and the positional parameters; after a file: the parameters.
    pub(crate) rest: &'a [A],
}

impl<'a, A: Arg> ShellCall<'a, A> {
    pub(crate) fn read(args: &'a [A]) -> ShellCall<'a, A> {
        let mut command_text = false;
        let mut stdin = false;
        let mut index = 0;
        let mut options_end = None;
        while let Some(arg) = args.get(index) {
            let text = match known(arg) {
                Ok(text) => text,
                Err(arg) => {
                    return ShellCall {
                        options: &args[..index],
                        source: ShellSource::Unknown(arg),
                        rest: &[],
                    };
                }
            };
            if text == "--" || text == "-" {
                options_end = Some(index);
                index += 1;
                break;
            }
            if !(text.starts_with('-') || text.starts_with('+')) || text.len() == 1 {
                break;
            }
            if text.starts_with("--") {
                index += 1;
                continue;
            }
            if text.starts_with('-') && text[1..].contains('s') {
                stdin = true;
            }
            if text.starts_with('-') && text[1..].contains('c') {
                command_text = true;
            }
            // -o NAME, +o NAME, -O NAME and +O NAME take the option's name.
            index += if text.ends_with(['o', 'O']) { 2 } else { 1 };
        }
        let options = &args[..options_end.unwrap_or(index).min(args.len())];
        let operand = args.get(index);
        let rest = args.get(index + 1..).unwrap_or_default();
        let source = match operand {
            _ if stdin => ShellSource::Stdin,
            None if command_text => ShellSource::MissingText,
            None => ShellSource::Stdin,
            Some(arg) if command_text => ShellSource::Text(arg),
            Some(arg) => ShellSource::File(arg),
        };
        let rest = if stdin {
            args.get(index..).unwrap_or_default()
        } else {
            rest
        };
        ShellCall {
            options,
            source,
            rest,
        }
    }

    /// The single-letter options set (`-e`, `-eu`, `-o pipefail` as `pipefail`, `-O nullglob`
    /// as `O:nullglob`), for the interpreter: each as a letter or a long name, `true` when set
    /// with `-`.
    pub(crate) fn settings(&self) -> Vec<(String, bool)> {
        let mut settings = Vec::new();
        let mut words = self.options.iter().filter_map(Arg::text);
        while let Some(word) = words.next() {
            if let Some(long) = word.strip_prefix("--") {
                settings.push((long.to_string(), true));
                continue;
            }
            let on = word.starts_with('-');
            for letter in word[1..].chars() {
                if letter == 'o' {
                    if let Some(name) = words.next() {
                        settings.push((name.to_string(), on));
                    }
                } else if letter == 'O' {
                    // A shopt option, marked apart from set's.
                    if let Some(name) = words.next() {
                        settings.push((format!("O:{name}"), on));
                    }
                } else {
                    settings.push((letter.to_string(), on));
                }
            }
        }
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(String::from).collect()
    }

    #[test]
    fn text_file_and_stdin() {
        let args = words("-e -c python3 name a");
        let call = ShellCall::read(&args);
        assert_eq!(call.source, ShellSource::Text(&args[2]));
        assert_eq!(call.rest, &args[3..]);
        let args = words("-ec true");
        assert_eq!(ShellCall::read(&args).source, ShellSource::Text(&args[1]));
        let args = words("-o pipefail run.sh x");
        let call = ShellCall::read(&args);
        assert_eq!(call.source, ShellSource::File(&args[2]));
        assert_eq!(call.settings(), [("pipefail".to_string(), true)]);
        assert_eq!(ShellCall::<String>::read(&[]).source, ShellSource::Stdin);
        assert_eq!(
            ShellCall::read(&words("-s a b")).source,
            ShellSource::<String>::Stdin
        );
        assert_eq!(
            ShellCall::read(&words("-c")).source,
            ShellSource::<String>::MissingText
        );
    }
}
