//! Parsing a sed script into commands.

use crate::common::posix_regex::{self, Dialect};
use regex::bytes::{Regex, RegexBuilder};

pub struct ScriptError {
    pub position: usize,
    pub message: String,
}

type Parsed<T> = Result<T, ScriptError>;

#[derive(Clone)]
pub enum Address {
    Line(usize),
    Last,
    Pattern(Option<Regex>),
    Step {
        first: usize,
        step: usize,
    },
    /// `addr1,+N` (only as the second address).
    Following(usize),
    /// `addr1,~N` (only as the second address).
    Multiple(usize),
    /// `0,/re/`: the range may end on the first line.
    Zero,
}

pub struct Substitute {
    pub regex: Option<Regex>,
    pub replacement: Vec<Piece>,
    pub global: bool,
    pub occurrence: usize,
    pub print: bool,
    pub write: Option<String>,
}

/// A part of an `s` replacement.
#[derive(Clone)]
pub enum Piece {
    Literal(Vec<u8>),
    Group(usize),
    /// \L \U \E \l \u.
    Case(u8),
}

pub enum Command {
    Block(usize),
    EndBlock,
    Substitute(Box<Substitute>),
    Transliterate(Box<[u8; 256]>),
    Delete,
    DeleteFirstLine,
    Print,
    PrintFirstLine,
    Next,
    AppendNext,
    Get,
    GetAppend,
    Hold,
    HoldAppend,
    Exchange,
    Append(Vec<u8>),
    Insert(Vec<u8>),
    Change(Vec<u8>),
    LineNumber,
    List,
    Quit(i32),
    QuitSilently(i32),
    Branch(String),
    BranchIfSubstituted(String),
    BranchUnlessSubstituted(String),
    Label(String),
    ReadFile(String),
    WriteFile(String),
    Comment,
}

pub struct Instruction {
    pub first: Option<Address>,
    pub second: Option<Address>,
    pub negate: bool,
    pub command: Command,
}

struct Cursor<'a> {
    text: &'a [u8],
    at: usize,
    dialect: Dialect,
}

pub fn parse(text: &str, dialect: Dialect) -> Parsed<Vec<Instruction>> {
    let mut cursor = Cursor {
        text: text.as_bytes(),
        at: 0,
        dialect,
    };
    let mut program: Vec<Instruction> = Vec::new();
    let mut open_blocks = Vec::new();
    loop {
        cursor.skip(|c| c.is_ascii_whitespace() || c == b';');
        if cursor.at >= cursor.text.len() {
            break;
        }
        let instruction = cursor.instruction()?;
        match instruction.command {
            Command::Block(_) => open_blocks.push(program.len()),
            Command::EndBlock => {
                let start = open_blocks
                    .pop()
                    .ok_or_else(|| cursor.error("unexpected `}'"))?;
                program[start].command = Command::Block(program.len() + 1);
            }
            _ => {}
        }
        program.push(instruction);
    }
    if !open_blocks.is_empty() {
        return Err(cursor.error("unmatched `{'"));
    }
    for instruction in &program {
        if let Command::Branch(label)
        | Command::BranchIfSubstituted(label)
        | Command::BranchUnlessSubstituted(label) = &instruction.command
            && !label.is_empty()
            && !program
                .iter()
                .any(|i| matches!(&i.command, Command::Label(l) if l == label))
        {
            return Err(ScriptError {
                position: 0,
                message: format!("can't find label for jump to `{label}'"),
            });
        }
    }
    Ok(program)
}

impl Cursor<'_> {
    fn error(&self, message: &str) -> ScriptError {
        ScriptError {
            position: self.at,
            message: message.to_string(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip(&mut self, mut wanted: impl FnMut(u8) -> bool) {
        while self.peek().is_some_and(&mut wanted) {
            self.at += 1;
        }
    }

    fn number(&mut self) -> Option<usize> {
        let start = self.at;
        self.skip(|c| c.is_ascii_digit());
        std::str::from_utf8(&self.text[start..self.at])
            .ok()?
            .parse()
            .ok()
    }

    fn instruction(&mut self) -> Parsed<Instruction> {
        let first = self.address()?;
        let mut second = None;
        if first.is_some() && self.peek() == Some(b',') {
            self.at += 1;
            self.skip(|c| c == b' ');
            second = match self.peek() {
                Some(b'+') => {
                    self.at += 1;
                    Some(Address::Following(
                        self.number()
                            .ok_or_else(|| self.error("expected a number after +"))?,
                    ))
                }
                Some(b'~') => {
                    self.at += 1;
                    Some(Address::Multiple(
                        self.number()
                            .ok_or_else(|| self.error("expected a number after ~"))?,
                    ))
                }
                _ => Some(
                    self.address()?
                        .ok_or_else(|| self.error("unexpected `,'"))?,
                ),
            };
        }
        if matches!(first, Some(Address::Zero)) && !matches!(second, Some(Address::Pattern(_))) {
            return Err(self.error("invalid usage of line address 0"));
        }
        self.skip(|c| c == b' ' || c == b'\t');
        let mut negate = false;
        while self.peek() == Some(b'!') {
            negate = true;
            self.at += 1;
            self.skip(|c| c == b' ' || c == b'\t');
        }
        let command = self.command()?;
        if first.is_some()
            && matches!(
                command,
                Command::Label(_) | Command::EndBlock | Command::Comment
            )
        {
            return Err(self.error(": doesn't want any addresses"));
        }
        Ok(Instruction {
            first,
            second,
            negate,
            command,
        })
    }

    fn address(&mut self) -> Parsed<Option<Address>> {
        Ok(match self.peek() {
            Some(b'0'..=b'9') => {
                let first = self
                    .number()
                    .ok_or_else(|| self.error("invalid line number"))?;
                if self.peek() == Some(b'~') {
                    self.at += 1;
                    let step = self.number().unwrap_or(0);
                    Some(Address::Step { first, step })
                } else if first == 0 {
                    Some(Address::Zero)
                } else {
                    Some(Address::Line(first))
                }
            }
            Some(b'$') => {
                self.at += 1;
                Some(Address::Last)
            }
            Some(b'/') => {
                self.at += 1;
                Some(Address::Pattern(self.regex(b'/')?))
            }
            Some(b'\\') => {
                self.at += 1;
                let delimiter = self
                    .peek()
                    .ok_or_else(|| self.error("unexpected end of script"))?;
                self.at += 1;
                Some(Address::Pattern(self.regex(delimiter)?))
            }
            _ => None,
        })
    }

    /// Reads up to the unescaped delimiter; `\delim` is the delimiter itself, `\n` a newline.
    fn delimited(&mut self, delimiter: u8) -> Parsed<Vec<u8>> {
        let mut raw = Vec::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == delimiter {
                return Ok(raw);
            }
            if c == b'\\' {
                match self.peek() {
                    Some(next) if next == delimiter => raw.push(next),
                    Some(b'n') => raw.push(b'\n'),
                    Some(next) => raw.extend_from_slice(&[b'\\', next]),
                    None => break,
                }
                self.at += 1;
                continue;
            }
            if c == b'[' {
                // A bracket expression may hold the delimiter literally.
                raw.push(c);
                let start = self.at;
                if self.peek() == Some(b'^') {
                    raw.push(b'^');
                    self.at += 1;
                }
                if self.peek() == Some(b']') {
                    raw.push(b']');
                    self.at += 1;
                }
                while let Some(inner) = self.peek() {
                    self.at += 1;
                    raw.push(inner);
                    if inner == b']' {
                        break;
                    }
                }
                let _ = start;
                continue;
            }
            raw.push(c);
        }
        Err(self.error(&format!(
            "unterminated address regex or `s' command (delimiter '{}')",
            delimiter as char
        )))
    }

    /// A regex and its flags (`I`, `M`); `None` for the empty regex (the last one used).
    fn regex(&mut self, delimiter: u8) -> Parsed<Option<Regex>> {
        let raw = self.delimited(delimiter)?;
        let mut ignore_case = false;
        while let Some(flag @ (b'I' | b'M')) = self.peek() {
            ignore_case |= flag == b'I';
            self.at += 1;
        }
        if raw.is_empty() {
            return Ok(None);
        }
        self.compile(&raw, ignore_case).map(Some)
    }

    fn compile(&self, raw: &[u8], ignore_case: bool) -> Parsed<Regex> {
        let text = String::from_utf8_lossy(raw);
        let translated =
            posix_regex::translate_for_sed(&text, self.dialect).map_err(|m| self.error(&m))?;
        RegexBuilder::new(&translated)
            .case_insensitive(ignore_case)
            .build()
            .map_err(|e| self.error(e.to_string().lines().last().unwrap_or("invalid regex")))
    }

    fn label(&mut self) -> String {
        self.skip(|c| c == b' ' || c == b'\t');
        let start = self.at;
        self.skip(|c| c != b'\n' && c != b';');
        String::from_utf8_lossy(&self.text[start..self.at])
            .trim_end()
            .to_string()
    }

    fn filename(&mut self) -> String {
        self.skip(|c| c == b' ' || c == b'\t');
        let start = self.at;
        self.skip(|c| c != b'\n');
        String::from_utf8_lossy(&self.text[start..self.at]).to_string()
    }

    /// The text of a, i, c: `a text` (GNU) or `a\` then lines ending in `\` to continue.
    /// The text of `a`, `i` and `c`: one-line (`a text`) or after `\` and a newline. `a\` that
    /// ends the script has no text at all (nothing is added, not even a newline), as in GNU sed.
    fn text_argument(&mut self) -> Parsed<Vec<u8>> {
        self.skip(|c| c == b' ' || c == b'\t');
        match self.peek() {
            None => return Err(self.error("expected \\ after `a', `c' or `i'")),
            Some(b'\\') => {
                self.at += 1;
                match self.peek() {
                    None => return Ok(Vec::new()),
                    Some(b'\n') => self.at += 1,
                    Some(_) => {}
                }
            }
            Some(_) => {}
        }
        let mut text = Vec::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                b'\\' => match self.peek() {
                    Some(next) => {
                        self.at += 1;
                        text.push(if next == b't' { b'\t' } else { next });
                    }
                    None => break,
                },
                b'\n' => break,
                other => text.push(other),
            }
        }
        text.push(b'\n');
        Ok(text)
    }

    fn exit_code(&mut self) -> i32 {
        self.skip(|c| c == b' ');
        self.number().map_or(0, |n| n as i32)
    }

    fn end_of_command(&mut self) -> Parsed<()> {
        self.skip(|c| c == b' ' || c == b'\t');
        match self.peek() {
            None | Some(b';' | b'\n' | b'}' | b'#') => Ok(()),
            Some(_) => Err(self.error("extra characters after command")),
        }
    }

    fn command(&mut self) -> Parsed<Command> {
        let Some(letter) = self.peek() else {
            return Err(self.error("missing command"));
        };
        self.at += 1;
        let command = match letter {
            b'{' => return Ok(Command::Block(0)),
            b'}' => Command::EndBlock,
            b'#' => {
                self.skip(|c| c != b'\n');
                return Ok(Command::Comment);
            }
            b's' => return self.substitute(),
            b'y' => {
                let delimiter = self
                    .peek()
                    .ok_or_else(|| self.error("unterminated `y' command"))?;
                self.at += 1;
                let from = self.delimited(delimiter)?;
                let to = self.delimited(delimiter)?;
                let (from, to) = (
                    String::from_utf8_lossy(&from).into_owned(),
                    String::from_utf8_lossy(&to).into_owned(),
                );
                let (from, to): (Vec<u8>, Vec<u8>) =
                    (unescape(from.as_bytes()), unescape(to.as_bytes()));
                if from.len() != to.len() {
                    return Err(self.error("strings for `y' command are different lengths"));
                }
                let mut map: [u8; 256] = std::array::from_fn(|i| i as u8);
                for (a, b) in from.iter().zip(&to) {
                    map[*a as usize] = *b;
                }
                Command::Transliterate(Box::new(map))
            }
            b'd' => Command::Delete,
            b'D' => Command::DeleteFirstLine,
            b'p' => Command::Print,
            b'P' => Command::PrintFirstLine,
            b'n' => Command::Next,
            b'N' => Command::AppendNext,
            b'g' => Command::Get,
            b'G' => Command::GetAppend,
            b'h' => Command::Hold,
            b'H' => Command::HoldAppend,
            b'x' => Command::Exchange,
            b'=' => Command::LineNumber,
            b'l' => Command::List,
            b'a' => return Ok(Command::Append(self.text_argument()?)),
            b'i' => return Ok(Command::Insert(self.text_argument()?)),
            b'c' => return Ok(Command::Change(self.text_argument()?)),
            b'q' => Command::Quit(self.exit_code()),
            b'Q' => Command::QuitSilently(self.exit_code()),
            b'b' => return Ok(Command::Branch(self.label())),
            b't' => return Ok(Command::BranchIfSubstituted(self.label())),
            b'T' => return Ok(Command::BranchUnlessSubstituted(self.label())),
            b':' => {
                let label = self.label();
                if label.is_empty() {
                    return Err(self.error("\":\" lacks a label"));
                }
                return Ok(Command::Label(label));
            }
            b'r' | b'R' => return Ok(Command::ReadFile(self.filename())),
            b'w' | b'W' => return Ok(Command::WriteFile(self.filename())),
            b'e' | b'F' | b'z' | b'v' => {
                return Err(self.error(&format!(
                    "command `{}' is not supported in the sandbox",
                    letter as char
                )));
            }
            other => return Err(self.error(&format!("unknown command: `{}'", other as char))),
        };
        self.end_of_command()?;
        Ok(command)
    }

    fn substitute(&mut self) -> Parsed<Command> {
        let delimiter = self
            .peek()
            .ok_or_else(|| self.error("unterminated `s' command"))?;
        if delimiter == b'\n' || delimiter == b'\\' {
            return Err(self.error("unterminated `s' command"));
        }
        self.at += 1;
        let pattern = self.delimited(delimiter)?;
        let replacement = self.replacement(delimiter)?;
        let mut substitute = Substitute {
            regex: None,
            replacement,
            global: false,
            occurrence: 1,
            print: false,
            write: None,
        };
        let mut ignore_case = false;
        loop {
            match self.peek() {
                Some(b'g') => substitute.global = true,
                Some(b'p') => substitute.print = true,
                Some(b'i' | b'I') => ignore_case = true,
                Some(b'm' | b'M') => {}
                Some(b'0'..=b'9') => {
                    substitute.occurrence = self.number().filter(|&n| n > 0).ok_or_else(|| {
                        self.error("number option to `s' command may not be zero")
                    })?;
                    continue;
                }
                Some(b'w') => {
                    self.at += 1;
                    substitute.write = Some(self.filename());
                    break;
                }
                Some(b'e') => {
                    return Err(self.error("the `e' flag is not supported in the sandbox"));
                }
                _ => break,
            }
            self.at += 1;
        }
        if !pattern.is_empty() {
            substitute.regex = Some(self.compile(&pattern, ignore_case)?);
        }
        self.end_of_command()?;
        Ok(Command::Substitute(Box::new(substitute)))
    }

    fn replacement(&mut self, delimiter: u8) -> Parsed<Vec<Piece>> {
        let mut pieces = Vec::new();
        let mut literal = Vec::new();
        let flush = |literal: &mut Vec<u8>, pieces: &mut Vec<Piece>| {
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(literal)));
            }
        };
        while let Some(c) = self.peek() {
            self.at += 1;
            match c {
                _ if c == delimiter => {
                    flush(&mut literal, &mut pieces);
                    return Ok(pieces);
                }
                b'&' => {
                    flush(&mut literal, &mut pieces);
                    pieces.push(Piece::Group(0));
                }
                b'\\' => {
                    let Some(next) = self.peek() else { break };
                    self.at += 1;
                    match next {
                        b'0'..=b'9' => {
                            flush(&mut literal, &mut pieces);
                            pieces.push(Piece::Group(usize::from(next - b'0')));
                        }
                        b'n' => literal.push(b'\n'),
                        b't' => literal.push(b'\t'),
                        b'L' | b'U' | b'E' | b'l' | b'u' => {
                            flush(&mut literal, &mut pieces);
                            pieces.push(Piece::Case(next));
                        }
                        b'\n' => literal.push(b'\n'),
                        other => literal.push(other),
                    }
                }
                other => literal.push(other),
            }
        }
        Err(self.error("unterminated `s' command"))
    }
}

fn unescape(text: &[u8]) -> Vec<u8> {
    crate::common::escape::expand(text, crate::common::escape::EscapeStyle::Format).bytes
}
