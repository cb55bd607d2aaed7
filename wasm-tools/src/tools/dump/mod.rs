//! od, hexdump and xxd: bytes shown as numbers and characters, each in its own GNU / util-linux /
//! vim layout (`od`, `hexdump`, `xxd`), with the shared part (reading with skip and limit, byte
//! counts, repeated-line folding) here.

mod hexdump;
mod hexdump_format;
mod od;
mod xxd;

pub use hexdump::hexdump;
pub use od::od;
pub use xxd::xxd;

use crate::common::ToolError;
use crate::common::io::{describe, inputs_or_stdin, open_input, warn};
use std::io::Read;

/// The input bytes (files one after another, after skipping `skip`, up to `limit`), and whether
/// a file could not be read: as GNU od, a missing file is reported and the others still shown.
struct Input {
    data: Vec<u8>,
    failed: bool,
    /// The bytes skipped: `skip`, or all there were when the input is shorter.
    skipped: u64,
}

fn read_inputs(
    tool: &str,
    files: Vec<String>,
    skip: u64,
    limit: Option<u64>,
) -> Result<Input, ToolError> {
    let mut data = Vec::new();
    let mut failed = false;
    for name in inputs_or_stdin(files) {
        match open_input(&name) {
            Ok(mut input) => {
                input.read_to_end(&mut data)?;
            }
            Err(e) => {
                warn(tool, format!("{name}: {}", describe(&e)));
                failed = true;
            }
        }
    }
    let start = (skip as usize).min(data.len());
    let end = match limit {
        Some(limit) => start.saturating_add(limit as usize).min(data.len()),
        None => data.len(),
    };
    data.truncate(end);
    data.drain(..start);
    Ok(Input {
        data,
        failed,
        skipped: start as u64,
    })
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

/// The byte itself when it is printable ASCII, else `.`.
fn printable(byte: u8) -> char {
    if (0x20..0x7f).contains(&byte) {
        byte as char
    } else {
        '.'
    }
}
