//! chown and chgrp as the sandbox's one user can use them: files in the zones belong to that
//! user (`id` says uid 1000, `user`), so giving them to `user`/1000 succeeds, and giving them to
//! anyone else fails with "Operation not permitted", as it does for any unprivileged user. The
//! file must exist, and a read-only zone answers "Read-only file system".

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::modes::{mode, set_mode};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;

const USER: &str = "user";
const ID: &str = "1000";

/// Whether a user or group name (or number) is the sandbox's own; `None` when it is unknown.
fn is_own(name: &str) -> Option<bool> {
    match name {
        USER | ID => Some(true),
        "root" | "0" => Some(false),
        n if n.chars().all(|c| c.is_ascii_digit()) => Some(false),
        _ => None,
    }
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let group_only = tool == "chgrp";
    let mut parser = args::parser(argv);
    let (mut recursive, mut verbose, mut changes, mut quiet) = (false, false, false, false);
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('R') | Arg::Long("recursive") => recursive = true,
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('c') | Arg::Long("changes") => changes = true,
            Arg::Short('f') | Arg::Long("silent" | "quiet") => quiet = true,
            Arg::Short('h') | Arg::Long("no-dereference") => {}
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let Some((spec, files)) = operands.split_first() else {
        return Err(ToolError::operand("missing operand"));
    };
    if files.is_empty() {
        return Err(ToolError::operand(format!(
            "missing operand after '{spec}'"
        )));
    }
    let (owner, group) = if group_only {
        (None, Some(spec.as_str()))
    } else {
        match spec.split_once([':', '.']) {
            Some((owner, group)) => (
                (!owner.is_empty()).then_some(owner),
                (!group.is_empty()).then_some(group),
            ),
            None => (Some(spec.as_str()), None),
        }
    };
    let mut allowed = true;
    for (name, what) in [(owner, "user"), (group, "group")] {
        if let Some(name) = name {
            match is_own(name) {
                Some(own) => allowed &= own,
                None => return Err(ToolError::operand(format!("invalid {what}: '{spec}'"))),
            }
        }
    }
    let mut status = 0;
    for file in files {
        let mut stack = vec![file.clone()];
        while let Some(path) = stack.pop() {
            let result = change(Path::new(&path), allowed);
            match result {
                Ok(()) => {
                    // Nothing ever changes hands, so -c (report changes only) prints nothing.
                    if verbose && !changes {
                        out(format!(
                            "ownership of '{path}' retained as {}\n",
                            if group_only {
                                USER.to_string()
                            } else {
                                format!("{USER}:{USER}")
                            }
                        )
                        .as_bytes())?;
                    }
                }
                Err(e) => {
                    if !quiet {
                        let message = if e.kind() == std::io::ErrorKind::NotFound {
                            format!("cannot access '{path}': {}", describe(&e))
                        } else {
                            let what = if group_only { "group" } else { "ownership" };
                            format!("changing {what} of '{path}': {}", describe(&e))
                        };
                        warn(tool, message);
                    }
                    status = 1;
                    continue;
                }
            }
            if recursive && Path::new(&path).is_dir() && !Path::new(&path).is_symlink() {
                let mut children: Vec<String> = std::fs::read_dir(&path)
                    .map(|entries| {
                        entries
                            .filter_map(Result::ok)
                            .map(|e| {
                                format!(
                                    "{}/{}",
                                    path.trim_end_matches('/'),
                                    e.file_name().to_string_lossy()
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                children.sort();
                stack.extend(children.into_iter().rev());
            }
        }
    }
    Ok(status)
}

/// Gives the file to the sandbox user (which it already is) or refuses; the write probe makes
/// read-only zones answer as a read-only file system does.
fn change(path: &Path, allowed: bool) -> std::io::Result<()> {
    let current = mode(path)?;
    if !allowed {
        return Err(std::io::Error::from_raw_os_error(libc::EPERM));
    }
    match set_mode(path, current) {
        // A zone's own root refuses mode changes; giving it to its owner changes nothing anyway.
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => Ok(()),
        other => other,
    }
}
