//! cut: select bytes (-b), characters (-c) or fields (-f, -d, -s) of lines; --complement,
//! --output-delimiter, -z.

use crate::common::args::{self, Arg};
use crate::common::io::{each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Bytes,
    Chars,
    Fields,
}

/// A list like `1,3-5,7-`: inclusive 1-based ranges.
struct List(Vec<(usize, usize)>);

impl List {
    fn parse(text: &str) -> Result<List, ToolError> {
        let invalid = |why: &str| ToolError::operand(format!("{why}: '{text}'"));
        let mut ranges = Vec::new();
        for part in text.split([',', ' ']).filter(|p| !p.is_empty()) {
            let number = |s: &str| -> Result<usize, ToolError> {
                match s.parse::<usize>() {
                    Ok(0) => Err(ToolError::operand(
                        "fields and positions are numbered from 1",
                    )),
                    Ok(n) => Ok(n),
                    Err(_) => Err(invalid("invalid field value")),
                }
            };
            let range = match part.split_once('-') {
                None => (number(part)?, number(part)?),
                Some(("", "")) => return Err(invalid("invalid range with no endpoint")),
                Some(("", end)) => (1, number(end)?),
                Some((start, "")) => (number(start)?, usize::MAX),
                Some((start, end)) => (number(start)?, number(end)?),
            };
            if range.0 > range.1 {
                return Err(invalid("invalid decreasing range"));
            }
            ranges.push(range);
        }
        if ranges.is_empty() {
            return Err(ToolError::operand(
                "you must specify a list of bytes, characters, or fields",
            ));
        }
        Ok(List(ranges))
    }

    fn contains(&self, position: usize, complement: bool) -> bool {
        self.0
            .iter()
            .any(|&(start, end)| (start..=end).contains(&position))
            != complement
    }
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut selection: Option<(Mode, String)> = None;
    let mut delimiter = b'\t';
    let mut only_delimited = false;
    let mut complement = false;
    let mut output_delimiter: Option<Vec<u8>> = None;
    let mut terminator = b'\n';
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        let mode = match arg {
            Arg::Short('b') | Arg::Long("bytes") => Some(Mode::Bytes),
            Arg::Short('c') | Arg::Long("characters") => Some(Mode::Chars),
            Arg::Short('f') | Arg::Long("fields") => Some(Mode::Fields),
            Arg::Short('d') | Arg::Long("delimiter") => {
                let text = args::value_text(&mut parser)?;
                delimiter = match text.as_bytes() {
                    [byte] => *byte,
                    [] => 0,
                    _ => {
                        return Err(ToolError::operand(
                            "the delimiter must be a single character",
                        ));
                    }
                };
                None
            }
            Arg::Short('s') | Arg::Long("only-delimited") => {
                only_delimited = true;
                None
            }
            Arg::Long("complement") => {
                complement = true;
                None
            }
            Arg::Long("output-delimiter") => {
                output_delimiter = Some(args::value_text(&mut parser)?.into_bytes());
                None
            }
            Arg::Short('z') | Arg::Long("zero-terminated") => {
                terminator = 0;
                None
            }
            Arg::Short('n') => None,
            Arg::Value(value) => {
                files.push(args::text(value));
                None
            }
            other => return Err(args::unknown(other)),
        };
        if let Some(mode) = mode {
            if selection.is_some() {
                return Err(ToolError::operand("only one type of list may be specified"));
            }
            selection = Some((mode, args::value_text(&mut parser)?));
        }
    }
    let Some((mode, list)) = selection else {
        return Err(ToolError::operand(
            "you must specify a list of bytes, characters, or fields",
        ));
    };
    let list = List::parse(&list)?;
    let cutter = Cutter {
        mode,
        list,
        delimiter,
        only_delimited,
        complement,
        output_delimiter,
        terminator,
    };
    each_input(tool, files, |_, input| {
        let mut record = Vec::new();
        loop {
            record.clear();
            if input.read_until(terminator, &mut record)? == 0 {
                return Ok(());
            }
            let body = record.strip_suffix(&[terminator]).unwrap_or(&record);
            if let Some(cut) = cutter.cut(body) {
                out(&cut)?;
                out(&[terminator])?;
            }
        }
    })
}

struct Cutter {
    mode: Mode,
    list: List,
    delimiter: u8,
    only_delimited: bool,
    complement: bool,
    output_delimiter: Option<Vec<u8>>,
    terminator: u8,
}

impl Cutter {
    /// The selected part of a line; `None` when -s drops a line without delimiters.
    fn cut(&self, line: &[u8]) -> Option<Vec<u8>> {
        match self.mode {
            Mode::Fields => self.fields(line),
            Mode::Bytes => Some(self.positions(line.chunks(1))),
            Mode::Chars if crate::common::locale::is_utf8() => {
                let text = String::from_utf8_lossy(line);
                let units: Vec<&[u8]> = text
                    .char_indices()
                    .map(|(at, c)| &text.as_bytes()[at..at + c.len_utf8()])
                    .collect();
                Some(self.positions(units.into_iter()))
            }
            Mode::Chars => Some(self.positions(line.chunks(1))),
        }
    }

    fn positions<'u>(&self, units: impl Iterator<Item = &'u [u8]>) -> Vec<u8> {
        let mut selected = Vec::new();
        let mut previous: Option<usize> = None;
        // Past the last selected position nothing more can be selected (unless complementing).
        let last_wanted = self.list.0.iter().map(|&(_, end)| end).max().unwrap_or(0);
        for (index, unit) in units.enumerate() {
            let position = index + 1;
            if position > last_wanted && !self.complement {
                break;
            }
            if self.list.contains(position, self.complement) {
                if let (Some(separator), Some(last)) = (&self.output_delimiter, previous)
                    && last + 1 != position
                {
                    selected.extend_from_slice(separator);
                }
                selected.extend_from_slice(unit);
                previous = Some(position);
            }
        }
        selected
    }

    fn fields(&self, line: &[u8]) -> Option<Vec<u8>> {
        if !line.contains(&self.delimiter) || self.delimiter == self.terminator {
            return if self.only_delimited {
                None
            } else {
                Some(line.to_vec())
            };
        }
        let separator = self
            .output_delimiter
            .clone()
            .unwrap_or_else(|| vec![self.delimiter]);
        let chosen: Vec<&[u8]> = line
            .split(|&b| b == self.delimiter)
            .enumerate()
            .filter(|(index, _)| self.list.contains(index + 1, self.complement))
            .map(|(_, field)| field)
            .collect();
        Some(chosen.join(&separator[..]))
    }
}
