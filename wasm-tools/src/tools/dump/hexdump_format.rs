//! hexdump's format strings (`-e` and the lines of `-f`): `[iterations]/[bytes] "format"` units,
//! each format cut into prints of one conversion (`%x`, `%_ax`, `%_p`, `%4.4s`…) with the literal
//! text before it, read and checked as util-linux reads them, with its messages.

use crate::common::ToolError;
use crate::common::cformat::Spec;

/// What one print shows.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Conversion {
    /// Only literal text.
    Text,
    /// `%_a[dox]`: the offset of the next byte; `%_A[dox]` (in an end-only unit): the end offset.
    Address,
    /// `%c`: the byte itself.
    Char,
    /// `%_c`: the byte, a C escape, or three octal digits.
    Escaped,
    /// `%_p`: the byte when printable, else `.`.
    Printable,
    /// `%_u`: the byte, or its ASCII control name (`nul`, `lf`, `del`), or hex past 0x7f.
    Named,
    /// `%d %i`: a signed integer of 1, 2, 4 or 8 bytes.
    Signed,
    /// `%o %u %x %X`: an unsigned integer of 1, 2, 4 or 8 bytes.
    Unsigned,
    /// `%e %f %g %E %G`: a float of 4 or 8 bytes.
    Float,
    /// `%s`: the bytes up to a NUL, at most the byte count.
    Str,
}

/// One conversion with the text written before it.
#[derive(Clone, Debug)]
pub struct Print {
    pub text: Vec<u8>,
    pub conversion: Conversion,
    pub spec: Spec,
    /// Bytes of input the print consumes.
    pub bytes: usize,
}

/// `[iterations]/[bytes] "format"`.
#[derive(Clone, Debug)]
pub struct Unit {
    pub iterations: usize,
    iterations_given: bool,
    /// Bytes one iteration consumes: the given byte count, or what its conversions take.
    pub bytes: usize,
    pub prints: Vec<Print>,
    /// Holds `%_A`: shown once after the input, and it ends its format string's units.
    pub at_end: bool,
    /// The last iteration drops the final whitespace character of its last text.
    pub trim_last_space: bool,
}

/// One `-e` argument (or one line of a `-f` file).
#[derive(Clone, Debug)]
pub struct FormatString {
    pub units: Vec<Unit>,
}

impl FormatString {
    /// Bytes of input the format string consumes in one pass.
    pub fn bytes(&self) -> usize {
        self.units
            .iter()
            .map(|u| u.bytes.saturating_mul(u.iterations))
            .fold(0, usize::saturating_add)
    }
}

/// The largest iteration or byte count read; util-linux reads them into an `int`.
const MAX_COUNT: usize = i32::MAX as usize;

fn bad_format(format: &str) -> ToolError {
    ToolError::failure(format!("bad format {{{format}}}"))
}

/// Parses one format string into its units.
pub fn parse(format: &str) -> Result<FormatString, ToolError> {
    let bytes = format.as_bytes();
    let mut units = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while bytes.get(*i).is_some_and(u8::is_ascii_whitespace) {
            *i += 1;
        }
    };
    let count = |i: &mut usize| -> Result<usize, ToolError> {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        format[start..*i]
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= MAX_COUNT)
            .ok_or_else(|| bad_format(format))
    };
    loop {
        skip_space(&mut i);
        if i >= bytes.len() {
            break;
        }
        let (mut iterations, mut iterations_given, mut byte_count) = (1, false, 0);
        if bytes[i].is_ascii_digit() {
            iterations = count(&mut i)?;
            if !bytes
                .get(i)
                .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
            {
                return Err(bad_format(format));
            }
            iterations_given = true;
            i += 1;
            skip_space(&mut i);
        }
        if bytes.get(i) == Some(&b'/') {
            i += 1;
            skip_space(&mut i);
        }
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            byte_count = count(&mut i)?;
            if !bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                return Err(bad_format(format));
            }
            skip_space(&mut i);
        }
        if bytes.get(i) != Some(&b'"') {
            return Err(bad_format(format));
        }
        let start = i + 1;
        let Some(length) = bytes[start..].iter().position(|b| *b == b'"') else {
            return Err(bad_format(format));
        };
        let text = unescape(&bytes[start..start + length]);
        i = start + length + 1;
        units.push(unit(&text, iterations, iterations_given, byte_count)?);
    }
    Ok(FormatString { units })
}

/// Backslash escapes of format text: `\a \b \f \n \r \t \v`; any other character stands for
/// itself.
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'a') => out.push(7),
            Some(b'b') => out.push(8),
            Some(b'f') => out.push(12),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b't') => out.push(b'\t'),
            Some(b'v') => out.push(11),
            Some(&other) => out.push(other),
            None => out.push(b'\\'),
        }
    }
    out
}

/// Cuts a unit's format into prints, each conversion's byte count checked as util-linux does.
fn unit(
    format: &[u8],
    iterations: usize,
    iterations_given: bool,
    byte_count: usize,
) -> Result<Unit, ToolError> {
    let shown = |from: usize, to: usize| String::from_utf8_lossy(&format[from..to]).into_owned();
    let bad_count = |from: usize, to: usize| {
        ToolError::failure(format!(
            "bad byte count for conversion character {}",
            shown(from, to)
        ))
    };
    let bad_conversion = |from: usize, to: usize| {
        ToolError::failure(format!("bad conversion character %{}", shown(from, to)))
    };
    let mut prints = Vec::new();
    let mut at_end = false;
    let mut conversions = 0;
    let mut rest = 0;
    while rest < format.len() {
        let Some(percent) = format[rest..].iter().position(|b| *b == b'%') else {
            prints.push(Print {
                text: format[rest..].to_vec(),
                conversion: Conversion::Text,
                spec: Spec::default(),
                bytes: 0,
            });
            break;
        };
        let percent = rest + percent;
        let (spec, letter_at) = read_spec(format, percent + 1);
        let letter = format.get(letter_at).copied().unwrap_or(0);
        let fixed = |allowed: &[usize], default: usize| -> Result<usize, ToolError> {
            match byte_count {
                0 => Ok(default),
                n if allowed.contains(&n) => Ok(n),
                _ => Err(bad_count(letter_at, letter_at + 1)),
            }
        };
        let mut end = letter_at + 1;
        let (conversion, bytes) = match letter {
            b'c' => (Conversion::Char, fixed(&[1], 1)?),
            b'd' | b'i' => (Conversion::Signed, fixed(&[1, 2, 4, 8], 4)?),
            b'o' | b'u' | b'x' | b'X' => (Conversion::Unsigned, fixed(&[1, 2, 4, 8], 4)?),
            b'e' | b'f' | b'g' | b'E' | b'G' => (Conversion::Float, fixed(&[4, 8], 8)?),
            b's' => match (byte_count, spec.precision) {
                (0, None) => {
                    return Err(ToolError::failure(
                        "%s requires a precision or a byte count",
                    ));
                }
                (0, Some(precision)) => (Conversion::Str, precision),
                (count, _) => (Conversion::Str, count),
            },
            b'_' => {
                end += 1;
                match format.get(letter_at + 1) {
                    Some(b'A' | b'a') => {
                        at_end |= format[letter_at + 1] == b'A';
                        end += 1;
                        if !matches!(format.get(letter_at + 2), Some(b'd' | b'o' | b'x')) {
                            return Err(bad_conversion(
                                letter_at,
                                (letter_at + 3).min(format.len()),
                            ));
                        }
                        (Conversion::Address, 0)
                    }
                    Some(b'c') => (
                        Conversion::Escaped,
                        fixed(&[1], 1).map_err(|_| bad_count(letter_at, letter_at + 2))?,
                    ),
                    Some(b'p') => (
                        Conversion::Printable,
                        fixed(&[1], 1).map_err(|_| bad_count(letter_at, letter_at + 2))?,
                    ),
                    Some(b'u') => (
                        Conversion::Named,
                        fixed(&[1], 1).map_err(|_| bad_count(letter_at, letter_at + 2))?,
                    ),
                    _ => return Err(bad_conversion(letter_at, (letter_at + 2).min(format.len()))),
                }
            }
            _ => return Err(bad_conversion(letter_at, (letter_at + 1).min(format.len()))),
        };
        if conversion != Conversion::Address && byte_count != 0 {
            conversions += 1;
            if conversions > 1 {
                return Err(ToolError::failure(
                    "byte count with multiple conversion characters",
                ));
            }
        }
        let mut spec = spec;
        spec.conversion = match conversion {
            Conversion::Address => format[letter_at + 2],
            _ => letter,
        };
        prints.push(Print {
            text: format[rest..percent].to_vec(),
            conversion,
            spec,
            bytes,
        });
        rest = end;
    }
    let bytes = if byte_count != 0 {
        byte_count
    } else {
        prints.iter().map(|p| p.bytes).sum()
    };
    Ok(Unit {
        iterations,
        iterations_given,
        bytes,
        prints,
        at_end,
        trim_last_space: false,
    })
}

/// Flags, width and precision after a `%`, and where the conversion letter is.
fn read_spec(format: &[u8], mut i: usize) -> (Spec, usize) {
    let mut spec = Spec::default();
    while let Some(&flag) = format.get(i) {
        match flag {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alternate = true,
            b'0' => spec.zero = true,
            _ => break,
        }
        i += 1;
    }
    let number = |i: &mut usize| {
        let start = *i;
        while format.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        std::str::from_utf8(&format[start..*i])
            .ok()
            .and_then(|d| d.parse::<usize>().ok())
            .map(|n| n.min(1 << 16))
    };
    spec.width = number(&mut i);
    if format.get(i) == Some(&b'.') {
        i += 1;
        spec.precision = Some(number(&mut i).unwrap_or(0));
    }
    (spec, i)
}

/// Sizes the formats as util-linux does: the block is the largest format string's bytes; a
/// format string's last unit without an iteration count repeats to fill the block; a unit that
/// repeats drops the final whitespace of its last text on its last iteration.
pub fn fit_to_block(formats: &mut [FormatString]) -> usize {
    let block = formats.iter().map(FormatString::bytes).max().unwrap_or(0);
    for format in formats.iter_mut() {
        let used = format.bytes();
        if let Some(last) = format.units.last_mut()
            && used < block
            && !last.iterations_given
            && last.bytes > 0
        {
            last.iterations += (block - used) / last.bytes;
        }
        for unit in &mut format.units {
            unit.trim_last_space = unit.iterations > 1
                && unit.prints.last().is_some_and(|p| {
                    p.conversion == Conversion::Text
                        && p.text.last().is_some_and(u8::is_ascii_whitespace)
                });
        }
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_take_counts_and_text() {
        let format = parse(r#"16/1 " %4d" "\n""#).unwrap();
        assert_eq!(format.units.len(), 2);
        assert_eq!(format.units[0].iterations, 16);
        assert_eq!(format.units[0].bytes, 1);
        assert_eq!(format.units[0].prints[0].text, b" ");
        assert_eq!(format.units[0].prints[0].conversion, Conversion::Signed);
        assert_eq!(format.units[1].prints[0].text, b"\n");
        assert_eq!(format.bytes(), 16);
    }

    #[test]
    fn malformed_formats_are_refused_with_util_linux_messages() {
        let message = |f: &str| parse(f).unwrap_err().message.unwrap_or_default();
        assert!(message("16/1 %x").contains("bad format"));
        assert!(message(r#"/3 "%x""#).contains("bad byte count"));
        assert!(message(r#""%s""#).contains("requires a precision"));
        assert!(message(r#""%_z""#).contains("bad conversion character %_z"));
        assert!(message(r#"/1 "%x%x""#).contains("multiple conversion"));
        assert!(message(r#"99999999999/1 "%x""#).contains("bad format"));
    }

    #[test]
    fn the_last_unit_repeats_to_fill_the_block() {
        let mut formats = vec![
            parse(r#""%07.7_ax " 8/2 "%04x " "\n""#).unwrap(),
            parse(r#""%_p""#).unwrap(),
        ];
        assert_eq!(fit_to_block(&mut formats), 16);
        assert_eq!(formats[1].units[0].iterations, 16);
        assert!(formats[0].units[1].trim_last_space);
    }
}
