//! chmod: change permission bits (octal or symbolic modes, -R, -v, -c, -f, --reference), through
//! the host calls that keep each change inside the file's read-write zone.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::modes::{mode, set_mode, symbolic};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;

/// The umask the sandbox applies to `chmod +w` and friends when no `ugoa` is given.
const UMASK: u32 = 0o022;

struct Options {
    recursive: bool,
    verbose: bool,
    changes: bool,
    quiet: bool,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    // Modes like -w and -x look like options: take them as the mode when no mode came yet.
    let mut parser = args::parser(argv);
    let mut options = Options {
        recursive: false,
        verbose: false,
        changes: false,
        quiet: false,
    };
    let mut mode_text: Option<String> = None;
    let mut reference: Option<String> = None;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('v') | Arg::Long("verbose") => options.verbose = true,
            Arg::Short('c') | Arg::Long("changes") => options.changes = true,
            Arg::Short('f') | Arg::Long("silent" | "quiet") => options.quiet = true,
            Arg::Long("reference") => reference = Some(args::value_text(&mut parser)?),
            Arg::Short(c @ ('r' | 'w' | 'x' | 'X' | 's' | 't')) if mode_text.is_none() => {
                mode_text = Some(format!("-{c}"));
            }
            Arg::Value(value) => {
                let text = args::text(value);
                if mode_text.is_none() && reference.is_none() {
                    mode_text = Some(text);
                } else {
                    files.push(text);
                }
            }
            other => return Err(args::unknown(other)),
        }
    }
    let change: Box<dyn Fn(u32, bool) -> u32> = match (reference, mode_text) {
        (Some(path), _) => {
            let wanted = mode(Path::new(&path)).map_err(|e| {
                ToolError::failure(format!(
                    "failed to get attributes of '{path}': {}",
                    describe(&e)
                ))
            })?;
            Box::new(move |_, _| wanted)
        }
        (None, Some(text)) => {
            let clauses = parse_mode(&text)?;
            Box::new(move |current, is_dir| apply(&clauses, current, is_dir))
        }
        (None, None) => return Err(ToolError::operand("missing operand")),
    };
    if files.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    let mut status = 0;
    for file in &files {
        change_one(tool, &options, Path::new(file), file, &*change, &mut status)?;
    }
    Ok(status)
}

fn change_one(
    tool: &str,
    options: &Options,
    path: &Path,
    shown: &str,
    change: &dyn Fn(u32, bool) -> u32,
    status: &mut i32,
) -> Result<(), ToolError> {
    let is_dir = path.is_dir();
    let current = match mode(path) {
        Ok(current) => current,
        Err(e) => {
            if !options.quiet {
                warn(tool, format!("cannot access '{shown}': {}", describe(&e)));
            }
            *status = 1;
            return Ok(());
        }
    };
    let wanted = change(current, is_dir) & 0o7777;
    if wanted != current
        && let Err(e) = set_mode(path, wanted)
    {
        if !options.quiet {
            warn(
                tool,
                format!("changing permissions of '{shown}': {}", describe(&e)),
            );
        }
        *status = 1;
        return Ok(());
    }
    if options.verbose || (options.changes && wanted != current) {
        let line = if wanted == current {
            format!(
                "mode of '{shown}' retained as {wanted:04o} ({})\n",
                symbolic(wanted)
            )
        } else {
            format!(
                "mode of '{shown}' changed from {current:04o} ({}) to {wanted:04o} ({})\n",
                symbolic(current),
                symbolic(wanted)
            )
        };
        out(line.as_bytes())?;
    }
    if options.recursive && is_dir && !path.is_symlink() {
        let mut entries: Vec<_> = match std::fs::read_dir(path) {
            Ok(entries) => entries
                .filter_map(Result::ok)
                .map(|e| e.file_name())
                .collect(),
            Err(e) => {
                warn(
                    tool,
                    format!("cannot read directory '{shown}': {}", describe(&e)),
                );
                *status = 1;
                return Ok(());
            }
        };
        entries.sort();
        for name in entries {
            let child_shown = format!("{}/{}", shown.trim_end_matches('/'), name.to_string_lossy());
            let child = path.join(&name);
            if child.is_symlink() {
                continue;
            }
            change_one(tool, options, &child, &child_shown, change, status)?;
        }
    }
    Ok(())
}

/// One `[ugoa]*[+-=]perms` clause, or an absolute octal mode.
enum Clause {
    Absolute(u32),
    Symbolic {
        who: u32,
        op: char,
        perms: String,
        copy_from: Option<char>,
    },
}

fn parse_mode(text: &str) -> Result<Vec<Clause>, ToolError> {
    let bad = || ToolError::operand(format!("invalid mode: '{text}'"));
    if !text.is_empty() && text.chars().all(|c| c.is_digit(8)) {
        let value = u32::from_str_radix(text, 8).map_err(|_| bad())?;
        if value > 0o7777 {
            return Err(bad());
        }
        return Ok(vec![Clause::Absolute(value)]);
    }
    let mut clauses = Vec::new();
    for part in text.split(',') {
        let mut chars = part.chars().peekable();
        let mut who = 0;
        while let Some(&c) = chars.peek() {
            who |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                'a' => 0o7777,
                _ => break,
            };
            chars.next();
        }
        let mut any = false;
        while let Some(op) = chars.next() {
            if !matches!(op, '+' | '-' | '=') {
                return Err(bad());
            }
            let mut perms = String::new();
            let mut copy_from = None;
            while let Some(&c) = chars.peek() {
                match c {
                    'r' | 'w' | 'x' | 'X' | 's' | 't' => perms.push(c),
                    'u' | 'g' | 'o' if perms.is_empty() && copy_from.is_none() => {
                        copy_from = Some(c)
                    }
                    _ => break,
                }
                chars.next();
            }
            clauses.push(Clause::Symbolic {
                who,
                op,
                perms,
                copy_from,
            });
            any = true;
        }
        if !any {
            return Err(bad());
        }
    }
    Ok(clauses)
}

fn apply(clauses: &[Clause], mut mode: u32, is_dir: bool) -> u32 {
    for clause in clauses {
        match clause {
            Clause::Absolute(value) => mode = *value,
            Clause::Symbolic {
                who,
                op,
                perms,
                copy_from,
            } => {
                let (mask, respect_umask) = if *who == 0 {
                    (0o7777, true)
                } else {
                    (*who, false)
                };
                let mut bits = 0;
                if let Some(source) = copy_from {
                    let shift = match source {
                        'u' => 6,
                        'g' => 3,
                        _ => 0,
                    };
                    let rwx = (mode >> shift) & 7;
                    bits |= rwx << 6 | rwx << 3 | rwx;
                }
                for p in perms.chars() {
                    bits |= match p {
                        'r' => 0o444,
                        'w' => 0o222,
                        'x' => 0o111,
                        'X' if is_dir || mode & 0o111 != 0 => 0o111,
                        's' => 0o6000,
                        't' => 0o1000,
                        _ => 0,
                    };
                }
                let mut effective = bits & mask;
                if respect_umask {
                    effective &= !UMASK;
                }
                mode = match op {
                    '+' => mode | effective,
                    '-' => mode & !effective,
                    // `=` clears every bit of the named classes (all of them without `ugoa`).
                    _ => (mode & !mask) | effective,
                };
            }
        }
    }
    mode
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(text: &str, mode: u32) -> u32 {
        apply(&parse_mode(text).unwrap(), mode, false)
    }

    #[test]
    fn modes_change_as_gnu_chmod_changes_them() {
        assert_eq!(after("755", 0o644), 0o755);
        assert_eq!(after("+x", 0o644), 0o755);
        assert_eq!(after("u+x", 0o644), 0o744);
        assert_eq!(after("go-r", 0o644), 0o600);
        assert_eq!(after("a=r", 0o755), 0o444);
        assert_eq!(after("u=rw,go=", 0o777), 0o600);
        assert_eq!(
            after("+w", 0o444),
            0o644,
            "the umask keeps group and other writes out"
        );
        assert_eq!(after("g=u", 0o740), 0o770);
        assert!(parse_mode("z+x").is_err());
        assert!(parse_mode("99").is_err());
    }
}
