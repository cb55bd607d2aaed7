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

/// The prime factors of `n`, smallest first: trial division by the small primes, then
/// Miller–Rabin and Pollard's rho (Brent's variant) for what is left, so 19- and 20-digit
/// numbers take milliseconds, as GNU factor's do.
fn prime_factors(mut n: u128) -> Vec<u128> {
    let mut factors = Vec::new();
    for p in (2u128..1000).filter(|&p| is_small_prime(p)) {
        while n.is_multiple_of(p) {
            factors.push(p);
            n /= p;
        }
    }
    let mut pending = vec![n];
    while let Some(m) = pending.pop() {
        if m == 1 {
            continue;
        }
        if is_prime(m) {
            factors.push(m);
            continue;
        }
        let d = rho(m);
        pending.push(d);
        pending.push(m / d);
    }
    factors.sort_unstable();
    factors
}

fn is_small_prime(p: u128) -> bool {
    (2..p)
        .take_while(|d| d * d <= p)
        .all(|d| !p.is_multiple_of(d))
}

fn add_mod(a: u128, b: u128, m: u128) -> u128 {
    if a >= m - b { a - (m - b) } else { a + b }
}

fn mul_mod(a: u128, b: u128, m: u128) -> u128 {
    if m <= u64::MAX as u128 {
        return a * b % m;
    }
    // Past 64 bits the product overflows: double and add.
    let (mut a, mut b, mut result) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            result = add_mod(result, a, m);
        }
        a = add_mod(a, a, m);
        b >>= 1;
    }
    result
}

fn pow_mod(mut base: u128, mut exponent: u128, m: u128) -> u128 {
    let mut result = 1u128;
    base %= m;
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = mul_mod(result, base, m);
        }
        base = mul_mod(base, base, m);
        exponent >>= 1;
    }
    result
}

/// Miller–Rabin with the first 20 primes as bases: exact below 3.3·10^24 (13 bases suffice
/// there), and with no known counterexample beyond.
fn is_prime(n: u128) -> bool {
    const BASES: [u128; 20] = [
        2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71,
    ];
    if n < 2 {
        return false;
    }
    if let Some(&p) = BASES.iter().find(|&&p| n.is_multiple_of(p)) {
        return n == p;
    }
    let (mut d, mut s) = (n - 1, 0);
    while d.is_multiple_of(2) {
        d /= 2;
        s += 1;
    }
    'bases: for &a in &BASES {
        let mut x = pow_mod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mul_mod(x, x, n);
            if x == n - 1 {
                continue 'bases;
            }
        }
        return false;
    }
    true
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// A non-trivial factor of the odd composite `n` (Brent's cycle finding, gcds batched).
fn rho(n: u128) -> u128 {
    for c in 1u128.. {
        let f = |x: u128| add_mod(mul_mod(x, x, n), c % n, n);
        let (mut y, mut r, mut q) = (2u128, 1u64, 1u128);
        let (mut x, mut ys) = (y, y);
        let mut g = 1u128;
        while g == 1 {
            x = y;
            for _ in 0..r {
                y = f(y);
            }
            let mut k = 0u64;
            while k < r && g == 1 {
                ys = y;
                for _ in 0..128.min(r - k) {
                    y = f(y);
                    q = mul_mod(q, x.abs_diff(y), n);
                }
                g = gcd(q, n);
                k += 128;
            }
            r *= 2;
        }
        if g == n {
            // The batch overshot: step one at a time from its start.
            loop {
                ys = f(ys);
                g = gcd(x.abs_diff(ys), n);
                if g > 1 {
                    break;
                }
            }
        }
        if g != n {
            return g;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::prime_factors;

    #[test]
    fn factors_large_numbers_quickly() {
        assert_eq!(prime_factors(1), Vec::<u128>::new());
        assert_eq!(prime_factors(360), vec![2, 2, 2, 3, 3, 5]);
        // 19 digits: two 10-digit primes.
        assert_eq!(
            prime_factors(1_000_000_007 * 9_999_999_967),
            vec![1_000_000_007, 9_999_999_967]
        );
        assert_eq!(
            prime_factors(18_446_744_073_709_551_615),
            vec![3, 5, 17, 257, 641, 65_537, 6_700_417]
        );
        assert_eq!(
            prime_factors(9_223_372_036_854_775_783),
            vec![9_223_372_036_854_775_783]
        );
        // Past 64 bits.
        assert_eq!(
            prime_factors(340_282_366_920_938_463_463_374_607_431_768_211_455),
            vec![
                3,
                5,
                17,
                257,
                641,
                65_537,
                274_177,
                6_700_417,
                67_280_421_310_721
            ]
        );
    }
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
