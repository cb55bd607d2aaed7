//! diff: compare files line by line (normal and unified output: -u, -U N; -q -s -r -N -i -b -w
//! -B, --label). Exit 0 when the same, 1 when different, 2 on trouble, as GNU.
//! The edit script comes from the `similar` crate's Myers diff.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, open_input, out, warn};
use crate::common::{ToolError, ToolResult};
use similar::{Algorithm, DiffOp, DiffTag};
use std::ffi::OsString;
use std::io::Read;
use std::path::Path;

#[derive(Clone, Default)]
struct Options {
    unified: Option<usize>,
    brief: bool,
    report_identical: bool,
    recursive: bool,
    new_file: bool,
    ignore_case: bool,
    ignore_space_change: bool,
    ignore_all_space: bool,
    ignore_blank_lines: bool,
    labels: Vec<String>,
    /// The options as written, for the `diff -r …` lines GNU prints between files.
    spelled: Vec<String>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    crate::common::trouble_exits_with(2, run(tool, argv))
}

fn run(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut parser = args::parser(argv);
    let mut options = Options::default();
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('u') => options.unified = Some(3),
            Arg::Short('U') | Arg::Long("unified") => {
                let text = args::value_text(&mut parser)?;
                options.unified =
                    Some(text.parse().map_err(|_| {
                        ToolError::usage(format!("invalid context length '{text}'"))
                    })?);
            }
            Arg::Short('q') | Arg::Long("brief") => options.brief = true,
            Arg::Short('s') | Arg::Long("report-identical-files") => {
                options.report_identical = true
            }
            Arg::Short('r') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('N') | Arg::Long("new-file") => options.new_file = true,
            Arg::Short('i') | Arg::Long("ignore-case") => options.ignore_case = true,
            Arg::Short('b') | Arg::Long("ignore-space-change") => {
                options.ignore_space_change = true
            }
            Arg::Short('w') | Arg::Long("ignore-all-space") => options.ignore_all_space = true,
            Arg::Short('B') | Arg::Long("ignore-blank-lines") => options.ignore_blank_lines = true,
            Arg::Short('a') | Arg::Long("text") => {}
            Arg::Long("label") => options.labels.push(args::value_text(&mut parser)?),
            Arg::Long("color") => {
                parser.optional_value();
            }
            Arg::Short('c' | 'C' | 'y' | 'e' | 'n')
            | Arg::Long("context" | "side-by-side" | "ed" | "rcs") => {
                return Err(ToolError::usage(
                    "only the normal and unified (-u) output formats are supported",
                ));
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    // Everything but the operands, as GNU repeats it in `diff -r` headers.
    options.spelled = words.into_iter().filter(|w| !files.contains(w)).collect();
    let [left, right] = files.as_slice() else {
        return Err(ToolError::usage(match files.len() {
            0 => "missing operand".to_string(),
            1 => format!("missing operand after '{}'", files[0]),
            _ => format!("extra operand '{}'", files[2]),
        }));
    };
    let mut comparison = Comparison {
        tool,
        options: &options,
        trouble: false,
    };
    let differs = comparison.paths(left, right, true)?;
    Ok(if comparison.trouble {
        2
    } else {
        i32::from(differs)
    })
}

struct Comparison<'a> {
    tool: &'static str,
    options: &'a Options,
    trouble: bool,
}

impl Comparison<'_> {
    fn paths(&mut self, left: &str, right: &str, top: bool) -> Result<bool, ToolError> {
        // `diff - -`: standard input against itself, the same, as GNU's.
        if left == "-" && right == "-" {
            return Ok(false);
        }
        let (left_dir, right_dir) = (Path::new(left).is_dir(), Path::new(right).is_dir());
        if left_dir && right_dir {
            return self.directories(left, right);
        }
        if left_dir != right_dir && top && left != "-" && right != "-" {
            // `diff dir file` compares dir/file's name with file.
            let (dir, file) = if left_dir {
                (left, right)
            } else {
                (right, left)
            };
            let inside = format!(
                "{}/{}",
                dir.trim_end_matches('/'),
                crate::tools::basename::base_name(file)
            );
            return if left_dir {
                self.files(&inside, right)
            } else {
                self.files(left, &inside)
            };
        }
        self.files(left, right)
    }

    fn directories(&mut self, left: &str, right: &str) -> Result<bool, ToolError> {
        let list = |dir: &str| {
            crate::common::fsops::sorted_entries(Path::new(dir)).map(|names| {
                names
                    .into_iter()
                    .map(|n| n.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
            })
        };
        let (left_names, right_names) = match (list(left), list(right)) {
            (Ok(l), Ok(r)) => (l, r),
            (Err(error), _) | (_, Err(error)) => {
                warn(self.tool, describe(&error));
                self.trouble = true;
                return Ok(false);
            }
        };
        let mut names: Vec<&String> = left_names.iter().chain(&right_names).collect();
        names.sort();
        names.dedup();
        let mut differs = false;
        for name in names {
            let (l, r) = (
                format!("{}/{name}", left.trim_end_matches('/')),
                format!("{}/{name}", right.trim_end_matches('/')),
            );
            let (in_left, in_right) = (left_names.contains(name), right_names.contains(name));
            let in_both = in_left && in_right;
            if !in_both && !self.options.new_file {
                let dir = if in_left { left } else { right };
                out(format!("Only in {}: {name}\n", dir.trim_end_matches('/')).as_bytes())?;
                differs = true;
                continue;
            }
            let (l_dir, r_dir) = (Path::new(&l).is_dir(), Path::new(&r).is_dir());
            if l_dir && r_dir {
                if self.options.recursive {
                    differs |= self.directories(&l, &r)?;
                } else {
                    out(format!("Common subdirectories: {l} and {r}\n").as_bytes())?;
                }
                continue;
            }
            if l_dir != r_dir && in_left && in_right {
                let (kind_l, kind_r) = if l_dir {
                    ("directory", "regular file")
                } else {
                    ("regular file", "directory")
                };
                out(format!("File {l} is a {kind_l} while file {r} is a {kind_r}\n").as_bytes())?;
                differs = true;
                continue;
            }
            differs |= self.files_with_header(&l, &r)?;
        }
        Ok(differs)
    }

    fn files_with_header(&mut self, left: &str, right: &str) -> Result<bool, ToolError> {
        let shown_left = self.options.labels.first().map_or(left, String::as_str);
        let shown_right = self.options.labels.get(1).map_or(right, String::as_str);
        let options: String = self
            .options
            .spelled
            .iter()
            .map(|o| format!("{o} "))
            .collect();
        let header = format!("diff {options}{shown_left} {shown_right}\n");
        self.compare(left, right, Some(header))
    }

    fn files(&mut self, left: &str, right: &str) -> Result<bool, ToolError> {
        self.compare(left, right, None)
    }

    fn read(&mut self, name: &str) -> Option<Vec<u8>> {
        let missing_allowed = self.options.new_file && !Path::new(name).exists() && name != "-";
        if missing_allowed {
            return Some(Vec::new());
        }
        let mut data = Vec::new();
        match open_input(name).and_then(|mut input| input.read_to_end(&mut data)) {
            Ok(_) => Some(data),
            Err(error) => {
                warn(self.tool, format!("{name}: {}", describe(&error)));
                self.trouble = true;
                None
            }
        }
    }

    fn compare(
        &mut self,
        left: &str,
        right: &str,
        header: Option<String>,
    ) -> Result<bool, ToolError> {
        let (Some(a), Some(b)) = (self.read(left), self.read(right)) else {
            return Ok(false);
        };
        let (a_lines, b_lines) = (split_lines(&a), split_lines(&b));
        let key = |line: &Line<'_>| self.key(line);
        let ops = similar::capture_diff_slices_by_key(Algorithm::Myers, &a_lines, &b_lines, key);
        let mut hunks = changes(&ops);
        if self.options.ignore_blank_lines {
            hunks.retain(|h| {
                !(a_lines[h.old.clone()]
                    .iter()
                    .chain(&b_lines[h.new.clone()])
                    .all(|l| l.text.iter().all(u8::is_ascii_whitespace)))
            });
        }
        if hunks.is_empty() {
            if self.options.report_identical {
                out(format!("Files {left} and {right} are identical\n").as_bytes())?;
            }
            return Ok(false);
        }
        if self.options.brief {
            out(format!("Files {left} and {right} differ\n").as_bytes())?;
            return Ok(true);
        }
        if let Some(header) = header {
            out(header.as_bytes())?;
        }
        let mut rendered = Vec::new();
        match self.options.unified {
            Some(context) => self.unified(
                &mut rendered,
                left,
                right,
                &a_lines,
                &b_lines,
                &ops,
                context,
            ),
            None => normal(&mut rendered, &a_lines, &b_lines, &hunks),
        }
        out(&rendered)?;
        Ok(true)
    }

    fn key(&self, line: &Line<'_>) -> (Vec<u8>, bool) {
        let mut text: Vec<u8> = line.text.to_vec();
        if self.options.ignore_all_space {
            text.retain(|b| !b.is_ascii_whitespace());
        } else if self.options.ignore_space_change {
            let mut squeezed = Vec::with_capacity(text.len());
            for &b in text.iter() {
                let blank = b.is_ascii_whitespace();
                if !(blank
                    && squeezed
                        .last()
                        .is_some_and(|l: &u8| l.is_ascii_whitespace()))
                {
                    squeezed.push(if blank { b' ' } else { b });
                }
            }
            while squeezed.last() == Some(&b' ') {
                squeezed.pop();
            }
            text = squeezed;
        }
        if self.options.ignore_case {
            text.make_ascii_lowercase();
        }
        (text, line.terminated)
    }

    #[allow(clippy::too_many_arguments)]
    fn unified(
        &self,
        rendered: &mut Vec<u8>,
        left: &str,
        right: &str,
        a: &[Line<'_>],
        b: &[Line<'_>],
        ops: &[DiffOp],
        context: usize,
    ) {
        let label = |index: usize, name: &str| -> String {
            match self.options.labels.get(index) {
                Some(label) => label.clone(),
                None => format!("{name}\t{}", timestamp(name)),
            }
        };
        rendered.extend_from_slice(
            format!("--- {}\n+++ {}\n", label(0, left), label(1, right)).as_bytes(),
        );
        for group in similar::group_diff_ops(ops.to_vec(), context) {
            let (Some(first), Some(last)) = (group.first(), group.last()) else {
                continue;
            };
            let old = first.old_range().start..last.old_range().end;
            let new = first.new_range().start..last.new_range().end;
            rendered.extend_from_slice(
                format!("@@ -{} +{} @@\n", hunk_range(&old), hunk_range(&new)).as_bytes(),
            );
            for op in &group {
                let (tag, old_range, new_range) = op.as_tag_tuple();
                match tag {
                    DiffTag::Equal => old_range.for_each(|i| push_line(rendered, b' ', &a[i])),
                    DiffTag::Delete => old_range.for_each(|i| push_line(rendered, b'-', &a[i])),
                    DiffTag::Insert => new_range.for_each(|i| push_line(rendered, b'+', &b[i])),
                    DiffTag::Replace => {
                        old_range.for_each(|i| push_line(rendered, b'-', &a[i]));
                        new_range.for_each(|i| push_line(rendered, b'+', &b[i]));
                    }
                }
            }
        }
    }
}

struct Line<'a> {
    text: &'a [u8],
    terminated: bool,
}

fn split_lines(data: &[u8]) -> Vec<Line<'_>> {
    let mut lines: Vec<Line<'_>> = data
        .split(|&b| b == b'\n')
        .map(|text| Line {
            text,
            terminated: true,
        })
        .collect();
    if data.ends_with(b"\n") || data.is_empty() {
        lines.pop();
    } else if let Some(last) = lines.last_mut() {
        last.terminated = false;
    }
    lines
}

fn push_line(rendered: &mut Vec<u8>, prefix: u8, line: &Line<'_>) {
    rendered.push(prefix);
    rendered.extend_from_slice(line.text);
    rendered.push(b'\n');
    if !line.terminated {
        rendered.extend_from_slice(b"\\ No newline at end of file\n");
    }
}

/// `start,count` of a unified hunk, 1-based; `start` alone when the count is 1.
fn hunk_range(range: &std::ops::Range<usize>) -> String {
    match range.len() {
        0 => format!("{},0", range.start),
        1 => format!("{}", range.start + 1),
        count => format!("{},{count}", range.start + 1),
    }
}

/// A run of changed lines: old and new ranges (either may be empty).
struct Change {
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
}

fn changes(ops: &[DiffOp]) -> Vec<Change> {
    let mut hunks: Vec<Change> = Vec::new();
    for op in ops {
        let (tag, old, new) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            continue;
        }
        match hunks.last_mut() {
            Some(last) if last.old.end == old.start && last.new.end == new.start => {
                last.old.end = old.end;
                last.new.end = new.end;
            }
            _ => hunks.push(Change { old, new }),
        }
    }
    hunks
}

/// Normal format: `NdM`, `NaM`, `NcM` with `< ` and `> ` lines.
fn normal(rendered: &mut Vec<u8>, a: &[Line<'_>], b: &[Line<'_>], hunks: &[Change]) {
    let span = |range: &std::ops::Range<usize>| -> String {
        if range.len() <= 1 {
            format!("{}", range.start + 1)
        } else {
            format!("{},{}", range.start + 1, range.end)
        }
    };
    for hunk in hunks {
        let header = match (hunk.old.is_empty(), hunk.new.is_empty()) {
            (false, true) => format!("{}d{}", span(&hunk.old), hunk.new.start),
            (true, false) => format!("{}a{}", hunk.old.start, span(&hunk.new)),
            _ => format!("{}c{}", span(&hunk.old), span(&hunk.new)),
        };
        rendered.extend_from_slice(header.as_bytes());
        rendered.push(b'\n');
        for line in &a[hunk.old.clone()] {
            rendered.extend_from_slice(b"< ");
            push_line_body(rendered, line);
        }
        if !hunk.old.is_empty() && !hunk.new.is_empty() {
            rendered.extend_from_slice(b"---\n");
        }
        for line in &b[hunk.new.clone()] {
            rendered.extend_from_slice(b"> ");
            push_line_body(rendered, line);
        }
    }
}

fn push_line_body(rendered: &mut Vec<u8>, line: &Line<'_>) {
    rendered.extend_from_slice(line.text);
    rendered.push(b'\n');
    if !line.terminated {
        rendered.extend_from_slice(b"\\ No newline at end of file\n");
    }
}

/// GNU's header time: `2024-03-01 12:30:45.123456789 +0000` (UTC in the sandbox).
fn timestamp(name: &str) -> String {
    let modified = std::fs::metadata(name)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|m| m.duration_since(std::time::SystemTime::UNIX_EPOCH).ok())
        .unwrap_or_default();
    let seconds = modified.as_secs() as i64;
    format!(
        "{}.{:09} +0000",
        crate::tools::date::strftime("%Y-%m-%d %H:%M:%S", seconds, 0),
        modified.subsec_nanos()
    )
}
