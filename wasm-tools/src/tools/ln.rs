//! ln: make links (-s symbolic; -f replaces, -n/-T treat the destination as a file, -t DIR, -v).
//! Hard links work within one zone; across zones WASI refuses them.

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::fsops::Targets;
use crate::common::io::{describe, outf, warn};
use std::ffi::OsString;
use std::fs;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut symbolic = false;
    let mut force = false;
    let mut verbose = false;
    let mut targets = Targets::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("symbolic") => symbolic = true,
            Arg::Short('f') | Arg::Long("force") => force = true,
            Arg::Short('n' | 'T') | Arg::Long("no-dereference" | "no-target-directory") => {
                targets.no_target_directory = true
            }
            Arg::Short('t') | Arg::Long("target-directory") => {
                targets.target_directory = Some(parser.value()?.into())
            }
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Value(value) => targets.operands.push(value.into()),
            other => return Err(args::unknown(other)),
        }
    }
    if targets.operands.len() == 1 && targets.target_directory.is_none() {
        targets.target_directory = Some(".".into());
    }
    let mut status = 0;
    for (source, link) in targets.pairs()? {
        if force && fs::symlink_metadata(&link).is_ok_and(|m| !m.is_dir()) {
            let _ = fs::remove_file(&link);
        }
        let result = if symbolic {
            crate::common::fileinfo::symlink(&source, &link)
        } else {
            fs::hard_link(&source, &link)
        };
        match result {
            Ok(()) if verbose => outf(format_args!(
                "'{}' -> '{}'\n",
                link.display(),
                source.display()
            ))?,
            Ok(()) => {}
            Err(error) => {
                let kind = if symbolic {
                    "symbolic link"
                } else {
                    "hard link"
                };
                let hint = if symbolic && source.is_absolute() {
                    " (the sandbox refuses links to absolute paths: use a relative target)"
                } else {
                    ""
                };
                warn(
                    tool,
                    format!(
                        "failed to create {kind} '{}': {}{hint}",
                        link.display(),
                        describe(&error)
                    ),
                );
                status = 1;
            }
        }
    }
    Ok(status)
}
