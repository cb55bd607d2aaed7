//! expr: evaluate an expression given as arguments: | & < <= = == != >= > + - * / % and
//! STRING : REGEX, match, substr, index, length, + TOKEN, ( ). Prints the value; exits 0 when it
//! is neither empty nor 0, 1 when it is, 2 for a malformed or invalid expression (as GNU).

use crate::common::io::out;
use crate::common::posix_regex::{self, Dialect};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

#[derive(Clone)]
enum Value {
    Integer(i128),
    Text(String),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Integer(n) => n.to_string(),
            Value::Text(s) => s.clone(),
        }
    }

    fn integer(&self) -> Option<i128> {
        match self {
            Value::Integer(n) => Some(*n),
            Value::Text(s) => s.parse().ok(),
        }
    }

    fn is_null(&self) -> bool {
        match self {
            Value::Integer(n) => *n == 0,
            Value::Text(s) => s.is_empty() || s.parse::<i128>() == Ok(0),
        }
    }
}

fn syntax(message: impl Into<String>) -> ToolError {
    ToolError {
        code: 2,
        message: Some(message.into()),
    }
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let words = crate::common::args::words_after_double_dash(&argv);
    if words.is_empty() {
        return Err(syntax("missing operand"));
    }
    let mut parser = Parser {
        words: &words,
        at: 0,
    };
    let value = parser.or()?;
    if let Some(extra) = words.get(parser.at) {
        return Err(syntax(format!(
            "syntax error: unexpected argument '{extra}'"
        )));
    }
    out(format!("{}\n", value.text()).as_bytes())?;
    Ok(if value.is_null() { 1 } else { 0 })
}

struct Parser<'a> {
    words: &'a [String],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.words.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, ToolError> {
        let word = self.words.get(self.at).cloned().ok_or_else(|| {
            syntax(format!(
                "syntax error: missing argument after '{}'",
                self.words[self.at - 1]
            ))
        })?;
        self.at += 1;
        Ok(word)
    }

    fn or(&mut self) -> Result<Value, ToolError> {
        let mut left = self.and()?;
        while self.peek() == Some("|") {
            self.at += 1;
            let right = self.and()?;
            if left.is_null() {
                left = if right.is_null() {
                    Value::Integer(0)
                } else {
                    right
                };
            }
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Value, ToolError> {
        let mut left = self.compare()?;
        while self.peek() == Some("&") {
            self.at += 1;
            let right = self.compare()?;
            if left.is_null() || right.is_null() {
                left = Value::Integer(0);
            }
        }
        Ok(left)
    }

    fn compare(&mut self) -> Result<Value, ToolError> {
        let mut left = self.additive()?;
        while let Some(op) = self
            .peek()
            .filter(|op| matches!(*op, "<" | "<=" | "=" | "==" | "!=" | ">=" | ">"))
            .map(str::to_string)
        {
            self.at += 1;
            let right = self.additive()?;
            let order = match (left.integer(), right.integer()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => left.text().cmp(&right.text()),
            };
            let holds = match op.as_str() {
                "<" => order.is_lt(),
                "<=" => order.is_le(),
                "=" | "==" => order.is_eq(),
                "!=" => order.is_ne(),
                ">=" => order.is_ge(),
                _ => order.is_gt(),
            };
            left = Value::Integer(i128::from(holds));
        }
        Ok(left)
    }

    fn numbers(left: &Value, right: &Value) -> Result<(i128, i128), ToolError> {
        match (left.integer(), right.integer()) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(syntax("non-integer argument")),
        }
    }

    fn additive(&mut self) -> Result<Value, ToolError> {
        let mut left = self.multiplicative()?;
        while let Some(op) = self
            .peek()
            .filter(|op| matches!(*op, "+" | "-"))
            .map(str::to_string)
        {
            self.at += 1;
            let right = self.multiplicative()?;
            let (a, b) = Self::numbers(&left, &right)?;
            left = Value::Integer(if op == "+" { a + b } else { a - b });
        }
        Ok(left)
    }

    fn multiplicative(&mut self) -> Result<Value, ToolError> {
        let mut left = self.matching()?;
        while let Some(op) = self
            .peek()
            .filter(|op| matches!(*op, "*" | "/" | "%"))
            .map(str::to_string)
        {
            self.at += 1;
            let right = self.matching()?;
            let (a, b) = Self::numbers(&left, &right)?;
            if op != "*" && b == 0 {
                return Err(syntax("division by zero"));
            }
            left = Value::Integer(match op.as_str() {
                "*" => a * b,
                "/" => a / b,
                _ => a % b,
            });
        }
        Ok(left)
    }

    fn matching(&mut self) -> Result<Value, ToolError> {
        let mut left = self.unary()?;
        while self.peek() == Some(":") {
            self.at += 1;
            let pattern = self.unary()?.text();
            left = regex_match(&left.text(), &pattern)?;
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Value, ToolError> {
        let word = self.next()?;
        match word.as_str() {
            "(" => {
                let value = self.or()?;
                if self.next()? != ")" {
                    return Err(syntax("syntax error: expecting ')'"));
                }
                Ok(value)
            }
            "+" => Ok(Value::Text(self.next()?)),
            "length" => Ok(Value::Integer(self.unary()?.text().chars().count() as i128)),
            "match" => {
                let text = self.unary()?.text();
                let pattern = self.unary()?.text();
                regex_match(&text, &pattern)
            }
            "index" => {
                let text = self.unary()?.text();
                let chars = self.unary()?.text();
                let found = text
                    .chars()
                    .position(|c| chars.contains(c))
                    .map_or(0, |p| p + 1);
                Ok(Value::Integer(found as i128))
            }
            "substr" => {
                let text = self.unary()?.text();
                let (start, length) = (self.unary()?.integer(), self.unary()?.integer());
                let value = match (start, length) {
                    (Some(start), Some(length)) if start > 0 && length > 0 => text
                        .chars()
                        .skip(start as usize - 1)
                        .take(length as usize)
                        .collect(),
                    _ => String::new(),
                };
                Ok(Value::Text(value))
            }
            _ => Ok(match word.parse::<i128>() {
                Ok(n) if !word.starts_with('+') => Value::Integer(n),
                _ => Value::Text(word),
            }),
        }
    }
}

/// `STRING : REGEX`: anchored at the start; the first group's text, or the match length.
fn regex_match(text: &str, pattern: &str) -> Result<Value, ToolError> {
    let translated = posix_regex::translate(pattern, Dialect::Basic).map_err(syntax)?;
    let regex =
        regex::Regex::new(&format!("^(?:{translated})")).map_err(|e| syntax(e.to_string()))?;
    Ok(match regex.captures(text) {
        Some(captures) if captures.len() > 1 => {
            Value::Text(captures.get(1).map_or("", |m| m.as_str()).to_string())
        }
        Some(captures) => Value::Integer(captures[0].chars().count() as i128),
        None if regex.captures_len() > 1 => Value::Text(String::new()),
        None => Value::Integer(0),
    })
}
