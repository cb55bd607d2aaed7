//! comm: compare two sorted files line by line (-1 -2 -3, --output-delimiter, -z).

use crate::common::args::{self, Arg};
use crate::common::io::{chomp, open_input, out, records};
use crate::common::{ToolError, ToolResult};
use std::cmp::Ordering;
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut show = [true, true, true];
    let mut delimiter = b"\t".to_vec();
    let mut terminator = b'\n';
    // None: GNU's default, which checks once an unpairable line has been seen.
    let mut check_order: Option<bool> = None;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('1') => show[0] = false,
            Arg::Short('2') => show[1] = false,
            Arg::Short('3') => show[2] = false,
            Arg::Long("output-delimiter") => {
                delimiter = args::value_text(&mut parser)?.into_bytes()
            }
            Arg::Short('z') | Arg::Long("zero-terminated") => terminator = 0,
            Arg::Long("nocheck-order") => check_order = Some(false),
            Arg::Long("check-order") => check_order = Some(true),
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    args::exactly(&files, 2)?;
    let read = |name: &String| -> Result<Vec<Vec<u8>>, ToolError> {
        let mut input = open_input(name).map_err(|e| {
            ToolError::failure(format!("{name}: {}", crate::common::io::describe(&e)))
        })?;
        Ok(records(&mut input, terminator)?
            .iter()
            .map(|r| chomp(r, terminator).to_vec())
            .collect())
    };
    let (left, right) = (read(&files[0])?, read(&files[1])?);
    let mut status = 0;
    let mut seen_unpairable = false;
    let mut reported = [false, false];
    // Called as a file advances past `index`: GNU reports disorder once per file, then exits 1.
    let mut check = |file: usize, lines: &[Vec<u8>], index: usize, seen_unpairable: bool| {
        let wanted = check_order.unwrap_or(seen_unpairable);
        if wanted && !reported[file] && index + 1 < lines.len() && lines[index] > lines[index + 1] {
            crate::common::io::warn(tool, format!("file {} is not in sorted order", file + 1));
            reported[file] = true;
            status = 1;
        }
    };
    let (mut i, mut j) = (0, 0);
    let emit = |column: usize, line: &[u8]| -> Result<(), ToolError> {
        if !show[column] {
            return Ok(());
        }
        let indent = show[..column].iter().filter(|&&shown| shown).count();
        let mut text = delimiter.repeat(indent);
        text.extend_from_slice(line);
        text.push(terminator);
        out(&text)
    };
    while i < left.len() || j < right.len() {
        let order = match (left.get(i), right.get(j)) {
            (Some(a), Some(b)) => a.cmp(b),
            (Some(_), None) => Ordering::Less,
            _ => Ordering::Greater,
        };
        match order {
            Ordering::Less => {
                emit(0, &left[i])?;
                seen_unpairable = true;
                check(0, &left, i, seen_unpairable);
                i += 1;
            }
            Ordering::Greater => {
                emit(1, &right[j])?;
                seen_unpairable = true;
                check(1, &right, j, seen_unpairable);
                j += 1;
            }
            Ordering::Equal => {
                emit(2, &left[i])?;
                check(0, &left, i, seen_unpairable);
                check(1, &right, j, seen_unpairable);
                i += 1;
                j += 1;
            }
        }
    }
    if status != 0 {
        crate::common::io::warn(tool, "input is not in sorted order");
    }
    Ok(status)
}
