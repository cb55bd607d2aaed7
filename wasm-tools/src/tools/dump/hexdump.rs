//! hexdump (and `hd`, which is `hexdump -C`): util-linux's display of format strings over blocks
//! of input. `-C -b -c -d -o -x` and the default layout are the format strings util-linux
//! defines for them; `-e` and `-f` add the user's.

use super::hexdump_format::{self, Conversion, FormatString, Print};
use super::{Input, byte_count, read_inputs};
use crate::common::args::{self, Arg};
use crate::common::cformat::{self, Spec};
use crate::common::io::{describe, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

/// The offset line that ends the one-letter layouts.
const END_OFFSET: &str = r#""%07.7_Ax\n""#;

/// util-linux's format strings for each one-letter layout.
fn layout(letter: char) -> &'static [&'static str] {
    match letter {
        'b' => &[END_OFFSET, r#""%07.7_ax " 16/1 "%03o " "\n""#],
        'c' => &[END_OFFSET, r#""%07.7_ax " 16/1 "%3_c " "\n""#],
        'C' => &[
            r#""%08.8_Ax\n""#,
            r#""%08.8_ax  " 8/1 "%02x " "  " 8/1 "%02x " "#,
            r#""  |" 16/1 "%_p" "|\n""#,
        ],
        'd' => &[END_OFFSET, r#""%07.7_ax " 8/2 "  %05u " "\n""#],
        'o' => &[END_OFFSET, r#""%07.7_ax " 8/2 " %06o " "\n""#],
        'x' => &[END_OFFSET, r#""%07.7_ax " 8/2 "   %04x " "\n""#],
        _ => &[END_OFFSET, r#""%07.7_ax " 8/2 "%04x " "\n""#],
    }
}

pub fn hexdump(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut formats: Vec<FormatString> = Vec::new();
    let add_layout = |formats: &mut Vec<FormatString>, letter| -> Result<(), ToolError> {
        for text in layout(letter) {
            formats.push(hexdump_format::parse(text)?);
        }
        Ok(())
    };
    if tool == "hd" {
        add_layout(&mut formats, 'C')?;
    }
    let (mut skip, mut limit, mut verbose) = (0, None, false);
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('C') | Arg::Long("canonical") => add_layout(&mut formats, 'C')?,
            Arg::Short('b') | Arg::Long("one-byte-octal") => add_layout(&mut formats, 'b')?,
            Arg::Short('c') | Arg::Long("one-byte-char") => add_layout(&mut formats, 'c')?,
            Arg::Short('d') | Arg::Long("two-bytes-decimal") => add_layout(&mut formats, 'd')?,
            Arg::Short('o') | Arg::Long("two-bytes-octal") => add_layout(&mut formats, 'o')?,
            Arg::Short('x') | Arg::Long("two-bytes-hex") => add_layout(&mut formats, 'x')?,
            Arg::Short('e') | Arg::Long("format") => {
                formats.push(hexdump_format::parse(&args::value_text(&mut parser)?)?)
            }
            Arg::Short('f') | Arg::Long("format-file") => {
                let path = args::value_text(&mut parser)?;
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    ToolError::failure(format!("can't read {path}: {}", describe(&e)))
                })?;
                for line in text.lines() {
                    let line = line.trim_start();
                    if !line.is_empty() && !line.starts_with('#') {
                        formats.push(hexdump_format::parse(line)?);
                    }
                }
            }
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
    if formats.is_empty() {
        add_layout(&mut formats, ' ')?;
    }
    let block = hexdump_format::fit_to_block(&mut formats);
    let Input {
        data,
        failed,
        skipped,
    } = read_inputs(tool, files, skip, limit)?;
    let mut display = Display {
        formats: &formats,
        block,
        address: skipped,
        end_address: None,
        output: Vec::with_capacity(64 * 1024),
    };
    display.blocks(&data, verbose)?;
    display.end()?;
    Ok(i32::from(failed))
}

/// The state of one run over the input.
struct Display<'a> {
    formats: &'a [FormatString],
    block: usize,
    /// The offset of the byte being shown.
    address: u64,
    /// Where the input ended, once a short last block was read.
    end_address: Option<u64>,
    output: Vec<u8>,
}

impl Display<'_> {
    /// Every block through every format string; a full block equal to the one before is shown
    /// as one `*` line per run unless `verbose`.
    fn blocks(&mut self, data: &[u8], verbose: bool) -> Result<(), ToolError> {
        if self.block == 0 {
            return Ok(());
        }
        let mut previous: Option<&[u8]> = None;
        let mut folded = false;
        for chunk in data.chunks(self.block) {
            let full = chunk.len() == self.block;
            if full && !verbose && previous == Some(chunk) {
                if !folded {
                    self.output.extend_from_slice(b"*\n");
                    folded = true;
                }
                self.address += self.block as u64;
                continue;
            }
            folded = false;
            previous = Some(chunk);
            let mut padded = chunk.to_vec();
            if !full {
                self.end_address = Some(self.address + chunk.len() as u64);
                padded.resize(self.block, 0);
            }
            self.show_block(&padded)?;
            self.address += self.block as u64;
        }
        Ok(())
    }

    fn show_block(&mut self, block: &[u8]) -> Result<(), ToolError> {
        let start = self.address;
        for format in self.formats {
            let mut offset = 0usize;
            'units: for unit in &format.units {
                if unit.at_end {
                    break;
                }
                for iteration in 0..unit.iterations {
                    let last_iteration = iteration + 1 == unit.iterations;
                    for (n, print) in unit.prints.iter().enumerate() {
                        let address = start + offset as u64;
                        let past_end = self.end_address.is_some_and(|end| address >= end);
                        let trim =
                            last_iteration && unit.trim_last_space && n + 1 == unit.prints.len();
                        if past_end && print.conversion != Conversion::Text {
                            self.output.extend_from_slice(&print.text);
                            let width = print.spec.width.unwrap_or(0);
                            self.output.resize(self.output.len() + width, b' ');
                        } else {
                            let bytes = block.get(offset..).unwrap_or(&[]);
                            show(&mut self.output, print, bytes, address, trim);
                        }
                        offset += print.bytes;
                        if offset > block.len() {
                            break 'units;
                        }
                    }
                }
                if self.output.len() >= 64 * 1024 {
                    out(&self.output)?;
                    self.output.clear();
                }
            }
        }
        Ok(())
    }

    /// The `%_A` unit (the last one given), once, with the offset where the input ended.
    fn end(&mut self) -> Result<(), ToolError> {
        let end_unit = self
            .formats
            .iter()
            .flat_map(|f| &f.units)
            .rfind(|u| u.at_end);
        if let Some(unit) = end_unit {
            let end = match self.end_address {
                Some(end) => Some(end),
                None if self.address != 0 => Some(self.address),
                None => None,
            };
            if let Some(end) = end {
                for print in &unit.prints {
                    match print.conversion {
                        Conversion::Address => show(&mut self.output, print, &[], end, false),
                        Conversion::Text => self.output.extend_from_slice(&print.text),
                        _ => {}
                    }
                }
            }
        }
        out(&self.output)
    }
}

/// One print of the bytes at the start of `bytes` (zero when the block ran out).
fn show(output: &mut Vec<u8>, print: &Print, bytes: &[u8], address: u64, trim: bool) {
    let text = &print.text;
    if print.conversion == Conversion::Text {
        let keep = if trim { text.len() - 1 } else { text.len() };
        output.extend_from_slice(&text[..keep]);
        return;
    }
    output.extend_from_slice(text);
    let spec = &print.spec;
    let byte = bytes.first().copied().unwrap_or(0);
    let mut little_endian = [0u8; 8];
    let size = print.bytes.min(8).min(bytes.len());
    little_endian[..size].copy_from_slice(&bytes[..size]);
    let unsigned = u64::from_le_bytes(little_endian);
    match print.conversion {
        Conversion::Text => {}
        Conversion::Address => output.extend(cformat::integer(spec, i128::from(address)).bytes()),
        Conversion::Char => padded_byte(output, spec, byte),
        Conversion::Printable => {
            let shown = if (0x20..0x7f).contains(&byte) {
                byte
            } else {
                b'.'
            };
            padded_byte(output, spec, shown)
        }
        Conversion::Escaped => match c_escape(byte) {
            Some(escape) => output.extend(cformat::text(&as_string(spec), escape).bytes()),
            None if (0x20..0x7f).contains(&byte) => padded_byte(output, spec, byte),
            None => {
                let octal = format!("{byte:03o}");
                output.extend(cformat::text(&as_string(spec), &octal).bytes())
            }
        },
        Conversion::Named => match byte {
            0..=0x1f => {
                output.extend(cformat::text(&as_string(spec), CONTROL_NAMES[byte as usize]).bytes())
            }
            0x7f => output.extend(cformat::text(&as_string(spec), "del").bytes()),
            0x20..=0x7e => padded_byte(output, spec, byte),
            _ => {
                let hex = Spec {
                    conversion: b'x',
                    ..spec.clone()
                };
                output.extend(cformat::integer(&hex, i128::from(byte)).bytes())
            }
        },
        Conversion::Signed => {
            let shift = 64 - 8 * print.bytes.clamp(1, 8) as u32;
            let value = ((unsigned << shift) as i64) >> shift;
            output.extend(cformat::integer(spec, i128::from(value)).bytes())
        }
        Conversion::Unsigned => output.extend(cformat::integer(spec, i128::from(unsigned)).bytes()),
        Conversion::Float => {
            let value = if print.bytes == 4 {
                f64::from(f32::from_bits(unsigned as u32))
            } else {
                f64::from_bits(unsigned)
            };
            output.extend(cformat::float(spec, value).bytes())
        }
        Conversion::Str => {
            // C's %s of the bytes: up to a NUL, the precision, or the end of the block.
            let limit = spec.precision.unwrap_or(usize::MAX).min(bytes.len());
            let shown = &bytes[..limit];
            let shown = &shown[..shown.iter().position(|b| *b == 0).unwrap_or(shown.len())];
            let width = spec.width.unwrap_or(0).saturating_sub(shown.len());
            if !spec.left {
                output.resize(output.len() + width, b' ');
            }
            output.extend_from_slice(shown);
            if spec.left {
                output.resize(output.len() + width, b' ');
            }
        }
    }
}

/// The spec for showing text where a character conversion was written (flags and width kept).
fn as_string(spec: &Spec) -> Spec {
    Spec {
        conversion: b's',
        ..spec.clone()
    }
}

/// `%c` of a raw byte, padded to the width.
fn padded_byte(output: &mut Vec<u8>, spec: &Spec, byte: u8) {
    let width = spec.width.unwrap_or(0).saturating_sub(1);
    if !spec.left {
        output.resize(output.len() + width, b' ');
    }
    output.push(byte);
    if spec.left {
        output.resize(output.len() + width, b' ');
    }
}

fn c_escape(byte: u8) -> Option<&'static str> {
    Some(match byte {
        0 => "\\0",
        7 => "\\a",
        8 => "\\b",
        12 => "\\f",
        b'\n' => "\\n",
        b'\r' => "\\r",
        b'\t' => "\\t",
        11 => "\\v",
        _ => return None,
    })
}

/// `%_u`'s names of the control characters (util-linux says `lf` where od says `nl`).
const CONTROL_NAMES: [&str; 32] = [
    "nul", "soh", "stx", "etx", "eot", "enq", "ack", "bel", "bs", "ht", "lf", "vt", "ff", "cr",
    "so", "si", "dle", "dc1", "dc2", "dc3", "dc4", "nak", "syn", "etb", "can", "em", "sub", "esc",
    "fs", "gs", "rs", "us",
];
