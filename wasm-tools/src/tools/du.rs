//! du: space used by files and directories (-s -a -c -h -k -m -b --apparent-size -d). WASI
//! reports sizes but not allocated blocks, so usage is the size rounded up to 4 KiB blocks, as
//! on the usual 4 KiB-block file systems; `-b` and `--apparent-size` are exact.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;

const BLOCK: u64 = 4096;

struct Options {
    summarize: bool,
    all: bool,
    total: bool,
    human: bool,
    apparent: bool,
    unit: u64,
    max_depth: Option<usize>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options {
        summarize: false,
        all: false,
        total: false,
        human: false,
        apparent: false,
        unit: 1024,
        max_depth: None,
    };
    let mut paths = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('s') | Arg::Long("summarize") => options.summarize = true,
            Arg::Short('a') | Arg::Long("all") => options.all = true,
            Arg::Short('c') | Arg::Long("total") => options.total = true,
            Arg::Short('h') | Arg::Long("human-readable") => options.human = true,
            Arg::Short('k') => options.unit = 1024,
            Arg::Short('m') => options.unit = 1 << 20,
            Arg::Short('b') | Arg::Long("bytes") => {
                options.apparent = true;
                options.unit = 1;
            }
            Arg::Long("apparent-size") => options.apparent = true,
            Arg::Short('x') | Arg::Long("one-file-system") => {}
            Arg::Short('d') | Arg::Long("max-depth") => {
                let text = args::value_text(&mut parser)?;
                let depth = text
                    .parse()
                    .map_err(|_| ToolError::operand(format!("invalid maximum depth '{text}'")))?;
                options.max_depth = Some(depth);
            }
            Arg::Value(value) => paths.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if paths.is_empty() {
        paths.push(".".into());
    }
    if options.summarize {
        options.max_depth = Some(0);
    }
    let mut status = 0;
    let mut grand_total = 0;
    for path in &paths {
        match walk(tool, &options, Path::new(path), path, 0, &mut status) {
            Ok(size) => grand_total += size,
            Err(error) if error.is_broken_pipe() => return Err(error),
            Err(error) => {
                warn(tool, error.message.unwrap_or_default());
                status = 1;
            }
        }
    }
    if options.total {
        print_size(&options, grand_total, "total")?;
    }
    Ok(status)
}

fn usage_of(options: &Options, metadata: &std::fs::Metadata) -> u64 {
    if options.apparent {
        metadata.len()
    } else {
        metadata.len().div_ceil(BLOCK) * BLOCK
    }
}

/// Prints each directory (and with -a each file) within the depth; returns the total below path.
fn walk(
    tool: &str,
    options: &Options,
    path: &Path,
    shown: &str,
    depth: usize,
    status: &mut i32,
) -> Result<u64, ToolError> {
    let metadata = std::fs::symlink_metadata(path)
        .map_err(|e| ToolError::failure(format!("cannot access '{shown}': {}", describe(&e))))?;
    let visible = options.max_depth.is_none_or(|max| depth <= max);
    let mut size = usage_of(options, &metadata);
    if metadata.is_dir() {
        // The host's directory order, as GNU du walks.
        let entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| {
                ToolError::failure(format!("cannot read directory '{shown}': {}", describe(&e)))
            })?
            .filter_map(Result::ok)
            .collect();
        for entry in entries {
            let child = format!(
                "{}/{}",
                shown.trim_end_matches('/'),
                entry.file_name().to_string_lossy()
            );
            match walk(tool, options, &entry.path(), &child, depth + 1, status) {
                Ok(child_size) => size += child_size,
                Err(error) if error.is_broken_pipe() => return Err(error),
                Err(error) => {
                    warn(tool, error.message.unwrap_or_default());
                    *status = 1;
                }
            }
        }
        if visible {
            print_size(options, size, shown)?;
        }
    } else if visible && (options.all || depth == 0) {
        print_size(options, size, shown)?;
    }
    Ok(size)
}

fn print_size(options: &Options, bytes: u64, name: &str) -> Result<(), ToolError> {
    let amount = if options.human {
        human(bytes)
    } else {
        bytes.div_ceil(options.unit).to_string()
    };
    out(format!("{amount}\t{name}\n").as_bytes())
}

/// GNU's -h: one decimal below 10, rounded up, with K M G T suffixes.
pub fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return bytes.to_string();
    }
    let units = ["K", "M", "G", "T", "P", "E"];
    let mut value = bytes as f64;
    for unit in units {
        value /= 1024.0;
        if value < 1024.0 || unit == "E" {
            return if value < 10.0 {
                format!("{:.1}{unit}", (value * 10.0).ceil() / 10.0)
            } else {
                format!("{}{unit}", value.ceil() as u64)
            };
        }
    }
    bytes.to_string()
}
