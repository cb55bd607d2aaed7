//! cp: copy files and trees (-r -R -a -d -p -n -u -f -v -T -t -H -L -P, --parents,
//! --preserve[=LIST], --no-preserve=LIST).

use crate::common::args::{self, Arg};
use crate::common::fsops::{Copier, CopyOptions, Targets};
use crate::common::io::{outf, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// Applies a `--preserve` / `--no-preserve` list: mode, ownership, timestamps, links, context,
/// xattr, all. Owners are the sandbox's one user and WASI has no extended attributes or
/// security contexts, so those are kept trivially.
fn preserve(options: &mut CopyOptions, list: &str, keep: bool) -> Result<(), ToolError> {
    for attribute in list.split(',') {
        match attribute {
            "mode" => options.preserve_mode = keep,
            "timestamps" => options.preserve_times = keep,
            "links" => options.preserve_links = keep,
            "ownership" | "context" | "xattr" => {}
            "all" => {
                options.preserve_mode = keep;
                options.preserve_times = keep;
                options.preserve_links = keep;
            }
            other => {
                return Err(ToolError::operand(format!(
                    "invalid argument '{other}' for '--{}preserve'\nValid arguments are:\n  \
                     - 'mode'\n  - 'timestamps'\n  - 'ownership'\n  - 'links'\n  - 'context'\n  \
                     - 'xattr'\n  - 'all'",
                    if keep { "" } else { "no-" }
                )));
            }
        }
    }
    Ok(())
}

/// `--parents`: the source's path as written, without a leading `/` or `.` parts, under DIR.
fn parents_destination(directory: &Path, source: &Path) -> PathBuf {
    let mut relative = PathBuf::new();
    for component in source.components() {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::ParentDir => relative.push(".."),
            _ => {}
        }
    }
    directory.join(relative)
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = CopyOptions::default();
    let (mut verbose, mut parents) = (false, false);
    let mut targets = Targets::new();
    let mut follow_links: Option<bool> = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('r' | 'R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('a') | Arg::Long("archive") => {
                options.recursive = true;
                preserve(&mut options, "all", true)?;
                follow_links = Some(false);
                options.follow_command_line = false;
            }
            Arg::Short('d') => {
                follow_links = Some(false);
                options.follow_command_line = false;
                options.preserve_links = true;
            }
            Arg::Short('p') => preserve(&mut options, "mode,ownership,timestamps", true)?,
            Arg::Long("preserve") => {
                let list = parser.optional_value().map(args::text);
                preserve(
                    &mut options,
                    list.as_deref().unwrap_or("mode,ownership,timestamps"),
                    true,
                )?
            }
            Arg::Long("no-preserve") => {
                preserve(&mut options, &args::value_text(&mut parser)?, false)?
            }
            Arg::Long("parents") => parents = true,
            Arg::Short('n') | Arg::Long("no-clobber") => options.no_clobber = true,
            Arg::Short('u') | Arg::Long("update") => options.update_older = true,
            Arg::Short('f') | Arg::Long("force") => {}
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('T') | Arg::Long("no-target-directory") => {
                targets.no_target_directory = true
            }
            Arg::Short('t') | Arg::Long("target-directory") => {
                targets.target_directory = Some(parser.value()?.into())
            }
            Arg::Short('P') | Arg::Long("no-dereference") => {
                follow_links = Some(false);
                options.follow_command_line = false;
            }
            Arg::Short('L') | Arg::Long("dereference") => {
                follow_links = Some(true);
                options.follow_command_line = false;
            }
            Arg::Short('H') => {
                follow_links = Some(false);
                options.follow_command_line = true;
            }
            Arg::Value(value) => targets.operands.push(value.into()),
            other => return Err(args::unknown(other)),
        }
    }
    options.keep_links = !follow_links.unwrap_or(!options.recursive);
    let pairs = if parents {
        let directory = match targets.target_directory.take() {
            Some(directory) => directory,
            None => targets
                .operands
                .pop()
                .ok_or_else(|| ToolError::operand("missing file operand"))?,
        };
        if !directory.is_dir() {
            return Err(ToolError::operand(
                "with --parents, the destination must be a directory\n\
                 Try 'cp --help' for more information.",
            ));
        }
        if targets.operands.is_empty() {
            return Err(ToolError::operand(format!(
                "missing destination file operand after '{}'",
                directory.display()
            )));
        }
        std::mem::take(&mut targets.operands)
            .into_iter()
            .map(|source| {
                let dest = parents_destination(&directory, &source);
                (source, dest)
            })
            .collect()
    } else {
        targets.pairs()?
    };
    let mut status = 0;
    let mut report = |message: String| warn(tool, message);
    let mut copier = Copier::new(options, &mut report);
    for (source, dest) in pairs {
        if parents
            && let Some(parent) = dest.parent()
            && let Err(error) = std::fs::create_dir_all(parent)
        {
            warn(
                tool,
                format!(
                    "cannot make directory '{}': {}",
                    parent.display(),
                    crate::common::io::describe(&error)
                ),
            );
            status = 1;
            continue;
        }
        if copier.copy(&source, &dest) {
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
