//! jq: the jq language, run by jaq (jaq-core, jaq-std and jaq-json, through jaq-all), with jq's
//! options, its input stream across files, and its exit codes (2 usage or input, 3 compile,
//! 5 runtime error, `-e` 1 and 4, `halt_error` as asked).

use crate::common::args::{self, Arg};
use crate::common::io::{flush_stdout, out, warn};
use crate::common::{ToolError, ToolResult};
use jaq_all::data::{Ctx, Data, DataKind, Filter, Runner};
use jaq_all::jaq_core::{Exn, ValT, Vars};
use jaq_all::jaq_std::input::RcIter;
use jaq_all::json::Val;
use jaq_all::json::write::Pp;
use jaq_all::load::FileReportsDisp;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};

const EXIT_USAGE: i32 = 2;
const EXIT_COMPILE: i32 = 3;
const EXIT_NO_OUTPUT: i32 = 4;
const EXIT_RUNTIME: i32 = 5;

/// jq's own parsing depth limit; deeper input or filters are refused, not recursed into.
const MAX_DEPTH: usize = 256;

/// How positional operands after the filter are taken.
#[derive(Clone, Copy, PartialEq)]
enum Operands {
    Files,
    StringArgs,
    JsonArgs,
}

#[derive(Default)]
struct Options {
    raw_output: bool,
    join_output: bool,
    nul_after_output: bool,
    compact: bool,
    indent: Option<String>,
    sort_keys: bool,
    color: bool,
    slurp: bool,
    null_input: bool,
    raw_input: bool,
    exit_status: bool,
    filter: Option<String>,
    filter_file: Option<String>,
    files: Vec<String>,
    named: Vec<(String, Val)>,
    positional: Vec<Val>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let options = parse_options(argv)?;
    let code = match (&options.filter_file, &options.filter) {
        (Some(path), _) => std::fs::read_to_string(path)
            .map_err(|e| usage(format!("Could not open {path}: {}", e.kind())))?,
        (None, Some(filter)) => filter.clone(),
        (None, None) => {
            return Err(usage(
                "no filter given; usage: jq [OPTIONS] FILTER [FILES...]",
            ));
        }
    };
    if crate::common::nesting::max_depth(code.as_bytes()) > MAX_DEPTH {
        return Err(ToolError {
            code: EXIT_COMPILE,
            message: Some(format!(
                "error: the filter nests deeper than {MAX_DEPTH} levels"
            )),
        });
    }
    let (names, values) = global_variables(&options);
    let filter = compile(&code, &names)?;
    run(tool, &options, &filter, values)
}

fn usage(message: impl Into<String>) -> ToolError {
    ToolError::usage(message)
}

fn parse_options(argv: Vec<OsString>) -> Result<Options, ToolError> {
    let mut options = Options::default();
    let mut operands = Operands::Files;
    let mut parser = args::parser(argv);
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('r') | Arg::Long("raw-output") => options.raw_output = true,
            Arg::Short('j') | Arg::Long("join-output") => {
                options.raw_output = true;
                options.join_output = true;
            }
            Arg::Long("raw-output0") => {
                options.raw_output = true;
                options.nul_after_output = true;
            }
            Arg::Short('a') | Arg::Long("ascii-output") => {
                return Err(usage("option '-a' (--ascii-output) is not supported"));
            }
            Arg::Short('c') | Arg::Long("compact-output") => options.compact = true,
            Arg::Long("tab") => options.indent = Some("\t".into()),
            Arg::Long("indent") => {
                let text = args::value_text(&mut parser)?;
                let width: usize = text.parse().ok().filter(|n| *n <= 7).ok_or_else(|| {
                    usage(format!("Cannot indent more than 7 characters: '{text}'"))
                })?;
                if width == 0 {
                    options.compact = true;
                }
                options.indent = Some(" ".repeat(width));
            }
            Arg::Short('S') | Arg::Long("sort-keys") => options.sort_keys = true,
            Arg::Short('C') | Arg::Long("color-output") => options.color = true,
            Arg::Short('M') | Arg::Long("monochrome-output") => options.color = false,
            Arg::Short('s') | Arg::Long("slurp") => options.slurp = true,
            Arg::Short('n') | Arg::Long("null-input") => options.null_input = true,
            Arg::Short('R') | Arg::Long("raw-input") => options.raw_input = true,
            Arg::Short('e') | Arg::Long("exit-status") => options.exit_status = true,
            Arg::Short('f') | Arg::Long("from-file") => {
                options.filter_file = Some(args::value_text(&mut parser)?);
            }
            Arg::Long("arg") => {
                let (name, value) = name_and_value(&mut parser)?;
                options.named.push((name, Val::from(value)));
            }
            Arg::Long("argjson") => {
                let (name, text) = name_and_value(&mut parser)?;
                let value = parse_json_text(&text)
                    .map_err(|e| usage(format!("--argjson {name}: invalid JSON text: {e}")))?;
                options.named.push((name, value));
            }
            Arg::Long("slurpfile") | Arg::Long("rawfile") => {
                let raw = matches!(arg, Arg::Long("rawfile"));
                let (name, path) = name_and_value(&mut parser)?;
                let bytes = std::fs::read(&path)
                    .map_err(|e| usage(format!("Could not open {path}: {}", e.kind())))?;
                let value = if raw {
                    Val::from(String::from_utf8_lossy(&bytes).into_owned())
                } else {
                    jaq_all::json::read::parse_many(&bytes)
                        .collect::<Result<Val, _>>()
                        .map_err(|e| usage(format!("{path}: invalid JSON text: {e}")))?
                };
                options.named.push((name, value));
            }
            Arg::Long("args") => operands = Operands::StringArgs,
            Arg::Long("jsonargs") => operands = Operands::JsonArgs,
            Arg::Value(value) => {
                let text = args::text(value);
                if options.filter.is_none() && options.filter_file.is_none() {
                    options.filter = Some(text);
                } else {
                    match operands {
                        Operands::Files => options.files.push(text),
                        Operands::StringArgs => options.positional.push(Val::from(text)),
                        Operands::JsonArgs => {
                            let value = parse_json_text(&text).map_err(|e| {
                                usage(format!("invalid JSON text passed to --jsonargs: {e}"))
                            })?;
                            options.positional.push(value);
                        }
                    }
                }
            }
            other => return Err(args::unknown(other)),
        }
    }
    Ok(options)
}

fn name_and_value(parser: &mut args::Parser) -> Result<(String, String), ToolError> {
    let name = args::value_text(parser)?;
    let value = parser
        .value()
        .map_err(|_| usage(format!("option for variable '{name}' takes two parameters")))?;
    Ok((name, args::text(value)))
}

fn parse_json_text(text: &str) -> Result<Val, String> {
    jaq_all::json::read::parse_single(text.as_bytes()).map_err(|e| e.to_string())
}

/// The names and values of `$name` variables: `--arg` and friends, then `$ARGS` and `$ENV`.
fn global_variables(options: &Options) -> (Vec<String>, Vec<Val>) {
    let (mut names, mut values): (Vec<String>, Vec<Val>) = options.named.iter().cloned().unzip();
    let named = options
        .named
        .iter()
        .map(|(name, value)| (Val::from(name.clone()), value.clone()));
    let arguments = [
        (
            Val::from("positional".to_string()),
            options.positional.iter().cloned().collect(),
        ),
        (Val::from("named".to_string()), Val::obj(named.collect())),
    ];
    names.push("ARGS".into());
    values.push(Val::obj(arguments.into_iter().collect()));
    let environment = std::env::vars().map(|(k, v)| (Val::from(k), Val::from(v)));
    names.push("ENV".into());
    values.push(Val::obj(environment.collect()));
    (names, values)
}

/// `@csv` and `@tsv`, which jaq keeps with its multi-format writers; only these two are taken.
fn tabular_formats() -> [jaq_all::jaq_core::native::Fun<DataKind>; 2] {
    use jaq_all::jaq_core::native::{bome, run, v};
    use jaq_fmts::write::tabular::Row;
    fn format(value: &Val, csv: bool) -> Result<Val, jaq_all::json::Error> {
        let name = if csv { "CSV" } else { "TSV" };
        let row = Row::try_from(value).map_err(|e| {
            jaq_all::json::Error::str(format_args!("cannot serialise {value} as {name}: {e}"))
        })?;
        let mut bytes = Vec::new();
        let written = if csv {
            row.write_csv(&mut bytes)
        } else {
            row.write_tsv(&mut bytes)
        };
        written.map_err(|e| jaq_all::json::Error::str(e.to_string()))?;
        Ok(Val::utf8_str(bytes))
    }
    [
        run(("@csv", v(0), |cv| bome(format(&cv.1, true)))),
        run(("@tsv", v(0), |cv| bome(format(&cv.1, false)))),
    ]
}

fn compile(code: &str, variable_names: &[String]) -> Result<Filter, ToolError> {
    jaq_all::compile_with(
        code,
        jaq_all::defs(),
        jaq_all::data::base_funs().chain(tabular_formats()),
        variable_names,
    )
    .map_err(|reports| {
        let mut message = String::from("error: cannot compile the filter\n");
        for report in &reports {
            message.push_str(&FileReportsDisp::new(report).to_string());
        }
        ToolError {
            code: EXIT_COMPILE,
            message: Some(message.trim_end().to_string()),
        }
    })
}

/// One input value, or the reason an input could not be read (reported, exit 2).
type InputItem = Result<Val, String>;

/// Every input as one stream, as jq reads its files: one after the other.
fn input_stream(options: &Options) -> Box<dyn Iterator<Item = InputItem>> {
    let names = if options.files.is_empty() {
        vec!["-".to_string()]
    } else {
        options.files.clone()
    };
    if options.raw_input {
        raw_inputs(names, options.slurp)
    } else {
        let values = names.into_iter().flat_map(json_values_of);
        if options.slurp {
            let all: Result<Vec<Val>, String> = values.collect();
            Box::new(std::iter::once(all.map(|v| v.into_iter().collect())))
        } else {
            Box::new(values)
        }
    }
}

fn open(name: &str) -> Result<Box<dyn BufRead>, String> {
    if name == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    std::fs::File::open(name)
        .map(|file| Box::new(BufReader::new(file)) as Box<dyn BufRead>)
        .map_err(|e| format!("Could not open {name}: {}", crate::common::io::describe(&e)))
}

/// The JSON values of one input; a parse error ends that input. The input is read whole so its
/// nesting can be checked before the recursive parser sees it.
fn json_values_of(name: String) -> Box<dyn Iterator<Item = InputItem>> {
    let mut bytes = Vec::new();
    let read = open(&name).and_then(|mut reader| {
        reader
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{name}: {}", crate::common::io::describe(&e)))
    });
    if let Err(message) = read {
        return Box::new(std::iter::once(Err(message)));
    }
    if crate::common::nesting::max_depth(&bytes) > MAX_DEPTH {
        let message = format!("{name}: Exceeds depth limit for parsing ({MAX_DEPTH})");
        return Box::new(std::iter::once(Err(message)));
    }
    let values: Vec<InputItem> = {
        let mut failed = false;
        jaq_all::json::read::parse_many(&bytes)
            .map_while(|item| {
                if failed {
                    return None;
                }
                failed = item.is_err();
                Some(item.map_err(|e| format!("{name}: {e}")))
            })
            .collect()
    };
    Box::new(values.into_iter())
}

/// `-R`: each line is a string; with `-s`, all of the text is one string.
fn raw_inputs(names: Vec<String>, slurp: bool) -> Box<dyn Iterator<Item = InputItem>> {
    if slurp {
        let mut text = Vec::new();
        for name in &names {
            let read = open(name).and_then(|mut reader| {
                reader
                    .read_to_end(&mut text)
                    .map_err(|e| format!("{name}: {e}"))
            });
            if let Err(message) = read {
                return Box::new(std::iter::once(Err(message)));
            }
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        return Box::new(std::iter::once(Ok(Val::from(text))));
    }
    Box::new(names.into_iter().flat_map(|name| match open(&name) {
        Err(message) => Box::new(std::iter::once(Err(message))) as Box<dyn Iterator<Item = _>>,
        Ok(mut reader) => Box::new(std::iter::from_fn(move || {
            let mut line = Vec::new();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) => None,
                Ok(_) => {
                    if line.last() == Some(&b'\n') {
                        line.pop();
                    }
                    Some(Ok(Val::from(String::from_utf8_lossy(&line).into_owned())))
                }
                Err(e) => Some(Err(format!("{name}: {e}"))),
            }
        })),
    }))
}

fn printer(options: &Options) -> Pp {
    let mut pp = Pp {
        indent: (!options.compact).then(|| options.indent.clone().unwrap_or_else(|| "  ".into())),
        sort_keys: options.sort_keys,
        sep_space: !options.compact,
        ..Pp::default()
    };
    if options.color {
        pp.styles = jaq_all::json::write::Styles::ansi();
    }
    pp
}

/// What the run saw, for the exit status.
#[derive(Default)]
struct Outcome {
    status: i32,
    last_output_truthy: Option<bool>,
}

fn run(tool: &str, options: &Options, filter: &Filter, values: Vec<Val>) -> ToolResult {
    let pp = printer(options);
    let runner = Runner {
        null_input: options.null_input,
        ..Runner::default()
    };
    let inputs = RcIter::new(input_stream(options));
    let input_filename = Val::Null;
    let data = Data {
        runner: &runner,
        lut: &filter.lut,
        inputs: &inputs,
        input_filename: &input_filename,
    };
    let ctx = Ctx::new(&data, Vars::new(values));
    let mut outcome = Outcome::default();
    let mut inputs_ref = &inputs;
    let mut null_given = false;
    let mut next_input = || {
        if options.null_input {
            (!std::mem::replace(&mut null_given, true)).then_some(Ok(Val::Null))
        } else {
            inputs_ref.next()
        }
    };
    while let Some(input) = next_input() {
        let input = match input {
            Ok(value) => value,
            Err(message) => {
                warn(tool, format!("error: {message}"));
                outcome.status = EXIT_USAGE;
                continue;
            }
        };
        for result in filter.id.run((ctx.clone(), input)) {
            match result {
                Ok(value) => {
                    outcome.last_output_truthy = Some(value.as_bool());
                    write_value(options, &pp, &value)?;
                }
                Err(exception) => match exception.get_err() {
                    Ok(error) => {
                        warn(tool, format!("error: {error}"));
                        outcome.status = EXIT_RUNTIME;
                        break;
                    }
                    Err(exception) => return halt(exception),
                },
            }
        }
    }
    Ok(exit_status(options, &outcome))
}

fn halt(exception: Exn<Val>) -> ToolResult {
    flush_stdout()?;
    Ok(exception.get_halt().unwrap_or(EXIT_RUNTIME))
}

fn exit_status(options: &Options, outcome: &Outcome) -> i32 {
    if outcome.status != 0 || !options.exit_status {
        return outcome.status;
    }
    match outcome.last_output_truthy {
        None => EXIT_NO_OUTPUT,
        Some(true) => 0,
        Some(false) => 1,
    }
}

fn write_value(options: &Options, pp: &Pp, value: &Val) -> Result<(), ToolError> {
    match value {
        Val::TStr(text) | Val::BStr(text) if options.raw_output => out(text)?,
        _ => {
            let mut bytes = Vec::new();
            jaq_all::json::write::write(&mut bytes, pp, 0, value)?;
            out(&bytes)?;
        }
    }
    if options.nul_after_output {
        out(b"\0")
    } else if options.join_output {
        Ok(())
    } else {
        out(b"\n")
    }
}
