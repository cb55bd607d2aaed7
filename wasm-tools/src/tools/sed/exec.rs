//! Running a parsed sed script: the cycle over input lines with pattern and hold spaces.

use super::script::{Address, Command, Instruction, Piece, Substitute};
use crate::common::io::{describe, open_input, out, warn};
use crate::common::{ToolError, ToolResult};
use regex::bytes::Regex;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub struct Settings {
    pub quiet: bool,
    pub separate: bool,
    pub terminator: u8,
    pub in_place: Option<String>,
}

/// The lines of one input unit (all files, or one file with -s/-i).
struct Input {
    lines: Vec<Vec<u8>>,
    next: usize,
    /// Whether the unit's last line ended with the terminator.
    last_terminated: bool,
}

impl Input {
    fn read(names: &[String], terminator: u8, tool: &str, status: &mut i32) -> Input {
        let mut data = Vec::new();
        for name in names {
            match open_input(name).and_then(|mut input| input.read_to_end(&mut data)) {
                Ok(_) => {
                    if !data.is_empty()
                        && data.last() != Some(&terminator)
                        && name != names.last().unwrap_or(name)
                    {
                        data.push(terminator);
                    }
                }
                Err(error) => {
                    warn(tool, format!("can't read {name}: {}", describe(&error)));
                    *status = 2;
                }
            }
        }
        let last_terminated = data.last().is_none_or(|&b| b == terminator);
        let mut lines: Vec<Vec<u8>> = data
            .split(|&b| b == terminator)
            .map(<[u8]>::to_vec)
            .collect();
        if last_terminated {
            lines.pop();
        }
        Input {
            lines,
            next: 0,
            last_terminated,
        }
    }

    fn take(&mut self) -> Option<Vec<u8>> {
        let line = self.lines.get(self.next).cloned();
        if line.is_some() {
            self.next += 1;
        }
        line
    }

    fn is_last(&self) -> bool {
        self.next >= self.lines.len()
    }

    /// Whether the line just taken carries its terminator.
    fn current_terminated(&self) -> bool {
        !self.is_last() || self.last_terminated
    }
}

struct Machine<'a> {
    program: &'a [Instruction],
    settings: &'a Settings,
    hold: Vec<u8>,
    ranges: Vec<Option<usize>>,
    /// Ranges starting at a line number that have run (GNU starts such a range on the first
    /// line at or past the number, once, even when that line never reached the command).
    closed: Vec<bool>,
    last_regex: Option<Regex>,
    line_number: usize,
    output: Vec<u8>,
    missing_newline: bool,
    files: HashMap<String, Vec<u8>>,
    quit: Option<i32>,
}

/// What ended a pass through the script.
enum Flow {
    EndOfScript,
    /// `d`, `c`: next cycle without printing the pattern space.
    Delete,
    /// `D` with a newline left: restart the script without reading a line.
    Restart,
}

/// GNU sed's status for an I/O error.
fn io_error(message: String) -> ToolError {
    ToolError {
        code: 4,
        message: Some(message),
    }
}

pub fn run(
    tool: &'static str,
    program: &[Instruction],
    settings: &Settings,
    operands: Vec<String>,
) -> ToolResult {
    let names = if operands.is_empty() {
        vec!["-".to_string()]
    } else {
        operands
    };
    let mut status = 0;
    let mut machine = Machine {
        program,
        settings,
        hold: Vec::new(),
        ranges: vec![None; program.len()],
        closed: vec![false; program.len()],
        last_regex: None,
        line_number: 0,
        output: Vec::new(),
        missing_newline: false,
        files: HashMap::new(),
        quit: None,
    };
    machine.open_write_files();
    let units: Vec<Vec<String>> = if settings.separate {
        names.iter().map(|n| vec![n.clone()]).collect()
    } else {
        vec![names]
    };
    for unit in units {
        let mut input = Input::read(&unit, settings.terminator, tool, &mut status);
        if settings.separate {
            machine.line_number = 0;
            machine.ranges.iter_mut().for_each(|r| *r = None);
            machine.closed.iter_mut().for_each(|c| *c = false);
        }
        machine.process(&mut input)?;
        match &settings.in_place {
            Some(suffix) if unit[0] != "-" && status == 0 => {
                let name = &unit[0];
                if !suffix.is_empty() {
                    let backup = if suffix.contains('*') {
                        suffix.replace('*', name)
                    } else {
                        format!("{name}{suffix}")
                    };
                    std::fs::copy(name, &backup).map_err(|e| {
                        io_error(format!("couldn't open file {backup}: {}", describe(&e)))
                    })?;
                }
                replace_in_place(name, &std::mem::take(&mut machine.output))?;
                machine.missing_newline = false;
            }
            _ => {
                out(&std::mem::take(&mut machine.output))?;
            }
        }
        if machine.quit.is_some() {
            break;
        }
    }
    machine.flush_write_files(tool);
    Ok(machine.quit.filter(|_| status == 0).unwrap_or(status))
}

/// `sed -i`: the output goes to a temporary file beside `name`, which then replaces it (GNU's
/// way, and its messages: a read-only zone is "couldn't open temporary file …").
fn replace_in_place(name: &str, output: &[u8]) -> Result<(), ToolError> {
    use std::io::Write;
    let dir = match Path::new(name).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let temporary = dir.join(format!("sed{:06x}", nanos & 0xff_ffff));
    let shown = temporary.display().to_string();
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temporary)
        .map_err(|e| {
            io_error(format!(
                "couldn't open temporary file {shown}: {}",
                describe(&e)
            ))
        })?;
    let written = file.write_all(output).and_then(|()| file.flush());
    drop(file);
    // The file keeps its permission bits (a script stays executable).
    if let Ok(mode) = crate::common::modes::mode(Path::new(name)) {
        let _ = crate::common::modes::set_mode(&temporary, mode & 0o7777);
    }
    if let Err(error) = written.and_then(|()| std::fs::rename(&temporary, name)) {
        let _ = std::fs::remove_file(&temporary);
        return Err(io_error(format!(
            "couldn't edit {name}: {}",
            describe(&error)
        )));
    }
    Ok(())
}

impl Machine<'_> {
    fn open_write_files(&mut self) {
        for instruction in self.program {
            let name = match &instruction.command {
                Command::WriteFile(name) => Some(name),
                Command::Substitute(s) => s.write.as_ref(),
                _ => None,
            };
            if let Some(name) = name {
                self.files.entry(name.clone()).or_default();
            }
        }
    }

    fn flush_write_files(&mut self, tool: &str) {
        for (name, data) in std::mem::take(&mut self.files) {
            let result = match name.as_str() {
                "/dev/stdout" => {
                    out(&data).map_err(|e| std::io::Error::other(e.message.unwrap_or_default()))
                }
                "/dev/stderr" => {
                    eprint!("{}", String::from_utf8_lossy(&data));
                    Ok(())
                }
                _ => std::fs::write(&name, &data),
            };
            if let Err(error) = result {
                warn(
                    tool,
                    format!("couldn't open file {name}: {}", describe(&error)),
                );
            }
        }
    }

    /// Writes text, first owing the newline a final unterminated line did not have.
    fn emit(&mut self, bytes: &[u8], terminated: bool) {
        if self.missing_newline {
            self.output.push(self.settings.terminator);
            self.missing_newline = false;
        }
        self.output.extend_from_slice(bytes);
        if terminated {
            self.output.push(self.settings.terminator);
        } else {
            self.missing_newline = true;
        }
    }

    fn process(&mut self, input: &mut Input) -> Result<(), ToolError> {
        let mut restart_with: Option<Vec<u8>> = None;
        loop {
            let pattern = match restart_with.take() {
                Some(pattern) => pattern,
                None => match input.take() {
                    Some(line) => {
                        self.line_number += 1;
                        line
                    }
                    None => return Ok(()),
                },
            };
            let mut pattern = pattern;
            let mut appended: Vec<u8> = Vec::new();
            let flow = self.cycle(&mut pattern, input, &mut appended)?;
            let terminated = input.current_terminated();
            match flow {
                Flow::EndOfScript => {
                    if !self.settings.quiet {
                        self.emit(&pattern, terminated);
                    }
                }
                Flow::Delete => {}
                Flow::Restart => restart_with = Some(pattern),
            }
            if !appended.is_empty() {
                let text = std::mem::take(&mut appended);
                self.emit(&text, false);
                self.missing_newline = false;
            }
            if self.quit.is_some() {
                return Ok(());
            }
        }
    }

    fn cycle(
        &mut self,
        pattern: &mut Vec<u8>,
        input: &mut Input,
        appended: &mut Vec<u8>,
    ) -> Result<Flow, ToolError> {
        let mut substituted = false;
        let mut pc = 0;
        while pc < self.program.len() {
            let instruction = &self.program[pc];
            if !self.selects(pc, instruction, pattern, input) {
                pc = match instruction.command {
                    Command::Block(end) => end,
                    _ => pc + 1,
                };
                continue;
            }
            pc += 1;
            match &instruction.command {
                Command::Block(_) | Command::EndBlock | Command::Label(_) | Command::Comment => {}
                Command::Substitute(substitute) => {
                    if self.substitute(substitute, pattern)? {
                        substituted = true;
                        if substitute.print {
                            let terminated = input.current_terminated();
                            self.emit(&pattern.clone(), terminated);
                        }
                        if let Some(name) = &substitute.write {
                            let file = self.files.entry(name.clone()).or_default();
                            file.extend_from_slice(pattern);
                            file.push(b'\n');
                        }
                    }
                }
                Command::Transliterate(map) => {
                    pattern.iter_mut().for_each(|b| *b = map[*b as usize])
                }
                Command::Delete => return Ok(Flow::Delete),
                Command::DeleteFirstLine => match pattern.iter().position(|&b| b == b'\n') {
                    None => return Ok(Flow::Delete),
                    Some(at) => {
                        pattern.drain(..=at);
                        return Ok(Flow::Restart);
                    }
                },
                Command::Print => {
                    let terminated = input.current_terminated();
                    self.emit(&pattern.clone(), terminated);
                }
                Command::PrintFirstLine => {
                    let first = pattern
                        .split(|&b| b == b'\n')
                        .next()
                        .unwrap_or_default()
                        .to_vec();
                    self.emit(&first, true);
                }
                Command::Next => {
                    if input.is_last() {
                        // GNU: with no next line, n ends sed after the usual autoprint.
                        self.quit = Some(0);
                        return Ok(Flow::EndOfScript);
                    }
                    if !self.settings.quiet {
                        self.emit(&pattern.clone(), true);
                    }
                    self.flush_appended(appended);
                    *pattern = input.take().unwrap_or_default();
                    self.line_number += 1;
                }
                Command::AppendNext => {
                    if input.is_last() {
                        self.quit = Some(0);
                        return Ok(Flow::EndOfScript);
                    }
                    self.flush_appended(appended);
                    pattern.push(b'\n');
                    pattern.extend(input.take().unwrap_or_default());
                    self.line_number += 1;
                }
                Command::Get => *pattern = self.hold.clone(),
                Command::GetAppend => {
                    pattern.push(b'\n');
                    pattern.extend_from_slice(&self.hold);
                }
                Command::Hold => self.hold = pattern.clone(),
                Command::HoldAppend => {
                    self.hold.push(b'\n');
                    self.hold.extend_from_slice(pattern);
                }
                Command::Exchange => std::mem::swap(pattern, &mut self.hold),
                Command::Append(text) => appended.extend_from_slice(text),
                Command::Insert(text) => {
                    let text = text.clone();
                    self.emit(&text, false);
                    self.missing_newline = false;
                }
                Command::Change(text) => {
                    // With a range, the text replaces the whole range: print it at its end only.
                    let in_range = instruction.second.is_some() && !instruction.negate;
                    if !in_range || self.ranges[pc - 1].is_none() {
                        let text = text.clone();
                        self.emit(&text, false);
                        self.missing_newline = false;
                    }
                    return Ok(Flow::Delete);
                }
                Command::LineNumber => {
                    let number = self.line_number.to_string().into_bytes();
                    self.emit(&number, true);
                }
                Command::List => {
                    let listed = list(pattern);
                    self.emit(&listed, false);
                    self.missing_newline = false;
                }
                Command::Quit(code) => {
                    self.quit = Some(*code);
                    return Ok(Flow::EndOfScript);
                }
                Command::QuitSilently(code) => {
                    self.quit = Some(*code);
                    return Ok(Flow::Delete);
                }
                Command::Branch(label) => pc = self.jump(label),
                Command::BranchIfSubstituted(label) => {
                    if substituted {
                        substituted = false;
                        pc = self.jump(label);
                    }
                }
                Command::BranchUnlessSubstituted(label) => {
                    if substituted {
                        substituted = false;
                    } else {
                        pc = self.jump(label);
                    }
                }
                Command::ReadFile(name) => {
                    if let Ok(data) = std::fs::read(name) {
                        appended.extend_from_slice(&data);
                        if !data.is_empty() && !data.ends_with(b"\n") {
                            appended.push(b'\n');
                        }
                    }
                }
                Command::WriteFile(name) => {
                    let file = self.files.entry(name.clone()).or_default();
                    file.extend_from_slice(pattern);
                    file.push(b'\n');
                }
            }
        }
        Ok(Flow::EndOfScript)
    }

    fn flush_appended(&mut self, appended: &mut Vec<u8>) {
        if !appended.is_empty() {
            let text = std::mem::take(appended);
            self.emit(&text, false);
            self.missing_newline = false;
        }
    }

    fn jump(&self, label: &str) -> usize {
        if label.is_empty() {
            return self.program.len();
        }
        self.program
            .iter()
            .position(|i| matches!(&i.command, Command::Label(l) if l == label))
            .unwrap_or(self.program.len())
    }

    fn regex(&mut self, regex: &Option<Regex>) -> Result<Regex, ToolError> {
        match regex {
            Some(regex) => {
                self.last_regex = Some(regex.clone());
                Ok(regex.clone())
            }
            None => self
                .last_regex
                .clone()
                .ok_or_else(|| ToolError::failure("no previous regular expression")),
        }
    }

    fn address_matches(
        &mut self,
        address: &Address,
        pattern: &[u8],
        input: &Input,
    ) -> Result<bool, ToolError> {
        Ok(match address {
            Address::Line(n) => self.line_number == *n,
            Address::Last => input.is_last(),
            Address::Pattern(regex) => self.regex(regex)?.is_match(pattern),
            Address::Step { first, step } => {
                if *step == 0 {
                    self.line_number == *first
                } else {
                    self.line_number >= *first && (self.line_number - first).is_multiple_of(*step)
                }
            }
            Address::Following(_) | Address::Multiple(_) | Address::Zero => false,
        })
    }

    fn selects(
        &mut self,
        index: usize,
        instruction: &Instruction,
        pattern: &[u8],
        input: &Input,
    ) -> bool {
        let selected = match (&instruction.first, &instruction.second) {
            (None, _) => true,
            (Some(first), None) => self.address_matches(first, pattern, input).unwrap_or(false),
            (Some(first), Some(second)) => self.range(index, first, second, pattern, input),
        };
        selected != instruction.negate
    }

    /// Range matching, as GNU does it; `ranges[index]` holds the end line of an active `+N`.
    fn range(
        &mut self,
        index: usize,
        first: &Address,
        second: &Address,
        pattern: &[u8],
        input: &Input,
    ) -> bool {
        let line = self.line_number;
        if let Some(end) = self.ranges[index] {
            let ends = match second {
                Address::Line(n) => line >= *n,
                Address::Following(_) => line >= end,
                Address::Multiple(n) => *n == 0 || line.is_multiple_of(*n),
                other => self.address_matches(other, pattern, input).unwrap_or(false),
            };
            if ends {
                self.ranges[index] = None;
                self.closed[index] = true;
            }
            return true;
        }
        let starts = match first {
            Address::Zero => line == 1,
            Address::Line(n) => !self.closed[index] && line >= *n,
            other => self.address_matches(other, pattern, input).unwrap_or(false),
        };
        if !starts {
            return false;
        }
        self.closed[index] = true;
        let continues = match second {
            Address::Line(n) => *n > line,
            Address::Following(n) => *n > 0,
            Address::Multiple(n) => *n > 0 && !line.is_multiple_of(*n),
            Address::Pattern(_) if matches!(first, Address::Zero) => !self
                .address_matches(second, pattern, input)
                .unwrap_or(false),
            _ => true,
        };
        if continues {
            self.ranges[index] = Some(match second {
                Address::Following(n) => line + n,
                _ => 0,
            });
        }
        true
    }

    fn substitute(
        &mut self,
        substitute: &Substitute,
        pattern: &mut Vec<u8>,
    ) -> Result<bool, ToolError> {
        let regex = self.regex(&substitute.regex)?;
        let mut result = Vec::with_capacity(pattern.len());
        let mut copied_to = 0;
        let mut count = 0;
        let mut replaced = false;
        for captures in regex.captures_iter(pattern) {
            let Some(whole) = captures.get(0) else {
                continue;
            };
            count += 1;
            if count < substitute.occurrence {
                continue;
            }
            result.extend_from_slice(&pattern[copied_to..whole.start()]);
            render_replacement(&substitute.replacement, &captures, &mut result);
            copied_to = whole.end();
            replaced = true;
            if !substitute.global {
                break;
            }
        }
        if replaced {
            result.extend_from_slice(&pattern[copied_to..]);
            *pattern = result;
        }
        Ok(replaced)
    }
}

/// Expands `&`, `\N` and the case conversions of a replacement.
fn render_replacement(
    pieces: &[Piece],
    captures: &regex::bytes::Captures<'_>,
    result: &mut Vec<u8>,
) {
    let mut mode: Option<u8> = None;
    let mut one_shot: Option<u8> = None;
    let mut push = |bytes: &[u8], mode: Option<u8>, one_shot: &mut Option<u8>| {
        for &byte in bytes {
            let converted = match (one_shot.take(), mode) {
                (Some(b'u'), _) => byte.to_ascii_uppercase(),
                (Some(b'l'), _) => byte.to_ascii_lowercase(),
                (_, Some(b'U')) => byte.to_ascii_uppercase(),
                (_, Some(b'L')) => byte.to_ascii_lowercase(),
                _ => byte,
            };
            result.push(converted);
        }
    };
    for piece in pieces {
        match piece {
            Piece::Literal(bytes) => push(bytes, mode, &mut one_shot),
            Piece::Group(n) => push(
                captures.get(*n).map_or(&[][..], |m| m.as_bytes()),
                mode,
                &mut one_shot,
            ),
            Piece::Case(b'E') => mode = None,
            Piece::Case(letter @ (b'U' | b'L')) => mode = Some(*letter),
            Piece::Case(letter) => one_shot = Some(*letter),
        }
    }
}

/// `l`: the pattern space with escapes, wrapped at 70 columns, ending in `$`.
fn list(pattern: &[u8]) -> Vec<u8> {
    let mut rendered = Vec::new();
    let mut column = 0;
    for &byte in pattern {
        let piece = match byte {
            b'\\' => "\\\\".to_string(),
            7 => "\\a".into(),
            8 => "\\b".into(),
            12 => "\\f".into(),
            b'\n' => "\\n".into(),
            b'\r' => "\\r".into(),
            b'\t' => "\\t".into(),
            11 => "\\v".into(),
            32..=126 => (byte as char).to_string(),
            _ => format!("\\{byte:03o}"),
        };
        if column + piece.len() > 69 {
            rendered.extend_from_slice(b"\\\n");
            column = 0;
        }
        column += piece.len();
        rendered.extend_from_slice(piece.as_bytes());
    }
    rendered.extend_from_slice(b"$\n");
    rendered
}
