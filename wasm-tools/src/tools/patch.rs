//! patch: apply a unified diff (from stdin or -i) to the files it names (-p N, -R, -o, -d,
//! --dry-run, -s), finding each hunk at its line or nearby, with up to `-F` (2) context lines at
//! its edges ignored (fuzz), as GNU patch. A patch that applies only reversed is reported as GNU
//! words it and skipped (-N, and without a terminal), applied reversed (-t) or tried anyway (-f).
//! Hunks that do not apply go to FILE.rej; the exit status is 1 then, 2 on trouble.

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
    /// The `---`/`+++` lines as written (times included), for the reject file.
    headers: String,
    hunks: Vec<Hunk>,
}

struct Options {
    strip: Option<usize>,
    reverse: bool,
    dry_run: bool,
    silent: bool,
    output: Option<String>,
    target: Option<String>,
    /// Context lines a hunk may have ignored at each edge (-F; GNU's default is 2).
    max_fuzz: usize,
    /// What to do with a patch that applies only reversed.
    reversed: WhenReversed,
    /// When the original is kept as FILE.orig.
    backup: Backup,
}

/// GNU patch keeps FILE.orig when a hunk needed fuzz or an offset or failed (unless
/// `--no-backup-if-mismatch`), or always with `-b`.
#[derive(Clone, Copy, PartialEq)]
enum Backup {
    IfMismatch,
    Always,
    Never,
}

/// `-N`, `-t`, `-f`, or none of them (GNU asks, and without a terminal the answer is no).
#[derive(Clone, Copy, PartialEq)]
enum WhenReversed {
    Ask,
    Skip,
    Reverse,
    Force,
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
        max_fuzz: 2,
        reversed: WhenReversed::Ask,
        backup: Backup::IfMismatch,
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
            Arg::Short('N') | Arg::Long("forward") => options.reversed = WhenReversed::Skip,
            Arg::Short('t') | Arg::Long("batch") => options.reversed = WhenReversed::Reverse,
            Arg::Short('f') | Arg::Long("force") => options.reversed = WhenReversed::Force,
            Arg::Short('b') | Arg::Long("backup") => options.backup = Backup::Always,
            Arg::Long("backup-if-mismatch") => options.backup = Backup::IfMismatch,
            Arg::Long("no-backup-if-mismatch") => options.backup = Backup::Never,
            Arg::Short('F') | Arg::Long("fuzz") => {
                let text = args::value_text(&mut parser)?;
                options.max_fuzz = text
                    .parse()
                    .map_err(|_| ToolError::usage(format!("fuzz factor {text} is not a number")))?;
            }
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
        let with_headers =
            lines[i].starts_with("--- ") && lines.get(i + 1).is_some_and(|l| l.starts_with("+++ "));
        // Hunks with no file headers patch the file named on the command line.
        let bare_hunks = lines[i].starts_with("@@ -");
        if !with_headers && !bare_hunks {
            i += 1;
            continue;
        }
        let name = |l: &str| l[4..].split('\t').next().unwrap_or("").trim().to_string();
        let mut patch = FilePatch {
            old_name: String::new(),
            new_name: String::new(),
            headers: String::new(),
            hunks: Vec::new(),
        };
        if with_headers {
            patch.old_name = name(lines[i]);
            patch.new_name = name(lines[i + 1]);
            patch.headers = format!("{}\n{}\n", lines[i], lines[i + 1]);
            i += 2;
        }
        while i < lines.len() && lines[i].starts_with("@@ ") {
            let (hunk, next) = parse_hunk(&lines, i)?;
            patch.hunks.push(hunk);
            i = next;
        }
        patches.push(patch);
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
        let read_from = match &options.output {
            Some(output) => format!("{output} (read from {target})"),
            None => target.clone(),
        };
        out(format!("{verb} file {read_from}\n").as_bytes())?;
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
    let mut reverse = options.reverse;
    let mut skipping = false;
    // A hunk that needed fuzz or an offset, or failed: the original is kept (FILE.orig).
    let mut mismatch = false;
    for (number, hunk) in patch.hunks.iter().enumerate() {
        if skipping {
            rejects.push(hunk);
            continue;
        }
        let mut placed = place(&lines, hunk, reverse, offset, options.max_fuzz);
        if placed.is_none() && number == 0 && !creating && options.reversed != WhenReversed::Force {
            // The first hunk fits only the other way round: already applied, or reversed.
            if place(&lines, hunk, !reverse, offset, options.max_fuzz).is_some() {
                let detected = if reverse {
                    "Unreversed (or previously applied) patch detected!"
                } else {
                    "Reversed (or previously applied) patch detected!"
                };
                let answer = if reverse { "Ignore -R?" } else { "Assume -R?" };
                match options.reversed {
                    WhenReversed::Reverse => {
                        out(format!("{detected}  Assuming -R.\n").as_bytes())?;
                        reverse = !reverse;
                        placed = place(&lines, hunk, reverse, offset, options.max_fuzz);
                    }
                    WhenReversed::Force => {}
                    WhenReversed::Skip => {
                        out(format!("{detected}  Skipping patch.\n").as_bytes())?;
                        skipping = true;
                    }
                    WhenReversed::Ask => {
                        out(format!(
                            "{detected}  {answer} [n] \nApply anyway? [n] \nSkipping patch.\n"
                        )
                        .as_bytes())?;
                        skipping = true;
                    }
                }
                if skipping {
                    rejects.push(hunk);
                    continue;
                }
            }
        }
        match placed {
            Some(Placement {
                at,
                expected,
                fuzz,
                from,
                to,
            }) => {
                if to.last().is_some_and(|l| l.2) {
                    missing_final_newline = at + from.len() >= lines.len();
                } else if at + from.len() >= lines.len() {
                    missing_final_newline = false;
                }
                let added = to.len() as isize - from.len() as isize;
                let replacement: Vec<String> = to.iter().map(|l| l.1.clone()).collect();
                lines.splice(at..at + from.len(), replacement);
                let start = at - fuzz.0;
                let expected_start = expected;
                mismatch |= start != expected_start || fuzz != (0, 0);
                if (start != expected_start || fuzz != (0, 0)) && !options.silent {
                    let moved = start as isize - expected_start as isize;
                    let plural = if moved.abs() == 1 { "" } else { "s" };
                    let fuzz_text = match fuzz.0.max(fuzz.1) {
                        0 => String::new(),
                        f => format!(" with fuzz {f}"),
                    };
                    let offset_text = if moved == 0 {
                        String::new()
                    } else {
                        format!(" (offset {moved} line{plural})")
                    };
                    out(format!(
                        "Hunk #{} succeeded at {}{fuzz_text}{offset_text}.\n",
                        number + 1,
                        start + 1
                    )
                    .as_bytes())?;
                }
                offset += start as isize - expected_start as isize + added;
            }
            None => {
                out(format!("Hunk #{} FAILED at {}.\n", number + 1, hunk.old_start).as_bytes())?;
                mismatch = true;
                rejects.push(hunk);
            }
        }
    }
    if !rejects.is_empty() {
        let total = patch.hunks.len();
        let reject_name = format!("{}.rej", options.output.as_deref().unwrap_or(&target));
        out(format!(
            "{} out of {total} hunk{} {} -- saving rejects to file {reject_name}\n",
            rejects.len(),
            if total == 1 { "" } else { "s" },
            if skipping { "ignored" } else { "FAILED" }
        )
        .as_bytes())?;
        if !options.dry_run {
            let mut text = patch.headers.clone();
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
    if options.dry_run || skipping {
        return Ok(i32::from(!rejects.is_empty()));
    }
    let destination = options.output.clone().unwrap_or(target.clone());
    let keep_original = match options.backup {
        Backup::Always => true,
        Backup::IfMismatch => mismatch,
        Backup::Never => false,
    };
    if keep_original && options.output.is_none() && !creating {
        let backup = format!("{target}.orig");
        std::fs::write(&backup, &original)
            .map_err(|e| ToolError::usage(format!("{backup}: {}", describe(&e))))?;
    }
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

/// Where a hunk goes: `at` is where its kept lines start (after the context fuzz ignored),
/// `expected` where the whole hunk was to start, `fuzz` the context lines ignored before and
/// after, `from` the lines replaced and `to` what replaces them.
struct Placement<'h> {
    at: usize,
    expected: usize,
    fuzz: (usize, usize),
    from: Vec<&'h HunkLine>,
    to: Vec<&'h HunkLine>,
}

/// Finds where a hunk applies, as GNU patch: with no fuzz first, then ignoring up to
/// `max_fuzz` context lines at its edges; at each fuzz, the nearest place to where the hunk
/// says (shifted by what earlier hunks added) wins. A hunk for the file's first line with less
/// context before than after must apply at the start, and one with less after at the end.
fn place<'h>(
    lines: &[String],
    hunk: &'h Hunk,
    reverse: bool,
    offset: isize,
    max_fuzz: usize,
) -> Option<Placement<'h>> {
    let (drop_mark, keep_mark) = if reverse { (b'-', b'+') } else { (b'+', b'-') };
    let from: Vec<&HunkLine> = hunk.lines.iter().filter(|l| l.0 != drop_mark).collect();
    let to: Vec<&HunkLine> = hunk.lines.iter().filter(|l| l.0 != keep_mark).collect();
    let wanted: Vec<&str> = from.iter().map(|l| l.1.as_str()).collect();
    let expected = if wanted.is_empty() && hunk.old_start == 0 {
        0
    } else {
        (hunk.old_start.max(1) as isize - 1 + offset).max(0) as usize
    };
    let leading = hunk.lines.iter().take_while(|l| l.0 == b' ').count();
    let trailing = hunk.lines.iter().rev().take_while(|l| l.0 == b' ').count();
    let leading = leading.min(from.len());
    let trailing = trailing.min(from.len() - leading);
    let context = leading.max(trailing);
    for fuzz in 0..=max_fuzz.min(context) {
        let before = (fuzz + leading).checked_sub(context);
        let after = (fuzz + trailing).checked_sub(context);
        let (before, after) = (before.unwrap_or(0), after.unwrap_or(0));
        let kept = &wanted[before..wanted.len() - after];
        let anchored_start = fuzz + leading < context && hunk.old_start <= 1;
        let anchored_end = trailing < context && fuzz + trailing < context;
        let found = if anchored_start {
            fits(lines, kept, 0).then_some(0)
        } else if anchored_end {
            let at = lines.len().checked_sub(kept.len())?;
            fits(lines, kept, at).then_some(at)
        } else {
            find(lines, kept, expected + before)
        };
        if let Some(at) = found {
            return Some(Placement {
                at,
                expected,
                fuzz: (before, after),
                from: from[before..from.len() - after].to_vec(),
                to: to[before..to.len() - after].to_vec(),
            });
        }
    }
    None
}

fn fits(lines: &[String], wanted: &[&str], at: usize) -> bool {
    at + wanted.len() <= lines.len()
        && lines[at..at + wanted.len()]
            .iter()
            .zip(wanted)
            .all(|(a, b)| a == b)
}

/// Where the lines are found, searching outward from where the hunk says.
fn find(lines: &[String], wanted: &[&str], expected: usize) -> Option<usize> {
    let limit = lines.len().max(expected);
    for distance in 0..=limit {
        if expected >= distance && fits(lines, wanted, expected - distance) {
            return Some(expected - distance);
        }
        if distance > 0 && fits(lines, wanted, expected + distance) {
            return Some(expected + distance);
        }
    }
    None
}
