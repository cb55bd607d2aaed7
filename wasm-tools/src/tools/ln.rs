//! ln: make links (-s symbolic; -f replaces, -n/-T treat the destination as a file, -t DIR, -v).
//! Hard links work within one zone; across zones WASI refuses them. A symbolic link to an
//! absolute path is written relative when its target is in the link's own zone (it then
//! resolves on the host too), else as given, through a zonebox host call (WASI makes no link to
//! an absolute path): the guest's view resolves it, into another zone as well.

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::fsops::Targets;
use crate::common::io::{describe, outf, warn};
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

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
        // An absolute target in the link's own zone is written relative to the link, which
        // resolves to the same file in the guest's view and on the host.
        let source = match symbolic && source.is_absolute() {
            true => relative_within_zone(&source, &link).unwrap_or(source),
            false => source,
        };
        let result = if symbolic && source.is_absolute() {
            crate::common::modes::absolute_symlink(&source, &link)
        } else if symbolic {
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
                warn(
                    tool,
                    format!(
                        "failed to create {kind} '{}': {}",
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

/// `target` as seen from `link`'s directory, when the innermost zone holding the one holds the
/// other: `None` across zones, where no host path joins them.
fn relative_within_zone(target: &Path, link: &Path) -> Option<PathBuf> {
    let link = if link.is_absolute() {
        link.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(link)
    };
    let link = lexical(&link);
    let target = lexical(target);
    let zones = crate::common::modes::zones();
    let innermost = |path: &Path| {
        zones
            .iter()
            .map(|zone| Path::new(&zone.guest))
            .filter(|guest| path.starts_with(guest))
            .max_by_key(|guest| guest.components().count())
            .map(Path::to_path_buf)
    };
    let zone = innermost(link.parent()?)?;
    if innermost(&target) != Some(zone) {
        return None;
    }
    Some(crate::tools::paths::relative(&target, link.parent()?))
}

/// A path with `.` and `..` resolved by its text.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
