//! dos2unix and unix2dos: convert line ends of files in place (or stdin to stdout).

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use std::ffi::OsString;
use std::io::Read;

fn convert(data: &[u8], to_dos: bool) -> Vec<u8> {
    let mut converted = Vec::with_capacity(data.len() + data.len() / 16);
    for (i, &byte) in data.iter().enumerate() {
        match (to_dos, byte) {
            (false, b'\r') if data.get(i + 1) == Some(&b'\n') => {}
            (true, b'\n') if i == 0 || data[i - 1] != b'\r' => converted.extend_from_slice(b"\r\n"),
            _ => converted.push(byte),
        }
    }
    converted
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let to_dos = tool == "unix2dos";
    let mut parser = args::parser(argv);
    let mut quiet = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('q') | Arg::Long("quiet") => quiet = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.is_empty() {
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data)?;
        out(&convert(&data, to_dos))?;
        return Ok(0);
    }
    let mut status = 0;
    for name in &files {
        let result =
            std::fs::read(name).and_then(|data| std::fs::write(name, convert(&data, to_dos)));
        match result {
            Ok(()) if !quiet => {
                let direction = if to_dos { "DOS" } else { "Unix" };
                warn(
                    tool,
                    format!("converting file {name} to {direction} format..."),
                );
            }
            Ok(()) => {}
            Err(e) => {
                warn(tool, format!("{name}: {}", describe(&e)));
                status = 2;
            }
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use super::convert;

    #[test]
    fn line_ends_round_trip() {
        assert_eq!(convert(b"a\r\nb\n", false), b"a\nb\n");
        assert_eq!(convert(b"a\nb\r\n", true), b"a\r\nb\r\n");
        assert_eq!(convert(b"lone\rcr\n", false), b"lone\rcr\n");
    }
}
