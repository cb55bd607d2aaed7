//! rmdir: remove empty directories (-p -v --ignore-fail-on-non-empty).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, outf, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut parents = false;
    let mut verbose = false;
    let mut ignore_non_empty = false;
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('p') | Arg::Long("parents") => parents = true,
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Long("ignore-fail-on-non-empty") => ignore_non_empty = true,
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if operands.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    for name in operands {
        let mut current = Some(Path::new(name.trim_end_matches('/')).to_path_buf());
        while let Some(dir) = current.filter(|d| !d.as_os_str().is_empty()) {
            if verbose {
                outf(format_args!(
                    "rmdir: removing directory, '{}'\n",
                    dir.display()
                ))?;
            }
            if let Err(error) = fs::remove_dir(&dir) {
                let non_empty = error.kind() == std::io::ErrorKind::DirectoryNotEmpty;
                if !(ignore_non_empty && non_empty) {
                    warn(
                        tool,
                        format!("failed to remove '{}': {}", dir.display(), describe(&error)),
                    );
                    status = 1;
                }
                break;
            }
            current = if parents {
                dir.parent().map(Path::to_path_buf)
            } else {
                None
            };
        }
    }
    Ok(status)
}
