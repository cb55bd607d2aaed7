//! What the sandbox says about itself: whoami, id, hostname, uname, nproc, and printenv and
//! which, which answer from the guest's environment and the toolset.

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

/// The guest's fixed identity (WASI has no users; the container backend runs as 1000:1000 too).
const USER: &str = "user";
const UID: u32 = 1000;
const HOSTNAME: &str = "zonebox";

fn no_operands(
    argv: Vec<OsString>,
    mut flag: impl FnMut(&Arg<'_>) -> bool,
) -> Result<(), ToolError> {
    let mut parser = args::parser(argv);
    while let Some(arg) = parser.next()? {
        if !flag(&arg) {
            return Err(match arg {
                Arg::Value(value) => {
                    ToolError::operand(format!("extra operand '{}'", args::text(value)))
                }
                other => args::unknown(other),
            });
        }
    }
    Ok(())
}

/// `arch`: the machine name, as `uname -m` says it.
pub fn arch(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    no_operands(argv, |_| false)?;
    out(b"wasm32\n")?;
    Ok(0)
}

/// `groups`: the sandbox user's one group.
pub fn groups(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    no_operands(argv, |_| false)?;
    out(format!("{USER}\n").as_bytes())?;
    Ok(0)
}

/// `tty`: a sandboxed command never has a terminal on stdin.
pub fn tty(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut silent = false;
    no_operands(argv, |arg| {
        silent |= matches!(arg, Arg::Short('s') | Arg::Long("silent" | "quiet"));
        silent
    })?;
    if !silent {
        out(b"not a tty\n")?;
    }
    Ok(1)
}

/// `logname`: the sandbox user, as whoami says it.
pub fn logname(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    whoami(tool, argv)
}

pub fn whoami(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    no_operands(argv, |_| false)?;
    out(format!("{USER}\n").as_bytes())?;
    Ok(0)
}

pub fn hostname(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    no_operands(argv, |arg| {
        matches!(arg, Arg::Short('s' | 'f') | Arg::Long("short" | "fqdn"))
    })?;
    out(format!("{HOSTNAME}\n").as_bytes())?;
    Ok(0)
}

pub fn nproc(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    no_operands(argv, |arg| matches!(arg, Arg::Long("all")))?;
    // A wasm program here runs on one thread.
    out(b"1\n")?;
    Ok(0)
}

pub fn id(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let (mut user, mut group, mut groups, mut name) = (false, false, false, false);
    no_operands(argv, |arg| {
        match arg {
            Arg::Short('u') | Arg::Long("user") => user = true,
            Arg::Short('g') | Arg::Long("group") => group = true,
            Arg::Short('G') | Arg::Long("groups") => groups = true,
            Arg::Short('n') | Arg::Long("name") => name = true,
            Arg::Short('r') | Arg::Long("real") => {}
            _ => return false,
        }
        true
    })?;
    let text = if user || group || groups {
        if name {
            USER.to_string()
        } else {
            UID.to_string()
        }
    } else {
        format!("uid={UID}({USER}) gid={UID}({USER}) groups={UID}({USER})")
    };
    out(format!("{text}\n").as_bytes())?;
    Ok(0)
}

pub fn uname(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let fields = [
        ('s', "kernel-name", "WASI"),
        ('n', "nodename", HOSTNAME),
        ('r', "kernel-release", "preview1"),
        (
            'v',
            "kernel-version",
            concat!("zonebox ", env!("CARGO_PKG_VERSION")),
        ),
        ('m', "machine", "wasm32"),
        ('p', "processor", "wasm32"),
        ('i', "hardware-platform", "wasm32"),
        ('o', "operating-system", "WASI"),
    ];
    let mut wanted = [false; 8];
    let mut all = false;
    no_operands(argv, |arg| {
        if matches!(arg, Arg::Short('a') | Arg::Long("all")) {
            all = true;
            return true;
        }
        match fields.iter().position(|(short, long, _)| {
            matches!(arg, Arg::Short(c) if c == short) || matches!(arg, Arg::Long(l) if l == long)
        }) {
            Some(index) => {
                wanted[index] = true;
                true
            }
            None => false,
        }
    })?;
    if !all && !wanted.contains(&true) {
        wanted[0] = true;
    }
    let shown: Vec<&str> = fields
        .iter()
        .zip(wanted)
        .filter(|(_, on)| all || *on)
        .map(|((_, _, value), _)| *value)
        .collect();
    out(format!("{}\n", shown.join(" ")).as_bytes())?;
    Ok(0)
}

pub fn printenv(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut terminator = b'\n';
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('0') | Arg::Long("null") => terminator = 0,
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if names.is_empty() {
        for (key, value) in std::env::vars() {
            out(format!("{key}={value}").as_bytes())?;
            out(&[terminator])?;
        }
        return Ok(0);
    }
    let mut status = 0;
    for name in names {
        match std::env::var(&name) {
            Ok(value) => {
                out(value.as_bytes())?;
                out(&[terminator])?;
            }
            Err(_) => status = 1,
        }
    }
    Ok(status)
}

/// which: the toolset's commands live in /bin (the guest's PATH); others are not found.
pub fn which(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('a') => {}
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut status = 0;
    for name in names {
        let base = name.rsplit('/').next().unwrap_or(&name);
        if crate::registry::find(base).is_some() && (name == base || name == format!("/bin/{base}"))
        {
            out(format!("/bin/{base}\n").as_bytes())?;
        } else {
            status = 1;
        }
    }
    Ok(status)
}
