//! mv: rename, or copy then remove across zones (-f -n -u -v -T -t).

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::fsops::{self, CopyOptions, Targets};
use crate::common::io::{describe, outf, warn};
use std::ffi::OsString;
use std::fs;
use std::path::Path;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut no_clobber = false;
    let mut update_older = false;
    let mut verbose = false;
    let mut targets = Targets::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('f') | Arg::Long("force") => no_clobber = false,
            Arg::Short('n') | Arg::Long("no-clobber") => no_clobber = true,
            Arg::Short('u') | Arg::Long("update") => update_older = true,
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('T') | Arg::Long("no-target-directory") => {
                targets.no_target_directory = true
            }
            Arg::Short('t') | Arg::Long("target-directory") => {
                targets.target_directory = Some(parser.value()?.into())
            }
            Arg::Value(value) => targets.operands.push(value.into()),
            other => return Err(args::unknown(other)),
        }
    }
    let mut status = 0;
    for (source, dest) in targets.pairs()? {
        if let Err(error) = fs::symlink_metadata(&source) {
            warn(
                tool,
                format!("cannot stat '{}': {}", source.display(), describe(&error)),
            );
            status = 1;
            continue;
        }
        if dest.exists() && (no_clobber || (update_older && !newer(&source, &dest))) {
            continue;
        }
        if fsops::same_file(&source, &dest) {
            warn(
                tool,
                format!(
                    "'{}' and '{}' are the same file",
                    source.display(),
                    dest.display()
                ),
            );
            status = 1;
            continue;
        }
        if let Err(message) = move_one(tool, &source, &dest) {
            warn(tool, message);
            status = 1;
        } else if verbose {
            outf(format_args!(
                "renamed '{}' -> '{}'\n",
                source.display(),
                dest.display()
            ))?;
        }
    }
    Ok(status)
}

fn move_one(tool: &str, source: &Path, dest: &Path) -> Result<(), String> {
    match fs::rename(source, dest) {
        Ok(()) => Ok(()),
        // Zones are separate preopened directories; a rename between them is a copy and a removal.
        Err(error)
            if error.raw_os_error() == Some(EXDEV)
                || error.kind() == std::io::ErrorKind::CrossesDevices =>
        {
            let options = CopyOptions {
                recursive: true,
                preserve_times: true,
                keep_links: true,
                ..CopyOptions::default()
            };
            let mut failures = Vec::new();
            if !fsops::copy(source, dest, options, &mut |m| failures.push(m)) {
                return Err(failures.join(&format!("\n{tool}: ")));
            }
            let removed = if source.is_dir() {
                fs::remove_dir_all(source)
            } else {
                fs::remove_file(source)
            };
            removed.map_err(|e| format!("cannot remove '{}': {}", source.display(), describe(&e)))
        }
        Err(error) => Err(format!(
            "cannot move '{}' to '{}': {}",
            source.display(),
            dest.display(),
            describe(&error)
        )),
    }
}

/// wasi-libc's EXDEV.
const EXDEV: i32 = 75;

fn newer(source: &Path, dest: &Path) -> bool {
    match (
        fs::metadata(source).and_then(|m| m.modified()),
        fs::metadata(dest).and_then(|m| m.modified()),
    ) {
        (Ok(s), Ok(d)) => s > d,
        _ => true,
    }
}
