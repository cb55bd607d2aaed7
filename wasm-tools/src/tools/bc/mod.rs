//! bc: the arbitrary-precision calculator language (POSIX bc with GNU bc's extensions), written
//! for the toolset — agents pipe arithmetic into it (`echo 'scale=2; 10/3' | bc`). Files named
//! on the command line run first, then standard input; each statement runs as soon as it is
//! read, as GNU bc runs them; `-l` loads the math library and sets scale to 20.
//!
//! The pieces: `lexer` → `parser` (→ `ast`) → `interp` (with `number` and `mathlib`).

mod ast;
mod interp;
mod lexer;
mod mathlib;
mod number;
mod parser;

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use ast::Stmt;
use interp::{Interp, Interrupt};
use parser::{Item, Parser, Stop};
use std::ffi::OsString;
use std::io::Read;

const USAGE: &str = "usage: bc [options] [file ...]
  -h  --help         print this usage and exit
  -i  --interactive  force interactive mode
  -l  --mathlib      use the predefined math routines
  -q  --quiet        don't print initial banner
  -v  --version      print version information and exit
";

/// The name messages give standard input, as GNU bc's do.
const STDIN_NAME: &str = "(standard_in)";

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut math_library = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('l') | Arg::Long("mathlib") => math_library = true,
            // No banner is ever printed, and there is no terminal to be interactive with.
            Arg::Short('q' | 'i') | Arg::Long("quiet" | "interactive") => {}
            Arg::Short('h') | Arg::Long("help") => {
                out(USAGE.as_bytes())?;
                return Ok(0);
            }
            Arg::Short('v') | Arg::Long("version") => {
                out(b"bc (zonebox toolset) 1.0, the language of GNU bc 1.07\n")?;
                return Ok(0);
            }
            Arg::Short('s' | 'w') | Arg::Long("standard" | "warn") => {
                return Err(ToolError::usage(
                    "-s and -w (POSIX-only checking) are not supported; run without them",
                ));
            }
            Arg::Value(file) => files.push(args::text(file)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut interp = Interp::new(math_library);
    let mut stdin: Option<Parser> = None;
    for file in &files {
        let Ok(text) = std::fs::read(file) else {
            report(&mut interp, &format!("File {file} is unavailable."))?;
            return Ok(1);
        };
        let mut source = Parser::new(lexer::Lexer::new(text));
        let mut read_line = || stdin_parser(&mut stdin).take_line();
        if run_items(&mut interp, file, &mut source, Some(&mut read_line))? == Ended::Early {
            return Ok(0);
        }
    }
    run_items(&mut interp, STDIN_NAME, stdin_parser(&mut stdin), None)?;
    Ok(0)
}

/// Standard input as a source, read when first needed (by `read()` or as the program).
fn stdin_parser(stdin: &mut Option<Parser>) -> &mut Parser {
    stdin.get_or_insert_with(|| {
        let mut text = Vec::new();
        // An unreadable stdin is an empty one.
        let _ = std::io::stdin().lock().read_to_end(&mut text);
        Parser::new(lexer::Lexer::new(text))
    })
}

#[derive(PartialEq)]
enum Ended {
    AtEnd,
    /// `quit` or `halt`.
    Early,
}

/// Reads and runs one source, a line at a time: a line's statements run once it is read, in
/// order, and a runtime error drops the rest of them, as a syntax error drops the whole line.
/// `read_line` serves `read()`; without one, `read()` reads the source's own next line.
fn run_items(
    interp: &mut Interp,
    name: &str,
    source: &mut Parser,
    mut read_line: Option<&mut dyn FnMut() -> Option<String>>,
) -> Result<Ended, ToolError> {
    let mut line: Vec<Stmt> = Vec::new();
    loop {
        let item = source.next_item();
        for (at, illegal) in std::mem::take(&mut source.illegal) {
            report(
                interp,
                &format!("{name} {at}: illegal character: {illegal}"),
            )?;
        }
        let at_end = matches!(item, Ok(None));
        let ends_line = match item {
            Ok(None) => true,
            Ok(Some((Item::Define(function), ends_line))) => {
                interp.define(function);
                ends_line
            }
            Ok(Some((Item::Statement(statement), ends_line))) => {
                line.push(statement);
                ends_line
            }
            Err(Stop::Quit) => return Ok(Ended::Early),
            Err(Stop::Bare(message)) => {
                report(interp, &message)?;
                source.recover();
                line.clear();
                continue;
            }
            Err(Stop::Syntax(message)) => {
                report(interp, &format!("{name} {}: {message}", source.line()))?;
                source.recover();
                line.clear();
                continue;
            }
        };
        if !ends_line {
            continue;
        }
        for statement in std::mem::take(&mut line) {
            let result = match read_line.as_mut() {
                Some(read_line) => interp.run(&statement, *read_line),
                None => interp.run(&statement, &mut || source.take_line()),
            };
            match result {
                Ok(()) => continue,
                Err(Interrupt::Halt) => return Ok(Ended::Early),
                Err(Interrupt::Output(error)) => return Err(error),
                Err(Interrupt::Error(message)) => {
                    report(interp, &format!("Runtime error (func=(main)): {message}"))?
                }
                Err(Interrupt::ErrorIn(message, function)) => report(
                    interp,
                    &format!("Runtime error (func={function}): {message}"),
                )?,
            }
            break;
        }
        if at_end {
            return Ok(Ended::AtEnd);
        }
    }
}

/// A message on stderr, after everything printed before it.
fn report(interp: &mut Interp, message: &str) -> Result<(), ToolError> {
    interp.flush()?;
    eprintln!("{message}");
    Ok(())
}
