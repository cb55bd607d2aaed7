//! awk: a POSIX awk written for the toolset (no maintained Rust awk builds for wasm32-wasip1 and
//! passes our suite), with the gawk extensions agents use: gensub, asort, asorti, strftime,
//! systime, `**`, hex constants, regex RS. Commands (`|`, `system`) cannot run in the sandbox.
//!
//! The pieces: `lexer` → `parser` (→ `ast`) → `interp` (with `builtins`, `records`, `streams`,
//! `value`).

mod ast;
mod builtins;
mod interp;
mod lexer;
mod parser;
mod records;
mod streams;
mod value;

use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let invocation = parse_arguments(argv)?;
    // A program that does not parse exits 1, as gawk's does.
    let tokens = lexer::tokenize(&invocation.source).map_err(ToolError::failure)?;
    let program = parser::parse(tokens)?;
    let mut argv = vec!["awk".to_string()];
    argv.extend(invocation.operands);
    let mut interp = interp::Interp::new(&program, argv);
    for (name, value) in invocation.assignments {
        let slot = program.globals.iter().position(|g| **g == *name);
        if let Some(slot) = slot {
            interp.globals[slot] = interp::Cell::Scalar(value::Value::from_input(value));
        }
    }
    if let Some(fs) = invocation.field_separator {
        interp.globals[ast::special::FS] = interp::Cell::Scalar(value::Value::str(fs));
    }
    interp.run()
}

const USAGE: &str =
    "usage: awk [-F fs][-v var=value][prog | -f progfile | -e prog-text ...][file ...]";

/// One piece of the program, in the order the options gave them (gawk joins them so).
enum ProgramPart {
    Text(String),
    File(String),
}

/// gawk's long names for the options this awk has.
fn short_option(long: &str) -> Option<&'static str> {
    Some(match long {
        "--field-separator" => "-F",
        "--assign" => "-v",
        "--file" => "-f",
        "--source" => "-e",
        _ => return None,
    })
}

/// gawk options this awk does not have: refused by name (exit 2), never ignored.
const GAWK_ONLY_OPTIONS: &[&str] = &[
    "-b", "-c", "-C", "-d", "-D", "-E", "-g", "-h", "-i", "-I", "-k", "-l", "-L", "-M", "-n", "-N",
    "-o", "-O", "-p", "-P", "-r", "-s", "-S", "-t", "-V", "-W",
];

struct Invocation {
    source: String,
    field_separator: Option<String>,
    assignments: Vec<(String, String)>,
    operands: Vec<String>,
}

/// awk's options are few and take their values glued or apart (`-F:` and `-F :`).
fn parse_arguments(argv: Vec<OsString>) -> Result<Invocation, ToolError> {
    let args: Vec<String> = argv
        .into_iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut invocation = Invocation {
        source: String::new(),
        field_separator: None,
        assignments: Vec::new(),
        operands: Vec::new(),
    };
    let mut program_parts = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            i += 1;
            break;
        }
        if !arg.starts_with('-') || arg == "-" {
            break;
        }
        let (name, long_value) = match arg.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => (name, Some(value)),
            _ => (arg.as_str(), None),
        };
        let (option, glued) = match short_option(name) {
            Some(short) => (short, long_value.unwrap_or("")),
            None => arg.split_at(2),
        };
        let mut value = || -> Result<String, ToolError> {
            if !glued.is_empty() {
                return Ok(glued.to_string());
            }
            i += 1;
            args.get(i).cloned().ok_or_else(|| {
                ToolError::usage(format!("option requires an argument -- '{}'", &option[1..]))
            })
        };
        match option {
            "-F" => {
                let fs = value()?;
                // `-Ft` is a tab, as POSIX says; escapes are read as in strings.
                invocation.field_separator = Some(if fs == "t" {
                    "\t".into()
                } else {
                    builtins::unescape(&fs)
                });
            }
            "-v" => {
                let assignment = value()?;
                let (name, value) = interp::assignment_operand(&assignment).ok_or_else(|| {
                    ToolError::usage(format!("'{assignment}' is not a variable assignment"))
                })?;
                invocation.assignments.push((name, value));
            }
            "-f" => program_parts.push(ProgramPart::File(value()?)),
            "-e" => program_parts.push(ProgramPart::Text(value()?)),
            _ if GAWK_ONLY_OPTIONS.contains(&option) || arg.starts_with("--") => {
                return Err(ToolError::usage(format!("option '{arg}' is not supported")));
            }
            _ => {
                return Err(ToolError::failure(format!(
                    "invalid option '{arg}'\n{USAGE}"
                )));
            }
        }
        i += 1;
    }
    if program_parts.is_empty() {
        invocation.source = args
            .get(i)
            .cloned()
            .ok_or_else(|| ToolError::failure(USAGE))?;
        i += 1;
    }
    for part in program_parts {
        let text = match part {
            ProgramPart::Text(text) => text,
            ProgramPart::File(path) => read_program_file(&path)?,
        };
        invocation.source.push_str(&text);
        invocation.source.push('\n');
    }
    invocation.operands = args[i..].to_vec();
    Ok(invocation)
}

/// The text of `-f FILE`; `-f -` reads the program from standard input.
fn read_program_file(path: &str) -> Result<String, ToolError> {
    let read = if path == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map(|_| text)
    } else {
        std::fs::read_to_string(path)
    };
    read.map_err(|e| {
        ToolError::usage(format!(
            "fatal: cannot open source file '{path}': {}",
            crate::common::io::describe(&e)
        ))
    })
}
