//! rm: remove files and, with -r, trees (-f -r -R -d -v); refuses `/`, `.` and `..`.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, outf, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs;
use std::io::ErrorKind;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut force = false;
    let mut recursive = false;
    let mut empty_dirs = false;
    let mut verbose = false;
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('f') | Arg::Long("force") => force = true,
            Arg::Short('r' | 'R') | Arg::Long("recursive") => recursive = true,
            Arg::Short('d') | Arg::Long("dir") => empty_dirs = true,
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Long("preserve-root") => {}
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if operands.is_empty() && !force {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    for name in operands {
        let last = name.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        if name.trim_matches('/').is_empty() {
            warn(
                tool,
                "it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe (not available in the sandbox)",
            );
            status = 1;
            continue;
        }
        if last == "." || last == ".." {
            warn(
                tool,
                format!("refusing to remove '.' or '..' directory: skipping '{name}'"),
            );
            status = 1;
            continue;
        }
        let path = Path::new(&name);
        let metadata = match fs::symlink_metadata(path) {
            Ok(metadata) => metadata,
            Err(error) if force && error.kind() == ErrorKind::NotFound => continue,
            Err(error) => {
                warn(
                    tool,
                    format!("cannot remove '{name}': {}", describe(&error)),
                );
                status = 1;
                continue;
            }
        };
        let result = if metadata.is_dir() {
            if recursive {
                fs::remove_dir_all(path)
            } else if empty_dirs {
                fs::remove_dir(path)
            } else {
                warn(tool, format!("cannot remove '{name}': Is a directory"));
                status = 1;
                continue;
            }
        } else {
            fs::remove_file(path)
        };
        match result {
            Ok(()) if verbose => {
                let kind = if metadata.is_dir() {
                    "removed directory"
                } else {
                    "removed"
                };
                outf(format_args!("{kind} '{name}'\n"))?;
            }
            Ok(()) => {}
            Err(error) => {
                warn(
                    tool,
                    format!("cannot remove '{name}': {}", describe(&error)),
                );
                status = 1;
            }
        }
    }
    Ok(status)
}
