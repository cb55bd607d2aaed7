//! join: join lines of two sorted files on a common field (-1 -2 -j -t -a -v -e -o -i).

use crate::common::args::{self, Arg};
use crate::common::io::{chomp, describe, open_input, out, records};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

/// One output field of `-o`: `0` is the join field, else (file, field), both from 1.
#[derive(Clone, Copy)]
enum OutputField {
    Key,
    Field(usize, usize),
}

struct Options {
    separator: Option<u8>,
    key_field: [usize; 2],
    unpaired: [bool; 2],
    only_unpaired: bool,
    empty: Option<Vec<u8>>,
    format: Option<Vec<OutputField>>,
    ignore_case: bool,
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options {
        separator: None,
        key_field: [0, 0],
        unpaired: [false, false],
        only_unpaired: false,
        empty: None,
        format: None,
        ignore_case: false,
    };
    let mut files = Vec::new();
    let field_number = |text: String| -> Result<usize, ToolError> {
        match text.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n - 1),
            _ => Err(ToolError::operand(format!(
                "invalid field number: '{text}'"
            ))),
        }
    };
    let file_number = |text: String| -> Result<usize, ToolError> {
        match text.as_str() {
            "1" => Ok(0),
            "2" => Ok(1),
            _ => Err(ToolError::operand(format!("invalid file number: '{text}'"))),
        }
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('t') => {
                let text = args::value_text(&mut parser)?;
                let bytes = text.into_bytes();
                if bytes.len() != 1 {
                    return Err(ToolError::operand("multi-character tab"));
                }
                options.separator = Some(bytes[0]);
            }
            Arg::Short('1') => options.key_field[0] = field_number(args::value_text(&mut parser)?)?,
            Arg::Short('2') => options.key_field[1] = field_number(args::value_text(&mut parser)?)?,
            Arg::Short('j') => {
                let n = field_number(args::value_text(&mut parser)?)?;
                options.key_field = [n, n];
            }
            Arg::Short('a') => {
                options.unpaired[file_number(args::value_text(&mut parser)?)?] = true
            }
            Arg::Short('v') => {
                options.unpaired[file_number(args::value_text(&mut parser)?)?] = true;
                options.only_unpaired = true;
            }
            Arg::Short('e') => options.empty = Some(args::value_text(&mut parser)?.into_bytes()),
            Arg::Short('o') => {
                options.format = Some(parse_format(&args::value_text(&mut parser)?)?)
            }
            Arg::Short('i') | Arg::Long("ignore-case") => options.ignore_case = true,
            Arg::Long("nocheck-order") | Arg::Long("check-order") => {}
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    args::exactly(&files, 2)?;
    let read = |name: &String| -> Result<Vec<Vec<Vec<u8>>>, ToolError> {
        let mut input = open_input(name)
            .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
        Ok(records(&mut input, b'\n')?
            .iter()
            .map(|r| split(chomp(r, b'\n'), options.separator))
            .collect())
    };
    let left = read(&files[0])?;
    let right = read(&files[1])?;
    merge(&options, &left, &right)?;
    Ok(0)
}

fn parse_format(text: &str) -> Result<Vec<OutputField>, ToolError> {
    text.split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|spec| {
            if spec == "0" {
                return Ok(OutputField::Key);
            }
            let bad = || ToolError::operand(format!("invalid field specifier: '{spec}'"));
            let (file, field) = spec.split_once('.').ok_or_else(bad)?;
            let file = match file {
                "1" => 0,
                "2" => 1,
                _ => return Err(bad()),
            };
            let field: usize = field.parse().ok().filter(|n| *n >= 1).ok_or_else(bad)?;
            Ok(OutputField::Field(file, field - 1))
        })
        .collect()
}

/// Fields split on the separator, or on runs of blanks (leading blanks ignored).
fn split(line: &[u8], separator: Option<u8>) -> Vec<Vec<u8>> {
    match separator {
        Some(sep) => line.split(|&b| b == sep).map(<[u8]>::to_vec).collect(),
        None => line
            .split(|&b| b == b' ' || b == b'\t')
            .filter(|f| !f.is_empty())
            .map(<[u8]>::to_vec)
            .collect(),
    }
}

fn key<'a>(options: &Options, fields: &'a [Vec<u8>], file: usize) -> &'a [u8] {
    fields
        .get(options.key_field[file])
        .map(Vec::as_slice)
        .unwrap_or(b"")
}

fn compare(options: &Options, a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    if options.ignore_case {
        a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase())
    } else {
        a.cmp(b)
    }
}

fn merge(
    options: &Options,
    left: &[Vec<Vec<u8>>],
    right: &[Vec<Vec<u8>>],
) -> Result<(), ToolError> {
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let order = match (left.get(i), right.get(j)) {
            (Some(l), Some(r)) => compare(options, key(options, l, 0), key(options, r, 1)),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                if options.unpaired[0] {
                    print_line(options, Some(&left[i]), None)?;
                }
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                if options.unpaired[1] {
                    print_line(options, None, Some(&right[j]))?;
                }
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let k = key(options, &left[i], 0).to_vec();
                let left_end = (i..left.len())
                    .find(|&x| compare(options, key(options, &left[x], 0), &k).is_ne())
                    .unwrap_or(left.len());
                let right_end = (j..right.len())
                    .find(|&y| compare(options, key(options, &right[y], 1), &k).is_ne())
                    .unwrap_or(right.len());
                if !options.only_unpaired {
                    for l in &left[i..left_end] {
                        for r in &right[j..right_end] {
                            print_line(options, Some(l), Some(r))?;
                        }
                    }
                }
                i = left_end;
                j = right_end;
            }
        }
    }
    Ok(())
}

fn print_line(
    options: &Options,
    left: Option<&Vec<Vec<u8>>>,
    right: Option<&Vec<Vec<u8>>>,
) -> Result<(), ToolError> {
    let separator = options.separator.unwrap_or(b' ');
    let sides = [left, right];
    let join_key: &[u8] = match (left, right) {
        (Some(l), _) => key(options, l, 0),
        (None, Some(r)) => key(options, r, 1),
        _ => b"",
    };
    let empty = options.empty.clone().unwrap_or_default();
    let mut fields: Vec<Vec<u8>> = Vec::new();
    match &options.format {
        Some(format) => {
            for spec in format {
                fields.push(match *spec {
                    OutputField::Key => join_key.to_vec(),
                    OutputField::Field(file, n) => sides[file]
                        .and_then(|f| f.get(n).cloned())
                        .unwrap_or_else(|| empty.clone()),
                });
            }
        }
        None => {
            fields.push(join_key.to_vec());
            for (file, side) in sides.iter().enumerate() {
                if let Some(side) = side {
                    for (n, field) in side.iter().enumerate() {
                        if n != options.key_field[file] {
                            fields.push(field.clone());
                        }
                    }
                }
            }
        }
    }
    let mut line = fields.join(&separator);
    line.push(b'\n');
    out(&line)
}
