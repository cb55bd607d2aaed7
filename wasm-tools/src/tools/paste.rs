//! paste: join corresponding lines of files (-d LIST, -s, -z).

use crate::common::args::{self, Arg};
use crate::common::escape::{EscapeStyle, expand};
use crate::common::io::{chomp, describe, open_input, out, records, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut delimiters = b"\t".to_vec();
    let mut serial = false;
    let mut terminator = b'\n';
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('d') | Arg::Long("delimiters") => {
                // `\0` means no delimiter; other escapes as usual.
                let text = args::value_text(&mut parser)?.replace("\\0", "\u{0}");
                delimiters = expand(text.as_bytes(), EscapeStyle::Format).bytes;
            }
            Arg::Short('s') | Arg::Long("serial") => serial = true,
            Arg::Short('z') | Arg::Long("zero-terminated") => terminator = 0,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let files = crate::common::io::inputs_or_stdin(files);
    // Standard input named more than once (`paste - - -`) is one stream the `-` columns take
    // lines from in turn (in serial mode the first takes it all), as GNU's.
    let stdin_columns = files.iter().filter(|name| *name == "-").count();
    let mut stdin_lines: Option<Vec<Vec<u8>>> = None;
    let mut stdin_seen = 0;
    let mut columns = Vec::new();
    for name in &files {
        if name == "-" && stdin_columns > 1 {
            if stdin_lines.is_none() {
                let mut input = open_input("-")?;
                let lines = records(&mut input, terminator)?;
                stdin_lines = Some(
                    lines
                        .iter()
                        .map(|l| chomp(l, terminator).to_vec())
                        .collect(),
                );
            }
            let lines = stdin_lines.as_deref().unwrap_or_default();
            let column: Vec<Vec<u8>> = if serial {
                if stdin_seen == 0 {
                    lines.to_vec()
                } else {
                    Vec::new()
                }
            } else {
                lines
                    .iter()
                    .skip(stdin_seen)
                    .step_by(stdin_columns)
                    .cloned()
                    .collect()
            };
            stdin_seen += 1;
            columns.push(column);
            continue;
        }
        match open_input(name)
            .map_err(ToolError::from)
            .and_then(|mut input| records(&mut input, terminator))
        {
            Ok(lines) => columns.push(
                lines
                    .iter()
                    .map(|l| chomp(l, terminator).to_vec())
                    .collect::<Vec<_>>(),
            ),
            Err(error) => {
                warn(
                    tool,
                    format!(
                        "{name}: {}",
                        error
                            .message
                            .unwrap_or_else(|| describe(&std::io::Error::other("read error")))
                    ),
                );
                return Ok(1);
            }
        }
    }
    let delimiter = |index: usize| -> Vec<u8> {
        match delimiters.get(index % delimiters.len().max(1)) {
            Some(0) | None => Vec::new(),
            Some(&byte) => vec![byte],
        }
    };
    if serial {
        for column in &columns {
            let mut line = Vec::new();
            for (index, field) in column.iter().enumerate() {
                if index > 0 {
                    line.extend(delimiter(index - 1));
                }
                line.extend_from_slice(field);
            }
            line.push(terminator);
            out(&line)?;
        }
        return Ok(0);
    }
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    for row in 0..rows {
        let mut line = Vec::new();
        for (index, column) in columns.iter().enumerate() {
            if index > 0 {
                line.extend(delimiter(index - 1));
            }
            if let Some(field) = column.get(row) {
                line.extend_from_slice(field);
            }
        }
        line.push(terminator);
        out(&line)?;
    }
    Ok(0)
}
