//! seq: print numbers from FIRST (1) by INCREMENT (1) to LAST; -s SEP, -w, -f FORMAT.

use crate::common::args::{self, Arg};
use crate::common::cformat;
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut separator = "\n".to_string();
    let mut equal_width = false;
    let mut format: Option<String> = None;
    let mut numbers = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("separator") => separator = args::value_text(&mut parser)?,
            Arg::Short('w') | Arg::Long("equal-width") => equal_width = true,
            Arg::Short('f') | Arg::Long("format") => format = Some(args::value_text(&mut parser)?),
            // A negative number is an operand, not an option.
            Arg::Short(c) if c.is_ascii_digit() || c == '.' => {
                numbers.push(format!(
                    "-{c}{}",
                    parser.optional_value().map(args::text).unwrap_or_default()
                ));
            }
            Arg::Value(value) => numbers.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let (first, step, last) = match numbers.as_slice() {
        [last] => ("1", "1", last.as_str()),
        [first, last] => (first.as_str(), "1", last.as_str()),
        [first, step, last] => (first.as_str(), step.as_str(), last.as_str()),
        [] => return Err(ToolError::operand("missing operand")),
        [_, _, _, extra, ..] => return Err(ToolError::operand(format!("extra operand '{extra}'"))),
    };
    let parse = |text: &str| -> Result<f64, ToolError> {
        text.parse::<f64>()
            .ok()
            .filter(|v| !v.is_nan())
            .ok_or_else(|| ToolError::operand(format!("invalid floating point argument: '{text}'")))
    };
    let (start, increment, end) = (parse(first)?, parse(step)?, parse(last)?);
    if increment == 0.0 {
        return Err(ToolError::operand(format!(
            "invalid Zero increment value: '{step}'"
        )));
    }
    let decimals = [first, step]
        .iter()
        .map(|t| fraction_digits(t))
        .max()
        .unwrap_or(0);
    let render = |value: f64| -> String {
        match &format {
            Some(format) => render_format(format, value),
            None => format!("{value:.decimals$}"),
        }
    };
    // As GNU: the widest of the first and last values, as printed or as written (leading
    // zeros count: `seq -w 008 011` is three wide).
    let written = |text: &str| {
        let integer_part = text.split(['.', 'e', 'E']).next().unwrap_or(text).len();
        integer_part + if decimals > 0 { 1 + decimals } else { 0 }
    };
    let width = if equal_width && format.is_none() {
        [(start, first), (end, last)]
            .iter()
            .map(|(value, text)| render(*value).len().max(written(text)))
            .max()
            .unwrap_or(0)
    } else {
        0
    };
    let mut index = 0u64;
    let mut pending = Vec::with_capacity(64 * 1024);
    loop {
        let value = start + index as f64 * increment;
        if (increment > 0.0 && value > end) || (increment < 0.0 && value < end) {
            break;
        }
        if index > 0 {
            pending.extend_from_slice(separator.as_bytes());
        }
        let text = render(value);
        if width > text.len() {
            let (sign, digits) = text.split_at(usize::from(text.starts_with('-')));
            pending.extend_from_slice(
                format!("{sign}{}{digits}", "0".repeat(width - text.len())).as_bytes(),
            );
        } else {
            pending.extend_from_slice(text.as_bytes());
        }
        if pending.len() >= 60 * 1024 {
            out(&pending)?;
            pending.clear();
        }
        index += 1;
    }
    if index > 0 {
        pending.push(b'\n');
    }
    out(&pending)?;
    Ok(0)
}

fn fraction_digits(text: &str) -> usize {
    match text.split_once('.') {
        Some((_, fraction)) if !fraction.contains(['e', 'E']) => fraction.len(),
        _ => 0,
    }
}

/// Applies a `-f` format with exactly one floating-point conversion.
fn render_format(format: &str, value: f64) -> String {
    let bytes = format.as_bytes();
    let mut result = String::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && bytes.get(i + 1) == Some(&b'%') {
            result.push('%');
            i += 2;
        } else if bytes[i] == b'%' {
            match cformat::parse(&bytes[i + 1..]) {
                Some(parsed) => {
                    let spec = parsed.written_spec();
                    result.push_str(&cformat::float(&spec, value));
                    i += 1 + parsed.length;
                }
                None => {
                    result.push('%');
                    i += 1;
                }
            }
        } else {
            let ch_len = format[i..].chars().next().map_or(1, char::len_utf8);
            result.push_str(&format[i..i + ch_len]);
            i += ch_len;
        }
    }
    result
}
