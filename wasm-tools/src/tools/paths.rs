//! readlink and realpath: resolve symbolic links and print canonical paths. Resolution is done
//! lexically over the guest's paths, following each link the sandbox lets us read.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

/// How much of the path must exist.
#[derive(Clone, Copy, PartialEq)]
enum Existence {
    /// Every component (-e).
    All,
    /// All but the last (readlink -f, realpath's default).
    AllButLast,
    /// None (-m).
    Missing,
}

pub fn readlink(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut mode: Option<Existence> = None;
    let mut newline = true;
    let mut terminator = b'\n';
    let mut quiet = false;
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('f') | Arg::Long("canonicalize") => mode = Some(Existence::AllButLast),
            Arg::Short('e') | Arg::Long("canonicalize-existing") => mode = Some(Existence::All),
            Arg::Short('m') | Arg::Long("canonicalize-missing") => mode = Some(Existence::Missing),
            Arg::Short('n') | Arg::Long("no-newline") => newline = false,
            Arg::Short('z') | Arg::Long("zero") => terminator = 0,
            Arg::Short('q' | 's') | Arg::Long("quiet" | "silent") => quiet = true,
            Arg::Short('v') | Arg::Long("verbose") => quiet = false,
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    let last = names.len() - 1;
    for (index, name) in names.iter().enumerate() {
        let result = match mode {
            None => std::fs::read_link(name).map(|target| target.display().to_string()),
            Some(mode) => canonical(Path::new(name), mode).map(|p| p.display().to_string()),
        };
        match result {
            Ok(text) => {
                out(text.as_bytes())?;
                if newline || index < last {
                    out(&[terminator])?;
                }
            }
            Err(error) => {
                if mode.is_some() && !quiet {
                    warn(tool, format!("{name}: {}", describe(&error)));
                }
                status = 1;
            }
        }
    }
    Ok(status)
}

pub fn realpath(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut mode = Existence::AllButLast;
    let mut terminator = b'\n';
    let mut quiet = false;
    let mut names = Vec::new();
    let mut relative_to: Option<String> = None;
    let mut relative_base: Option<String> = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('e') | Arg::Long("canonicalize-existing") => mode = Existence::All,
            Arg::Short('m') | Arg::Long("canonicalize-missing") => mode = Existence::Missing,
            Arg::Short('z') | Arg::Long("zero") => terminator = 0,
            Arg::Short('q') | Arg::Long("quiet") => quiet = true,
            Arg::Long("relative-to") => relative_to = Some(args::value_text(&mut parser)?),
            Arg::Long("relative-base") => relative_base = Some(args::value_text(&mut parser)?),
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    // The directories the paths are shown from, resolved as the paths are.
    let resolve = |dir: &Option<String>| -> Result<Option<PathBuf>, ToolError> {
        dir.as_ref()
            .map(|dir| {
                canonical(Path::new(dir), mode)
                    .map_err(|error| ToolError::failure(format!("{dir}: {}", describe(&error))))
            })
            .transpose()
    };
    let base = resolve(&relative_base)?;
    let mut to = resolve(&relative_to)?.or_else(|| base.clone());
    // GNU: a --relative-to outside the --relative-base makes every path absolute.
    if let (Some(dir), Some(base)) = (&to, &base)
        && !dir.starts_with(base)
    {
        to = None;
    }
    let mut status = 0;
    for name in &names {
        match canonical(Path::new(name), mode) {
            Ok(path) => {
                let shown = match (&to, &base) {
                    (Some(dir), Some(base)) if path.starts_with(base) => relative(&path, dir),
                    (Some(dir), None) => relative(&path, dir),
                    _ => path,
                };
                out(shown.display().to_string().as_bytes())?;
                out(&[terminator])?;
            }
            Err(error) => {
                if !quiet {
                    warn(tool, format!("{name}: {}", describe(&error)));
                }
                status = 1;
            }
        }
    }
    Ok(status)
}

/// `path` as reached from the directory `from` (both absolute and resolved): `..` up to
/// their common ancestor, then down; `.` when they are the same.
pub fn relative(path: &Path, from: &Path) -> PathBuf {
    let to: Vec<_> = path.components().collect();
    let start: Vec<_> = from.components().collect();
    let common = to.iter().zip(&start).take_while(|(a, b)| a == b).count();
    let mut shown = PathBuf::new();
    for _ in common..start.len() {
        shown.push("..");
    }
    for part in &to[common..] {
        shown.push(part);
    }
    if shown.as_os_str().is_empty() {
        shown.push(".");
    }
    shown
}

/// The absolute path with `.`, `..` and symbolic links resolved.
fn canonical(path: &Path, mode: Existence) -> std::io::Result<PathBuf> {
    let start = if path.is_absolute() {
        PathBuf::from("/")
    } else {
        std::env::current_dir()?
    };
    let mut pending: Vec<std::ffi::OsString> = path
        .components()
        .rev()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_os_string()),
            Component::ParentDir => Some("..".into()),
            _ => None,
        })
        .collect();
    let mut resolved = start;
    let mut links_followed = 0;
    while let Some(part) = pending.pop() {
        if part == ".." {
            resolved.pop();
            continue;
        }
        let candidate = resolved.join(&part);
        match std::fs::symlink_metadata(&candidate) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                links_followed += 1;
                if links_followed > 40 {
                    return Err(std::io::Error::other("Too many levels of symbolic links"));
                }
                let target = std::fs::read_link(&candidate)?;
                if target.is_absolute() {
                    resolved = PathBuf::from("/");
                }
                for component in target.components().rev() {
                    match component {
                        Component::Normal(p) => pending.push(p.to_os_string()),
                        Component::ParentDir => pending.push("..".into()),
                        _ => {}
                    }
                }
            }
            Ok(metadata) => {
                if !pending.is_empty() && !metadata.is_dir() && mode != Existence::Missing {
                    return Err(std::io::Error::from_raw_os_error(54));
                }
                resolved = candidate;
            }
            Err(error) => {
                let allowed = match mode {
                    Existence::Missing => true,
                    Existence::AllButLast => pending.is_empty(),
                    Existence::All => false,
                };
                if !allowed {
                    return Err(error);
                }
                resolved = candidate;
            }
        }
    }
    Ok(resolved)
}

/// pathchk: whether names are valid (-p: portable POSIX names; -P: no empty names or leading `-`).
pub fn pathchk(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut portable, mut extra) = (false, false);
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('p') => portable = true,
            Arg::Short('P') => extra = true,
            Arg::Long("portability") => {
                portable = true;
                extra = true;
            }
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    for name in &names {
        let problem = if extra && name.is_empty() {
            Some("empty file name".to_string())
        } else if extra && name.split('/').any(|c| c.starts_with('-')) {
            Some(format!("leading '-' in a component of file name '{name}'"))
        } else if portable && name.len() > 256 {
            Some(format!(
                "limit 256 exceeded by length {} of file name '{name}'",
                name.len()
            ))
        } else if portable && name.split('/').any(|c| c.len() > 14) {
            let long = name.split('/').find(|c| c.len() > 14).unwrap_or("");
            Some(format!(
                "limit 14 exceeded by length {} of file name component '{long}'",
                long.len()
            ))
        } else if portable
            && let Some(bad) = name
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || "._-/".contains(*c)))
        {
            Some(format!(
                "nonportable character '{bad}' in file name '{name}'"
            ))
        } else if !portable && name.len() > 4096 {
            Some(format!(
                "limit 4096 exceeded by length {} of file name '{name}'",
                name.len()
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            warn(tool, problem);
            status = 1;
        }
    }
    Ok(status)
}
