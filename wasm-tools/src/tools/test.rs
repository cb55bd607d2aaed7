//! test and [: evaluate a conditional expression (files, strings, integers, ! -a -o and
//! parentheses); exit 0 for true, 1 for false, 2 for a malformed expression.

use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if tool == "[" {
        if words.last().map(String::as_str) != Some("]") {
            return Err(ToolError::usage("missing ']'"));
        }
        words.pop();
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    Ok(if by_count(&words)? { 0 } else { 1 })
}

/// POSIX decides by the number of arguments before any grammar: with up to four, a binary
/// operator in the middle of three wins over `!` and `(` (`test '!' = '!'` compares strings),
/// and a leading `!` negates what the rest would say.
fn by_count(words: &[&str]) -> Result<bool, ToolError> {
    match words {
        [] => Ok(false),
        [one] => Ok(!one.is_empty()),
        [left, operator, right] if is_binary(operator) => binary(left, operator, right),
        ["!", rest @ ..] if words.len() <= 4 => Ok(!by_count(rest)?),
        ["(", inner, ")"] => Ok(!inner.is_empty()),
        ["(", first, second, ")"] => by_count(&[first, second]),
        _ => grammar(words),
    }
}

/// The full grammar (`-a`, `-o`, `!`, parentheses) for longer expressions.
fn grammar(words: &[&str]) -> Result<bool, ToolError> {
    let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    let mut parser = Parser {
        words: &words,
        at: 0,
    };
    let result = parser.or()?;
    if parser.at < words.len() {
        return Err(ToolError::usage(format!(
            "{}: unexpected argument",
            words[parser.at]
        )));
    }
    Ok(result)
}

struct Parser<'a> {
    words: &'a [String],
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self, offset: usize) -> Option<&'a str> {
        self.words.get(self.at + offset).map(String::as_str)
    }

    fn or(&mut self) -> Result<bool, ToolError> {
        let mut value = self.and()?;
        while self.peek(0) == Some("-o") {
            self.at += 1;
            value |= self.and()?;
        }
        Ok(value)
    }

    fn and(&mut self) -> Result<bool, ToolError> {
        let mut value = self.not()?;
        while self.peek(0) == Some("-a") {
            self.at += 1;
            value &= self.not()?;
        }
        Ok(value)
    }

    fn not(&mut self) -> Result<bool, ToolError> {
        if self.peek(0) == Some("!") && self.peek(1).is_some() {
            self.at += 1;
            return Ok(!self.not()?);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, ToolError> {
        let Some(first) = self.peek(0) else {
            return Err(ToolError::usage("argument expected"));
        };
        if first == "(" && self.words[self.at + 1..].iter().any(|w| w == ")") {
            self.at += 1;
            let value = self.or()?;
            if self.peek(0) != Some(")") {
                return Err(ToolError::usage("')' expected"));
            }
            self.at += 1;
            return Ok(value);
        }
        if let Some(operator) = self.peek(1)
            && is_binary(operator)
            && self.peek(2).is_some()
        {
            let (left, right) = (first, self.words[self.at + 2].as_str());
            self.at += 3;
            return binary(left, operator, right);
        }
        if first.len() == 2
            && first.starts_with('-')
            && self.peek(1).is_some()
            && !matches!(first, "-a" | "-o")
        {
            let operand = self.words[self.at + 1].as_str();
            self.at += 2;
            return unary(first, operand);
        }
        self.at += 1;
        Ok(!first.is_empty())
    }
}

fn is_binary(operator: &str) -> bool {
    matches!(
        operator,
        "=" | "=="
            | "!="
            | "<"
            | ">"
            | "-eq"
            | "-ne"
            | "-lt"
            | "-le"
            | "-gt"
            | "-ge"
            | "-nt"
            | "-ot"
            | "-ef"
    )
}

fn integer(text: &str) -> Result<i64, ToolError> {
    text.trim()
        .parse()
        .map_err(|_| ToolError::usage(format!("{text}: integer expression expected")))
}

fn binary(left: &str, operator: &str, right: &str) -> Result<bool, ToolError> {
    let modified = |path: &str| fs::metadata(path).and_then(|m| m.modified()).ok();
    Ok(match operator {
        "=" | "==" => left == right,
        "!=" => left != right,
        "<" => left < right,
        ">" => left > right,
        "-eq" => integer(left)? == integer(right)?,
        "-ne" => integer(left)? != integer(right)?,
        "-lt" => integer(left)? < integer(right)?,
        "-le" => integer(left)? <= integer(right)?,
        "-gt" => integer(left)? > integer(right)?,
        "-ge" => integer(left)? >= integer(right)?,
        "-nt" => {
            matches!((modified(left), modified(right)), (Some(a), Some(b)) if a > b)
                || (modified(left).is_some() && modified(right).is_none())
        }
        "-ot" => {
            matches!((modified(left), modified(right)), (Some(a), Some(b)) if a < b)
                || (modified(left).is_none() && modified(right).is_some())
        }
        _ => crate::common::fsops::same_file(left.as_ref(), right.as_ref()),
    })
}

fn unary(operator: &str, operand: &str) -> Result<bool, ToolError> {
    let metadata = || fs::metadata(operand).ok();
    Ok(match operator {
        "-z" => operand.is_empty(),
        "-n" => !operand.is_empty(),
        "-e" | "-a" => metadata().is_some(),
        "-f" => metadata().is_some_and(|m| m.is_file()),
        "-d" => metadata().is_some_and(|m| m.is_dir()),
        "-s" => metadata().is_some_and(|m| m.len() > 0),
        "-L" | "-h" => fs::symlink_metadata(operand).is_ok_and(|m| m.file_type().is_symlink()),
        "-r" => fs::File::open(operand).is_ok() || fs::read_dir(operand).is_ok(),
        "-w" => metadata().is_some() && writable(operand),
        "-x" => {
            let bits = crate::common::modes::mode(std::path::Path::new(operand));
            bits.is_ok_and(|b| b & 0o111 != 0)
                || crate::registry::find(operand.rsplit('/').next().unwrap_or("")).is_some()
        }
        "-p" | "-S" | "-b" | "-c" | "-u" | "-g" | "-k" | "-O" | "-G" | "-N" => false,
        "-t" => false,
        other => {
            return Err(ToolError::usage(format!(
                "{other}: unary operator expected"
            )));
        }
    })
}

/// Whether the guest may write: the zone's mode decides, which only an attempt can tell.
fn writable(path: &str) -> bool {
    if fs::metadata(path).is_ok_and(|m| m.is_dir()) {
        use std::hash::{BuildHasher, Hasher};
        let unique = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        let probe = format!(
            "{}/.zonebox-write-probe-{unique:016x}",
            path.trim_end_matches('/')
        );
        let created = fs::File::create(&probe).is_ok();
        if created {
            let _ = fs::remove_file(&probe);
        }
        created
    } else {
        fs::OpenOptions::new().append(true).open(path).is_ok()
    }
}
