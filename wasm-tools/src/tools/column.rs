//! column: a table of the input's fields (-t -s -o), or entries filled into columns (-c -x), as
//! util-linux's column lays them out.

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

const TAB: usize = 8;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut table = false;
    let mut separators: Option<String> = None;
    let mut output_separator = "  ".to_string();
    let mut width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(80usize);
    let mut fill_rows = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('t') | Arg::Long("table") => table = true,
            Arg::Short('s') | Arg::Long("separator") => {
                separators = Some(args::value_text(&mut parser)?)
            }
            Arg::Short('o') | Arg::Long("output-separator") => {
                output_separator = args::value_text(&mut parser)?
            }
            Arg::Short('c') | Arg::Long("output-width") => {
                let text = args::value_text(&mut parser)?;
                width = text.parse().map_err(|_| {
                    ToolError::operand(format!("invalid columns argument: '{text}'"))
                })?;
            }
            Arg::Short('x') | Arg::Long("fillrows") => fill_rows = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut lines = Vec::new();
    let status = each_input(tool, files, |_, input| {
        let mut text = String::new();
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes)?;
        text.push_str(&String::from_utf8_lossy(&bytes));
        lines.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
        Ok(())
    })?;
    if table {
        print_table(&lines, separators.as_deref(), &output_separator)?;
    } else {
        print_filled(&lines, width, fill_rows)?;
    }
    Ok(status)
}

fn width_of(text: &str) -> usize {
    text.chars().count()
}

fn print_table(
    lines: &[String],
    separators: Option<&str>,
    output_separator: &str,
) -> Result<(), ToolError> {
    let rows: Vec<Vec<&str>> = lines
        .iter()
        .map(|line| match separators {
            Some(seps) => line.split(|c| seps.contains(c)).collect(),
            None => line.split_whitespace().collect(),
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in &rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width_of(cell));
        }
    }
    for row in &rows {
        let mut line = String::new();
        for (i, width) in widths.iter().enumerate() {
            let cell = row.get(i).copied().unwrap_or("");
            if i > 0 {
                line.push_str(output_separator);
            }
            line.push_str(cell);
            if i + 1 < columns {
                line.push_str(&" ".repeat(width - width_of(cell)));
            }
        }
        line.push('\n');
        out(line.as_bytes())?;
    }
    Ok(())
}

/// Pads with tabs from `used` up to the column that ends at `end`.
fn pad_with_tabs(line: &mut String, mut used: usize, end: usize) {
    loop {
        let next = (used + TAB) & !(TAB - 1);
        if next > end {
            return;
        }
        line.push('\t');
        used = next;
    }
}

fn print_filled(entries: &[String], width: usize, fill_rows: bool) -> Result<(), ToolError> {
    if entries.is_empty() {
        return Ok(());
    }
    let longest = entries.iter().map(|e| width_of(e)).max().unwrap_or(0);
    let column_width = (longest + TAB) & !(TAB - 1);
    if longest >= width {
        for entry in entries {
            out(format!("{entry}\n").as_bytes())?;
        }
        return Ok(());
    }
    let columns = (width / column_width).max(1);
    let rows = entries.len().div_ceil(columns);
    for row in 0..rows {
        let mut line = String::new();
        let mut used = 0;
        let mut end = column_width;
        for column in 0..columns {
            let index = if fill_rows {
                row * columns + column
            } else {
                row + column * rows
            };
            let Some(entry) = entries.get(index) else {
                break;
            };
            line.push_str(entry);
            used += width_of(entry);
            let next = if fill_rows { index + 1 } else { index + rows };
            let last_in_row = column + 1 == columns || next >= entries.len();
            if last_in_row {
                break;
            }
            pad_with_tabs(&mut line, used, end);
            used = end.max(used);
            end += column_width;
        }
        line.push('\n');
        out(line.as_bytes())?;
    }
    Ok(())
}
