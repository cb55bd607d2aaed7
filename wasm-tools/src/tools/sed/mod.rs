//! sed: the stream editor. -n -e -f -E/-r -i[SUFFIX] -s -z; addresses (N, $, /re/, \cREc,
//! first~step, ranges with addr2 or +N, 0,/re/, !), commands s y d D p P n N g G h H x a i c
//! = l q Q b t T : r w { }, s flags g p N i I w and replacement escapes & \1..\9 \n \L \U \l \u \E.
//! Regular expressions are POSIX BRE (ERE with -E), matched in linear time (no back-references
//! inside patterns).

mod exec;
mod script;

use crate::common::args::{self, Arg};
use crate::common::io::{describe, open_input};
use crate::common::posix_regex::Dialect;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut quiet = false;
    let mut dialect = Dialect::Basic;
    let mut in_place: Option<String> = None;
    let mut separate = false;
    let mut terminator = b'\n';
    let mut pieces: Vec<String> = Vec::new();
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('n') | Arg::Long("quiet" | "silent") => quiet = true,
            Arg::Short('e') | Arg::Long("expression") => {
                pieces.push(args::value_text(&mut parser)?)
            }
            Arg::Short('f') | Arg::Long("file") => {
                let name = args::value_text(&mut parser)?;
                let mut text = String::new();
                open_input(&name)
                    .and_then(|mut input| input.read_to_string(&mut text))
                    .map_err(|e| {
                        ToolError::failure(format!("couldn't open file {name}: {}", describe(&e)))
                    })?;
                pieces.push(text.strip_suffix('\n').unwrap_or(&text).to_string());
            }
            Arg::Short('E' | 'r') | Arg::Long("regexp-extended") => dialect = Dialect::Extended,
            Arg::Short('i') | Arg::Long("in-place") => {
                in_place = Some(parser.optional_value().map(args::text).unwrap_or_default());
                separate = true;
            }
            Arg::Short('s') | Arg::Long("separate") => separate = true,
            Arg::Short('z') | Arg::Long("null-data") => terminator = 0,
            Arg::Short('u') | Arg::Long("unbuffered" | "posix" | "sandbox" | "debug") => {}
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if pieces.is_empty() {
        if operands.is_empty() {
            return Err(ToolError::failure(
                "usage: sed [OPTION]... {script} [input-file]...",
            ));
        }
        pieces.push(operands.remove(0));
    }
    let program = script::parse(&pieces.join("\n"), dialect).map_err(|e| {
        ToolError::failure(format!(
            "-e expression #1, char {}: {}",
            e.position, e.message
        ))
    })?;
    let settings = exec::Settings {
        quiet,
        separate,
        terminator,
        in_place,
    };
    exec::run(tool, &program, &settings, operands)
}
