//! xxd.

use super::{Input, byte_count, printable, read_inputs};
use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

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
        let Input { data, failed, .. } = read_inputs("xxd", files, 0, None)?;
        if failed {
            return Ok(2);
        }
        return out(&unhex(&String::from_utf8_lossy(&data), plain)).map(|()| 0);
    }
    let Input { data, failed, .. } = read_inputs("xxd", files, skip, limit)?;
    if failed {
        return Ok(2);
    }
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
