//! cmp: compare two files byte by byte (-s quiet, -l list every difference, -b show bytes,
//! -n LIMIT, -i SKIP); exit 0 same, 1 different, 2 trouble.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, open_input, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    crate::common::trouble_exits_with(2, run(tool, argv))
}

fn run(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut silent, mut list, mut show_bytes) = (false, false, false);
    let mut limit: Option<usize> = None;
    let mut skip = 0usize;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("quiet" | "silent") => silent = true,
            Arg::Short('l') | Arg::Long("verbose") => list = true,
            Arg::Short('b') | Arg::Long("print-bytes") => show_bytes = true,
            Arg::Short('n') | Arg::Long("bytes") => {
                let text = args::value_text(&mut parser)?;
                limit =
                    Some(text.parse().map_err(|_| {
                        ToolError::usage(format!("invalid --bytes value '{text}'"))
                    })?);
            }
            Arg::Short('i') | Arg::Long("ignore-initial") => {
                let text = args::value_text(&mut parser)?;
                skip = text.parse().map_err(|_| {
                    ToolError::usage(format!("invalid --ignore-initial value '{text}'"))
                })?;
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    match files.len() {
        0 => return Err(ToolError::usage("missing operand")),
        1 => files.push("-".into()),
        2 => {}
        _ => return Err(ToolError::usage(format!("extra operand '{}'", files[2]))),
    }
    let read = |name: &str| -> Result<Vec<u8>, ToolError> {
        let mut data = Vec::new();
        open_input(name)
            .and_then(|mut input| input.read_to_end(&mut data))
            .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
        Ok(data)
    };
    let (a, b) = (read(&files[0])?, read(&files[1])?);
    let (a, b) = (&a[skip.min(a.len())..], &b[skip.min(b.len())..]);
    let length = limit.unwrap_or(usize::MAX);
    let (a, b) = (&a[..a.len().min(length)], &b[..b.len().min(length)]);
    let mut line = 1;
    let mut differed = false;
    for (index, (x, y)) in a.iter().zip(b).enumerate() {
        if x != y {
            differed = true;
            if silent {
                return Ok(1);
            }
            if list {
                // GNU pads the offset to the widest one it could print, each byte to 3 octal digits.
                let width = a.len().min(b.len()).to_string().len();
                out(format!("{:>width$} {:>3o} {:>3o}\n", index + 1, x, y).as_bytes())?;
                continue;
            }
            // GNU says "char" unless -b asks for the byte values.
            let unit = if show_bytes { "byte" } else { "char" };
            let mut message = format!(
                "{} {} differ: {unit} {}, line {line}",
                files[0],
                files[1],
                index + 1
            );
            if show_bytes {
                message += &format!(" is {:o} {} {:o} {}", x, shown(*x), y, shown(*y));
            }
            out(format!("{message}\n").as_bytes())?;
            return Ok(1);
        }
        if *x == b'\n' {
            line += 1;
        }
    }
    if a.len() != b.len() {
        if !silent {
            let (shorter, common) = if a.len() < b.len() {
                (&files[0], a.len())
            } else {
                (&files[1], b.len())
            };
            let lines_in = if common == 0 {
                String::new()
            } else {
                let newlines = a[..common].iter().filter(|&&c| c == b'\n').count();
                let partial = a[..common].last() != Some(&b'\n');
                format!(", line {}", newlines + usize::from(partial))
            };
            let at = if common == 0 {
                "which is empty".to_string()
            } else {
                format!("after byte {common}{lines_in}")
            };
            warn(tool, format!("EOF on {shorter} {at}"));
        }
        return Ok(1);
    }
    Ok(if differed { 1 } else { 0 })
}

/// A byte as cmp -b shows it: printable as itself, controls as ^X, high bytes as M-.
fn shown(byte: u8) -> String {
    match byte {
        0..=31 => format!("^{}", (byte + 64) as char),
        127 => "^?".into(),
        128..=255 => format!("M-{}", shown(byte - 128)),
        _ => (byte as char).to_string(),
    }
}
