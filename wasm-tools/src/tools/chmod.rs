//! chmod: change permission bits (octal or symbolic modes, -R, -v, -c, -f, --reference), through
//! the host calls that keep each change inside the file's read-write zone.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::mode_change::{apply, parse_mode};
use crate::common::modes::{mode, set_mode, symbolic};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;

struct Options {
    recursive: bool,
    verbose: bool,
    changes: bool,
    quiet: bool,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    // Modes like -w and -x look like options: take them as the mode when no mode came yet.
    let mut parser = args::parser(argv);
    let mut options = Options {
        recursive: false,
        verbose: false,
        changes: false,
        quiet: false,
    };
    let mut mode_text: Option<String> = None;
    let mut reference: Option<String> = None;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('v') | Arg::Long("verbose") => options.verbose = true,
            Arg::Short('c') | Arg::Long("changes") => options.changes = true,
            Arg::Short('f') | Arg::Long("silent" | "quiet") => options.quiet = true,
            Arg::Long("reference") => reference = Some(args::value_text(&mut parser)?),
            Arg::Short(c @ ('r' | 'w' | 'x' | 'X' | 's' | 't')) if mode_text.is_none() => {
                mode_text = Some(format!("-{c}"));
            }
            Arg::Value(value) => {
                let text = args::text(value);
                if mode_text.is_none() && reference.is_none() {
                    mode_text = Some(text);
                } else {
                    files.push(text);
                }
            }
            other => return Err(args::unknown(other)),
        }
    }
    let change: Box<dyn Fn(u32, bool) -> u32> = match (reference, mode_text) {
        (Some(path), _) => {
            let wanted = mode(Path::new(&path)).map_err(|e| {
                ToolError::failure(format!(
                    "failed to get attributes of '{path}': {}",
                    describe(&e)
                ))
            })?;
            Box::new(move |_, _| wanted)
        }
        (None, Some(text)) => {
            let clauses = parse_mode(&text)?;
            Box::new(move |current, is_dir| apply(&clauses, current, is_dir))
        }
        (None, None) => return Err(ToolError::operand("missing operand")),
    };
    if files.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    for file in &files {
        change_one(tool, &options, Path::new(file), file, &*change, &mut status)?;
    }
    Ok(status)
}

fn change_one(
    tool: &str,
    options: &Options,
    path: &Path,
    shown: &str,
    change: &dyn Fn(u32, bool) -> u32,
    status: &mut i32,
) -> Result<(), ToolError> {
    let is_dir = path.is_dir();
    let current = match mode(path) {
        Ok(current) => current,
        Err(e) => {
            if !options.quiet {
                warn(tool, format!("cannot access '{shown}': {}", describe(&e)));
            }
            *status = 1;
            return Ok(());
        }
    };
    let wanted = change(current, is_dir) & 0o7777;
    if wanted != current
        && let Err(e) = set_mode(path, wanted)
    {
        if !options.quiet {
            warn(
                tool,
                format!("changing permissions of '{shown}': {}", describe(&e)),
            );
        }
        *status = 1;
        return Ok(());
    }
    if options.verbose || (options.changes && wanted != current) {
        let line = if wanted == current {
            format!(
                "mode of '{shown}' retained as {wanted:04o} ({})\n",
                symbolic(wanted)
            )
        } else {
            format!(
                "mode of '{shown}' changed from {current:04o} ({}) to {wanted:04o} ({})\n",
                symbolic(current),
                symbolic(wanted)
            )
        };
        out(line.as_bytes())?;
    }
    if options.recursive && is_dir && !path.is_symlink() {
        let mut entries: Vec<_> = match std::fs::read_dir(path) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .collect(),
            Err(e) => {
                warn(
                    tool,
                    format!("cannot read directory '{shown}': {}", describe(&e)),
                );
                *status = 1;
                return Ok(());
            }
        };
        entries.sort();
        for name in entries {
            let child_shown = format!("{}/{}", shown.trim_end_matches('/'), name.to_string_lossy());
            let child = path.join(&name);
            if child.is_symlink() {
                continue;
            }
            change_one(tool, options, &child, &child_shown, change, status)?;
        }
    }
    Ok(())
}
