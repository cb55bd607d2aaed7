//! printf: format and print arguments; the format is reused until the arguments are used up.

use crate::common::cformat::{self, Amount};
use crate::common::escape::{EscapeStyle, expand};
use crate::common::io::{out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, args: Vec<OsString>) -> ToolResult {
    let mut words = crate::common::args::words_after_double_dash(&args);
    if words.is_empty() {
        // bash's printf, which agents' shells run, exits 2 here.
        return Err(ToolError::usage("usage: printf format [arguments]"));
    }
    let format = words.remove(0);
    let mut printer = Printer {
        tool,
        args: words,
        next: 0,
        status: 0,
        output: Vec::new(),
    };
    loop {
        let used_before = printer.next;
        if printer.render(format.as_bytes()) {
            break;
        }
        if printer.next == used_before || printer.next >= printer.args.len() {
            break;
        }
    }
    out(&printer.output)?;
    Ok(printer.status)
}

struct Printer {
    tool: &'static str,
    args: Vec<String>,
    next: usize,
    status: i32,
    output: Vec<u8>,
}

impl Printer {
    fn take(&mut self) -> Option<String> {
        let arg = self.args.get(self.next).cloned();
        self.next += 1;
        arg
    }

    /// Renders the format once; returns true when `\c` asked to stop.
    fn render(&mut self, format: &[u8]) -> bool {
        let mut i = 0;
        while i < format.len() {
            match format[i] {
                b'%' if format.get(i + 1) == Some(&b'%') => {
                    self.output.push(b'%');
                    i += 2;
                }
                b'%' if let Some((prefix, strftime, length)) =
                    time_conversion(&format[i + 1..]) =>
                {
                    i += 1 + length;
                    self.convert_time(&prefix, &strftime);
                }
                b'%' => match cformat::parse(&format[i + 1..]) {
                    Some(parsed) => {
                        i += 1 + parsed.length;
                        if self.convert(parsed) {
                            return true;
                        }
                    }
                    None => {
                        let rest = String::from_utf8_lossy(&format[i..]);
                        warn(
                            self.tool,
                            format!(
                                "%{}: invalid conversion specification",
                                rest.chars().nth(1).unwrap_or(' ')
                            ),
                        );
                        self.status = 1;
                        return true;
                    }
                },
                b'\\' => {
                    let end = (i + 2..=format.len())
                        .find(|&e| e == format.len() || format[e] == b'%' || format[e] == b'\\')
                        .unwrap_or(format.len());
                    let expanded = expand(&format[i..end], EscapeStyle::Format);
                    self.output.extend_from_slice(&expanded.bytes);
                    if expanded.stop {
                        return true;
                    }
                    i = end;
                }
                byte => {
                    self.output.push(byte);
                    i += 1;
                }
            }
        }
        false
    }

    /// A width or precision, taken from the next argument for `*` (which may be negative).
    fn amount(&mut self, amount: Amount) -> Option<i128> {
        match amount {
            Amount::None => None,
            Amount::Given(n) => Some(n as i128),
            Amount::FromArgument => {
                let arg = self.take().unwrap_or_default();
                Some(self.integer(&arg).clamp(-(1 << 20), 1 << 20))
            }
        }
    }

    /// The conversion's width and precision: a negative `*` width left-justifies, a negative
    /// `*` precision is none at all.
    fn sized(&mut self, parsed: cformat::Parsed) -> cformat::Spec {
        let mut spec = parsed.spec;
        let width = self.amount(parsed.width);
        spec.left |= width.is_some_and(|w| w < 0);
        spec.width = width.map(|w| w.unsigned_abs() as usize);
        spec.precision = self
            .amount(parsed.precision)
            .and_then(|p| usize::try_from(p).ok());
        spec
    }

    /// Writes one conversion; returns true when a `%b` argument held `\c`.
    fn convert(&mut self, parsed: cformat::Parsed) -> bool {
        let spec = self.sized(parsed);
        let arg = self.take();
        let text = match spec.conversion {
            b's' => cformat::text(&spec, arg.as_deref().unwrap_or("")),
            b'q' => cformat::text(&spec, &shell_quoted(arg.as_deref().unwrap_or(""))),
            b'c' => {
                // bash's %c is the first byte, not the first character.
                let first = arg.unwrap_or_default().bytes().next();
                match first {
                    Some(byte) if !byte.is_ascii() => {
                        let padded = cformat::text(&spec, "X").into_bytes();
                        let raw: Vec<u8> = padded
                            .into_iter()
                            .map(|b| if b == b'X' { byte } else { b })
                            .collect();
                        self.output.extend_from_slice(&raw);
                        return false;
                    }
                    _ => cformat::text(
                        &spec,
                        &first.map(char::from).map(String::from).unwrap_or_default(),
                    ),
                }
            }
            b'b' => {
                let expanded = expand(arg.unwrap_or_default().as_bytes(), EscapeStyle::Argument);
                let text = String::from_utf8_lossy(&expanded.bytes).into_owned();
                self.output
                    .extend_from_slice(cformat::text(&spec, &text).as_bytes());
                return expanded.stop;
            }
            b'd' | b'i' | b'o' | b'u' | b'x' | b'X' => {
                let value = self.integer(arg.as_deref().unwrap_or("0"));
                cformat::integer(&spec, in_range(spec.conversion, value))
            }
            _ => {
                let value = self.float(arg.as_deref().unwrap_or("0"));
                cformat::float(&spec, value)
            }
        };
        self.output.extend_from_slice(text.as_bytes());
        false
    }

    /// `%(FORMAT)T`: the argument (Unix seconds; none, `-1` or `-2`: now) as strftime's
    /// FORMAT renders it in the zone `TZ` names, then padded and cut as `%s` would be.
    fn convert_time(&mut self, prefix: &[u8], strftime: &str) {
        let mut as_text = prefix.to_vec();
        as_text.push(b's');
        let Some(parsed) = cformat::parse(&as_text) else {
            return;
        };
        let spec = self.sized(parsed);
        let arg = self.take().unwrap_or_default();
        let seconds = match arg.as_str() {
            "" | "-1" | "-2" => crate::common::time::unix_seconds(std::time::SystemTime::now()),
            text => self
                .integer(text)
                .clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64,
        };
        let zone = crate::common::time::local_zone(seconds);
        let mut rendered = crate::tools::date::strftime_in(strftime, seconds, 0, &zone);
        // bash renders into a buffer of 128 bytes and prints nothing when it is too small.
        if rendered.len() >= 128 {
            rendered.clear();
        }
        self.output
            .extend_from_slice(cformat::text(&spec, &rendered).as_bytes());
    }

    fn integer(&mut self, text: &str) -> i128 {
        if let Some(code) = self.char_constant(text) {
            return i128::from(code);
        }
        match parse_integer(text) {
            Some(value) => value,
            None => {
                // As C's strtoimax: the number at the start counts, the rest is reported.
                let (value, used) = integer_prefix(text.trim_start());
                self.not_converted(text, used);
                value
            }
        }
    }

    fn float(&mut self, text: &str) -> f64 {
        if let Some(code) = self.char_constant(text) {
            return f64::from(code);
        }
        if text.is_empty() {
            return 0.0;
        }
        let trimmed = text.trim_start();
        let (value, used) = float_prefix(trimmed);
        if used < trimmed.len() {
            self.not_converted(text, used);
        }
        value
    }

    /// `'c` (or `"c`): the character's code; characters after it are ignored with GNU's warning.
    fn char_constant(&mut self, text: &str) -> Option<u32> {
        let code = char_constant(text)?;
        let rest = text
            .get(1..)
            .and_then(|r| r.char_indices().nth(1).map(|(at, _)| &r[at..]))
            .unwrap_or("");
        if !rest.is_empty() {
            let _ = out(&std::mem::take(&mut self.output));
            warn(
                self.tool,
                format!(
                    "warning: {rest}: character(s) following character constant have been ignored"
                ),
            );
        }
        Some(code)
    }

    /// GNU printf's complaints about an argument that is not (wholly) a number; exit status 1.
    fn not_converted(&mut self, text: &str, used: usize) {
        let _ = out(&std::mem::take(&mut self.output));
        if used == 0 {
            warn(self.tool, format!("'{text}': expected a numeric value"));
        } else {
            warn(
                self.tool,
                format!("'{text}': value not completely converted"),
            );
        }
        self.status = 1;
    }
}

/// The integer at the start of `text` as C's `strtoimax` reads it (sign, `0x` hex, `0` octal,
/// decimal) and the bytes it used (0 when there is no number).
fn integer_prefix(text: &str) -> (i128, usize) {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let (radix, digits_at) = if bytes[at..].starts_with(b"0x") || bytes[at..].starts_with(b"0X") {
        if bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit) {
            (16, at + 2)
        } else {
            // `0x` with no hex digit is the number 0, and the `x` is left over.
            return (0, at + 1);
        }
    } else if bytes.get(at) == Some(&b'0') {
        (8, at)
    } else {
        (10, at)
    };
    let mut end = digits_at;
    let mut value: i128 = 0;
    while let Some(digit) = bytes.get(end).and_then(|b| (*b as char).to_digit(radix)) {
        value = value
            .saturating_mul(i128::from(radix))
            .saturating_add(i128::from(digit));
        end += 1;
    }
    if end == digits_at {
        return (0, 0);
    }
    (if negative { -value } else { value }, end)
}

/// The floating-point number at the start of `text` as C's `strtod` reads it (sign, digits with
/// a point, an exponent only when digits follow it, `inf`, `infinity`, `nan`, hex with `p`) and
/// the bytes it used (0 when there is none).
fn float_prefix(text: &str) -> (f64, usize) {
    let bytes = text.as_bytes();
    let mut at = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let lower = text[at..].to_ascii_lowercase();
    for word in ["infinity", "inf", "nan"] {
        if lower.starts_with(word) {
            let end = at + word.len();
            let value = if word == "nan" {
                f64::NAN
            } else {
                f64::INFINITY
            };
            let negative = bytes.first() == Some(&b'-');
            return (if negative { -value } else { value }, end);
        }
    }
    if lower.starts_with("0x") {
        let (value, used) = integer_prefix(text);
        return (value as f64, used);
    }
    let digits = |at: &mut usize| {
        let start = *at;
        while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
            *at += 1;
        }
        *at - start
    };
    let mut count = digits(&mut at);
    if bytes.get(at) == Some(&b'.') {
        at += 1;
        count += digits(&mut at);
    }
    if count == 0 {
        return (0.0, 0);
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        let mut exponent = at + 1;
        if matches!(bytes.get(exponent), Some(b'+' | b'-')) {
            exponent += 1;
        }
        if digits(&mut exponent) > 0 {
            at = exponent;
        }
    }
    (text[..at].parse().unwrap_or(0.0), at)
}

/// `%[flags][width][.precision](FORMAT)T` after its `%`: the flags and amounts, the strftime
/// format, and the bytes the conversion takes.
fn time_conversion(format: &[u8]) -> Option<(Vec<u8>, String, usize)> {
    let open = format.iter().position(|&b| b == b'(')?;
    if !format[..open]
        .iter()
        .all(|b| b"-+ #0'.*".contains(b) || b.is_ascii_digit())
    {
        return None;
    }
    let close = open + format[open..].windows(2).position(|w| w == b")T")?;
    let strftime = String::from_utf8_lossy(&format[open + 1..close]).into_owned();
    Some((format[..open].to_vec(), strftime, close + 2))
}

/// A value past what C's 64-bit conversions hold, as bash's `strtoimax`/`strtoumax` give it:
/// `%d` and `%i` stop at `i64`'s ends; the unsigned ones at `u64::MAX` (a negative within
/// range wraps, as C's unsigned arithmetic does).
fn in_range(conversion: u8, value: i128) -> i128 {
    let unsigned_max = i128::from(u64::MAX);
    match conversion {
        b'd' | b'i' => value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)),
        _ if value > unsigned_max || value < -unsigned_max => unsigned_max,
        _ => value,
    }
}

/// A leading quote means the character's code: `printf %d "'A"` prints 65.
fn char_constant(text: &str) -> Option<u32> {
    let rest = text.strip_prefix(['\'', '"'])?;
    Some(rest.chars().next().map_or(0, u32::from))
}

fn parse_integer(text: &str) -> Option<i128> {
    if let Some(code) = char_constant(text) {
        return Some(i128::from(code));
    }
    // bash reads an empty argument as 0, and allows blanks before the number, not after.
    if text.is_empty() {
        return Some(0);
    }
    let trimmed = text.trim_start();
    let (negative, digits) = match trimmed.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, trimmed.strip_prefix('+').unwrap_or(trimmed)),
    };
    let magnitude = if let Some(hex) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        i128::from_str_radix(hex, 16).ok()?
    } else if digits.len() > 1 && digits.starts_with('0') {
        i128::from_str_radix(&digits[1..], 8).ok()?
    } else {
        digits.parse().ok()?
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// bash's `%q`: the text quoted so that the shell reads it back as itself — `''` when empty,
/// `$'…'` when it holds control characters, else each special character backslash-escaped.
fn shell_quoted(text: &str) -> String {
    if text.is_empty() {
        return "''".to_string();
    }
    if text.chars().any(char::is_control) {
        let mut out = String::from("$'");
        for c in text.chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\x07' => out.push_str("\\a"),
                '\x08' => out.push_str("\\b"),
                '\x0b' => out.push_str("\\v"),
                '\x0c' => out.push_str("\\f"),
                '\x1b' => out.push_str("\\E"),
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if c.is_control() => out.push_str(&format!("\\{:03o}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    let mut out = String::with_capacity(text.len() * 2);
    let mut previous: Option<char> = None;
    for c in text.chars() {
        let escape = match c {
            ' ' | '\'' | '"' | '\\' | '|' | '&' | ';' | '(' | ')' | '<' | '>' | '!' | '{' | '}'
            | '*' | '[' | '?' | ']' | '^' | '$' | '`' | ',' => true,
            '~' => matches!(previous, None | Some('=') | Some(':')),
            '#' => previous.is_none(),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        previous = Some(c);
    }
    out
}
