//! nl: number lines (-b a|t|n, -n ln|rn|rz, -w N, -s SEP, -v START, -i INCREMENT).

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, for_each_line, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut style = "t".to_string();
    let mut format = "rn".to_string();
    let mut width = 6usize;
    let mut separator = "\t".to_string();
    let mut number: i64 = 1;
    let mut increment: i64 = 1;
    let mut files = Vec::new();
    let number_value = |text: String, what: &str| -> Result<i64, ToolError> {
        text.parse()
            .map_err(|_| ToolError::operand(format!("invalid {what}: '{text}'")))
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('b') | Arg::Long("body-numbering") => style = args::value_text(&mut parser)?,
            Arg::Short('n') | Arg::Long("number-format") => format = args::value_text(&mut parser)?,
            Arg::Short('w') | Arg::Long("number-width") => {
                width = number_value(args::value_text(&mut parser)?, "line number field width")?
                    .max(1) as usize
            }
            Arg::Short('s') | Arg::Long("number-separator") => {
                separator = args::value_text(&mut parser)?
            }
            Arg::Short('v') | Arg::Long("starting-line-number") => {
                number = number_value(args::value_text(&mut parser)?, "starting line number")?
            }
            Arg::Short('i') | Arg::Long("line-increment") => {
                increment = number_value(args::value_text(&mut parser)?, "line number increment")?
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if !matches!(style.as_str(), "a" | "t" | "n") {
        return Err(ToolError::usage(format!(
            "invalid body numbering style: '{style}' (a, t and n are supported)"
        )));
    }
    if !matches!(format.as_str(), "ln" | "rn" | "rz") {
        return Err(ToolError::operand(format!(
            "invalid line numbering format: '{format}'"
        )));
    }
    each_input(tool, files, |_, input| {
        for_each_line(input, |line| {
            let blank = line == b"\n";
            let numbered = style == "a" || (style == "t" && !blank);
            if numbered {
                let text = match format.as_str() {
                    "ln" => format!("{number:<width$}"),
                    "rz" => format!("{number:0width$}"),
                    _ => format!("{number:>width$}"),
                };
                out(format!("{text}{separator}").as_bytes())?;
                number += increment;
            } else {
                out(" ".repeat(width + separator.len()).as_bytes())?;
            }
            out(line)
        })
    })
}
