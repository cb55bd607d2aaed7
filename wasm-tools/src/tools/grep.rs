//! grep, egrep, fgrep: print lines matching patterns. -E -F -G -e -f -i -v -w -x -c -l -L -n
//! -h -H -o -q -s -m -r -R -A -B -C -a -I -Z --include --exclude --exclude-dir --label
//! --color=never. Exit 0 when a line is selected, 1 when none, 2 on trouble (as GNU).

use crate::common::args::{self, Arg};
use crate::common::glob;
use crate::common::io::{describe, out, warn};
use crate::common::posix_regex::{self, Dialect};
use crate::common::{ToolError, ToolResult};
use regex::bytes::Regex;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::Read;
use std::path::Path;

#[derive(Default)]
struct Options {
    invert: bool,
    count: bool,
    files_with_matches: bool,
    files_without_match: bool,
    line_numbers: bool,
    with_filename: Option<bool>,
    only_matching: bool,
    quiet: bool,
    no_messages: bool,
    max_count: Option<u64>,
    recursive: bool,
    dereference: bool,
    after: usize,
    before: usize,
    text: bool,
    skip_binary: bool,
    null_after_name: bool,
    label: Option<String>,
    include: Vec<String>,
    exclude: Vec<String>,
    exclude_dir: Vec<String>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    // Trouble is exit 2 in grep, whatever its kind.
    crate::common::trouble_exits_with(2, run(tool, argv))
}

fn context_number(text: &str) -> Result<usize, ToolError> {
    text.parse()
        .map_err(|_| ToolError::usage(format!("{text}: invalid context length argument")))
}

fn run(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options::default();
    let mut regex_options = posix_regex::Options {
        dialect: match tool {
            "egrep" => Dialect::Extended,
            _ => Dialect::Basic,
        },
        ignore_case: false,
        fixed: tool == "fgrep",
        whole_word: false,
        whole_line: false,
    };
    let mut patterns: Option<Vec<String>> = None;
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('E') | Arg::Long("extended-regexp") => {
                regex_options.dialect = Dialect::Extended;
                regex_options.fixed = false;
            }
            Arg::Short('F') | Arg::Long("fixed-strings") => regex_options.fixed = true,
            Arg::Short('P') | Arg::Long("perl-regexp") => {
                regex_options.dialect = Dialect::Perl;
                regex_options.fixed = false;
            }
            Arg::Short('G') | Arg::Long("basic-regexp") => {
                regex_options.dialect = Dialect::Basic;
                regex_options.fixed = false;
            }
            Arg::Short('e') | Arg::Long("regexp") => {
                let pattern = args::value_text(&mut parser)?;
                patterns
                    .get_or_insert_with(Vec::new)
                    .extend(pattern.split('\n').map(String::from));
            }
            Arg::Short('f') | Arg::Long("file") => {
                let name = args::value_text(&mut parser)?;
                let text = crate::common::io::open_input(&name)
                    .and_then(|mut input| {
                        let mut text = String::new();
                        input.read_to_string(&mut text).map(|_| text)
                    })
                    .map_err(|e| ToolError::failure(format!("{name}: {}", describe(&e))))?;
                patterns
                    .get_or_insert_with(Vec::new)
                    .extend(text.lines().map(String::from));
            }
            Arg::Short('i' | 'y') | Arg::Long("ignore-case") => regex_options.ignore_case = true,
            Arg::Long("no-ignore-case") => regex_options.ignore_case = false,
            Arg::Short('w') | Arg::Long("word-regexp") => regex_options.whole_word = true,
            Arg::Short('x') | Arg::Long("line-regexp") => regex_options.whole_line = true,
            Arg::Short('v') | Arg::Long("invert-match") => options.invert = true,
            Arg::Short('c') | Arg::Long("count") => options.count = true,
            Arg::Short('l') | Arg::Long("files-with-matches") => options.files_with_matches = true,
            Arg::Short('L') | Arg::Long("files-without-match") => {
                options.files_without_match = true
            }
            Arg::Short('n') | Arg::Long("line-number") => options.line_numbers = true,
            Arg::Short('h') | Arg::Long("no-filename") => options.with_filename = Some(false),
            Arg::Short('H') | Arg::Long("with-filename") => options.with_filename = Some(true),
            Arg::Short('o') | Arg::Long("only-matching") => options.only_matching = true,
            Arg::Short('q') | Arg::Long("quiet" | "silent") => options.quiet = true,
            Arg::Short('s') | Arg::Long("no-messages") => options.no_messages = true,
            Arg::Short('m') | Arg::Long("max-count") => {
                let text = args::value_text(&mut parser)?;
                options.max_count = Some(
                    text.parse()
                        .map_err(|_| ToolError::usage(format!("invalid max count: '{text}'")))?,
                );
            }
            Arg::Short('r') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('R') | Arg::Long("dereference-recursive") => {
                options.recursive = true;
                options.dereference = true;
            }
            Arg::Short('A') | Arg::Long("after-context") => {
                options.after = context_number(&args::value_text(&mut parser)?)?
            }
            Arg::Short('B') | Arg::Long("before-context") => {
                options.before = context_number(&args::value_text(&mut parser)?)?
            }
            Arg::Short('C') | Arg::Long("context") => {
                let n = context_number(&args::value_text(&mut parser)?)?;
                (options.after, options.before) = (n, n);
            }
            Arg::Short('a') | Arg::Long("text") => options.text = true,
            Arg::Short('I') => options.skip_binary = true,
            Arg::Long("binary-files") => match args::value_text(&mut parser)?.as_str() {
                "text" => options.text = true,
                "without-match" => options.skip_binary = true,
                "binary" => {}
                other => {
                    return Err(ToolError::usage(format!(
                        "invalid argument '{other}' for '--binary-files'"
                    )));
                }
            },
            Arg::Short('Z') | Arg::Long("null") => options.null_after_name = true,
            Arg::Long("label") => options.label = Some(args::value_text(&mut parser)?),
            Arg::Long("include") => options.include.push(args::value_text(&mut parser)?),
            Arg::Long("exclude") => options.exclude.push(args::value_text(&mut parser)?),
            Arg::Long("exclude-dir") => options.exclude_dir.push(args::value_text(&mut parser)?),
            Arg::Long("color" | "colour") => {
                let when = parser
                    .optional_value()
                    .map(args::text)
                    .unwrap_or_else(|| "auto".into());
                if !matches!(
                    when.as_str(),
                    "never" | "auto" | "no" | "none" | "tty" | "if-tty"
                ) {
                    return Err(ToolError::usage(format!(
                        "--color={when} is not supported: output is never a terminal"
                    )));
                }
            }
            Arg::Short('U') | Arg::Long("line-buffered") => {}
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let patterns = match patterns {
        Some(patterns) => patterns,
        None if operands.is_empty() => {
            return Err(ToolError::usage(
                "usage: grep [OPTION]... PATTERNS [FILE]...",
            ));
        }
        None => operands.remove(0).split('\n').map(String::from).collect(),
    };
    let regex = posix_regex::compile(&patterns, &regex_options).map_err(ToolError::usage)?;
    // With -r and no operand GNU searches `.` and shows names without the `./` prefix.
    let implicit_dot = options.recursive && operands.is_empty();
    if operands.is_empty() {
        operands.push(if options.recursive {
            ".".into()
        } else {
            "-".into()
        });
    }
    let show_names = options
        .with_filename
        .unwrap_or(operands.len() > 1 || options.recursive);
    let mut search = Search {
        tool,
        options: &options,
        regex,
        show_names,
        selected_any: false,
        trouble: false,
        printed_group: false,
    };
    for operand in &operands {
        if search.options.quiet && search.selected_any {
            break;
        }
        search.operand(operand, implicit_dot)?;
    }
    let status = if search.options.quiet && search.selected_any {
        0
    } else if search.trouble {
        2
    } else if search.selected_any {
        0
    } else {
        1
    };
    Ok(status)
}

struct Search<'a> {
    tool: &'static str,
    options: &'a Options,
    regex: Regex,
    show_names: bool,
    selected_any: bool,
    trouble: bool,
    /// Whether a group of context output was printed yet (`--` goes between groups).
    printed_group: bool,
}

impl Search<'_> {
    fn complain(&mut self, message: String) {
        self.trouble = true;
        if !self.options.no_messages {
            warn(self.tool, message);
        }
    }

    fn operand(&mut self, operand: &str, implicit_dot: bool) -> Result<(), ToolError> {
        if operand == "-" {
            let mut data = Vec::new();
            std::io::stdin().read_to_end(&mut data)?;
            let name = self
                .options
                .label
                .clone()
                .unwrap_or_else(|| "(standard input)".into());
            return self.file(&name, &data);
        }
        let path = Path::new(operand);
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                if self.options.recursive {
                    self.directory(path, if implicit_dot { "" } else { operand })
                } else {
                    self.complain(format!("{operand}: Is a directory"));
                    Ok(())
                }
            }
            Ok(_) => self.read_file(path, operand),
            Err(error) => {
                self.complain(format!("{operand}: {}", describe(&error)));
                Ok(())
            }
        }
    }

    /// Walks a directory in the host's directory order, as GNU grep does.
    fn directory(&mut self, path: &Path, shown: &str) -> Result<(), ToolError> {
        let mut names = match crate::common::fsops::entries(path) {
            Ok(names) => names,
            Err(error) => {
                self.complain(format!(
                    "{}: {}",
                    if shown.is_empty() { "." } else { shown },
                    describe(&error)
                ));
                return Ok(());
            }
        };
        names.retain(|n| !n.is_empty());
        for name in names {
            let name_text = name.to_string_lossy().into_owned();
            let child = path.join(&name);
            let shown_child = if shown.is_empty() {
                name_text.clone()
            } else if shown.ends_with('/') {
                format!("{shown}{name_text}")
            } else {
                format!("{shown}/{name_text}")
            };
            let metadata = if self.options.dereference {
                std::fs::metadata(&child)
            } else {
                std::fs::symlink_metadata(&child)
            };
            let Ok(metadata) = metadata else { continue };
            if metadata.is_dir() {
                if self
                    .options
                    .exclude_dir
                    .iter()
                    .any(|g| glob::matches(g.as_bytes(), name_text.as_bytes(), false))
                {
                    continue;
                }
                self.directory(&child, &shown_child)?;
            } else if metadata.is_file() {
                if !self.wanted(&name_text) {
                    continue;
                }
                self.read_file(&child, &shown_child)?;
            }
            if self.options.quiet && self.selected_any {
                return Ok(());
            }
        }
        Ok(())
    }

    fn wanted(&self, name: &str) -> bool {
        let matches = |globs: &[String]| {
            globs
                .iter()
                .any(|g| glob::matches(g.as_bytes(), name.as_bytes(), false))
        };
        (self.options.include.is_empty() || matches(&self.options.include))
            && !matches(&self.options.exclude)
    }

    fn read_file(&mut self, path: &Path, shown: &str) -> Result<(), ToolError> {
        if !self.options.include.is_empty() || !self.options.exclude.is_empty() {
            let base = shown.rsplit('/').next().unwrap_or(shown);
            if !self.wanted(base) {
                return Ok(());
            }
        }
        match std::fs::read(path) {
            Ok(data) => self.file(shown, &data),
            Err(error) => {
                self.complain(format!("{shown}: {}", describe(&error)));
                Ok(())
            }
        }
    }

    fn file(&mut self, name: &str, data: &[u8]) -> Result<(), ToolError> {
        let binary = !self.options.text && data.contains(&0);
        if binary && self.options.skip_binary {
            return Ok(());
        }
        let options = self.options;
        let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
        if data.ends_with(b"\n") || data.is_empty() {
            lines.pop();
        }
        let mut selected = 0u64;
        let mut last_printed: Option<usize> = None;
        let mut before: VecDeque<usize> = VecDeque::new();
        let mut after_left = 0usize;
        let listing_only = options.quiet
            || options.files_with_matches
            || options.files_without_match
            || options.count;
        let mut rendered = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            if options.max_count.is_some_and(|max| selected >= max) {
                // GNU still prints trailing context after the last counted match.
                if after_left > 0 && self.regex.is_match(line) == options.invert {
                    self.line(&mut rendered, name, index, line, b'-', &mut last_printed);
                    after_left -= 1;
                    continue;
                }
                break;
            }
            let is_selected = self.regex.is_match(line) != options.invert;
            if !is_selected {
                if after_left > 0 && !listing_only && !binary {
                    self.line(&mut rendered, name, index, line, b'-', &mut last_printed);
                    after_left -= 1;
                } else if options.before > 0 {
                    before.push_back(index);
                    if before.len() > options.before {
                        before.pop_front();
                    }
                }
                continue;
            }
            selected += 1;
            self.selected_any = true;
            if listing_only || binary {
                if options.quiet {
                    return Ok(());
                }
                continue;
            }
            for context in before.drain(..) {
                self.line(
                    &mut rendered,
                    name,
                    context,
                    lines[context],
                    b'-',
                    &mut last_printed,
                );
            }
            if options.only_matching {
                if !options.invert {
                    let found: Vec<&[u8]> = self
                        .regex
                        .find_iter(line)
                        .filter(|m| !m.is_empty())
                        .map(|m| m.as_bytes())
                        .collect();
                    for found in found {
                        self.prefix(&mut rendered, name, index, b':', &mut last_printed);
                        rendered.extend_from_slice(found);
                        rendered.push(b'\n');
                    }
                }
            } else {
                self.line(&mut rendered, name, index, line, b':', &mut last_printed);
            }
            after_left = options.after;
        }
        out(&rendered)?;
        let terminator: &[u8] = if options.null_after_name {
            b"\0"
        } else {
            b"\n"
        };
        if options.count {
            if self.show_names {
                out(name.as_bytes())?;
                out(if options.null_after_name { b"\0" } else { b":" })?;
            }
            out(format!("{selected}\n").as_bytes())?;
        }
        if (options.files_with_matches && selected > 0)
            || (options.files_without_match && selected == 0)
        {
            out(name.as_bytes())?;
            out(terminator)?;
        }
        if binary && selected > 0 && !listing_only {
            crate::common::io::flush_stdout()?;
            warn(self.tool, format!("{name}: binary file matches"));
        }
        Ok(())
    }

    /// Writes `name:number:` (or `-` for context), and `--` between separate groups.
    fn prefix(
        &mut self,
        rendered: &mut Vec<u8>,
        name: &str,
        index: usize,
        separator: u8,
        last_printed: &mut Option<usize>,
    ) {
        let options = self.options;
        if options.before > 0 || options.after > 0 {
            let new_group = last_printed.is_none_or(|last| index > last + 1);
            if new_group && self.printed_group {
                rendered.extend_from_slice(b"--\n");
            }
            self.printed_group = true;
        }
        *last_printed = Some(index);
        if self.show_names {
            rendered.extend_from_slice(name.as_bytes());
            rendered.push(if options.null_after_name {
                0
            } else {
                separator
            });
        }
        if options.line_numbers {
            rendered.extend_from_slice(format!("{}", index + 1).as_bytes());
            rendered.push(separator);
        }
    }

    fn line(
        &mut self,
        rendered: &mut Vec<u8>,
        name: &str,
        index: usize,
        line: &[u8],
        separator: u8,
        last_printed: &mut Option<usize>,
    ) {
        self.prefix(rendered, name, index, separator, last_printed);
        rendered.extend_from_slice(line);
        rendered.push(b'\n');
    }
}
