//! POSIX regular expressions (GNU's BRE and ERE, as grep and sed read them) translated to the
//! syntax of the `regex` crate, which matches in linear time. Back-references have no linear-time
//! implementation and are refused with a clear error.

use regex::bytes::{Regex, RegexBuilder};

/// Which POSIX dialect a pattern is written in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Basic: `\(`, `\{`, `\|`, `\+`, `\?` are operators; bare `( { | + ?` are literal.
    Basic,
    /// Extended: `( { | + ?` are operators.
    Extended,
    /// Perl-style (grep -P): the `regex` crate's own syntax, used as written. Look-around and
    /// back-references are not in it and fail to compile with the crate's message.
    Perl,
}

/// Translates one POSIX pattern into `regex` syntax.
pub fn translate(pattern: &str, dialect: Dialect) -> Result<String, String> {
    translate_reading(pattern, dialect, false)
}

/// [`translate`] as GNU sed reads a pattern: `\t \n \r \f \v` are read before the regex
/// syntax, so inside a bracket expression too (`[ \t]` is a blank or a tab, where grep reads a
/// backslash and a `t`).
pub fn translate_for_sed(pattern: &str, dialect: Dialect) -> Result<String, String> {
    translate_reading(pattern, dialect, true)
}

fn translate_reading(
    pattern: &str,
    dialect: Dialect,
    bracket_escapes: bool,
) -> Result<String, String> {
    if dialect == Dialect::Perl {
        return Ok(pattern.to_string());
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    // Where `*` is literal and `^` is an anchor: the start of the pattern or of a group/branch.
    let mut at_start = true;
    while i < chars.len() {
        let c = chars[i];
        let was_start = at_start;
        at_start = false;
        match c {
            '[' => {
                let (class, used) = bracket(&chars[i..], bracket_escapes)?;
                out.push_str(&class);
                i += used;
                continue;
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err("trailing backslash (\\)".into());
                };
                i += 2;
                match (next, dialect) {
                    ('(', Dialect::Basic) => {
                        out.push('(');
                        at_start = true;
                    }
                    (')', Dialect::Basic) => out.push(')'),
                    ('|', Dialect::Basic) => {
                        out.push('|');
                        at_start = true;
                    }
                    ('{', Dialect::Basic) => i = interval(&chars, i, &mut out)?,
                    ('}', Dialect::Basic) => out.push_str("\\}"),
                    ('+' | '?', Dialect::Basic) if !was_start => out.push(next),
                    ('<', _) => out.push_str("\\b{start}"),
                    ('>', _) => out.push_str("\\b{end}"),
                    ('`', _) => out.push_str("\\A"),
                    ('\'', _) => out.push_str("\\z"),
                    ('w' | 'W' | 's' | 'S' | 'b' | 'B', _) => {
                        out.push('\\');
                        out.push(next);
                    }
                    ('1'..='9', _) => {
                        return Err("back-references (\\1 to \\9) are not supported: zonebox matches in linear time".into());
                    }
                    ('n', _) => out.push_str("\\n"),
                    ('t', _) => out.push_str("\\t"),
                    (other, _) => push_literal(&mut out, other),
                }
                continue;
            }
            '*' if was_start => push_literal(&mut out, '*'),
            '*' => out.push('*'),
            '^' if was_start || dialect == Dialect::Extended => {
                out.push('^');
                at_start = true;
            }
            '^' => push_literal(&mut out, '^'),
            '$' => {
                let rest = &chars[i + 1..];
                let anchor = dialect == Dialect::Extended
                    || rest.is_empty()
                    || rest.starts_with(&['\\', ')'])
                    || rest.starts_with(&['\\', '|']);
                if anchor {
                    out.push('$')
                } else {
                    push_literal(&mut out, '$')
                }
            }
            '(' | ')' | '|' | '+' | '?' if dialect == Dialect::Basic => push_literal(&mut out, c),
            '{' if dialect == Dialect::Basic => push_literal(&mut out, '{'),
            '}' if dialect == Dialect::Basic => push_literal(&mut out, '}'),
            '(' => {
                out.push('(');
                at_start = true;
            }
            ')' => out.push(')'),
            '|' => {
                out.push('|');
                at_start = true;
            }
            '+' | '?' if was_start => push_literal(&mut out, c),
            '+' | '?' => out.push(c),
            '{' => {
                let next = interval(&chars, i + 1, &mut out);
                match next {
                    Ok(next) => {
                        i = next;
                        continue;
                    }
                    // GNU ERE takes a `{` that starts no valid interval literally.
                    Err(_) => push_literal(&mut out, '{'),
                }
            }
            '.' => out.push_str("(?s:.)"),
            other => push_literal(&mut out, other),
        }
        i += 1;
    }
    Ok(out)
}

fn push_literal(out: &mut String, c: char) {
    out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
}

/// `{m}`, `{m,}`, `{,n}`, `{m,n}` starting after the brace (BRE: ends in `\}`).
fn interval(chars: &[char], start: usize, out: &mut String) -> Result<usize, String> {
    let mut i = start;
    let mut body = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&'}') => {
                i += 2;
                return finish_interval(&body, out).map(|()| i);
            }
            '}' => {
                i += 1;
                return finish_interval(&body, out).map(|()| i);
            }
            c if c.is_ascii_digit() || c == ',' => body.push(c),
            _ => break,
        }
        i += 1;
    }
    Err("invalid content of \\{\\}".into())
}

fn finish_interval(body: &str, out: &mut String) -> Result<(), String> {
    let valid = match body.split_once(',') {
        None => !body.is_empty(),
        Some((low, high)) => {
            let low_ok = low.is_empty() || low.parse::<u32>().is_ok();
            let high_ok = high.is_empty() || high.parse::<u32>().is_ok();
            low_ok
                && high_ok
                && match (low.parse::<u32>(), high.parse::<u32>()) {
                    (Ok(l), Ok(h)) => l <= h,
                    _ => true,
                }
        }
    };
    if !valid {
        return Err("invalid content of \\{\\}".into());
    }
    let body = if body.starts_with(',') {
        format!("0{body}")
    } else {
        body.to_string()
    };
    out.push('{');
    out.push_str(&body);
    out.push('}');
    Ok(())
}

/// A bracket expression: backslash is literal inside it (but for sed's `escapes`), `]` first
/// is literal, classes pass.
fn bracket(chars: &[char], escapes: bool) -> Result<(String, usize), String> {
    let mut out = String::from("[");
    let mut i = 1;
    if chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    while i < chars.len() {
        let c = chars[i];
        if c == ']' && !first {
            out.push(']');
            return Ok((out, i + 1));
        }
        first = false;
        if c == '[' && matches!(chars.get(i + 1), Some(':' | '=' | '.')) {
            let kind = chars[i + 1];
            let close = [kind, ']'];
            if let Some(end) = chars[i + 2..].windows(2).position(|w| w == close) {
                let name: String = chars[i + 2..i + 2 + end].iter().collect();
                match kind {
                    ':' => out.push_str(&format!("[:{name}:]")),
                    _ => name.chars().for_each(|c| push_class_char(&mut out, c)),
                }
                i += end + 4;
                continue;
            }
        }
        if escapes && c == '\\' {
            let read = match chars.get(i + 1) {
                Some('t') => Some('\t'),
                Some('n') => Some('\n'),
                Some('r') => Some('\r'),
                Some('f') => Some('\u{c}'),
                Some('v') => Some('\u{b}'),
                _ => None,
            };
            if let Some(read) = read {
                push_class_char(&mut out, read);
                i += 2;
                continue;
            }
        }
        if c == '-' && i + 1 < chars.len() && chars[i + 1] != ']' && out.len() > 1 {
            out.push('-');
        } else {
            push_class_char(&mut out, c);
        }
        i += 1;
    }
    Err("unmatched [, [^, [:, [., or [=".into())
}

fn push_class_char(out: &mut String, c: char) {
    if matches!(c, '\\' | '[' | ']' | '^' | '&' | '~' | '-') {
        out.push('\\');
    }
    out.push(c);
}

/// Compiles translated patterns with GNU's options.
pub struct Options {
    pub dialect: Dialect,
    pub ignore_case: bool,
    pub fixed: bool,
    pub whole_word: bool,
    pub whole_line: bool,
}

/// One regex matching any of `patterns` (an empty list matches nothing; an empty pattern all).
pub fn compile(patterns: &[String], options: &Options) -> Result<Regex, String> {
    let mut alternatives = Vec::new();
    for pattern in patterns {
        let body = if options.fixed {
            regex::escape(pattern)
        } else {
            translate(pattern, options.dialect)?
        };
        alternatives.push(format!("(?:{body})"));
    }
    let mut joined = if alternatives.is_empty() {
        "[^\\s\\S]".to_string()
    } else {
        alternatives.join("|")
    };
    if options.whole_line {
        joined = format!("^(?:{joined})$");
    } else if options.whole_word {
        joined = format!("\\b{{start-half}}(?:{joined})\\b{{end-half}}");
    }
    RegexBuilder::new(&joined)
        .case_insensitive(options.ignore_case)
        .multi_line(false)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "the pattern is too large to compile".to_string(),
            other => format!(
                "invalid pattern: {}",
                other.to_string().lines().last().unwrap_or("")
            ),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bre(p: &str) -> String {
        translate(p, Dialect::Basic).unwrap()
    }

    #[test]
    fn basic_and_extended_translate() {
        assert_eq!(bre("a\\(b\\)*c"), "a(b)*c");
        assert_eq!(bre("a+b?"), "a\\+b\\?");
        assert_eq!(bre("*a"), "\\*a");
        assert_eq!(bre("a\\{2,\\}"), "a{2,}");
        assert_eq!(bre("x$y$"), "x\\$y$");
        assert_eq!(
            translate("(ab|cd)+", Dialect::Extended).unwrap(),
            "(ab|cd)+"
        );
        assert_eq!(translate("(na)+x?", Dialect::Extended).unwrap(), "(na)+x?");
        assert_eq!(translate("a{,2}", Dialect::Extended).unwrap(), "a{0,2}");
        assert_eq!(bre("[\\]"), "[\\\\]");
        assert_eq!(bre("[]a]"), "[\\]a]");
        assert_eq!(bre("[[:digit:]x]"), "[[:digit:]x]");
        assert!(translate("\\(a\\)\\1", Dialect::Basic).is_err());
    }

    #[test]
    fn sed_reads_escapes_inside_brackets_first() {
        let sed = |p: &str| translate_for_sed(p, Dialect::Basic).unwrap();
        assert_eq!(sed("[ \\t]"), "[ \t]");
        assert_eq!(sed("[]\\n]"), "[\\]\n]");
        assert_eq!(sed("[[:space:]\\t]"), "[[:space:]\t]");
        assert_eq!(bre("[\\t]"), "[\\\\t]");
    }
}
