//! find: walk trees and evaluate an expression on each file. Tests: -name -iname -path -ipath
//! -wholename -type -size -mtime -mmin -newer -empty -true -false; actions: -print -print0
//! -printf -delete -prune -quit; operators: ! -not -a -and -o -or ( ); options: -maxdepth
//! -mindepth -depth. Directories are walked in the host's directory order, as GNU find walks.
//! `-exec`, `-execdir` and `-ok` start other commands, which is the zonebox shell's work: they
//! are refused with that reason.

use crate::common::glob;
use crate::common::io::{describe, out, warn};
use crate::common::time::unix_seconds;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs::{self, Metadata};
use std::path::Path;
use std::time::SystemTime;

enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Name {
        pattern: String,
        fold: bool,
    },
    Path {
        pattern: String,
        fold: bool,
    },
    Type(Vec<char>),
    Size {
        compare: Compare,
        units: u64,
        bytes: u64,
    },
    Minutes {
        compare: Compare,
        amount: i64,
        scale: i64,
    },
    Newer(SystemTime),
    Empty,
    Constant(bool),
    Print {
        terminator: u8,
    },
    Printf(Vec<u8>),
    Delete,
    Prune,
    Quit,
}

#[derive(Clone, Copy)]
enum Compare {
    Less,
    Equal,
    More,
}

impl Compare {
    fn parse(text: &str) -> (Compare, &str) {
        match text.as_bytes().first() {
            Some(b'+') => (Compare::More, &text[1..]),
            Some(b'-') => (Compare::Less, &text[1..]),
            _ => (Compare::Equal, text),
        }
    }

    fn holds(self, value: i64, wanted: i64) -> bool {
        match self {
            Compare::Less => value < wanted,
            Compare::Equal => value == wanted,
            Compare::More => value > wanted,
        }
    }
}

struct Settings {
    max_depth: usize,
    min_depth: usize,
    depth_first: bool,
    follow: bool,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut settings = Settings {
        max_depth: usize::MAX,
        min_depth: 0,
        depth_first: false,
        follow: false,
    };
    while let Some(first) = words.first() {
        match first.as_str() {
            "-H" | "-P" => {}
            "-L" => settings.follow = true,
            _ => break,
        }
        words.remove(0);
    }
    let split = words
        .iter()
        .position(|w| w.starts_with('-') || w == "(" || w == "!")
        .unwrap_or(words.len());
    let mut roots: Vec<String> = words.drain(..split).collect();
    if roots.is_empty() {
        roots.push(".".into());
    }
    let mut parser = ExprParser {
        words,
        at: 0,
        settings: &mut settings,
        has_action: false,
    };
    let mut expr = if parser.words.is_empty() {
        Expr::Constant(true)
    } else {
        parser.or()?
    };
    if parser.at < parser.words.len() {
        return Err(ToolError::failure(format!(
            "paths must precede expression: '{}'",
            parser.words[parser.at]
        )));
    }
    if !parser.has_action {
        expr = Expr::And(Box::new(expr), Box::new(Expr::Print { terminator: b'\n' }));
    }
    let mut walk = Walk {
        tool,
        settings: &settings,
        now: SystemTime::now(),
        status: 0,
        quit: false,
    };
    for root in &roots {
        if walk.quit {
            break;
        }
        walk.visit(&expr, root, root, 0, None)?;
    }
    Ok(walk.status)
}

struct ExprParser<'a> {
    words: Vec<String>,
    at: usize,
    settings: &'a mut Settings,
    has_action: bool,
}

impl ExprParser<'_> {
    fn peek(&self) -> Option<&str> {
        self.words.get(self.at).map(String::as_str)
    }

    fn or(&mut self) -> Result<Expr, ToolError> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("-o" | "-or")) {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ToolError> {
        let mut left = self.unary()?;
        loop {
            match self.peek() {
                Some("-a" | "-and") => self.at += 1,
                Some("-o" | "-or" | ")") | None => return Ok(left),
                Some(_) => {}
            }
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, ToolError> {
        match self.peek() {
            Some("!" | "-not") => {
                self.at += 1;
                Ok(Expr::Not(Box::new(self.unary()?)))
            }
            Some("(") => {
                self.at += 1;
                let inner = self.or()?;
                if self.peek() != Some(")") {
                    return Err(ToolError::failure(
                        "invalid expression; I was expecting to find a ')' somewhere but did not see one.",
                    ));
                }
                self.at += 1;
                Ok(inner)
            }
            Some(_) => self.primary(),
            None => Err(ToolError::failure(
                "invalid expression; expected a test or action",
            )),
        }
    }

    fn argument(&mut self, name: &str) -> Result<String, ToolError> {
        let value = self
            .words
            .get(self.at)
            .cloned()
            .ok_or_else(|| ToolError::failure(format!("missing argument to '{name}'")))?;
        self.at += 1;
        Ok(value)
    }

    fn number(&mut self, name: &str) -> Result<(Compare, i64), ToolError> {
        let text = self.argument(name)?;
        let (compare, digits) = Compare::parse(&text);
        let value = digits
            .parse()
            .map_err(|_| ToolError::failure(format!("invalid argument '{text}' to '{name}'")))?;
        Ok((compare, value))
    }

    fn primary(&mut self) -> Result<Expr, ToolError> {
        let word = self.words[self.at].clone();
        self.at += 1;
        let name = word.as_str();
        Ok(match name {
            "-name" | "-iname" => Expr::Name {
                pattern: self.argument(name)?,
                fold: name == "-iname",
            },
            "-path" | "-wholename" | "-ipath" | "-iwholename" => Expr::Path {
                pattern: self.argument(name)?,
                fold: name.starts_with("-i"),
            },
            "-type" | "-xtype" => {
                let kinds: Vec<char> = self
                    .argument(name)?
                    .split(',')
                    .filter_map(|k| k.chars().next())
                    .collect();
                if let Some(bad) = kinds.iter().find(|k| !"fdlpscb".contains(**k)) {
                    return Err(ToolError::failure(format!(
                        "Unknown argument to -type: {bad}"
                    )));
                }
                Expr::Type(kinds)
            }
            "-size" => {
                let text = self.argument(name)?;
                let (compare, rest) = Compare::parse(&text);
                let (digits, unit) = match rest.char_indices().last() {
                    Some((at, c)) if c.is_ascii_alphabetic() => (&rest[..at], c),
                    _ => (rest, 'b'),
                };
                let bytes = match unit {
                    'c' => 1,
                    'w' => 2,
                    'b' => 512,
                    'k' => 1024,
                    'M' => 1024 * 1024,
                    'G' => 1024 * 1024 * 1024,
                    _ => return Err(ToolError::failure(format!("invalid -size type '{unit}'"))),
                };
                let units = digits.parse().map_err(|_| {
                    ToolError::failure(format!("invalid argument '{text}' to '-size'"))
                })?;
                Expr::Size {
                    compare,
                    units,
                    bytes,
                }
            }
            "-mtime" => {
                let (compare, amount) = self.number(name)?;
                Expr::Minutes {
                    compare,
                    amount,
                    scale: 24 * 60,
                }
            }
            "-mmin" => {
                let (compare, amount) = self.number(name)?;
                Expr::Minutes {
                    compare,
                    amount,
                    scale: 1,
                }
            }
            "-newer" => {
                let reference = self.argument(name)?;
                let modified = fs::metadata(&reference)
                    .and_then(|m| m.modified())
                    .map_err(|e| ToolError::failure(format!("'{reference}': {}", describe(&e))))?;
                Expr::Newer(modified)
            }
            "-empty" => Expr::Empty,
            "-true" => Expr::Constant(true),
            "-false" => Expr::Constant(false),
            "-print" | "-print0" => {
                self.has_action = true;
                Expr::Print {
                    terminator: if name == "-print0" { 0 } else { b'\n' },
                }
            }
            "-printf" => {
                self.has_action = true;
                Expr::Printf(self.argument(name)?.into_bytes())
            }
            "-delete" => {
                self.has_action = true;
                self.settings.depth_first = true;
                Expr::Delete
            }
            "-prune" => Expr::Prune,
            "-quit" => Expr::Quit,
            "-maxdepth" | "-mindepth" => {
                let text = self.argument(name)?;
                let value = text.parse().map_err(|_| {
                    ToolError::failure(format!(
                        "Expected a positive decimal integer argument to {name}, but got '{text}'"
                    ))
                })?;
                if name == "-maxdepth" {
                    self.settings.max_depth = value
                } else {
                    self.settings.min_depth = value
                }
                Expr::Constant(true)
            }
            "-depth" | "-d" => {
                self.settings.depth_first = true;
                Expr::Constant(true)
            }
            "-xdev" | "-mount" | "-noleaf" | "-ignore_readdir_race" | "-follow" => {
                if name == "-follow" {
                    self.settings.follow = true;
                }
                Expr::Constant(true)
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                return Err(ToolError::usage(format!(
                    "'{name}' starts other commands, which needs the zonebox shell (not available yet); use find's output directly"
                )));
            }
            "-perm" | "-user" | "-group" | "-uid" | "-gid" | "-nouser" | "-nogroup" => {
                return Err(ToolError::usage(format!(
                    "'{name}' is not supported: the sandbox's files have no owners or modes"
                )));
            }
            other if other.starts_with('-') => {
                return Err(ToolError::failure(format!("unknown predicate '{other}'")));
            }
            other => {
                return Err(ToolError::failure(format!(
                    "paths must precede expression: '{other}'"
                )));
            }
        })
    }
}

struct Walk<'a> {
    tool: &'static str,
    settings: &'a Settings,
    now: SystemTime,
    status: i32,
    quit: bool,
}

/// What evaluating an expression on one file asked of the walk.
#[derive(Default)]
struct Effects {
    prune: bool,
}

/// One file met by the walk. Its type comes from the directory listing when it can; the full
/// metadata (a host call per file) only when an expression asks for it.
struct Entry<'a> {
    path: &'a str,
    root: &'a str,
    depth: usize,
    kind: Option<fs::FileType>,
    follow: bool,
    metadata: std::cell::OnceCell<Option<Metadata>>,
}

impl Entry<'_> {
    fn metadata(&self) -> Option<&Metadata> {
        self.metadata
            .get_or_init(|| {
                let found = if self.follow {
                    fs::metadata(self.path).or_else(|_| fs::symlink_metadata(self.path))
                } else {
                    fs::symlink_metadata(self.path)
                };
                found.ok()
            })
            .as_ref()
    }

    fn file_type(&self) -> Option<fs::FileType> {
        self.kind
            .or_else(|| self.metadata().map(Metadata::file_type))
    }

    fn is_dir(&self) -> bool {
        self.file_type().is_some_and(|kind| kind.is_dir())
    }
}

impl Walk<'_> {
    fn visit(
        &mut self,
        expr: &Expr,
        root: &str,
        path: &str,
        depth: usize,
        kind: Option<fs::FileType>,
    ) -> Result<(), ToolError> {
        let entry = Entry {
            path,
            root,
            depth,
            kind: if self.settings.follow { None } else { kind },
            follow: self.settings.follow || depth == 0,
            metadata: std::cell::OnceCell::new(),
        };
        if depth == 0 {
            // A starting point must exist: say so now, as GNU does.
            let found = fs::metadata(path).or_else(|_| fs::symlink_metadata(path));
            match found {
                Ok(metadata) => {
                    let _ = entry.metadata.set(Some(metadata));
                }
                Err(error) => {
                    warn(self.tool, format!("'{path}': {}", describe(&error)));
                    self.status = 1;
                    return Ok(());
                }
            }
        }
        let mut effects = Effects::default();
        let evaluate_here = depth >= self.settings.min_depth;
        if evaluate_here && !self.settings.depth_first {
            self.evaluate(expr, &entry, &mut effects)?;
        }
        if entry.is_dir() && depth < self.settings.max_depth && !effects.prune && !self.quit {
            match crate::common::fsops::entries_with_types(Path::new(path)) {
                Ok(names) => {
                    for (name, child_kind) in names {
                        if self.quit {
                            break;
                        }
                        let child = if path.ends_with('/') {
                            format!("{path}{}", name.to_string_lossy())
                        } else {
                            format!("{path}/{}", name.to_string_lossy())
                        };
                        self.visit(expr, root, &child, depth + 1, child_kind)?;
                    }
                }
                Err(error) => {
                    warn(self.tool, format!("'{path}': {}", describe(&error)));
                    self.status = 1;
                }
            }
        }
        if evaluate_here && self.settings.depth_first && !self.quit {
            self.evaluate(expr, &entry, &mut effects)?;
        }
        Ok(())
    }

    fn evaluate(
        &mut self,
        expr: &Expr,
        entry: &Entry<'_>,
        effects: &mut Effects,
    ) -> Result<bool, ToolError> {
        if self.quit {
            return Ok(false);
        }
        Ok(match expr {
            Expr::And(left, right) => {
                self.evaluate(left, entry, effects)? && self.evaluate(right, entry, effects)?
            }
            Expr::Or(left, right) => {
                self.evaluate(left, entry, effects)? || self.evaluate(right, entry, effects)?
            }
            Expr::Not(inner) => !self.evaluate(inner, entry, effects)?,
            Expr::Name { pattern, fold } => {
                let base = crate::tools::basename::base_name(entry.path);
                glob::matches(pattern.as_bytes(), base.as_bytes(), *fold)
            }
            Expr::Path { pattern, fold } => {
                glob::matches(pattern.as_bytes(), entry.path.as_bytes(), *fold)
            }
            Expr::Type(kinds) => entry
                .file_type()
                .is_some_and(|kind| kinds.contains(&type_letter(kind))),
            Expr::Size {
                compare,
                units,
                bytes,
            } => {
                let size = entry.metadata().map_or(0, |m| m.len()).div_ceil(*bytes);
                compare.holds(size as i64, *units as i64)
            }
            Expr::Minutes {
                compare,
                amount,
                scale,
            } => {
                let modified = entry
                    .metadata()
                    .and_then(|m| m.modified().ok())
                    .map(unix_seconds)
                    .unwrap_or(0);
                let age_minutes = (unix_seconds(self.now) - modified).div_euclid(60);
                compare.holds(age_minutes.div_euclid(*scale), *amount)
            }
            Expr::Newer(reference) => entry
                .metadata()
                .and_then(|m| m.modified().ok())
                .is_some_and(|m| m > *reference),
            Expr::Empty => {
                if entry.is_dir() {
                    fs::read_dir(entry.path).is_ok_and(|mut entries| entries.next().is_none())
                } else {
                    entry
                        .metadata()
                        .is_some_and(|m| m.is_file() && m.len() == 0)
                }
            }
            Expr::Constant(value) => *value,
            Expr::Print { terminator } => {
                out(entry.path.as_bytes())?;
                out(&[*terminator])?;
                true
            }
            Expr::Printf(format) => {
                out(&printf(format, entry))?;
                true
            }
            Expr::Delete => {
                let result = if entry.is_dir() {
                    fs::remove_dir(entry.path)
                } else {
                    fs::remove_file(entry.path)
                };
                match result {
                    Ok(()) => true,
                    Err(error) => {
                        warn(
                            self.tool,
                            format!("cannot delete '{}': {}", entry.path, describe(&error)),
                        );
                        self.status = 1;
                        false
                    }
                }
            }
            Expr::Prune => {
                effects.prune = true;
                true
            }
            Expr::Quit => {
                self.quit = true;
                true
            }
        })
    }
}

fn type_letter(kind: fs::FileType) -> char {
    if kind.is_dir() {
        'd'
    } else if kind.is_symlink() {
        'l'
    } else if kind.is_file() {
        'f'
    } else {
        'p'
    }
}

/// `-printf` directives: %p %f %h %P %s %d %y %T@ %%, and backslash escapes.
fn printf(format: &[u8], entry: &Entry<'_>) -> Vec<u8> {
    let mut rendered = Vec::new();
    let mut i = 0;
    while i < format.len() {
        match format[i] {
            b'\\' if i + 1 < format.len() => {
                let expanded = crate::common::escape::expand(
                    &format[i..i + 2],
                    crate::common::escape::EscapeStyle::Argument,
                );
                rendered.extend_from_slice(&expanded.bytes);
                i += 2;
            }
            b'%' if i + 1 < format.len() => {
                let path = entry.path;
                match format[i + 1] {
                    b'p' => rendered.extend_from_slice(path.as_bytes()),
                    b'f' => rendered
                        .extend_from_slice(crate::tools::basename::base_name(path).as_bytes()),
                    b'h' => {
                        let parent = match path.trim_end_matches('/').rfind('/') {
                            Some(at) => &path[..at.max(1).min(path.len())],
                            None => ".",
                        };
                        rendered.extend_from_slice(parent.as_bytes());
                    }
                    b'P' => {
                        let relative = path
                            .strip_prefix(entry.root)
                            .unwrap_or(path)
                            .trim_start_matches('/');
                        rendered.extend_from_slice(relative.as_bytes());
                    }
                    b's' => rendered.extend_from_slice(
                        entry
                            .metadata()
                            .map_or(0, |m| m.len())
                            .to_string()
                            .as_bytes(),
                    ),
                    b'd' => rendered.extend_from_slice(entry.depth.to_string().as_bytes()),
                    b'y' => rendered.push(entry.file_type().map_or('U', type_letter) as u8),
                    b'%' => rendered.push(b'%'),
                    b'T' if format.get(i + 2) == Some(&b'@') => {
                        let modified = entry
                            .metadata()
                            .and_then(|m| m.modified().ok())
                            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
                            .unwrap_or_default();
                        rendered.extend_from_slice(
                            format!(
                                "{}.{:010}",
                                modified.as_secs(),
                                modified.subsec_nanos() * 10
                            )
                            .as_bytes(),
                        );
                        i += 1;
                    }
                    other => {
                        rendered.push(b'%');
                        rendered.push(other);
                    }
                }
                i += 2;
            }
            byte => {
                rendered.push(byte);
                i += 1;
            }
        }
    }
    rendered
}
