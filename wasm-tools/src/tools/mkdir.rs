//! mkdir: make directories (-p -v). File modes (-m) do not exist in the sandbox and are refused.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, outf, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let args::DirectoryArgs {
        parents,
        verbose,
        operands,
    } = args::directory_args(argv, |arg| match arg {
        Arg::Short('m') | Arg::Long("mode") => Err(ToolError::usage(
            "option '-m' is not supported: the sandbox's files have no modes",
        )),
        _ => Ok(false),
    })?;
    let mut status = 0;
    for name in operands {
        let result = if parents {
            create_parents(Path::new(&name), verbose)
        } else {
            create_one(&name, verbose)
        };
        if let Err(error) = result {
            warn(
                tool,
                format!("cannot create directory '{name}': {}", describe(&error)),
            );
            status = 1;
        }
    }
    Ok(status)
}

fn create_one(name: &str, verbose: bool) -> std::io::Result<()> {
    fs::create_dir(name)?;
    if verbose {
        let _ = outf(format_args!("mkdir: created directory '{name}'\n"));
    }
    Ok(())
}

/// Creates each missing ancestor in turn, so that -v can name each one as GNU does. The walk
/// starts below the deepest existing ancestor: `/` itself is not visible in the sandbox.
fn create_parents(path: &Path, verbose: bool) -> std::io::Result<()> {
    let missing: Vec<&Path> = path
        .ancestors()
        .take_while(|dir| !dir.as_os_str().is_empty() && !dir.is_dir())
        .collect();
    for dir in missing.into_iter().rev() {
        match fs::create_dir(dir) {
            Ok(()) if verbose => {
                let _ = outf(format_args!(
                    "mkdir: created directory '{}'\n",
                    dir.display()
                ));
            }
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}
