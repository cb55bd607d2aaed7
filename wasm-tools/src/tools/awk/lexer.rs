//! awk's tokens: where `/` starts a regex and where a newline ends a statement are decided here.

use std::rc::Rc;

#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    Number(f64),
    Str(Rc<str>),
    Regex(Rc<str>),
    /// A name directly followed by `(`: a call of a user function.
    FuncName(Rc<str>),
    Name(Rc<str>),
    Builtin(&'static str),
    Keyword(&'static str),
    /// Punctuation and operators, as written.
    Op(&'static str),
    Newline,
    Eof,
}

const KEYWORDS: &[&str] = &[
    "BEGIN", "END", "function", "func", "if", "else", "while", "for", "do", "break", "continue",
    "next", "nextfile", "exit", "return", "delete", "in", "getline", "print", "printf",
];

pub const BUILTINS: &[&str] = &[
    "length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "sin", "cos", "atan2",
    "exp", "log", "sqrt", "int", "rand", "srand", "tolower", "toupper", "system", "close",
    "fflush", "gensub", "systime", "strftime", "asort", "asorti", "and", "or", "xor", "lshift",
    "rshift", "compl",
];

/// Longest first, so `**=` wins over `**` and `*`.
const OPERATORS: &[&str] = &[
    "**=", "...", "&&", "||", "==", "<=", ">=", "!=", "!~", "++", "--", "+=", "-=", "*=", "/=",
    "%=", "^=", "**", ">>", "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^",
    "!", ">", "<", "|", "?", ":", "~", "$", "=",
];

/// A token with the line it starts on, for error messages.
#[derive(Debug, Clone)]
pub struct Located {
    pub token: Token,
    pub line: usize,
}

pub fn tokenize(source: &str) -> Result<Vec<Located>, String> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens: Vec<Located> = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < chars.len() {
        let c = chars[i];
        let push = |tokens: &mut Vec<Located>, token| tokens.push(Located { token, line });
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
            }
            '\\' if chars.get(i + 1) == Some(&'\r') && chars.get(i + 2) == Some(&'\n') => {
                i += 3;
                line += 1;
            }
            '\n' => {
                push(&mut tokens, Token::Newline);
                i += 1;
                line += 1;
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                let (text, next) = string_literal(&chars, i + 1, line)?;
                push(&mut tokens, Token::Str(text.into()));
                i = next;
            }
            '/' if regex_allowed(tokens.last().map(|t| &t.token)) => {
                let (text, next) = regex_literal(&chars, i + 1, line)?;
                push(&mut tokens, Token::Regex(text.into()));
                i = next;
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let (value, next) = number_literal(&chars, i);
                push(&mut tokens, Token::Number(value));
                i = next;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let token = if let Some(k) = KEYWORDS.iter().find(|k| **k == word) {
                    Token::Keyword(if *k == "func" { "function" } else { k })
                } else if let Some(b) = BUILTINS.iter().find(|b| **b == word) {
                    Token::Builtin(b)
                } else if chars.get(i) == Some(&'(') {
                    Token::FuncName(word.into())
                } else {
                    Token::Name(word.into())
                };
                push(&mut tokens, token);
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 3)].iter().collect();
                let op = OPERATORS
                    .iter()
                    .find(|op| rest.starts_with(**op))
                    .ok_or_else(|| {
                        format!("syntax error at source line {line}: unexpected character '{c}'")
                    })?;
                if *op == "..." {
                    return Err(format!(
                        "syntax error at source line {line}: unexpected '...'"
                    ));
                }
                push(&mut tokens, Token::Op(op));
                i += op.chars().count();
            }
        }
    }
    tokens.push(Located {
        token: Token::Eof,
        line,
    });
    Ok(tokens)
}

/// After an operand a `/` divides; anywhere else it opens a regex.
fn regex_allowed(previous: Option<&Token>) -> bool {
    !matches!(
        previous,
        Some(
            Token::Number(_)
                | Token::Str(_)
                | Token::Name(_)
                | Token::Builtin(_)
                | Token::Regex(_)
                | Token::Op(")" | "]" | "$" | "++" | "--")
        )
    )
}

fn string_literal(chars: &[char], mut i: usize, line: usize) -> Result<(String, usize), String> {
    let mut text = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((text, i + 1)),
            '\n' => break,
            '\\' if i + 1 < chars.len() => {
                let (expanded, next) = escape(chars, i + 1);
                text.push_str(&expanded);
                i = next;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(format!(
        "syntax error at source line {line}: unterminated string"
    ))
}

/// One escape after a backslash in a string: the text it stands for and where reading resumes.
pub fn escape(chars: &[char], i: usize) -> (String, usize) {
    let c = chars[i];
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '/' => Some('/'),
        'a' => Some('\x07'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        'v' => Some('\x0b'),
        '\n' => return (String::new(), i + 1),
        _ => None,
    };
    if let Some(s) = simple {
        return (s.to_string(), i + 1);
    }
    if c.is_digit(8) {
        let mut value = 0u32;
        let mut j = i;
        while j < chars.len() && j < i + 3 && chars[j].is_digit(8) {
            value = value * 8 + chars[j].to_digit(8).unwrap_or(0);
            j += 1;
        }
        return (char::from_u32(value & 0xff).unwrap_or('?').to_string(), j);
    }
    // Unknown escapes keep the backslash, as gawk does (with a warning we leave out).
    (format!("\\{c}"), i + 1)
}

fn regex_literal(chars: &[char], mut i: usize, line: usize) -> Result<(String, usize), String> {
    let mut text = String::new();
    let mut in_bracket = false;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => break,
            '/' if !in_bracket => return Ok((text, i + 1)),
            '\\' if chars.get(i + 1) == Some(&'/') => {
                text.push('/');
                i += 2;
                continue;
            }
            '\\' if i + 1 < chars.len() => {
                text.push('\\');
                text.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '[' if !in_bracket => {
                in_bracket = true;
                text.push(c);
                i += 1;
                // `[]...]` and `[^]...]` hold a literal `]`.
                if chars.get(i) == Some(&'^') {
                    text.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    text.push(']');
                    i += 1;
                }
                continue;
            }
            ']' if in_bracket => in_bracket = false,
            _ => {}
        }
        text.push(c);
        i += 1;
    }
    Err(format!(
        "syntax error at source line {line}: unterminated regexp"
    ))
}

fn number_literal(chars: &[char], start: usize) -> (f64, usize) {
    let mut i = start;
    if chars[i] == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
        let mut j = i + 2;
        while j < chars.len() && chars[j].is_ascii_hexdigit() {
            j += 1;
        }
        if j > i + 2 {
            let digits: String = chars[i + 2..j].iter().collect();
            return (u64::from_str_radix(&digits, 16).unwrap_or(0) as f64, j);
        }
    }
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
    }
    if matches!(chars.get(i), Some('e' | 'E')) {
        let mut j = i + 1;
        if matches!(chars.get(j), Some('+' | '-')) {
            j += 1;
        }
        if chars.get(j).is_some_and(|d| d.is_ascii_digit()) {
            while j < chars.len() && chars[j].is_ascii_digit() {
                j += 1;
            }
            i = j;
        }
    }
    let text: String = chars[start..i].iter().collect();
    // gawk reads a source constant with a leading 0 as octal when all its digits allow it.
    let octal =
        text.len() > 1 && text.starts_with('0') && text.bytes().all(|b| (b'0'..=b'7').contains(&b));
    let value = if octal {
        u64::from_str_radix(&text, 8).unwrap_or(0) as f64
    } else {
        text.parse().unwrap_or(0.0)
    };
    (value, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Token> {
        tokenize(source)
            .unwrap()
            .into_iter()
            .map(|t| t.token)
            .collect()
    }

    #[test]
    fn slash_after_an_operand_divides_elsewhere_opens_a_regex() {
        assert_eq!(kinds("a / 2")[1], Token::Op("/"));
        assert_eq!(kinds("$0 ~ /a\\/b/")[3], Token::Regex("a/b".into()));
        assert_eq!(kinds("/[/]/")[0], Token::Regex("[/]".into()));
    }

    #[test]
    fn names_followed_by_parens_are_calls_and_strings_expand_escapes() {
        assert_eq!(kinds("f(1)")[0], Token::FuncName("f".into()));
        assert_eq!(kinds("\"a\\tb\\101\"")[0], Token::Str("a\tbA".into()));
        assert!(tokenize("\"open").is_err());
    }

    #[test]
    fn numbers_in_all_spellings() {
        assert_eq!(kinds("1e3")[0], Token::Number(1000.0));
        assert_eq!(kinds(".5")[0], Token::Number(0.5));
        assert_eq!(kinds("0x10")[0], Token::Number(16.0));
        assert_eq!(kinds("010")[0], Token::Number(8.0));
    }
}
