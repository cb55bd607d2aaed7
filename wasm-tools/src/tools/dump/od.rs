//! od: GNU od's layouts — `-t` types (named and escaped characters, signed, unsigned, octal and
//! hex integers of 1, 2, 4 and 8 bytes, 4- and 8-byte floats), the traditional one-letter
//! options, and the old operand forms (`od FILE +OFFSET`, `--traditional FILE OFFSET LABEL`).

use super::{Input, byte_count, each_line, read_inputs};
use crate::common::args::{self, Arg};
use crate::common::cformat::{self, Spec};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

#[derive(Clone, Copy, PartialEq)]
enum OdKind {
    Named,
    Char,
    Signed,
    Octal,
    Unsigned,
    Hex,
    Float,
}

#[derive(Clone, Copy)]
struct OdFormat {
    kind: OdKind,
    size: usize,
}

impl OdFormat {
    fn width(&self) -> usize {
        match (self.kind, self.size) {
            (OdKind::Named | OdKind::Char, _) => 3,
            (OdKind::Octal, 1) => 3,
            (OdKind::Octal, 2) => 6,
            (OdKind::Octal, 4) => 11,
            (OdKind::Octal, _) => 22,
            (OdKind::Hex, n) => n * 2,
            (OdKind::Unsigned, 1) => 3,
            (OdKind::Unsigned, 2) => 5,
            (OdKind::Unsigned, 4) => 10,
            (OdKind::Unsigned, _) => 20,
            (OdKind::Signed, 1) => 4,
            (OdKind::Signed, 2) => 6,
            (OdKind::Signed, 4) => 11,
            (OdKind::Signed, _) => 20,
            (OdKind::Float, 4) => 15,
            (OdKind::Float, _) => 24,
        }
    }

    fn field(&self, bytes: &[u8]) -> String {
        let mut padded = [0u8; 8];
        padded[..bytes.len()].copy_from_slice(bytes);
        let value = u64::from_le_bytes(padded);
        let width = self.width();
        match self.kind {
            OdKind::Char => od_char(bytes[0]),
            OdKind::Named => od_named(bytes[0]),
            OdKind::Octal => format!("{value:0width$o}"),
            OdKind::Hex => format!("{value:0width$x}"),
            OdKind::Unsigned => format!("{value:>width$}"),
            OdKind::Signed => {
                let shift = 64 - 8 * self.size as u32;
                let signed = ((value << shift) as i64) >> shift;
                format!("{signed:>width$}")
            }
            OdKind::Float => {
                let text = if self.size == 4 {
                    let float = f32::from_bits(value as u32);
                    shortest_float(
                        f64::from(float),
                        &format!("{float:e}"),
                        FLOAT_DIGITS,
                        float.is_normal(),
                    )
                } else {
                    let double = f64::from_bits(value);
                    shortest_float(
                        double,
                        &format!("{double:e}"),
                        DOUBLE_DIGITS,
                        double.is_normal(),
                    )
                };
                format!("{text:>width$}")
            }
        }
    }
}

/// The decimal digits a float and a double always show (C's FLT_DIG and DBL_DIG).
const FLOAT_DIGITS: usize = 6;
const DOUBLE_DIGITS: usize = 15;

/// As GNU od prints a float: `%g` with the fewest significant digits (at least the type's
/// digits, unless it is subnormal or zero) that read back as the same value.
fn shortest_float(value: f64, shortest: &str, type_digits: usize, normal: bool) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "nan".into()
        } else if value < 0.0 {
            "-inf".into()
        } else {
            "inf".into()
        };
    }
    // Rust's `{:e}` is the shortest text that reads back: its mantissa's digits are the count.
    let mantissa = shortest.split('e').next().unwrap_or("");
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let precision = if normal {
        digits.max(type_digits)
    } else {
        digits
    };
    let spec = Spec {
        precision: Some(precision),
        conversion: b'g',
        ..Spec::default()
    };
    cformat::float(&spec, value)
}

fn od_char(byte: u8) -> String {
    let text = match byte {
        0 => "\\0".to_string(),
        7 => "\\a".to_string(),
        8 => "\\b".to_string(),
        9 => "\\t".to_string(),
        10 => "\\n".to_string(),
        11 => "\\v".to_string(),
        12 => "\\f".to_string(),
        13 => "\\r".to_string(),
        0x20..=0x7e => (byte as char).to_string(),
        _ => format!("{byte:03o}"),
    };
    format!("{text:>3}")
}

const NAMES: [&str; 33] = [
    "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "nl", "vt", "ff", "cr",
    "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc",
    "fs", "gs", "rs", "us", "sp",
];

fn od_named(byte: u8) -> String {
    let byte = byte & 0x7f;
    let text = match byte {
        0..=32 => NAMES[byte as usize].to_string(),
        127 => "del".to_string(),
        _ => (byte as char).to_string(),
    };
    format!("{text:>3}")
}

/// A `-t` type string such as `x1z`, `d4`, `fF`, `a`: one or more formats.
fn od_type(text: &str) -> Result<Vec<OdFormat>, ToolError> {
    let bad = || ToolError::operand(format!("invalid type string '{text}'"));
    let mut formats = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(letter) = chars.next() {
        let kind = match letter {
            'a' => OdKind::Named,
            'c' => OdKind::Char,
            'd' => OdKind::Signed,
            'o' => OdKind::Octal,
            'u' => OdKind::Unsigned,
            'x' => OdKind::Hex,
            'f' => OdKind::Float,
            _ => return Err(bad()),
        };
        if matches!(kind, OdKind::Named | OdKind::Char) {
            formats.push(OdFormat { kind, size: 1 });
            continue;
        }
        let float = kind == OdKind::Float;
        let mut size = if float { 8 } else { 4 };
        match chars.peek().copied() {
            Some('C') if !float => size = 1,
            Some('S') if !float => size = 2,
            Some('I') if !float => size = 4,
            Some('L') if !float => size = 8,
            Some('F') if float => size = 4,
            Some('D') if float => size = 8,
            Some('L') => {
                return Err(ToolError::usage(format!(
                    "invalid type string '{text}': long double (fL) is not supported \
                     (its layout is the host machine's; use fD)"
                )));
            }
            Some(d) if d.is_ascii_digit() => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                size = digits.parse().map_err(|_| bad())?;
                let sizes: &[usize] = if float { &[4, 8] } else { &[1, 2, 4, 8] };
                if !sizes.contains(&size) {
                    return Err(ToolError::operand(format!(
                        "invalid type string '{text}';\nthis system doesn't provide a \
                         {size}-byte {} type",
                        if float { "floating point" } else { "integral" }
                    )));
                }
                formats.push(OdFormat { kind, size });
                // A `z` after the size (show printable characters) is not supported.
                continue;
            }
            _ => {
                formats.push(OdFormat { kind, size });
                continue;
            }
        }
        chars.next();
        formats.push(OdFormat { kind, size });
    }
    if formats.is_empty() {
        return Err(bad());
    }
    Ok(formats)
}

/// The traditional one-letter options and the type each stands for (GNU od's table, the
/// undocumented letters included).
fn traditional_format(letter: char) -> Option<OdFormat> {
    let (kind, size) = match letter {
        'a' => (OdKind::Named, 1),
        'b' => (OdKind::Octal, 1),
        'c' => (OdKind::Char, 1),
        'd' => (OdKind::Unsigned, 2),
        'D' => (OdKind::Unsigned, 4),
        'e' | 'F' => (OdKind::Float, 8),
        'f' => (OdKind::Float, 4),
        'h' | 'x' => (OdKind::Hex, 2),
        'H' | 'X' => (OdKind::Hex, 4),
        'i' => (OdKind::Signed, 4),
        'I' | 'L' | 'l' => (OdKind::Signed, 8),
        'o' | 'B' => (OdKind::Octal, 2),
        'O' => (OdKind::Octal, 4),
        's' => (OdKind::Signed, 2),
        _ => return None,
    };
    Some(OdFormat { kind, size })
}

/// An offset of the old operand syntax: `[+]N[b|B]`, octal, or hex after `0x`; `b` is 512
/// bytes and `B` 1024. (GNU documents a `.` for decimal but its parser refuses it; so do we.)
fn old_offset(text: &str) -> Option<u64> {
    let text = text.strip_prefix('+').unwrap_or(text);
    let (text, multiplier) = match text.as_bytes().last() {
        Some(b'b') => (&text[..text.len() - 1], 512),
        Some(b'B') => (&text[..text.len() - 1], 1024),
        _ => (text, 1),
    };
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 8),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix)
        .ok()?
        .checked_mul(multiplier)
}

/// Where reading starts and what the addresses say, after the old operand forms are taken out.
struct OldOperands {
    skip: Option<u64>,
    label: Option<u64>,
}

/// GNU od's reading of trailing offset operands: with `--traditional`, `[FILE] [OFFSET [LABEL]]`;
/// without it and without modern options, `FILE +OFFSET` or `FILE DIGITS` (two operands) or a
/// lone `+OFFSET`.
fn take_old_operands(files: &mut Vec<String>, traditional: bool) -> Result<OldOperands, ToolError> {
    let mut old = OldOperands {
        skip: None,
        label: None,
    };
    match files.len() {
        1 if traditional || files[0].starts_with('+') => {
            if let Some(offset) = old_offset(&files[0]) {
                old.skip = Some(offset);
                files.clear();
            }
        }
        2 if traditional
            || files[1].starts_with('+')
            || files[1].starts_with(|c: char| c.is_ascii_digit()) =>
        {
            if let Some(second) = old_offset(&files[1]) {
                match old_offset(&files[0]).filter(|_| traditional) {
                    Some(first) => {
                        old.skip = Some(first);
                        old.label = Some(second);
                        files.clear();
                    }
                    None => {
                        old.skip = Some(second);
                        files.truncate(1);
                    }
                }
            }
        }
        3 if traditional => {
            if let (Some(skip), Some(label)) = (old_offset(&files[1]), old_offset(&files[2])) {
                old.skip = Some(skip);
                old.label = Some(label);
                files.truncate(1);
            }
        }
        _ => {}
    }
    if traditional && files.len() > 1 {
        return Err(ToolError::operand(format!(
            "extra operand '{}'\nod: compatibility mode supports at most one file\n\
             Try 'od --help' for more information.",
            files[1]
        )));
    }
    Ok(old)
}

pub fn od(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut radix = 'o';
    let mut formats = Vec::new();
    let (mut skip, mut limit, mut width, mut verbose) = (0, None, 16usize, false);
    let (mut traditional, mut modern) = (false, false);
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        if matches!(
            arg,
            Arg::Short('A' | 'j' | 'N' | 'S' | 't' | 'v' | 'w')
                | Arg::Long(
                    "address-radix"
                        | "skip-bytes"
                        | "read-bytes"
                        | "format"
                        | "width"
                        | "output-duplicates"
                )
        ) {
            modern = true;
        }
        match arg {
            Arg::Short('A') | Arg::Long("address-radix") => {
                let text = args::value_text(&mut parser)?;
                radix = match text.as_str() {
                    "o" | "d" | "x" | "n" => text.chars().next().unwrap_or('o'),
                    _ => {
                        return Err(ToolError::operand(format!(
                            "invalid output address radix '{text}'"
                        )));
                    }
                };
            }
            Arg::Short('t') | Arg::Long("format") => {
                formats.extend(od_type(&args::value_text(&mut parser)?)?)
            }
            Arg::Short('j') | Arg::Long("skip-bytes") => {
                skip = byte_count(&args::value_text(&mut parser)?)?
            }
            Arg::Short('N') | Arg::Long("read-bytes") => {
                limit = Some(byte_count(&args::value_text(&mut parser)?)?)
            }
            Arg::Short('w') | Arg::Long("width") => {
                width = byte_count(&args::value_text(&mut parser)?)? as usize;
            }
            Arg::Short('v') | Arg::Long("output-duplicates") => verbose = true,
            Arg::Long("traditional") => traditional = true,
            Arg::Short(letter) if traditional_format(letter).is_some() => {
                formats.extend(traditional_format(letter));
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut label = None;
    if traditional || !modern {
        let old = take_old_operands(&mut files, traditional)?;
        skip = old.skip.unwrap_or(skip);
        label = old.label;
    }
    if formats.is_empty() {
        formats.push(OdFormat {
            kind: OdKind::Octal,
            size: 2,
        });
    }
    if width == 0 || formats.iter().any(|f| width % f.size != 0) {
        return Err(ToolError::operand(format!("invalid -w argument '{width}'")));
    }
    let Input {
        data,
        failed,
        skipped,
    } = read_inputs("od", files, skip, limit)?;
    if skipped < skip {
        return Err(ToolError::operand("cannot skip past end of combined input"));
    }
    let number = |offset: u64| match radix {
        'd' => format!("{offset:07}"),
        'x' => format!("{offset:06x}"),
        'n' => String::new(),
        _ => format!("{offset:07o}"),
    };
    // With a label (`--traditional FILE OFFSET LABEL`) each address is followed by the label's
    // count in parentheses.
    let address = |offset: u64| match label {
        Some(label) if radix != 'n' => format!(
            "{} ({})",
            number(skip + offset),
            number(label.wrapping_add(offset))
        ),
        _ => number(skip + offset),
    };
    // Every format's line takes the same room: fields are spread to the widest format's width.
    let line_width = formats
        .iter()
        .map(|f| width / f.size * (f.width() + 1))
        .max()
        .unwrap_or(0);
    each_line(&data, width, verbose, |line| {
        let Some((offset, bytes)) = line else {
            return out(b"*\n");
        };
        for (n, format) in formats.iter().enumerate() {
            let mut text = if n == 0 {
                address(offset as u64)
            } else {
                " ".repeat(address(0).len())
            };
            let fields = width / format.size;
            let extra = line_width - fields * (format.width() + 1);
            for (i, item) in bytes.chunks(format.size).enumerate() {
                let pad = extra * (i + 1) / fields - extra * i / fields;
                text.push_str(&" ".repeat(1 + pad));
                text.push_str(&format.field(item));
            }
            text.push('\n');
            out(text.as_bytes())?;
        }
        Ok(())
    })?;
    if radix != 'n' {
        out(format!("{}\n", address(data.len() as u64)).as_bytes())?;
    }
    Ok(i32::from(failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_gnu_od() {
        let float = |v: f32| {
            OdFormat {
                kind: OdKind::Float,
                size: 4,
            }
            .field(&v.to_le_bytes())
        };
        let double = |v: f64| {
            OdFormat {
                kind: OdKind::Float,
                size: 8,
            }
            .field(&v.to_le_bytes())
        };
        assert_eq!(float(1.0).trim(), "1");
        assert_eq!(float(-1.5).trim(), "-1.5");
        assert_eq!(float(1e-40).trim(), "1e-40");
        assert_eq!(float(f32::from_bits(0x64636261)).trim(), "1.6777999e+22");
        assert_eq!(double(0.1).trim(), "0.1");
        assert_eq!(double(-123456.789).trim(), "-123456.789");
        assert_eq!(double(5e-324).trim(), "5e-324");
        assert_eq!(double(-0.0).trim(), "-0");
        assert_eq!(double(f64::NAN).trim(), "nan");
        assert_eq!(float(0.0).len(), 15);
    }

    #[test]
    fn old_offsets_are_octal_unless_hex() {
        assert_eq!(old_offset("+10"), Some(8));
        assert_eq!(old_offset("0x10"), Some(16));
        assert_eq!(old_offset("1b"), Some(512));
        assert_eq!(old_offset("8"), None);
        assert_eq!(old_offset("10."), None);
    }
}
