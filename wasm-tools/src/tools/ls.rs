//! ls: list directory contents (-l -a -A -1 -d -R -r -t -S -U -f -h -F -p, --color=never).
//! The sandbox has no owners or modes: -l shows the guest's fixed user and conventional modes.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::time;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Default)]
struct Options {
    long: bool,
    all: bool,
    almost_all: bool,
    directory: bool,
    recursive: bool,
    reverse: bool,
    order: Order,
    human: bool,
    classify: bool,
    slash_dirs: bool,
}

/// How entries are listed; the last of `-t`, `-S`, `-U`/`-f` given wins, as in GNU ls.
#[derive(Default, PartialEq)]
enum Order {
    #[default]
    Name,
    Time,
    Size,
    /// The host's directory order (`-U`, `-f`); operands in command-line order.
    Directory,
}

struct Entry {
    name: String,
    path: PathBuf,
    metadata: Option<Metadata>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options::default();
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('l') => options.long = true,
            Arg::Short('a') | Arg::Long("all") => options.all = true,
            Arg::Short('A') | Arg::Long("almost-all") => options.almost_all = true,
            Arg::Short('d') | Arg::Long("directory") => options.directory = true,
            Arg::Short('R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('r') | Arg::Long("reverse") => options.reverse = true,
            Arg::Short('t') => options.order = Order::Time,
            Arg::Short('S') => options.order = Order::Size,
            Arg::Short('U') => options.order = Order::Directory,
            // GNU 9's -f: all entries, in directory order (-l and the rest still apply).
            Arg::Short('f') => {
                options.order = Order::Directory;
                options.all = true;
            }
            Arg::Short('h') | Arg::Long("human-readable") => options.human = true,
            Arg::Short('F') | Arg::Long("classify") => options.classify = true,
            Arg::Short('p') => options.slash_dirs = true,
            Arg::Short('1') => {}
            Arg::Long("color") => {
                let when = parser
                    .optional_value()
                    .map(args::text)
                    .unwrap_or_else(|| "always".into());
                if !matches!(
                    when.as_str(),
                    "never" | "no" | "none" | "auto" | "tty" | "if-tty"
                ) {
                    return Err(ToolError::usage(format!(
                        "--color={when} is not supported: output is never a terminal"
                    )));
                }
            }
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let explicit = !operands.is_empty();
    if !explicit {
        operands.push(".".to_string());
    }
    let mut status = 0;
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for name in operands {
        // `link/` names what the link points at; a bare `link` may be listed as itself.
        let metadata = if name.ends_with('/') {
            fs::metadata(&name)
        } else {
            fs::metadata(&name).or_else(|_| fs::symlink_metadata(&name))
        };
        match metadata {
            Ok(metadata) if metadata.is_dir() && !options.directory => dirs.push(name),
            Ok(_) => {
                let path = PathBuf::from(&name);
                let metadata = fs::symlink_metadata(&path).ok();
                files.push(Entry {
                    name,
                    path,
                    metadata,
                });
            }
            Err(error) => {
                warn(
                    tool,
                    format!("cannot access '{name}': {}", describe(&error)),
                );
                status = 2;
            }
        }
    }
    sort(&options, &mut files);
    if options.order != Order::Directory {
        dirs.sort();
        if options.reverse {
            dirs.reverse();
        }
    }
    let show_headers = options.recursive || files.len() + dirs.len() > 1;
    print_entries(&options, &files, false)?;
    let mut first = files.is_empty();
    for dir in dirs {
        status = status.max(list_directory(
            tool,
            &options,
            Path::new(&dir),
            &dir,
            show_headers,
            &mut first,
        )?);
    }
    Ok(status)
}

fn list_directory(
    tool: &str,
    options: &Options,
    path: &Path,
    shown: &str,
    header: bool,
    first: &mut bool,
) -> Result<i32, ToolError> {
    if header {
        out(format!("{}{shown}:\n", if *first { "" } else { "\n" }).as_bytes())?;
    }
    *first = false;
    let reader = match fs::read_dir(path) {
        Ok(reader) => reader,
        Err(error) => {
            warn(
                tool,
                format!("cannot open directory '{shown}': {}", describe(&error)),
            );
            return Ok(2);
        }
    };
    let mut entries = Vec::new();
    if options.all {
        // A zone's parent is outside the sandbox: show `..` with the zone's own attributes.
        let own = fs::metadata(path).ok();
        for special in [".", ".."] {
            let metadata = fs::metadata(path.join(special))
                .ok()
                .or_else(|| own.clone());
            entries.push(Entry {
                name: special.into(),
                path: path.join(special),
                metadata,
            });
        }
    }
    for item in reader.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && !(options.all || options.almost_all) {
            continue;
        }
        let path = item.path();
        entries.push(Entry {
            metadata: fs::symlink_metadata(&path).ok(),
            name,
            path,
        });
    }
    sort(options, &mut entries);
    if options.long {
        let blocks: u64 = entries
            .iter()
            .filter_map(|e| e.metadata.as_ref())
            .map(|m| m.len().div_ceil(4096) * 4)
            .sum();
        out(format!(
            "total {}\n",
            if options.human {
                human(blocks * 1024)
            } else {
                blocks.to_string()
            }
        )
        .as_bytes())?;
    }
    print_entries(options, &entries, true)?;
    let mut status = 0;
    if options.recursive {
        for entry in &entries {
            let is_dir = entry.metadata.as_ref().is_some_and(Metadata::is_dir);
            if is_dir && entry.name != "." && entry.name != ".." {
                let shown = if shown.ends_with('/') {
                    format!("{shown}{}", entry.name)
                } else {
                    format!("{shown}/{}", entry.name)
                };
                status = status.max(list_directory(
                    tool,
                    options,
                    &entry.path,
                    &shown,
                    true,
                    first,
                )?);
            }
        }
    }
    Ok(status)
}

fn sort(options: &Options, entries: &mut [Entry]) {
    if options.order == Order::Directory {
        return;
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let modified = |e: &Entry| {
        e.metadata
            .as_ref()
            .and_then(|m| m.modified().ok())
            .unwrap_or(SystemTime::UNIX_EPOCH)
    };
    let size = |e: &Entry| e.metadata.as_ref().map_or(0, Metadata::len);
    match options.order {
        Order::Size => entries.sort_by_key(|e| std::cmp::Reverse(size(e))),
        Order::Time => entries.sort_by_key(|e| std::cmp::Reverse(modified(e))),
        Order::Name | Order::Directory => {}
    }
    if options.reverse {
        entries.reverse();
    }
}

fn print_entries(options: &Options, entries: &[Entry], _in_dir: bool) -> Result<(), ToolError> {
    if !options.long {
        let mut text = String::new();
        for entry in entries {
            text.push_str(&entry.name);
            text.push_str(indicator(options, entry));
            text.push('\n');
        }
        return out(text.as_bytes());
    }
    let now = time::unix_seconds(SystemTime::now());
    let rows: Vec<[String; 4]> = entries
        .iter()
        .map(|entry| {
            let metadata = entry.metadata.as_ref();
            let size = metadata.map_or(0, Metadata::len);
            let links =
                crate::common::fileinfo::identity(&entry.path, false).map_or(1, |id| id.links);
            let size = if options.human {
                human(size)
            } else {
                size.to_string()
            };
            let when = metadata
                .and_then(|m| m.modified().ok())
                .map_or(0, time::unix_seconds);
            [
                mode(&entry.path, metadata),
                links.to_string(),
                size,
                date(when, now),
            ]
        })
        .collect();
    let width = |column: usize| rows.iter().map(|r| r[column].len()).max().unwrap_or(0);
    let (links_width, size_width) = (width(1), width(2));
    let mut text = String::new();
    for (entry, row) in entries.iter().zip(&rows) {
        text.push_str(&format!(
            "{} {:>links_width$} user user {:>size_width$} {} {}",
            row[0], row[1], row[2], row[3], entry.name
        ));
        if entry
            .metadata
            .as_ref()
            .is_some_and(|m| m.file_type().is_symlink())
        {
            if let Ok(target) = fs::read_link(&entry.path) {
                text.push_str(&format!(" -> {}", target.display()));
            }
        } else {
            text.push_str(indicator(options, entry));
        }
        text.push('\n');
    }
    out(text.as_bytes())
}

fn indicator(options: &Options, entry: &Entry) -> &'static str {
    let Some(metadata) = &entry.metadata else {
        return "";
    };
    if metadata.is_dir() && (options.classify || options.slash_dirs) {
        "/"
    } else if metadata.file_type().is_symlink() && options.classify {
        "@"
    } else {
        ""
    }
}

/// The type letter and permission bits; the bits come from the zonebox host call (a symbolic
/// link shows `rwxrwxrwx`, as on Linux).
fn mode(path: &std::path::Path, metadata: Option<&Metadata>) -> String {
    let kind = metadata.map(Metadata::file_type);
    match kind {
        Some(kind) if kind.is_symlink() => "lrwxrwxrwx".to_string(),
        _ => {
            let letter = if kind.is_some_and(|k| k.is_dir()) {
                'd'
            } else {
                '-'
            };
            let fallback = if letter == 'd' { 0o755 } else { 0o644 };
            let bits = crate::common::modes::mode(path).unwrap_or(fallback);
            format!("{letter}{}", crate::common::modes::symbolic(bits))
        }
    }
}

/// GNU's short date: the time of day within six months, the year otherwise.
fn date(seconds: i64, now: i64) -> String {
    let civil = time::civil(seconds);
    let month = time::MONTH_NAMES[(civil.month - 1) as usize];
    if (now - seconds).abs() < 182 * 86_400 {
        format!(
            "{month} {:>2} {:02}:{:02}",
            civil.day, civil.hour, civil.minute
        )
    } else {
        format!("{month} {:>2}  {}", civil.day, civil.year)
    }
}

/// GNU's -h: one decimal below 10, rounded up, with K M G T suffixes.
pub fn human(bytes: u64) -> String {
    if bytes < 1024 {
        return bytes.to_string();
    }
    let units = ['K', 'M', 'G', 'T', 'P', 'E'];
    let mut value = bytes as f64;
    let mut unit = 0;
    value /= 1024.0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        let rounded = (value * 10.0).ceil() / 10.0;
        if rounded < 10.0 {
            return format!("{rounded:.1}{}", units[unit]);
        }
    }
    format!("{}{}", value.ceil() as u64, units[unit])
}
