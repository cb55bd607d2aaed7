//! expand and unexpand: convert tabs to spaces and back (-t N or a list, -i initial only, -a).

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

struct Stops(Vec<usize>);

impl Stops {
    fn parse(text: &str) -> Result<Stops, ToolError> {
        let stops: Result<Vec<usize>, _> = text
            .split([',', ' '])
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect();
        match stops {
            Ok(stops)
                if !stops.is_empty()
                    && stops.iter().all(|&s| s > 0)
                    && stops.windows(2).all(|w| w[0] < w[1]) =>
            {
                Ok(Stops(stops))
            }
            _ => Err(ToolError::operand(format!(
                "tab size contains invalid character(s): '{text}'"
            ))),
        }
    }

    /// The column after a tab at `column`.
    fn next(&self, column: usize) -> usize {
        match self.0.as_slice() {
            [size] => (column / size + 1) * size,
            stops => stops
                .iter()
                .copied()
                .find(|&s| s > column)
                .unwrap_or(column + 1),
        }
    }
}

fn parse(argv: Vec<OsString>, unexpanding: bool) -> Result<(Stops, bool, Vec<String>), ToolError> {
    let mut parser = args::parser(args::expand_numeric_shorthand(argv, "-t"));
    let mut stops = Stops(vec![8]);
    let mut initial_only = unexpanding;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('t') | Arg::Long("tabs") => {
                stops = Stops::parse(&args::value_text(&mut parser)?)?;
                if unexpanding {
                    initial_only = false;
                }
            }
            Arg::Short('i') | Arg::Long("initial") if !unexpanding => initial_only = true,
            Arg::Short('a') | Arg::Long("all") if unexpanding => initial_only = false,
            Arg::Long("first-only") if unexpanding => initial_only = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    Ok((stops, initial_only, files))
}

pub fn expand(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let (stops, initial_only, files) = parse(argv, false)?;
    each_input(tool, files, |_, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let mut rendered = Vec::with_capacity(data.len());
        let (mut column, mut leading) = (0usize, true);
        for byte in data {
            match byte {
                b'\t' if !initial_only || leading => {
                    let next = stops.next(column);
                    rendered.extend(std::iter::repeat_n(b' ', next - column));
                    column = next;
                }
                b'\n' => {
                    rendered.push(byte);
                    (column, leading) = (0, true);
                }
                b'\x08' => {
                    rendered.push(byte);
                    column = column.saturating_sub(1);
                }
                _ => {
                    if byte != b' ' && byte != b'\t' {
                        leading = false;
                    }
                    rendered.push(byte);
                    column += 1;
                }
            }
        }
        out(&rendered)
    })
}

pub fn unexpand(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let (stops, initial_only, files) = parse(argv, true)?;
    each_input(tool, files, |_, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let mut rendered = Vec::with_capacity(data.len());
        for line in data.split_inclusive(|&b| b == b'\n') {
            let (mut column, mut pending_spaces, mut leading) = (0usize, 0usize, true);
            for &byte in line {
                if byte == b' ' && (leading || !initial_only) {
                    pending_spaces += 1;
                    column += 1;
                    if stops.next(column - 1) == column && pending_spaces > 1 {
                        rendered.push(b'\t');
                        pending_spaces = 0;
                    } else if stops.next(column - 1) == column {
                        rendered.push(b' ');
                        pending_spaces = 0;
                    }
                    continue;
                }
                rendered.extend(std::iter::repeat_n(b' ', pending_spaces));
                pending_spaces = 0;
                if byte == b'\t' {
                    column = stops.next(column);
                } else {
                    column += 1;
                    leading = false;
                }
                rendered.push(byte);
            }
            rendered.extend(std::iter::repeat_n(b' ', pending_spaces));
        }
        out(&rendered)
    })
}
