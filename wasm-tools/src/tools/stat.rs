//! stat: what the file system says of a file. WASI gives type, size, device, inode, links and
//! times, not owners or blocks: formats that ask for those (%u %U %g %G %b ...) are refused by
//! name. Permission bits (%a %A) come from the zonebox host call.

use crate::common::args::{self, Arg};
use crate::common::fileinfo::identity;
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut format: Option<(String, bool)> = None;
    let mut follow = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('c') | Arg::Long("format") => {
                format = Some((args::value_text(&mut parser)?, true))
            }
            Arg::Long("printf") => format = Some((args::value_text(&mut parser)?, false)),
            Arg::Short('L') | Arg::Long("dereference") => follow = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.is_empty() {
        return Err(ToolError::operand("missing operand"));
    }
    if let Some((text, _)) = &format {
        check_format(text)?;
    }
    let mut status = 0;
    for name in &files {
        let metadata = match crate::common::fileinfo::metadata(Path::new(name), follow) {
            Ok(m) => m,
            Err(e) => {
                warn(tool, format!("cannot statx '{name}': {}", describe(&e)));
                status = 1;
                continue;
            }
        };
        let text = match &format {
            Some((text, newline)) => {
                let mut line = render(text, name, &metadata, follow);
                if *newline {
                    line.push('\n');
                } else {
                    line = crate::common::escape::expand(
                        line.as_bytes(),
                        crate::common::escape::EscapeStyle::Format,
                    )
                    .bytes
                    .iter()
                    .map(|&b| b as char)
                    .collect();
                }
                line
            }
            None => default_layout(name, &metadata, follow),
        };
        out(text.as_bytes())?;
    }
    Ok(status)
}

const UNSUPPORTED: &str = "bBCgGmotTuUwW";

fn check_format(text: &str) -> Result<(), ToolError> {
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '%'
            && let Some(d) = chars.next()
            && UNSUPPORTED.contains(d)
        {
            return Err(ToolError::usage(format!(
                "format '%{d}' is not available in the sandbox: WASI does not expose permissions, owners or blocks"
            )));
        }
    }
    Ok(())
}

fn file_type(metadata: &std::fs::Metadata) -> &'static str {
    let kind = metadata.file_type();
    if kind.is_symlink() {
        "symbolic link"
    } else if kind.is_dir() {
        "directory"
    } else if kind.is_file() && metadata.len() == 0 {
        "regular empty file"
    } else if kind.is_file() {
        "regular file"
    } else {
        "special file"
    }
}

fn seconds(time: std::io::Result<SystemTime>) -> (i64, u32) {
    match time.ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => (d.as_secs() as i64, d.subsec_nanos()),
        None => (0, 0),
    }
}

fn human_time((secs, nanos): (i64, u32)) -> String {
    format!(
        "{}.{nanos:09} +0000",
        crate::tools::date::strftime("%Y-%m-%d %H:%M:%S", secs, 0)
    )
}

fn render(format: &str, name: &str, metadata: &std::fs::Metadata, follow: bool) -> String {
    let id = identity(Path::new(name), follow).ok();
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push_str(name),
            Some('N') => {
                out.push_str(&format!("'{name}'"));
                if metadata.file_type().is_symlink()
                    && let Ok(target) = std::fs::read_link(name)
                {
                    out.push_str(&format!(" -> '{}'", target.display()));
                }
            }
            Some('s') => out.push_str(&metadata.len().to_string()),
            Some('a') => out.push_str(&format!(
                "{:o}",
                crate::common::modes::mode(Path::new(name)).unwrap_or(0)
            )),
            Some('A') => {
                let kind = if metadata.is_dir() {
                    'd'
                } else if metadata.file_type().is_symlink() {
                    'l'
                } else {
                    '-'
                };
                let bits = crate::common::modes::mode(Path::new(name)).unwrap_or(0);
                out.push(kind);
                out.push_str(&crate::common::modes::symbolic(bits));
            }
            Some('F') => out.push_str(file_type(metadata)),
            Some('i') => out.push_str(&id.as_ref().map_or(0, |i| i.inode).to_string()),
            Some('h') => out.push_str(&id.as_ref().map_or(1, |i| i.links).to_string()),
            Some('d') | Some('D') => out.push_str(&id.as_ref().map_or(0, |i| i.device).to_string()),
            Some('Y') => out.push_str(&seconds(metadata.modified()).0.to_string()),
            Some('X') => out.push_str(&seconds(metadata.accessed()).0.to_string()),
            Some('Z') => out.push_str(&seconds(metadata.modified()).0.to_string()),
            Some('y') => out.push_str(&human_time(seconds(metadata.modified()))),
            Some('x') => out.push_str(&human_time(seconds(metadata.accessed()))),
            Some('z') => out.push_str(&human_time(seconds(metadata.modified()))),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('?');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

fn default_layout(name: &str, metadata: &std::fs::Metadata, follow: bool) -> String {
    render(
        "  File: %N\n  Size: %s\t%F\nDevice: %d\tInode: %i\tLinks: %h\nAccess: %x\nModify: %y\n",
        name,
        metadata,
        follow,
    )
}
