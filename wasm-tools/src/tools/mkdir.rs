//! mkdir: make directories (-p -v -m MODE; the mode is the last directory's, as GNU's).

use crate::common::ToolResult;
use crate::common::args;
use crate::common::io::{describe, outf, warn};
use crate::common::mode_change::{apply, parse_mode};
use crate::common::modes::set_mode;
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut mode_text = None;
    let args::DirectoryArgs {
        parents,
        verbose,
        operands,
    } = args::directory_args(argv, |name, parser| match name {
        "-m" | "--mode" => {
            mode_text = Some(args::value_text(parser)?);
            Ok(true)
        }
        _ => Ok(false),
    })?;
    // A mode applies to the a=rwx a new directory starts from, as GNU mkdir applies it.
    let mode = match &mode_text {
        Some(text) => Some(apply(&parse_mode(text)?, 0o777, true)),
        None => None,
    };
    let mut status = 0;
    for name in operands {
        let result = if parents {
            create_parents(Path::new(&name), verbose)
        } else {
            create_one(&name, verbose)
        };
        let result = result.and_then(|()| match mode {
            Some(mode) => set_mode(Path::new(&name), mode),
            None => Ok(()),
        });
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
