//! rmdir: remove empty directories (-p -v --ignore-fail-on-non-empty).

use crate::common::ToolResult;
use crate::common::args;
use crate::common::io::{describe, outf, warn};
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut ignore_non_empty = false;
    let args::DirectoryArgs {
        parents,
        verbose,
        operands,
    } = args::directory_args(argv, |name, _| {
        let ours = name == "--ignore-fail-on-non-empty";
        ignore_non_empty |= ours;
        Ok(ours)
    })?;
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
