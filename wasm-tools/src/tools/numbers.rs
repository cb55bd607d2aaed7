//! factor (prime factors), numfmt (human-readable sizes, --to/--from si|iec|iec-i), and shuf
//! (random permutations: -n -e -i -r, --random-source refused).

use crate::common::args::{self, Arg};
use crate::common::io::{chomp, describe, each_input, inputs_or_stdin, open_input, out, records};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

pub fn factor(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let numbers = args::operands_only(argv)?;
    let mut status = 0;
    let mut one = |text: &str| -> Result<(), ToolError> {
        match text.trim().parse::<u128>() {
            Ok(n) => {
                let mut line = format!("{n}:");
                for p in prime_factors(n) {
                    line.push_str(&format!(" {p}"));
                }
                line.push('\n');
                out(line.as_bytes())
            }
            Err(_) => {
                crate::common::io::warn(tool, format!("'{text}' is not a valid positive integer"));
                status = 1;
                Ok(())
            }
        }
    };
    if numbers.is_empty() {
        let mut input = open_input("-").map_err(|e| ToolError::failure(describe(&e)))?;
        let mut text = String::new();
        input.read_to_string(&mut text)?;
        for word in text.split_whitespace() {
            one(word)?;
        }
    } else {
        for n in &numbers {
            one(n)?;
        }
    }
    Ok(status)
}

fn prime_factors(mut n: u128) -> Vec<u128> {
    let mut factors = Vec::new();
    let mut d = 2u128;
    while d * d <= n {
        while n.is_multiple_of(d) {
            factors.push(d);
            n /= d;
        }
        d += if d == 2 { 1 } else { 2 };
    }
    if n > 1 {
        factors.push(n);
    }
    factors
}

#[derive(Clone, Copy, PartialEq)]
enum Scale {
    None,
    Si,
    Iec,
    IecI,
}

fn scale_of(text: &str) -> Result<Scale, ToolError> {
    Ok(match text {
        "none" => Scale::None,
        "si" => Scale::Si,
        "iec" => Scale::Iec,
        "iec-i" => Scale::IecI,
        "auto" => Scale::Iec,
        _ => {
            return Err(ToolError::operand(format!(
                "invalid argument '{text}' for scale"
            )));
        }
    })
}

const SUFFIXES: [&str; 8] = ["K", "M", "G", "T", "P", "E", "Z", "Y"];

fn from_scaled(text: &str, scale: Scale) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    let number: f64 = text[..split].parse().ok()?;
    let suffix = text[split..].trim_end_matches(['i', 'B']);
    if suffix.is_empty() {
        return Some(number);
    }
    let power = SUFFIXES.iter().position(|s| *s == suffix)? as i32 + 1;
    let base: f64 = if scale == Scale::Si { 1000.0 } else { 1024.0 };
    Some(number * base.powi(power))
}

fn to_scaled(value: f64, scale: Scale) -> String {
    if scale == Scale::None {
        return format!("{}", value.round());
    }
    let base = if scale == Scale::Si { 1000.0 } else { 1024.0 };
    if value.abs() < base {
        return format!("{}", value.ceil());
    }
    let mut scaled = value;
    let mut power = 0;
    while scaled.abs() >= base && power < SUFFIXES.len() {
        scaled /= base;
        power += 1;
    }
    // numfmt rounds up ("from zero") and keeps one decimal below 10.
    let mut text = if scaled.abs() < 10.0 {
        let rounded = (scaled * 10.0).ceil() / 10.0;
        if rounded >= 10.0 {
            format!("{}", rounded.ceil())
        } else {
            format!("{rounded:.1}")
        }
    } else {
        format!("{}", scaled.ceil())
    };
    if text == format!("{base}") {
        text = "1.0".into();
        power += 1;
    }
    let suffix = SUFFIXES[power - 1];
    format!(
        "{text}{suffix}{}",
        if scale == Scale::IecI { "i" } else { "" }
    )
}

pub fn numfmt(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut from, mut to) = (Scale::None, Scale::None);
    let mut suffix = String::new();
    let mut numbers = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Long("from") => from = scale_of(&args::value_text(&mut parser)?)?,
            Arg::Long("to") => to = scale_of(&args::value_text(&mut parser)?)?,
            Arg::Long("suffix") => suffix = args::value_text(&mut parser)?,
            Arg::Value(value) => numbers.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let convert = |text: &str| -> Result<String, ToolError> {
        let body = text
            .trim()
            .strip_suffix(suffix.as_str())
            .unwrap_or(text.trim());
        let value = from_scaled(body, from)
            .ok_or_else(|| ToolError::usage(format!("invalid number: '{}'", text.trim())))?;
        Ok(format!("{}{suffix}\n", to_scaled(value, to)))
    };
    if numbers.is_empty() {
        return each_input(tool, Vec::new(), |_, input| {
            for line in records(input, b'\n')? {
                let text = String::from_utf8_lossy(chomp(&line, b'\n')).into_owned();
                out(convert(&text)?.as_bytes())?;
            }
            Ok(())
        })
        .map(|_| 0);
    }
    for n in &numbers {
        out(convert(n)?.as_bytes())?;
    }
    Ok(0)
}

pub fn shuf(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut echo, mut repeat) = (false, false);
    let mut count: Option<usize> = None;
    let mut range: Option<(u64, u64)> = None;
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('e') | Arg::Long("echo") => echo = true,
            Arg::Short('r') | Arg::Long("repeat") => repeat = true,
            Arg::Short('n') | Arg::Long("head-count") => {
                let text = args::value_text(&mut parser)?;
                count =
                    Some(text.parse().map_err(|_| {
                        ToolError::operand(format!("invalid line count: '{text}'"))
                    })?);
            }
            Arg::Short('i') | Arg::Long("input-range") => {
                let text = args::value_text(&mut parser)?;
                let bad = || ToolError::operand(format!("invalid input range: '{text}'"));
                let (lo, hi) = text.split_once('-').ok_or_else(bad)?;
                let (lo, hi) = (
                    lo.parse().map_err(|_| bad())?,
                    hi.parse().map_err(|_| bad())?,
                );
                if hi + 1 < lo {
                    return Err(bad());
                }
                range = Some((lo, hi));
            }
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut items: Vec<Vec<u8>> = if let Some((lo, hi)) = range {
        (lo..=hi).map(|n| format!("{n}\n").into_bytes()).collect()
    } else if echo {
        operands
            .iter()
            .map(|o| format!("{o}\n").into_bytes())
            .collect()
    } else {
        let mut items = Vec::new();
        for name in inputs_or_stdin(operands) {
            let mut input = open_input(&name)
                .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
            for mut line in records(&mut input, b'\n')? {
                if line.last() != Some(&b'\n') {
                    line.push(b'\n');
                }
                items.push(line);
            }
        }
        items
    };
    let mut random = seed();
    if repeat {
        if items.is_empty() {
            return Err(ToolError::failure("no lines to repeat"));
        }
        let total = count.unwrap_or(usize::MAX);
        for _ in 0..total {
            out(&items[next(&mut random) as usize % items.len()])?;
        }
        return Ok(0);
    }
    for i in (1..items.len()).rev() {
        let j = next(&mut random) as usize % (i + 1);
        items.swap(i, j);
    }
    for item in items.iter().take(count.unwrap_or(usize::MAX)) {
        out(item)?;
    }
    Ok(0)
}

/// A seed from WASI's random_get (std seeds its hashers from it).
fn seed() -> u64 {
    use std::hash::BuildHasher;
    std::collections::hash_map::RandomState::new().hash_one(0u64) | 1
}

fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
