//! od, hexdump and xxd: bytes shown as numbers and characters, each in its own GNU / util-linux /
//! vim layout, with the shared part (skip, limit, repeated-line folding) here.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, inputs_or_stdin, open_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

/// All the input bytes (files one after another), after skipping `skip` and up to `limit`.
fn read_inputs(files: Vec<String>, skip: u64, limit: Option<u64>) -> Result<Vec<u8>, ToolError> {
    let mut data = Vec::new();
    for name in inputs_or_stdin(files) {
        let mut input = open_input(&name)
            .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
        input.read_to_end(&mut data)?;
    }
    let start = (skip as usize).min(data.len());
    let end = match limit {
        Some(limit) => start.saturating_add(limit as usize).min(data.len()),
        None => data.len(),
    };
    Ok(data[start..end].to_vec())
}

/// A byte count with an optional suffix (b=512, k/K=1024, m/M, and 0x prefixes as od reads them).
fn byte_count(text: &str) -> Result<u64, ToolError> {
    let bad = || ToolError::operand(format!("invalid number '{text}'"));
    let (digits, radix) = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None => (text, 10),
    };
    let split = digits
        .find(|c: char| !c.is_ascii_hexdigit() || (radix == 10 && !c.is_ascii_digit()))
        .unwrap_or(digits.len());
    let number = u64::from_str_radix(&digits[..split], radix).map_err(|_| bad())?;
    let multiplier = match &digits[split..] {
        "" => 1,
        "b" => 512,
        "k" | "K" | "KiB" => 1024,
        "kB" | "KB" => 1000,
        "m" | "M" | "MiB" => 1 << 20,
        "MB" => 1_000_000,
        "G" | "GiB" => 1 << 30,
        _ => return Err(bad()),
    };
    number.checked_mul(multiplier).ok_or_else(bad)
}

/// Splits data into lines of `width` bytes, folding repeats of the previous line into one `*`
/// unless `verbose`; calls `line` with each line's offset, or `None` for a fold.
fn each_line(
    data: &[u8],
    width: usize,
    verbose: bool,
    mut line: impl FnMut(Option<(usize, &[u8])>) -> Result<(), ToolError>,
) -> Result<(), ToolError> {
    let mut previous: Option<&[u8]> = None;
    let mut folded = false;
    for (i, chunk) in data.chunks(width.max(1)).enumerate() {
        if !verbose && previous == Some(chunk) && chunk.len() == width {
            if !folded {
                line(None)?;
                folded = true;
            }
            continue;
        }
        folded = false;
        previous = Some(chunk);
        line(Some((i * width, chunk)))?;
    }
    Ok(())
}

// ----- od -----

#[derive(Clone, Copy, PartialEq)]
enum OdKind {
    Named,
    Char,
    Signed,
    Octal,
    Unsigned,
    Hex,
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
        }
    }
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
            'f' => {
                return Err(ToolError::usage(
                    "od: floating-point types (-t f) are not supported",
                ));
            }
            _ => return Err(bad()),
        };
        let mut size = if matches!(kind, OdKind::Named | OdKind::Char) {
            1
        } else {
            4
        };
        if !matches!(kind, OdKind::Named | OdKind::Char) {
            match chars.peek() {
                Some('C') => size = 1,
                Some('S') => size = 2,
                Some('I') => size = 4,
                Some('L') => size = 8,
                Some(d) if d.is_ascii_digit() => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        digits.push(*d);
                        chars.next();
                    }
                    size = digits.parse().map_err(|_| bad())?;
                    if ![1, 2, 4, 8].contains(&size) {
                        return Err(bad());
                    }
                    formats.push(OdFormat { kind, size });
                    continue;
                }
                _ => {}
            }
            if matches!(chars.peek(), Some('C' | 'S' | 'I' | 'L')) {
                chars.next();
            }
        }
        formats.push(OdFormat { kind, size });
    }
    Ok(formats)
}

pub fn od(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut radix = 'o';
    let mut formats = Vec::new();
    let (mut skip, mut limit, mut width, mut verbose) = (0, None, 16usize, false);
    let mut files = Vec::new();
    let shorthand = |kind, size| OdFormat { kind, size };
    while let Some(arg) = parser.next()? {
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
            Arg::Short('a') => formats.push(shorthand(OdKind::Named, 1)),
            Arg::Short('b') => formats.push(shorthand(OdKind::Octal, 1)),
            Arg::Short('c') => formats.push(shorthand(OdKind::Char, 1)),
            Arg::Short('d') => formats.push(shorthand(OdKind::Unsigned, 2)),
            Arg::Short('o') => formats.push(shorthand(OdKind::Octal, 2)),
            Arg::Short('s') => formats.push(shorthand(OdKind::Signed, 2)),
            Arg::Short('x') => formats.push(shorthand(OdKind::Hex, 2)),
            Arg::Short('i') => formats.push(shorthand(OdKind::Signed, 4)),
            Arg::Short('l') => formats.push(shorthand(OdKind::Signed, 8)),
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
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if formats.is_empty() {
        formats.push(shorthand(OdKind::Octal, 2));
    }
    let data = read_inputs(files, skip, limit)?;
    let address = |offset: u64| match radix {
        'd' => format!("{offset:07}"),
        'x' => format!("{offset:06x}"),
        'n' => String::new(),
        _ => format!("{offset:07o}"),
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
                address(skip + offset as u64)
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
        out(format!("{}\n", address(skip + data.len() as u64)).as_bytes())?;
    }
    Ok(0)
}

// ----- hexdump -----

fn printable(byte: u8) -> char {
    if (0x20..0x7f).contains(&byte) {
        byte as char
    } else {
        '.'
    }
}

pub fn hexdump(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut canonical = tool == "hd";
    let (mut skip, mut limit, mut verbose) = (0, None, false);
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('C') | Arg::Long("canonical") => canonical = true,
            Arg::Short('s') | Arg::Long("skip") => {
                skip = byte_count(&args::value_text(&mut parser)?)?
            }
            Arg::Short('n') | Arg::Long("length") => {
                limit = Some(byte_count(&args::value_text(&mut parser)?)?)
            }
            Arg::Short('v') | Arg::Long("no-squeezing") => verbose = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let data = read_inputs(files, skip, limit)?;
    each_line(&data, 16, verbose, |line| {
        let Some((offset, bytes)) = line else {
            return out(b"*\n");
        };
        let offset = skip as usize + offset;
        let text = if canonical {
            let mut hex = String::new();
            for (i, byte) in bytes.iter().enumerate() {
                if i == 8 {
                    hex.push(' ');
                }
                hex.push_str(&format!("{byte:02x} "));
            }
            let ascii: String = bytes.iter().map(|&b| printable(b)).collect();
            format!("{offset:08x}  {hex:<49} |{ascii}|\n")
        } else {
            let words: Vec<String> = bytes
                .chunks(2)
                .map(|w| {
                    format!(
                        "{:04x}",
                        u16::from_le_bytes([w[0], *w.get(1).unwrap_or(&0)])
                    )
                })
                .collect();
            format!("{offset:07x} {:<39}\n", words.join(" "))
        };
        out(text.as_bytes())
    })?;
    let end = skip as usize + data.len();
    if !data.is_empty() {
        if canonical {
            out(format!("{end:08x}\n").as_bytes())?;
        } else {
            out(format!("{end:07x}\n").as_bytes())?;
        }
    }
    Ok(0)
}

// ----- xxd -----

pub fn xxd(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut plain, mut reverse, mut upper) = (false, false, false);
    let (mut columns, mut group, mut skip, mut limit) = (None, None, 0, None);
    let mut files = Vec::new();
    let number = |parser: &mut args::Parser| -> Result<u64, ToolError> {
        byte_count(&args::value_text(parser)?)
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('p') | Arg::Long("ps" | "postscript" | "plain") => plain = true,
            Arg::Short('r') | Arg::Long("revert") => reverse = true,
            Arg::Short('u') => upper = true,
            Arg::Short('c') | Arg::Long("cols") => columns = Some(number(&mut parser)? as usize),
            Arg::Short('g') | Arg::Long("groupsize") => group = Some(number(&mut parser)? as usize),
            Arg::Short('s') | Arg::Long("seek") => skip = number(&mut parser)?,
            Arg::Short('l') | Arg::Long("len") => limit = Some(number(&mut parser)?),
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.len() > 1 {
        return Err(ToolError::usage(format!(
            "writing to '{}' is not supported: xxd's output goes to stdout",
            files[1]
        )));
    }
    if reverse {
        let data = read_inputs(files, 0, None)?;
        return out(&unhex(&String::from_utf8_lossy(&data), plain)).map(|()| 0);
    }
    let data = read_inputs(files, skip, limit)?;
    let hex = |b: &u8| {
        if upper {
            format!("{b:02X}")
        } else {
            format!("{b:02x}")
        }
    };
    if plain {
        let columns = columns.unwrap_or(30).max(1);
        for chunk in data.chunks(columns) {
            let line: String = chunk.iter().map(hex).collect();
            out(format!("{line}\n").as_bytes())?;
        }
        return Ok(0);
    }
    let columns = columns.unwrap_or(16).max(1);
    let group = group.unwrap_or(2);
    let group = if group == 0 { columns } else { group };
    let hex_width = columns * 2 + columns.div_ceil(group);
    for (i, chunk) in data.chunks(columns).enumerate() {
        let mut area = String::new();
        for (j, byte) in chunk.iter().enumerate() {
            area.push_str(&hex(byte));
            if (j + 1) % group == 0 {
                area.push(' ');
            }
        }
        let ascii: String = chunk.iter().map(|&b| printable(b)).collect();
        let offset = skip as usize + i * columns;
        out(format!("{offset:08x}: {area:<hex_width$} {ascii}\n").as_bytes())?;
    }
    Ok(0)
}

/// `xxd -r`: hex digits back to bytes (after `offset:` and before the text column).
fn unhex(text: &str, plain: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for line in text.lines() {
        let body = if plain {
            line
        } else {
            let after_offset = line.split_once(':').map_or(line, |(_, rest)| rest);
            // The hex area ends at two spaces, where the text column starts.
            after_offset.split("  ").next().unwrap_or("")
        };
        let digits: Vec<u8> = body
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .map(|d| (d as char).to_digit(16).unwrap_or(0) as u8)
            .collect();
        bytes.extend(
            digits
                .chunks(2)
                .filter(|p| p.len() == 2)
                .map(|p| p[0] << 4 | p[1]),
        );
    }
    bytes
}
