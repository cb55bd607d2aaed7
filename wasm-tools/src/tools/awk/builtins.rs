//! awk's builtin functions (POSIX, and gawk's gensub, asort, asorti, systime, strftime), sprintf,
//! and turning awk's EREs into `regex` syntax.

use super::ast::special::*;
use super::ast::{Expr, LValue};
use super::interp::{Array, Fallible, Interp, fatal};
use super::records::split_fields;
use super::streams::no_commands;
use super::value::Value;
use crate::common::cformat::{self, Amount};
use crate::common::posix_regex::{Dialect, translate};
use regex::{Captures, Regex};
use std::rc::Rc;

pub fn call(interp: &mut Interp, name: &'static str, args: &[Expr]) -> Fallible<Value> {
    let arity = |min: usize, max: usize| -> Fallible<()> {
        if args.len() < min || args.len() > max {
            return Err(fatal(format!(
                "{name}: called with {} arguments, takes {min} to {max}",
                args.len()
            )));
        }
        Ok(())
    };
    let num = |n: f64| Ok(Value::Num(n));
    match name {
        "length" => {
            arity(0, 1)?;
            match args.first() {
                None => {
                    let record = interp.get(&LValue::Field(Box::new(Expr::Num(0.0))))?;
                    num(interp.text(&record).chars().count() as f64)
                }
                Some(Expr::LValue(LValue::Var(var))) if is_array(interp, *var) => {
                    num(interp.array(*var)?.borrow().len() as f64)
                }
                Some(arg) => {
                    let value = interp.eval(arg)?;
                    num(interp.text(&value).chars().count() as f64)
                }
            }
        }
        "substr" => {
            arity(2, 3)?;
            let text = text_arg(interp, &args[0])?;
            let start = interp.eval(&args[1])?.to_num();
            let length = match args.get(2) {
                Some(e) => Some(interp.eval(e)?.to_num()),
                None => None,
            };
            Ok(Value::str(substr(&text, start, length)))
        }
        "index" => {
            arity(2, 2)?;
            let haystack = text_arg(interp, &args[0])?;
            let needle = text_arg(interp, &args[1])?;
            let position = match haystack.find(&*needle) {
                Some(byte) => haystack[..byte].chars().count() + 1,
                None => 0,
            };
            num(position as f64)
        }
        "split" => {
            arity(2, 3)?;
            split(interp, args)
        }
        "sub" | "gsub" => {
            arity(2, 3)?;
            substitute(interp, args, name == "gsub")
        }
        "gensub" => {
            arity(3, 4)?;
            gensub(interp, args)
        }
        "match" => {
            arity(2, 3)?;
            match_builtin(interp, args)
        }
        "sprintf" => {
            arity(1, usize::MAX)?;
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                values.push(interp.eval(arg)?);
            }
            Ok(Value::str(sprintf(interp, &values)?))
        }
        "sin" | "cos" | "exp" | "log" | "sqrt" | "int" => {
            arity(1, 1)?;
            let x = interp.eval(&args[0])?.to_num();
            num(match name {
                "sin" => x.sin(),
                "cos" => x.cos(),
                "exp" => x.exp(),
                "log" => x.ln(),
                "sqrt" => x.sqrt(),
                _ => x.trunc(),
            })
        }
        "atan2" => {
            arity(2, 2)?;
            let y = interp.eval(&args[0])?.to_num();
            let x = interp.eval(&args[1])?.to_num();
            num(y.atan2(x))
        }
        "and" | "or" | "xor" => {
            if args.len() < 2 {
                return Err(fatal(format!(
                    "{name}: called with less than two arguments"
                )));
            }
            let mut result: Option<u64> = None;
            for (position, arg) in args.iter().enumerate() {
                let value = interp.eval(arg)?.to_num();
                if value < 0.0 {
                    return Err(fatal(format!(
                        "{name}: argument {} negative value {} is not allowed",
                        position + 1,
                        interp.text(&Value::Num(value))
                    )));
                }
                let operand = bits::unsigned(value);
                result = Some(match (result, name) {
                    (None, _) => operand,
                    (Some(r), "and") => r & operand,
                    (Some(r), "or") => r | operand,
                    (Some(r), _) => r ^ operand,
                });
            }
            num(bits::to_awk_number(result.unwrap_or(0)))
        }
        "lshift" | "rshift" => {
            arity(2, 2)?;
            let value = interp.eval(&args[0])?.to_num();
            let count = interp.eval(&args[1])?.to_num();
            if value < 0.0 || count < 0.0 {
                return Err(fatal(format!(
                    "{name}({value:.6}, {count:.6}): negative values are not allowed"
                )));
            }
            let (value, count) = (bits::unsigned(value), bits::unsigned(count) as u32);
            num(bits::to_awk_number(if name == "lshift" {
                value.wrapping_shl(count)
            } else {
                value.wrapping_shr(count)
            }))
        }
        "compl" => {
            arity(1, 1)?;
            let value = interp.eval(&args[0])?.to_num();
            if value < 0.0 {
                return Err(fatal(format!(
                    "compl({value:.6}): negative value is not allowed"
                )));
            }
            num(bits::to_awk_number(!bits::unsigned(value)))
        }
        "rand" => {
            arity(0, 0)?;
            num(interp.random.next())
        }
        "srand" => {
            arity(0, 1)?;
            let seed = match args.first() {
                Some(e) => interp.eval(e)?.to_num(),
                None => now_seconds() as f64,
            };
            num(interp.random.reseed(seed))
        }
        "tolower" | "toupper" => {
            arity(1, 1)?;
            let text = text_arg(interp, &args[0])?;
            Ok(Value::str(change_case(&text, name == "toupper")))
        }
        "system" => {
            arity(1, 1)?;
            let command = text_arg(interp, &args[0])?;
            interp.streams.flush()?;
            if command.trim().is_empty() {
                return num(0.0);
            }
            Err(no_commands(&command))
        }
        "close" => {
            arity(1, 2)?;
            let name = text_arg(interp, &args[0])?;
            num(f64::from(interp.streams.close(&name)?))
        }
        "fflush" => {
            arity(0, 1)?;
            interp.streams.flush()?;
            num(0.0)
        }
        "systime" => {
            arity(0, 0)?;
            num(now_seconds() as f64)
        }
        "strftime" => {
            arity(0, 3)?;
            let format = match args.first() {
                Some(e) => text_arg(interp, e)?,
                None => "%a %b %e %H:%M:%S %Z %Y".into(),
            };
            let seconds = match args.get(1) {
                Some(e) => interp.eval(e)?.to_num() as i64,
                None => now_seconds(),
            };
            Ok(Value::str(crate::tools::date::strftime(
                &format, seconds, 0,
            )))
        }
        "asort" | "asorti" => {
            arity(1, 2)?;
            sort_array(interp, args, name == "asorti")
        }
        _ => Err(fatal(format!("function '{name}' is not defined"))),
    }
}

/// Character by character, so a character whose other case is longer (ß) stays as it is.
fn change_case(text: &str, upper: bool) -> String {
    text.chars()
        .map(|c| {
            let mut changed: Vec<char> = if upper {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if changed.len() == 1 {
                changed.remove(0)
            } else {
                c
            }
        })
        .collect()
}

fn now_seconds() -> i64 {
    crate::common::time::unix_seconds(std::time::SystemTime::now())
}

fn is_array(interp: &mut Interp, var: super::ast::Var) -> bool {
    let slot = match var {
        super::ast::Var::Global(slot) => &interp.globals[slot],
        super::ast::Var::Local(_) => return interp.array(var).is_ok(),
    };
    matches!(slot, super::interp::Cell::Array(_))
}

fn text_arg(interp: &mut Interp, expr: &Expr) -> Fallible<Rc<str>> {
    let value = interp.eval(expr)?;
    Ok(interp.text(&value))
}

/// The array a builtin fills: its argument must name one.
fn array_arg(
    interp: &mut Interp,
    name: &str,
    expr: &Expr,
) -> Fallible<Rc<std::cell::RefCell<Array>>> {
    match expr {
        Expr::LValue(LValue::Var(var)) => interp.array(*var),
        _ => Err(fatal(format!(
            "{name}: the array argument is not an array name"
        ))),
    }
}

/// substr as gawk (and BWK awk) do it: positions count characters from 1 and are rounded; a
/// start before 1 is taken as 1.
pub fn substr(text: &str, start: f64, length: Option<f64>) -> String {
    let chars: Vec<char> = text.chars().collect();
    let count = chars.len() as f64;
    let start = round_half_even(start).max(1.0);
    let end = match length {
        Some(length) => start + round_half_even(length),
        None => count + 1.0,
    };
    if start.is_nan() || end.is_nan() {
        return String::new();
    }
    let first = start.max(1.0);
    let last = end.min(count + 1.0);
    if last <= first {
        return String::new();
    }
    chars[first as usize - 1..last as usize - 1]
        .iter()
        .collect()
}

fn round_half_even(x: f64) -> f64 {
    let rounded = x.round();
    if (x - x.trunc()).abs() == 0.5 && rounded % 2.0 != 0.0 {
        rounded - x.signum()
    } else {
        rounded
    }
}

fn split(interp: &mut Interp, args: &[Expr]) -> Fallible<Value> {
    let text = text_arg(interp, &args[0])?;
    let array = array_arg(interp, "split", &args[1])?;
    let separator = match args.get(2) {
        None => {
            let fs = interp.special_text(FS);
            interp.separator_from(&fs)?
        }
        Some(Expr::RegexLiteral(pattern)) => {
            super::records::FieldSeparator::Regex(interp.regex(pattern)?)
        }
        Some(e) => {
            let fs = text_arg(interp, e)?;
            interp.separator_from(&fs)?
        }
    };
    let fields = split_fields(&text, &separator, false);
    let mut array = array.borrow_mut();
    array.clear();
    for (i, field) in fields.iter().enumerate() {
        array.insert((i + 1).to_string().into(), Value::StrNum(field.clone()));
    }
    Ok(Value::Num(fields.len() as f64))
}

/// The target of sub/gsub: the third argument, or `$0`.
fn substitution_target(args: &[Expr]) -> Fallible<LValue> {
    match args.get(2) {
        None => Ok(LValue::Field(Box::new(Expr::Num(0.0)))),
        Some(Expr::LValue(target)) => Ok(target.clone()),
        Some(Expr::Group(inner)) => {
            substitution_target(&[Expr::Num(0.0), Expr::Num(0.0), (**inner).clone()])
        }
        Some(_) => Err(fatal(
            "sub/gsub: the third argument is not a variable, field or element",
        )),
    }
}

fn substitute(interp: &mut Interp, args: &[Expr], global: bool) -> Fallible<Value> {
    let regex = interp.regex_of(&args[0])?;
    let replacement = text_arg(interp, &args[1])?;
    let target = substitution_target(args)?;
    let current = interp.get(&target)?;
    let text = interp.text(&current);
    let (result, count) = replace_matches(&regex, &text, global.then_some(0), |caps, out| {
        expand_ampersand(&replacement, caps, out)
    });
    if count > 0 {
        interp.set(&target, Value::str(result))?;
    }
    Ok(Value::Num(count as f64))
}

/// sub/gsub replacement text: `&` is the match, `\&` a literal `&`, `\\` a backslash.
fn expand_ampersand(replacement: &str, caps: &Captures, out: &mut String) {
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('&' | '\\')) => {
                out.push(chars.next().unwrap_or('\\'));
            }
            '&' => out.push_str(&caps[0]),
            c => out.push(c),
        }
    }
}

/// Replaces matches of `regex` in `text`: all of them (`which` = Some(0)), only the n-th
/// (Some(n)), or only the first (None). An empty match right after a match is skipped.
fn replace_matches(
    regex: &Regex,
    text: &str,
    which: Option<usize>,
    mut replace: impl FnMut(&Captures, &mut String),
) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut position = 0;
    let mut seen = 0;
    let mut replaced = 0;
    let mut last_end: Option<usize> = None;
    while position <= text.len() {
        let Some(caps) = regex.captures_at(text, position) else {
            break;
        };
        let whole = caps.get(0).map(|m| (m.start(), m.end())).unwrap_or((0, 0));
        let (start, end) = whole;
        if start == end && last_end == Some(start) {
            // Empty match where the previous one ended: step over one character.
            match text[start..].chars().next() {
                Some(c) => {
                    out.push_str(&text[position..start + c.len_utf8()]);
                    position = start + c.len_utf8();
                    continue;
                }
                None => break,
            }
        }
        seen += 1;
        out.push_str(&text[position..start]);
        let wanted = match which {
            None => seen == 1,
            Some(0) => true,
            Some(n) => seen == n,
        };
        if wanted {
            replace(&caps, &mut out);
            replaced += 1;
        } else {
            out.push_str(&text[start..end]);
        }
        last_end = Some(end);
        position = end;
        if start == end {
            match text[end..].chars().next() {
                Some(c) => {
                    out.push(c);
                    position = end + c.len_utf8();
                }
                None => {
                    position = text.len() + 1;
                    break;
                }
            }
        }
        if which.is_none() || which.is_some_and(|n| n > 0 && seen >= n) {
            break;
        }
    }
    if position <= text.len() {
        out.push_str(&text[position..]);
    }
    (out, replaced)
}

fn gensub(interp: &mut Interp, args: &[Expr]) -> Fallible<Value> {
    let regex = interp.regex_of(&args[0])?;
    let replacement = text_arg(interp, &args[1])?;
    let how = interp.eval(&args[2])?;
    let how_text = interp.text(&how);
    let which = if how_text.starts_with(['g', 'G']) {
        Some(0)
    } else {
        Some((how.to_num() as usize).max(1))
    };
    let text = match args.get(3) {
        Some(e) => text_arg(interp, e)?,
        None => text_arg(
            interp,
            &Expr::LValue(LValue::Field(Box::new(Expr::Num(0.0)))),
        )?,
    };
    let (result, _) = replace_matches(&regex, &text, which, |caps, out| {
        let mut chars = replacement.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(d @ '0'..='9') => {
                        let group = d.to_digit(10).unwrap_or(0) as usize;
                        out.push_str(caps.get(group).map_or("", |m| m.as_str()));
                    }
                    Some('&') => out.push('&'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                '&' => out.push_str(&caps[0]),
                c => out.push(c),
            }
        }
    });
    Ok(Value::str(result))
}

fn match_builtin(interp: &mut Interp, args: &[Expr]) -> Fallible<Value> {
    let text = text_arg(interp, &args[0])?;
    let regex = interp.regex_of(&args[1])?;
    let array = match args.get(2) {
        Some(e) => Some(array_arg(interp, "match", e)?),
        None => None,
    };
    let caps = regex.captures(&text);
    let (start, length) = match caps.as_ref().and_then(|c| c.get(0)) {
        Some(m) => (
            text[..m.start()].chars().count() as f64 + 1.0,
            m.as_str().chars().count() as f64,
        ),
        None => (0.0, -1.0),
    };
    interp.globals[RSTART] = super::interp::Cell::Scalar(Value::Num(start));
    interp.globals[RLENGTH] = super::interp::Cell::Scalar(Value::Num(length));
    if let Some(array) = array {
        let mut array = array.borrow_mut();
        array.clear();
        if let Some(caps) = &caps {
            for (i, group) in caps.iter().enumerate() {
                if let Some(group) = group {
                    array.insert(i.to_string().into(), Value::StrNum(group.as_str().into()));
                }
            }
        }
    }
    Ok(Value::Num(start))
}

/// gawk's asort (values) and asorti (indices): the result is numbered from 1.
fn sort_array(interp: &mut Interp, args: &[Expr], indices: bool) -> Fallible<Value> {
    let source = array_arg(interp, "asort", &args[0])?;
    let destination = match args.get(1) {
        Some(e) => array_arg(interp, "asort", e)?,
        None => source.clone(),
    };
    let convfmt = interp.convfmt();
    let mut items: Vec<Value> = if indices {
        source
            .borrow()
            .keys()
            .map(|k| Value::Str(k.clone()))
            .collect()
    } else {
        source.borrow().values().cloned().collect()
    };
    items.sort_by(|a, b| {
        // Numbers (and numeric input) sort before strings, as in gawk.
        let rank = |v: &Value| u8::from(!matches!(v, Value::Num(_)) && !v.looks_like_number());
        rank(a).cmp(&rank(b)).then_with(|| a.compare(b, &convfmt))
    });
    let mut destination = destination.borrow_mut();
    destination.clear();
    for (i, item) in items.iter().enumerate() {
        destination.insert((i + 1).to_string().into(), item.clone());
    }
    Ok(Value::Num(items.len() as f64))
}

/// printf and sprintf: C conversions over awk values.
pub fn sprintf(interp: &mut Interp, values: &[Value]) -> Fallible<String> {
    let format = interp.text(&values[0]);
    let bytes = format.as_bytes();
    let mut args = values[1..].iter();
    let mut out = String::with_capacity(format.len());
    let mut literal_start = 0;
    let mut i = 0;
    let missing = || fatal("not enough arguments to satisfy format string");
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        out.push_str(&format[literal_start..i]);
        if bytes.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            literal_start = i;
            continue;
        }
        let Some(parsed) = cformat::parse(&bytes[i + 1..]) else {
            // Not a conversion: print it as written.
            out.push('%');
            i += 1;
            literal_start = i;
            continue;
        };
        let mut spec = parsed.written_spec();
        if let Amount::FromArgument = parsed.width {
            let width = args.next().ok_or_else(missing)?.to_num();
            spec.left |= width < 0.0;
            spec.width = Some(width.abs() as usize);
        }
        if let Amount::FromArgument = parsed.precision {
            let precision = args.next().ok_or_else(missing)?.to_num();
            spec.precision = (precision >= 0.0).then_some(precision as usize);
        }
        let value = args.next().ok_or_else(missing)?;
        let text = match spec.conversion {
            b'd' | b'i' => {
                let n = value.to_num();
                if n.is_finite() {
                    spec.conversion = b'd';
                    cformat::integer(&spec, n.trunc() as i128)
                } else {
                    cformat::text(&spec, &super::value::number_to_text(n, "%g"))
                }
            }
            b'o' | b'x' | b'X' | b'u' => cformat::integer(&spec, value.to_num().trunc() as i128),
            b'c' => {
                let character = match value {
                    Value::Num(n) => char::from_u32(*n as u32)
                        .map(String::from)
                        .unwrap_or_default(),
                    other => interp
                        .text(other)
                        .chars()
                        .next()
                        .map(String::from)
                        .unwrap_or_default(),
                };
                spec.precision = None;
                cformat::text(&spec, &character)
            }
            b's' => cformat::text(&spec, &interp.text(value)),
            b'b' => return Err(fatal("printf: '%b' is not an awk conversion")),
            _ => cformat::float(&spec, value.to_num()),
        };
        out.push_str(&text);
        i += 1 + parsed.length;
        literal_start = i;
    }
    out.push_str(&format[literal_start..]);
    Ok(out)
}

/// Compiles an awk ERE: escapes like `\t` and `\/` become characters, the rest is POSIX ERE.
pub fn compile_regex(pattern: &str) -> Fallible<Regex> {
    let mut cooked = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            cooked.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => cooked.push('\n'),
            Some('t') => cooked.push('\t'),
            Some('r') => cooked.push('\r'),
            Some('f') => cooked.push('\x0c'),
            Some('v') => cooked.push('\x0b'),
            Some('a') => cooked.push('\x07'),
            Some('/') => cooked.push('/'),
            Some('"') => cooked.push('"'),
            Some(other) => {
                cooked.push('\\');
                cooked.push(other);
            }
            None => cooked.push_str("\\\\"),
        }
    }
    let translated = translate(&cooked, Dialect::Extended)
        .map_err(|e| fatal(format!("invalid regular expression /{pattern}/: {e}")))?;
    Regex::new(&translated).map_err(|e| {
        fatal(format!(
            "invalid regular expression /{pattern}/: {}",
            e.to_string().lines().last().unwrap_or("")
        ))
    })
}

/// Escapes in `-v` values and `var=value` operands are processed as in string literals.
pub fn unescape(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            let (expanded, next) = super::lexer::escape(&chars, i + 1);
            out.push_str(&expanded);
            i = next;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// rand() and srand(): a fixed default seed, so runs repeat, as in every awk.
pub struct Random {
    state: u64,
    seed: f64,
}

impl Default for Random {
    fn default() -> Self {
        Random {
            state: 0x2545_f491_4f6c_dd1d,
            seed: 0.0,
        }
    }
}

impl Random {
    pub fn next(&mut self) -> f64 {
        // xorshift64*: plenty for awk's rand().
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let bits = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        bits as f64 / (1u64 << 53) as f64
    }

    /// Sets a new seed and returns the previous one.
    pub fn reseed(&mut self, seed: f64) -> f64 {
        let previous = self.seed;
        self.seed = seed;
        self.state = (seed.to_bits() ^ 0x9e37_79b9_7f4a_7c15).max(1);
        previous
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substr_rounds_and_clips_like_posix() {
        assert_eq!(substr("hello", 2.0, Some(3.0)), "ell");
        assert_eq!(substr("hello", 0.0, None), "hello");
        assert_eq!(substr("hello", -1.0, Some(3.0)), "hel");
        assert_eq!(substr("hello", 4.0, Some(100.0)), "lo");
        assert_eq!(substr("héllo", 2.0, Some(2.0)), "él");
    }

    #[test]
    fn gsub_handles_empty_matches_like_gawk() {
        let regex = Regex::new("x*").unwrap();
        let amp = |caps: &Captures, out: &mut String| expand_ampersand("-", caps, out);
        assert_eq!(replace_matches(&regex, "abc", Some(0), amp).0, "-a-b-c-");
        assert_eq!(replace_matches(&regex, "xxa", Some(0), amp).0, "-a-");
        let digits = Regex::new("[0-9]+").unwrap();
        let tag = |caps: &Captures, out: &mut String| expand_ampersand("<&>\\&", caps, out);
        assert_eq!(
            replace_matches(&digits, "a1b22", None, tag),
            ("a<1>&b22".into(), 1)
        );
    }

    #[test]
    fn regex_escapes_become_characters() {
        assert!(compile_regex("a\\tb").unwrap().is_match("a\tb"));
        assert!(compile_regex("a\\/b").unwrap().is_match("a/b"));
        assert!(compile_regex("a\\.b").unwrap().is_match("a.b"));
        assert!(!compile_regex("a\\.b").unwrap().is_match("axb"));
    }
}

/// gawk's bit functions work on unsigned 64-bit integers and hand back what a double can hold.
mod bits {
    /// Bits a double holds exactly.
    const DOUBLE_BITS: u32 = 53;

    /// A non-negative awk number as an unsigned integer, its fraction dropped (saturating).
    pub fn unsigned(value: f64) -> u64 {
        value.trunc() as u64
    }

    /// As gawk's `adjust_uint`: a value too wide for a double keeps its low bits — as many as a
    /// double holds, plus its trailing zero bits — so the low bits come back exactly.
    pub fn to_awk_number(value: u64) -> f64 {
        let width = DOUBLE_BITS + value.trailing_zeros();
        if value >> DOUBLE_BITS.min(63) == 0 || width >= 64 {
            return value as f64;
        }
        (value & ((1u64 << width) - 1)) as f64
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn wide_values_keep_their_low_bits_as_gawk() {
            assert_eq!(to_awk_number(!0), 9007199254740991.0);
            assert_eq!(to_awk_number(!1), 18014398509481982.0);
            assert_eq!(to_awk_number(!(1 << 52)), 4503599627370495.0);
            assert_eq!(to_awk_number(1 << 60), 1152921504606846976.0);
            assert_eq!(to_awk_number(12), 12.0);
        }
    }
}
