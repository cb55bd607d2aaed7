//! split: cut a file into pieces by lines (-l), bytes (-b) or count (-n), named PREFIX + suffix
//! (-a LEN, -d numeric, --additional-suffix).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, open_input};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::{Read, Write};

enum Mode {
    Lines(usize),
    Bytes(usize),
    Chunks(usize),
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut mode = Mode::Lines(1000);
    let mut suffix_length = 2;
    let mut numeric = false;
    let mut additional = String::new();
    let mut operands = Vec::new();
    let positive = |text: String, what: &str| -> Result<usize, ToolError> {
        parse_size(&text)
            .filter(|n| *n > 0)
            .ok_or_else(|| ToolError::operand(format!("invalid number of {what}: '{text}'")))
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('l') | Arg::Long("lines") => {
                mode = Mode::Lines(positive(args::value_text(&mut parser)?, "lines")?)
            }
            Arg::Short('b') | Arg::Long("bytes") => {
                mode = Mode::Bytes(positive(args::value_text(&mut parser)?, "bytes")?)
            }
            Arg::Short('n') | Arg::Long("number") => {
                mode = Mode::Chunks(positive(args::value_text(&mut parser)?, "chunks")?)
            }
            Arg::Short('a') | Arg::Long("suffix-length") => {
                suffix_length = positive(args::value_text(&mut parser)?, "suffix length")?
            }
            Arg::Short('d') | Arg::Long("numeric-suffixes") => numeric = true,
            Arg::Long("additional-suffix") => additional = args::value_text(&mut parser)?,
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if operands.len() > 2 {
        return Err(ToolError::operand(format!(
            "extra operand '{}'",
            operands[2]
        )));
    }
    let input_name = operands.first().cloned().unwrap_or_else(|| "-".into());
    let prefix = operands.get(1).cloned().unwrap_or_else(|| "x".into());
    let mut input = open_input(&input_name).map_err(|e| {
        ToolError::failure(format!(
            "cannot open '{input_name}' for reading: {}",
            describe(&e)
        ))
    })?;
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    let pieces: Vec<&[u8]> = match mode {
        Mode::Lines(n) => {
            let lines: Vec<&[u8]> = data.split_inclusive(|&b| b == b'\n').collect();
            lines
                .chunks(n)
                .map(|c| {
                    let start = c[0].as_ptr() as usize - data.as_ptr() as usize;
                    let len: usize = c.iter().map(|l| l.len()).sum();
                    &data[start..start + len]
                })
                .collect()
        }
        Mode::Bytes(n) => data.chunks(n).collect(),
        Mode::Chunks(n) => {
            let base = data.len() / n;
            let mut pieces = Vec::with_capacity(n);
            let mut start = 0;
            for i in 0..n {
                let end = if i + 1 == n { data.len() } else { start + base };
                pieces.push(&data[start..end]);
                start = end;
            }
            pieces
        }
    };
    for (index, piece) in pieces.iter().enumerate() {
        let name = format!(
            "{prefix}{}{additional}",
            suffix(index, suffix_length, numeric)?
        );
        let mut file = std::fs::File::create(&name)
            .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
        file.write_all(piece)?;
    }
    Ok(0)
}

fn parse_size(text: &str) -> Option<usize> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: usize = text[..split].parse().ok()?;
    let multiplier = match &text[split..] {
        "" => 1,
        "b" => 512,
        "K" | "KiB" | "k" => 1024,
        "KB" | "kB" => 1000,
        "M" | "MiB" => 1 << 20,
        "MB" => 1_000_000,
        "G" | "GiB" => 1 << 30,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(multiplier)
}

/// The suffix of the n-th piece: aa, ab, … or 00, 01, …; running out of suffixes is an error.
fn suffix(mut index: usize, length: usize, numeric: bool) -> Result<String, ToolError> {
    let (base, first) = if numeric { (10, b'0') } else { (26, b'a') };
    let mut letters = vec![first; length];
    for slot in letters.iter_mut().rev() {
        *slot = first + (index % base) as u8;
        index /= base;
    }
    if index > 0 {
        return Err(ToolError::failure("output file suffixes exhausted"));
    }
    Ok(String::from_utf8_lossy(&letters).into_owned())
}
