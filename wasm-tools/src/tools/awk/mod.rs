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

const USAGE: &str = "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]";

/// gawk options this awk does not have: refused by name (exit 2), never ignored.
const GAWK_ONLY_OPTIONS: &[&str] = &[
    "-b", "-c", "-C", "-d", "-D", "-e", "-E", "-g", "-h", "-i", "-I", "-k", "-l", "-L", "-M", "-n",
    "-N", "-o", "-O", "-p", "-P", "-r", "-s", "-S", "-t", "-V", "-W",
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
    let mut program_files = Vec::new();
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
        let (option, glued) = arg.split_at(2);
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
            "-f" => program_files.push(value()?),
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
    if program_files.is_empty() {
        invocation.source = args
            .get(i)
            .cloned()
            .ok_or_else(|| ToolError::failure(USAGE))?;
        i += 1;
    } else {
        for path in program_files {
            let text = std::fs::read_to_string(&path).map_err(|e| {
                ToolError::usage(format!(
                    "fatal: cannot open source file '{path}': {}",
                    crate::common::io::describe(&e)
                ))
            })?;
            invocation.source.push_str(&text);
            invocation.source.push('\n');
        }
    }
    invocation.operands = args[i..].to_vec();
    Ok(invocation)
}
