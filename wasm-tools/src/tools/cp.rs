//! cp: copy files and trees (-r -R -a -p -n -u -f -v -T -P -L).

use crate::common::args::{self, Arg};
use crate::common::fsops::{self, CopyOptions};
use crate::common::io::{outf, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = CopyOptions::default();
    let mut verbose = false;
    let mut no_target_directory = false;
    let mut target_directory: Option<PathBuf> = None;
    let mut follow_links: Option<bool> = None;
    let mut operands: Vec<PathBuf> = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('r' | 'R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('a') | Arg::Long("archive") => {
                options.recursive = true;
                options.preserve_times = true;
                follow_links.get_or_insert(false);
            }
            Arg::Short('p') | Arg::Long("preserve") => options.preserve_times = true,
            Arg::Short('n') | Arg::Long("no-clobber") => options.no_clobber = true,
            Arg::Short('u') | Arg::Long("update") => options.update_older = true,
            Arg::Short('f') | Arg::Long("force") => {}
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('T') | Arg::Long("no-target-directory") => no_target_directory = true,
            Arg::Short('t') | Arg::Long("target-directory") => {
                target_directory = Some(parser.value()?.into())
            }
            Arg::Short('P') | Arg::Long("no-dereference") => follow_links = Some(false),
            Arg::Short('L') | Arg::Long("dereference") => follow_links = Some(true),
            Arg::Value(value) => operands.push(value.into()),
            other => return Err(args::unknown(other)),
        }
    }
    options.keep_links = !follow_links.unwrap_or(!options.recursive);
    let (sources, target) = split_target(tool, operands, target_directory)?;
    let target_is_dir = !no_target_directory && target.is_dir();
    if sources.len() > 1 && !target_is_dir {
        return Err(ToolError::failure(format!(
            "target '{}' is not a directory",
            target.display()
        )));
    }
    let mut status = 0;
    for source in sources {
        let dest = fsops::destination_for(&source, &target, target_is_dir);
        let mut report = |message: String| warn(tool, message);
        if fsops::copy(&source, &dest, options, &mut report) {
            if verbose {
                outf(format_args!(
                    "'{}' -> '{}'\n",
                    source.display(),
                    dest.display()
                ))?;
            }
        } else {
            status = 1;
        }
    }
    Ok(status)
}

/// Splits operands into sources and the target, as cp and mv both read them.
pub fn split_target(
    tool: &str,
    mut operands: Vec<PathBuf>,
    target_directory: Option<PathBuf>,
) -> Result<(Vec<PathBuf>, PathBuf), ToolError> {
    if let Some(dir) = target_directory {
        if operands.is_empty() {
            return Err(ToolError::usage("missing file operand"));
        }
        return Ok((operands, dir));
    }
    match operands.len() {
        0 => Err(ToolError::usage("missing file operand")),
        1 => Err(ToolError::usage(format!(
            "missing destination file operand after '{}'",
            operands[0].display()
        ))),
        _ => {
            let target = operands
                .pop()
                .unwrap_or_else(|| Path::new(tool).to_path_buf());
            Ok((operands, target))
        }
    }
}
