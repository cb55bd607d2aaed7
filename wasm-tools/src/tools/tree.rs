//! tree: a directory tree drawn with line characters, as tree(1) draws it (-a -d -l -L -f
//! --noreport), names in byte order. A link to a directory counts as one; `-l` follows such
//! links unless the link's directory was drawn already (`[recursive, not followed]`); a real
//! directory is always drawn, as tree(1) draws it.

use crate::common::args::{self, Arg};
use crate::common::fileinfo;
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::path::Path;

struct Options {
    all: bool,
    dirs_only: bool,
    max_depth: Option<usize>,
    full_path: bool,
    report: bool,
    follow_links: bool,
}

/// The drawing characters: box-drawing ones in a UTF-8 locale, ASCII otherwise (as tree does).
struct Lines {
    branch: &'static str,
    last: &'static str,
    through: &'static str,
}

impl Lines {
    fn for_locale() -> Lines {
        if crate::common::locale::is_utf8() {
            Lines {
                branch: "├── ",
                last: "└── ",
                through: "│   ",
            }
        } else {
            Lines {
                branch: "|-- ",
                last: "`-- ",
                through: "|   ",
            }
        }
    }
}

#[derive(Default)]
struct Counts {
    directories: usize,
    files: usize,
    /// The directories drawn so far (device, inode), so `-l` never draws one twice.
    visited: std::collections::HashSet<(u64, u64)>,
}

/// Whether the directory is new to the drawing (and now remembered).
fn first_visit(counts: &mut Counts, dir: &Path) -> bool {
    match fileinfo::identity(dir, true) {
        Ok(identity) => counts.visited.insert((identity.device, identity.inode)),
        Err(_) => true,
    }
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options {
        all: false,
        dirs_only: false,
        max_depth: None,
        full_path: false,
        report: true,
        follow_links: false,
    };
    let mut roots = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('a') => options.all = true,
            Arg::Short('d') => options.dirs_only = true,
            Arg::Short('f') => options.full_path = true,
            Arg::Short('l') => options.follow_links = true,
            Arg::Short('L') => {
                let text = args::value_text(&mut parser)?;
                let depth = text.parse().ok().filter(|d| *d > 0).ok_or_else(|| {
                    ToolError::usage(format!("Invalid level, must be greater than 0: '{text}'"))
                })?;
                options.max_depth = Some(depth);
            }
            Arg::Long("noreport") => options.report = false,
            Arg::Value(value) => roots.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut counts = Counts::default();
    let mut status = 0;
    for root in &roots {
        if !Path::new(root).is_dir() {
            out(format!("{root}  [error opening dir]\n").as_bytes())?;
            status = 2;
            continue;
        }
        out(format!("{root}\n").as_bytes())?;
        counts.directories += 1;
        first_visit(&mut counts, Path::new(root));
        draw(tool, &options, Path::new(root), root, "", 1, &mut counts)?;
    }
    if options.report {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut report = format!(
            "\n{}",
            plural(counts.directories, "directory", "directories")
        );
        if !options.dirs_only {
            report.push_str(&format!(", {}", plural(counts.files, "file", "files")));
        }
        report.push('\n');
        out(report.as_bytes())?;
    }
    Ok(status)
}

fn draw(
    tool: &str,
    options: &Options,
    dir: &Path,
    shown: &str,
    prefix: &str,
    depth: usize,
    counts: &mut Counts,
) -> Result<(), ToolError> {
    if options.max_depth.is_some_and(|max| depth > max) {
        return Ok(());
    }
    let mut entries: Vec<(String, std::path::PathBuf)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(name, _)| options.all || !name.starts_with('.'))
            .collect(),
        Err(e) => {
            warn(tool, format!("{shown}: {}", describe(&e)));
            return Ok(());
        }
    };
    if options.dirs_only {
        entries.retain(|(_, path)| path.is_dir());
    }
    entries.sort();
    for (i, (name, path)) in entries.iter().enumerate() {
        let last = i + 1 == entries.len();
        let shown_child = format!("{}/{name}", shown.trim_end_matches('/'));
        let mut label = if options.full_path {
            shown_child.clone()
        } else {
            name.clone()
        };
        let is_link = path.is_symlink();
        if is_link && let Ok(target) = std::fs::read_link(path) {
            label.push_str(&format!(" -> {}", target.display()));
        }
        let is_dir = path.is_dir();
        let descend = is_dir && (!is_link || options.follow_links);
        // Every directory drawn is remembered; only a followed link to one already drawn stops.
        let new_directory = descend && first_visit(counts, path);
        let repeated = descend && is_link && !new_directory;
        if repeated {
            label.push_str("  [recursive, not followed]");
        }
        let lines = Lines::for_locale();
        out(format!(
            "{prefix}{}{label}\n",
            if last { lines.last } else { lines.branch }
        )
        .as_bytes())?;
        if is_dir {
            counts.directories += 1;
        }
        if descend && !repeated {
            let deeper = format!("{prefix}{}", if last { "    " } else { lines.through });
            draw(
                tool,
                options,
                path,
                &shown_child,
                &deeper,
                depth + 1,
                counts,
            )?;
        } else if !is_dir {
            counts.files += 1;
        }
    }
    Ok(())
}
