//! cat: concatenate files (-n -b -s -E -T -v -A -e -t -u).

use crate::common::args::{self, Arg};
use crate::common::io::{self, copy_to_stdout, each_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::BufRead;

#[derive(Default)]
struct Options {
    number: bool,
    number_nonblank: bool,
    squeeze: bool,
    show_ends: bool,
    show_tabs: bool,
    show_nonprinting: bool,
}

impl Options {
    fn plain(&self) -> bool {
        !(self.number
            || self.number_nonblank
            || self.squeeze
            || self.show_ends
            || self.show_tabs
            || self.show_nonprinting)
    }
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options::default();
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('n') | Arg::Long("number") => options.number = true,
            Arg::Short('b') | Arg::Long("number-nonblank") => options.number_nonblank = true,
            Arg::Short('s') | Arg::Long("squeeze-blank") => options.squeeze = true,
            Arg::Short('E') | Arg::Long("show-ends") => options.show_ends = true,
            Arg::Short('T') | Arg::Long("show-tabs") => options.show_tabs = true,
            Arg::Short('v') | Arg::Long("show-nonprinting") => options.show_nonprinting = true,
            Arg::Short('A') | Arg::Long("show-all") => {
                options.show_nonprinting = true;
                options.show_ends = true;
                options.show_tabs = true;
            }
            Arg::Short('e') => {
                options.show_nonprinting = true;
                options.show_ends = true;
            }
            Arg::Short('t') => {
                options.show_nonprinting = true;
                options.show_tabs = true;
            }
            Arg::Short('u') => {}
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut state = LineState {
        number: 0,
        previous_blank: false,
    };
    each_input(tool, files, |_, input| {
        if options.plain() {
            copy_to_stdout(input)
        } else {
            decorate(&options, &mut state, input)
        }
    })
}

/// Numbering and blank-squeezing continue across files, as in GNU cat.
struct LineState {
    number: u64,
    previous_blank: bool,
}

fn decorate(
    options: &Options,
    state: &mut LineState,
    input: &mut dyn BufRead,
) -> Result<(), ToolError> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input
            .read_until(b'\n', &mut line)
            .map_err(|e| ToolError::failure(io::describe(&e)))?
            == 0
        {
            return Ok(());
        }
        let ends_line = line.last() == Some(&b'\n');
        let body = if ends_line {
            &line[..line.len() - 1]
        } else {
            &line[..]
        };
        let blank = body.is_empty() && ends_line;
        if options.squeeze && blank && state.previous_blank {
            continue;
        }
        state.previous_blank = blank;
        let mut rendered = Vec::with_capacity(line.len() + 8);
        if options.number_nonblank && !blank || options.number && !options.number_nonblank {
            state.number += 1;
            rendered.extend_from_slice(format!("{:>6}\t", state.number).as_bytes());
        }
        for &byte in body {
            render_byte(options, byte, &mut rendered);
        }
        if options.show_ends && ends_line {
            rendered.push(b'$');
        }
        if ends_line {
            rendered.push(b'\n');
        }
        out(&rendered)?;
    }
}

fn render_byte(options: &Options, byte: u8, rendered: &mut Vec<u8>) {
    match byte {
        b'\t' if options.show_tabs => rendered.extend_from_slice(b"^I"),
        b'\t' => rendered.push(b'\t'),
        _ if !options.show_nonprinting => rendered.push(byte),
        0..=31 => rendered.extend_from_slice(&[b'^', byte + 64]),
        127 => rendered.extend_from_slice(b"^?"),
        128..=159 => rendered.extend_from_slice(&[b'M', b'-', b'^', byte - 128 + 64]),
        160..=254 => rendered.extend_from_slice(&[b'M', b'-', byte - 128]),
        255 => rendered.extend_from_slice(b"M-^?"),
        _ => rendered.push(byte),
    }
}
