//! patch: apply a unified diff (from stdin or -i) to the files it names (-p N, -R, -o,
//! --dry-run, -s), finding each hunk at its line or nearby (exact context, no fuzz). Hunks that
//! do not apply go to FILE.rej; the exit status is 1 then, 2 on trouble.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, open_input, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

/// A hunk line: its mark (' ', '-' or '+'), its text, and whether it ends without a newline.
type HunkLine = (u8, String, bool);

struct Hunk {
    old_start: usize,
    lines: Vec<HunkLine>,
    header: String,
}

struct FilePatch {
    old_name: String,
    new_name: String,
    hunks: Vec<Hunk>,
}

struct Options {
    strip: Option<usize>,
    reverse: bool,
    dry_run: bool,
    silent: bool,
    output: Option<String>,
    target: Option<String>,
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options {
        strip: None,
        reverse: false,
        dry_run: false,
        silent: false,
        output: None,
        target: None,
    };
    let mut input = "-".to_string();
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('p') | Arg::Long("strip") => {
                let text = args::value_text(&mut parser)?;
                options.strip = Some(text.parse().map_err(|_| {
                    ToolError::usage(format!("strip count {text} is not a number"))
                })?);
            }
            Arg::Short('R') | Arg::Long("reverse") => options.reverse = true,
            Arg::Long("dry-run") => options.dry_run = true,
            Arg::Short('s') | Arg::Long("silent" | "quiet") => options.silent = true,
            Arg::Short('i') | Arg::Long("input") => input = args::value_text(&mut parser)?,
            Arg::Short('o') | Arg::Long("output") => {
                options.output = Some(args::value_text(&mut parser)?)
            }
            Arg::Short('d') | Arg::Long("directory") => {
                let dir = args::value_text(&mut parser)?;
                std::env::set_current_dir(&dir).map_err(|e| {
                    ToolError::usage(format!("can't change to directory {dir}: {}", describe(&e)))
                })?;
            }
            Arg::Short('N')
            | Arg::Long("forward")
            | Arg::Short('t')
            | Arg::Long("batch")
            | Arg::Short('f')
            | Arg::Long("force") => {}
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    match operands.len() {
        0 => {}
        1 => options.target = Some(operands.remove(0)),
        _ => {
            options.target = Some(operands.remove(0));
            input = operands.remove(0);
        }
    }
    let mut text = String::new();
    open_input(&input)
        .and_then(|mut r| r.read_to_string(&mut text))
        .map_err(|e| {
            ToolError::usage(format!("can't open patch file {input}: {}", describe(&e)))
        })?;
    let patches = parse(&text)?;
    if patches.is_empty() {
        return Err(ToolError::usage(
            "**** Only garbage was found in the patch input.",
        ));
    }
    let mut status = 0;
    for patch in &patches {
        status = status.max(apply(&options, patch)?);
    }
    Ok(status)
}

fn parse(text: &str) -> Result<Vec<FilePatch>, ToolError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut patches = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ ")) {
            let name = |l: &str| l[4..].split('\t').next().unwrap_or("").trim().to_string();
            let mut patch = FilePatch {
                old_name: name(lines[i]),
                new_name: name(lines[i + 1]),
                hunks: Vec::new(),
            };
            i += 2;
            while i < lines.len() && lines[i].starts_with("@@ ") {
                let (hunk, next) = parse_hunk(&lines, i)?;
                patch.hunks.push(hunk);
                i = next;
            }
            patches.push(patch);
        } else {
            i += 1;
        }
    }
    Ok(patches)
}

fn parse_hunk(lines: &[&str], at: usize) -> Result<(Hunk, usize), ToolError> {
    let header = lines[at];
    let bad = || ToolError::usage(format!("malformed patch at line {}: {header}", at + 1));
    let ranges: Vec<&str> = header
        .trim_start_matches("@@ ")
        .split(" @@")
        .next()
        .ok_or_else(bad)?
        .split(' ')
        .collect();
    let range = |text: &str| -> Result<(usize, usize), ToolError> {
        let text = &text[1..];
        let (start, count) = text.split_once(',').unwrap_or((text, "1"));
        Ok((
            start.parse().map_err(|_| bad())?,
            count.parse().map_err(|_| bad())?,
        ))
    };
    let (old_start, mut old_left) = range(ranges.first().ok_or_else(bad)?)?;
    let (_, mut new_left) = range(ranges.get(1).ok_or_else(bad)?)?;
    let mut hunk = Hunk {
        old_start,
        lines: Vec::new(),
        header: header.to_string(),
    };
    let mut i = at + 1;
    while (old_left > 0 || new_left > 0) && i < lines.len() {
        let line = lines[i];
        let (mark, body) = match line.as_bytes().first() {
            Some(b'\\') => {
                if let Some(last) = hunk.lines.last_mut() {
                    last.2 = true;
                }
                i += 1;
                continue;
            }
            Some(&m @ (b' ' | b'-' | b'+')) => (m, &line[1..]),
            None => (b' ', ""),
            _ => return Err(bad()),
        };
        match mark {
            b' ' => {
                old_left = old_left.saturating_sub(1);
                new_left = new_left.saturating_sub(1);
            }
            b'-' => old_left = old_left.saturating_sub(1),
            _ => new_left = new_left.saturating_sub(1),
        }
        hunk.lines.push((mark, body.to_string(), false));
        i += 1;
    }
    if lines.get(i).is_some_and(|l| l.starts_with('\\')) {
        if let Some(last) = hunk.lines.last_mut() {
            last.2 = true;
        }
        i += 1;
    }
    Ok((hunk, i))
}

fn strip(name: &str, count: Option<usize>) -> String {
    match count {
        None => name.rsplit('/').next().unwrap_or(name).to_string(),
        Some(n) => name.splitn(n + 1, '/').nth(n).unwrap_or(name).to_string(),
    }
}

fn apply(options: &Options, patch: &FilePatch) -> Result<i32, ToolError> {
    let (old_name, new_name) = if options.reverse {
        (&patch.new_name, &patch.old_name)
    } else {
        (&patch.old_name, &patch.new_name)
    };
    let creating = old_name == "/dev/null";
    let deleting = new_name == "/dev/null";
    let target = match &options.target {
        Some(t) => t.clone(),
        None => {
            let candidates = [
                strip(new_name, options.strip),
                strip(old_name, options.strip),
            ];
            candidates
                .iter()
                .find(|c| *c != "null" && std::path::Path::new(c).exists())
                .cloned()
                .unwrap_or_else(|| {
                    if deleting {
                        candidates[1].clone()
                    } else {
                        candidates[0].clone()
                    }
                })
        }
    };
    if !options.silent {
        let verb = if options.dry_run {
            "checking"
        } else {
            "patching"
        };
        out(format!("{verb} file {target}\n").as_bytes())?;
    }
    let original = if creating {
        String::new()
    } else {
        std::fs::read_to_string(&target).map_err(|e| {
            ToolError::usage(format!(
                "can't find file to patch: {target}: {}",
                describe(&e)
            ))
        })?
    };
    let ends_with_newline = original.is_empty() || original.ends_with('\n');
    let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
    let mut missing_final_newline = !ends_with_newline;
    let mut offset: isize = 0;
    let mut rejects = Vec::new();
    for (number, hunk) in patch.hunks.iter().enumerate() {
        let (from, to): (Vec<&HunkLine>, Vec<&HunkLine>) = if options.reverse {
            (
                hunk.lines.iter().filter(|l| l.0 != b'-').collect(),
                hunk.lines.iter().filter(|l| l.0 != b'+').collect(),
            )
        } else {
            (
                hunk.lines.iter().filter(|l| l.0 != b'+').collect(),
                hunk.lines.iter().filter(|l| l.0 != b'-').collect(),
            )
        };
        let wanted: Vec<&str> = from.iter().map(|l| l.1.as_str()).collect();
        let expected = (hunk.old_start.max(1) as isize - 1 + offset).max(0) as usize;
        let expected = if wanted.is_empty() && hunk.old_start == 0 {
            0
        } else {
            expected
        };
        match find(&lines, &wanted, expected) {
            Some(at) => {
                let replacement: Vec<String> = to.iter().map(|l| l.1.clone()).collect();
                if to.last().is_some_and(|l| l.2) {
                    missing_final_newline = at + wanted.len() >= lines.len();
                } else if at + wanted.len() >= lines.len() {
                    missing_final_newline = false;
                }
                let added = replacement.len() as isize - wanted.len() as isize;
                lines.splice(at..at + wanted.len(), replacement);
                if at != expected && !options.silent {
                    let moved = at as isize - expected as isize;
                    let plural = if moved.abs() == 1 { "" } else { "s" };
                    out(format!(
                        "Hunk #{} succeeded at {} (offset {moved} line{plural}).\n",
                        number + 1,
                        at + 1
                    )
                    .as_bytes())?;
                }
                offset += at as isize - expected as isize + added;
            }
            None => {
                out(format!("Hunk #{} FAILED at {}.\n", number + 1, hunk.old_start).as_bytes())?;
                rejects.push(hunk);
            }
        }
    }
    if !rejects.is_empty() {
        let total = patch.hunks.len();
        let reject_name = format!("{}.rej", options.output.as_deref().unwrap_or(&target));
        out(format!(
            "{} out of {total} hunk{} FAILED -- saving rejects to file {reject_name}\n",
            rejects.len(),
            if total == 1 { "" } else { "s" }
        )
        .as_bytes())?;
        if !options.dry_run {
            let mut text = format!("--- {}\n+++ {}\n", patch.old_name, patch.new_name);
            for hunk in &rejects {
                text.push_str(&hunk.header);
                text.push('\n');
                for (mark, body, _) in &hunk.lines {
                    text.push(*mark as char);
                    text.push_str(body);
                    text.push('\n');
                }
            }
            std::fs::write(&reject_name, text)
                .map_err(|e| ToolError::usage(format!("{reject_name}: {}", describe(&e))))?;
        }
    }
    if options.dry_run {
        return Ok(i32::from(!rejects.is_empty()));
    }
    let destination = options.output.clone().unwrap_or(target.clone());
    if deleting && lines.is_empty() && options.output.is_none() {
        std::fs::remove_file(&destination)
            .map_err(|e| ToolError::usage(format!("{destination}: {}", describe(&e))))?;
    } else {
        let mut text = lines.join("\n");
        if !lines.is_empty() && !missing_final_newline {
            text.push('\n');
        }
        if let Some(parent) = std::path::Path::new(&destination)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| ToolError::usage(format!("{}: {}", parent.display(), describe(&e))))?;
        }
        std::fs::write(&destination, text)
            .map_err(|e| ToolError::usage(format!("{destination}: {}", describe(&e))))?;
    }
    Ok(i32::from(!rejects.is_empty()))
}

/// Where the lines are found, searching outward from where the hunk says.
fn find(lines: &[String], wanted: &[&str], expected: usize) -> Option<usize> {
    let fits = |at: usize| {
        at + wanted.len() <= lines.len()
            && lines[at..at + wanted.len()]
                .iter()
                .zip(wanted)
                .all(|(a, b)| a == b)
    };
    let limit = lines.len().max(expected);
    for distance in 0..=limit {
        if expected >= distance && fits(expected - distance) {
            return Some(expected - distance);
        }
        if distance > 0 && fits(expected + distance) {
            return Some(expected + distance);
        }
    }
    None
}
