//! Option parsing on top of lexopt, with GNU's wording for mistakes.

use super::ToolError;
use std::ffi::OsString;

pub use lexopt::{Arg, Parser};

/// A parser over a tool's arguments (not including `argv[0]`).
pub fn parser(args: Vec<OsString>) -> Parser {
    Parser::from_args(args)
}

/// The error for an option the tool does not have: named, exit 2.
pub fn unknown(arg: Arg<'_>) -> ToolError {
    match arg {
        Arg::Short(c) => ToolError::usage(format!("invalid option -- '{c}'")),
        Arg::Long(name) => ToolError::usage(format!("unrecognized option '--{name}'")),
        Arg::Value(value) => {
            ToolError::usage(format!("extra operand '{}'", value.to_string_lossy()))
        }
    }
}

/// An option value as text.
pub fn text(value: OsString) -> String {
    value.to_string_lossy().into_owned()
}

/// The next value of an option that takes one, as text.
pub fn value_text(parser: &mut Parser) -> Result<String, ToolError> {
    Ok(text(parser.value()?))
}

pub fn describe_lexopt_error(error: lexopt::Error) -> String {
    match error {
        lexopt::Error::MissingValue {
            option: Some(option),
        } => {
            format!(
                "option requires an argument -- '{}'",
                option.trim_start_matches('-')
            )
        }
        lexopt::Error::UnexpectedValue { option, .. } => {
            format!("option '{option}' doesn't allow an argument")
        }
        other => other.to_string(),
    }
}

/// Returns the arguments with a leading `-NUM` rewritten as `-n NUM` (head, tail: `head -5`).
pub fn expand_numeric_shorthand(mut args: Vec<OsString>, option: &str) -> Vec<OsString> {
    if let Some(first) = args.first().and_then(|a| a.to_str()) {
        let digits = first.strip_prefix('-').unwrap_or("");
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let count = digits.to_string();
            args.splice(0..1, [OsString::from(option), OsString::from(count)]);
        }
    }
    args
}

/// The words of a tool that reads its arguments itself (printf, expr), after a leading `--`.
pub fn words_after_double_dash(argv: &[OsString]) -> Vec<String> {
    let mut words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if words.first().is_some_and(|w| w == "--") {
        words.remove(0);
    }
    words
}

/// The operands of a tool that has no options: any option is an error naming it.
pub fn operands_only(argv: Vec<OsString>) -> Result<Vec<String>, ToolError> {
    let mut parser = parser(argv);
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Value(value) => operands.push(text(value)),
            other => return Err(unknown(other)),
        }
    }
    Ok(operands)
}

/// What mkdir and rmdir share: `-p`/`--parents`, `-v`/`--verbose`, and at least one operand.
pub struct DirectoryArgs {
    pub parents: bool,
    pub verbose: bool,
    pub operands: Vec<String>,
}

/// Reads [`DirectoryArgs`]; `own` is offered every other option first, by its name as written
/// (`-m`, `--mode`), with the parser for its value, and says whether it was the tool's own (an
/// error refuses it).
pub fn directory_args(
    argv: Vec<OsString>,
    mut own: impl FnMut(&str, &mut Parser) -> Result<bool, ToolError>,
) -> Result<DirectoryArgs, ToolError> {
    let mut parser = parser(argv);
    let mut read = DirectoryArgs {
        parents: false,
        verbose: false,
        operands: Vec::new(),
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('p') | Arg::Long("parents") => read.parents = true,
            Arg::Short('v') | Arg::Long("verbose") => read.verbose = true,
            Arg::Value(value) => read.operands.push(text(value)),
            other => {
                let name = match &other {
                    Arg::Short(c) => format!("-{c}"),
                    Arg::Long(long) => format!("--{long}"),
                    Arg::Value(_) => String::new(),
                };
                let error = unknown(other);
                if !own(&name, &mut parser)? {
                    return Err(error);
                }
            }
        }
    }
    if read.operands.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    Ok(read)
}

/// GNU's complaint when there are more than `max` operands.
pub fn at_most(operands: &[String], max: usize) -> Result<(), ToolError> {
    match operands.get(max) {
        Some(extra) => Err(ToolError::operand(format!("extra operand '{extra}'"))),
        None => Ok(()),
    }
}

/// GNU's complaints when there are not exactly `count` operands.
pub fn exactly(operands: &[String], count: usize) -> Result<(), ToolError> {
    if operands.len() < count {
        return Err(ToolError::operand(match operands.last() {
            Some(last) => format!("missing operand after '{last}'"),
            None => "missing operand".to_string(),
        }));
    }
    at_most(operands, count)
}
