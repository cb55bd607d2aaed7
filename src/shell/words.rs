//! One simple command: words separated by blanks, with single quotes, double quotes and
//! backslashes as sh reads them. Operators and expansions are refused with their position.

use super::error::ParseError;

/// A command and its arguments, quotes removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub argv: Vec<String>,
}

/// Reads `line` as one simple command.
pub fn parse_simple_command(line: &str) -> Result<SimpleCommand, ParseError> {
    let fail = |position: usize, message: String| ParseError {
        line: line.to_string(),
        position,
        message,
    };
    let needs_shell = |position: usize, what: &str| {
        fail(
            position,
            format!(
                "{what} needs the zonebox shell, which is not available yet; send one simple command with quoted words"
            ),
        )
    };
    let mut argv = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(done) = word.take() {
                    argv.push(done);
                }
            }
            '#' if word.is_none() => break,
            '\0' => return Err(fail(at, "NUL byte in the command line".into())),
            '\n' | ';' => return Err(needs_shell(at, "a list of commands (newline or ';')")),
            '|' => return Err(needs_shell(at, "a pipe ('|')")),
            '&' => return Err(needs_shell(at, "'&' (background or '&&')")),
            '<' | '>' => return Err(needs_shell(at, "a redirection")),
            '(' | ')' => return Err(needs_shell(at, "a subshell or function")),
            '$' => return Err(needs_shell(at, "expansion ('$')")),
            '`' => return Err(needs_shell(at, "command substitution ('`')")),
            '*' | '?' => return Err(needs_shell(at, "a glob pattern")),
            // `[` opens a glob only with a `]` later in the same word; alone it is the test command.
            '[' if line[at..]
                .split([' ', '\t'])
                .next()
                .is_some_and(|rest| rest.contains(']')) =>
            {
                return Err(needs_shell(at, "a glob pattern"));
            }
            '~' if word.is_none() => return Err(needs_shell(at, "tilde expansion")),
            '{' if word.is_none() && chars.peek().map(|&(_, next)| next) != Some('}') => {
                return Err(needs_shell(at, "a brace group or brace expansion"));
            }
            '\'' => {
                let text = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some((_, '\'')) => break,
                        Some((_, inner)) => text.push(inner),
                        None => {
                            return Err(fail(
                                at,
                                "unterminated single quote: add the closing '".into(),
                            ));
                        }
                    }
                }
            }
            '"' => {
                let text = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some((_, '"')) => break,
                        Some((inner_at, '$')) => {
                            return Err(needs_shell(
                                inner_at,
                                "expansion ('$') inside double quotes",
                            ));
                        }
                        Some((inner_at, '`')) => {
                            return Err(needs_shell(inner_at, "command substitution ('`')"));
                        }
                        Some((_, '\\')) => match chars.next() {
                            Some((_, escaped @ ('$' | '`' | '"' | '\\'))) => text.push(escaped),
                            Some((_, '\n')) => {}
                            Some((_, other)) => {
                                text.push('\\');
                                text.push(other);
                            }
                            None => {
                                return Err(fail(
                                    at,
                                    "unterminated double quote: add the closing \"".into(),
                                ));
                            }
                        },
                        Some((_, inner)) => text.push(inner),
                        None => {
                            return Err(fail(
                                at,
                                "unterminated double quote: add the closing \"".into(),
                            ));
                        }
                    }
                }
            }
            '\\' => match chars.next() {
                Some((_, '\n')) => {}
                Some((_, escaped)) => word.get_or_insert_with(String::new).push(escaped),
                None => {
                    return Err(fail(
                        at,
                        "a backslash ends the line: nothing to escape".into(),
                    ));
                }
            },
            '=' if argv.is_empty() && word.as_deref().is_some_and(is_name) => {
                return Err(needs_shell(at, "a variable assignment"));
            }
            other => word.get_or_insert_with(String::new).push(other),
        }
    }
    if let Some(done) = word {
        argv.push(done);
    }
    if argv.is_empty() {
        return Err(fail(0, "empty command line: nothing to run".into()));
    }
    Ok(SimpleCommand { argv })
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        parse_simple_command(line).unwrap().argv
    }

    #[test]
    fn quotes_and_escapes_are_removed() {
        assert_eq!(
            words("echo 'a b'  \"c \\\"d\\\"\" e\\ f"),
            ["echo", "a b", "c \"d\"", "e f"]
        );
        assert_eq!(
            words("printf '%s\\n' x # comment"),
            ["printf", "%s\\n", "x"]
        );
        assert_eq!(words("echo ''"), ["echo", ""]);
        assert_eq!(words("env A=B"), ["env", "A=B"]);
        assert_eq!(words("echo a=b"), ["echo", "a=b"]);
        assert_eq!(words("[ -f x ]"), ["[", "-f", "x", "]"]);
        assert_eq!(
            words("find . -exec cat {} \\;"),
            ["find", ".", "-exec", "cat", "{}", ";"]
        );
    }

    #[test]
    fn shell_syntax_is_refused_with_its_position() {
        let error = parse_simple_command("cat f | wc -l").unwrap_err();
        assert_eq!(error.position, 6);
        assert!(error.to_string().contains("a pipe"));
        assert!(
            error.to_string().ends_with("\n  cat f | wc -l\n        ^"),
            "{error}"
        );
        for line in [
            "echo $HOME",
            "ls *.rs",
            "a && b",
            "echo x > f",
            "X=1 env",
            "echo \"$(id)\"",
            "echo `id`",
            "echo 'open",
            "",
            "   ",
            "a\0b",
            "echo \\",
        ] {
            assert!(
                parse_simple_command(line).is_err(),
                "{line:?} should be refused"
            );
        }
    }
}
