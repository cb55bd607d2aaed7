//! Word expansion, in sh's order: braces, tilde, parameters, command substitution and
//! arithmetic, then field splitting on IFS, pathname expansion against the zones, and quote
//! removal. Words come as text from brush-parser's AST and are parsed into pieces here.

use super::arith;
use super::exec::{Interp, Io, Unwind};
use super::pattern;
use super::state::{ShellState, Value};
use crate::shell::parser_options as options;
use brush_parser::ast::Word;
use brush_parser::word::{
    BraceExpressionMember, BraceExpressionOrText, Parameter, ParameterExpr, ParameterTestType,
    SpecialParameter, SubstringMatchKind, TildeExpr, WordPiece, WordPieceWithSource,
};
use std::future::Future;
use std::pin::Pin;

/// Text produced by expansion, with what later steps may do to it.
#[derive(Debug, Clone)]
struct Chunk {
    text: String,
    /// Quoted text is neither split nor globbed.
    quoted: bool,
    /// Unquoted results of expansions are split on IFS; literal text is not.
    splittable: bool,
}

#[derive(Debug, Clone)]
enum Piece {
    Chunk(Chunk),
    /// Between the elements of `"$@"`: a field ends here whatever the quoting.
    FieldBreak,
}

/// The most words brace expansion may make of one word.
const MAX_BRACE_WORDS: usize = 100_000;

type Expansion<'f> = Pin<Box<dyn Future<Output = Result<Vec<Piece>, Unwind>> + 'f>>;

impl Interp<'_> {
    /// Expands command words into fields (split, globbed, unquoted).
    pub(crate) async fn expand_words(
        &self,
        state: &mut ShellState,
        io: &Io,
        words: &[Word],
    ) -> Result<Vec<String>, Unwind> {
        let mut fields = Vec::new();
        for word in words {
            for text in brace_expand(&word.value) {
                let pieces = self.expand_text(state, io, &text, false).await?;
                for field in split_fields(pieces, &state.ifs()) {
                    fields.extend(self.glob_field(state, field));
                }
            }
        }
        Ok(fields)
    }

    /// Expands one word to one string: no splitting, no globbing (assignments, redirect
    /// targets, `case` subjects).
    pub(crate) async fn expand_string(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
    ) -> Result<String, Unwind> {
        let pieces = self.expand_text(state, io, text, false).await?;
        Ok(join_pieces(&pieces))
    }

    /// Expands a word used as a pattern (`case`, `[[ == ]]`, `${x#p}`): quoted parts match
    /// literally.
    pub(crate) async fn expand_pattern(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
    ) -> Result<String, Unwind> {
        let pieces = self.expand_text(state, io, text, false).await?;
        Ok(pieces
            .iter()
            .map(|p| match p {
                Piece::Chunk(c) if c.quoted => pattern::escape(&c.text),
                Piece::Chunk(c) => c.text.clone(),
                Piece::FieldBreak => " ".to_string(),
            })
            .collect())
    }

    /// Expands a here-document body (parameters, commands, arithmetic; quotes stay).
    pub(crate) async fn expand_heredoc(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
    ) -> Result<String, Unwind> {
        let pieces = brush_parser::word::parse_heredoc(text, &options())
            .map_err(|e| self.fail_expansion(io, &format!("{text}: {e}")))?;
        let expanded = self.expand_pieces(state, io, pieces, true).await?;
        Ok(join_pieces(&expanded))
    }

    fn expand_text<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        text: &'f str,
        quoted: bool,
    ) -> Expansion<'f> {
        Box::pin(async move {
            let pieces = brush_parser::word::parse(text, &options())
                .map_err(|_| self.fail_expansion(io, &format!("{text}: bad substitution")))?;
            let expanded = self.expand_pieces(state, io, pieces, quoted).await?;
            let size: usize = expanded
                .iter()
                .map(|p| match p {
                    Piece::Chunk(c) => c.text.len(),
                    Piece::FieldBreak => 1,
                })
                .sum();
            if size > crate::shell::MAX_VALUE_BYTES {
                return Err(self.abort(crate::backend::wasm::Stopped::ShellMemory));
            }
            Ok(expanded)
        })
    }

    fn expand_pieces<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        pieces: Vec<WordPieceWithSource>,
        quoted: bool,
    ) -> Expansion<'f> {
        Box::pin(async move {
            let mut out = Vec::new();
            for piece in pieces {
                let literal = |text: String| {
                    Piece::Chunk(Chunk {
                        text,
                        quoted,
                        splittable: false,
                    })
                };
                match piece.piece {
                    WordPiece::Text(text) => out.push(literal(text)),
                    WordPiece::SingleQuotedText(text) => out.push(quoted_chunk(text)),
                    WordPiece::AnsiCQuotedText(text) => out.push(quoted_chunk(ansi_c(&text))),
                    WordPiece::EscapeSequence(text) => match escape(&text, quoted) {
                        Some(Escaped::Kept(kept)) => out.push(literal(kept.to_string())),
                        Some(Escaped::Unescaped(char)) => out.push(quoted_chunk(char.to_string())),
                        None => {}
                    },
                    WordPiece::DoubleQuotedSequence(inner)
                    | WordPiece::GettextDoubleQuotedSequence(inner) => {
                        let only_lists =
                            !inner.is_empty() && inner.iter().all(|p| is_field_list(&p.piece));
                        let inner = self.expand_pieces(state, io, inner, true).await?;
                        // `""` is an empty quoted field, not nothing; `"$@"` of no parameters is
                        // no field at all.
                        if !(only_lists && inner.is_empty()) {
                            out.push(quoted_chunk(String::new()));
                        }
                        out.extend(inner);
                    }
                    WordPiece::TildeExpansion(tilde) => {
                        out.push(quoted_chunk(expand_tilde(state, &tilde)))
                    }
                    WordPiece::ParameterExpansion(expr) => {
                        out.extend(self.expand_parameter(state, io, &expr, quoted).await?);
                    }
                    WordPiece::CommandSubstitution(program)
                    | WordPiece::BackquotedCommandSubstitution(program) => {
                        let text = self.command_output(state, io, &program).await?;
                        out.push(result_chunk(text, quoted));
                    }
                    WordPiece::ArithmeticExpression(expr) => {
                        let text = self.expand_string(state, io, &expr.value).await?;
                        let value = arith::evaluate(&text, state)
                            .map_err(|e| self.fail_expansion(io, &e))?;
                        out.push(result_chunk(value.to_string(), quoted));
                    }
                }
            }
            Ok(out)
        })
    }

    /// Prints an expansion error and unwinds as sh does: a non-interactive shell exits 1.
    pub(crate) fn fail_expansion(&self, io: &Io, message: &str) -> Unwind {
        io.report(&format!("sh: {message}\n"));
        Unwind::Exit(1)
    }

    /// A parameter that must be set and is not (`${x:?}`, `set -u`): bash exits 127.
    fn fail_parameter(&self, io: &Io, message: &str) -> Unwind {
        io.report(&format!("sh: {message}\n"));
        Unwind::Exit(127)
    }

    async fn expand_parameter(
        &self,
        state: &mut ShellState,
        io: &Io,
        expr: &ParameterExpr,
        quoted: bool,
    ) -> Result<Vec<Piece>, Unwind> {
        let values = |state: &ShellState, p: &Parameter, indirect: bool| {
            let direct = parameter_values(state, p);
            if !indirect {
                return direct;
            }
            let name = direct.and_then(|v| v.first().cloned()).unwrap_or_default();
            brush_parser::word::parse_parameter(&name, &options())
                .ok()
                .and_then(|p| parameter_values(state, &p))
        };
        let is_null = |v: &Option<Vec<String>>, test: &ParameterTestType| match v {
            None => true,
            Some(items) => {
                matches!(test, ParameterTestType::UnsetOrNull) && items.iter().all(String::is_empty)
            }
        };
        let result: Option<Vec<String>> = match expr {
            ParameterExpr::Parameter {
                parameter,
                indirect,
            } => {
                let found = values(state, parameter, *indirect);
                if found.is_none() && state.options.nounset && !is_all(parameter) {
                    return Err(self.fail_parameter(
                        io,
                        &format!("{}: unbound variable", parameter_name(parameter)),
                    ));
                }
                found
            }
            ParameterExpr::UseDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            } => {
                let found = values(state, parameter, *indirect);
                if is_null(&found, test_type) {
                    let text = default_value.clone().unwrap_or_default();
                    return self.expand_text(state, io, &text, quoted).await;
                }
                found
            }
            ParameterExpr::AssignDefaultValues {
                parameter,
                indirect,
                test_type,
                default_value,
            } => {
                let found = values(state, parameter, *indirect);
                if is_null(&found, test_type) {
                    let text = default_value.clone().unwrap_or_default();
                    let value = self.expand_string(state, io, &text).await?;
                    match parameter {
                        Parameter::Named(name) => state.set_scalar(name, value.clone()),
                        other => {
                            return Err(self.fail_expansion(
                                io,
                                &format!("{}: cannot assign in this way", parameter_name(other)),
                            ));
                        }
                    }
                    Some(vec![value])
                } else {
                    found
                }
            }
            ParameterExpr::IndicateErrorIfNullOrUnset {
                parameter,
                indirect,
                test_type,
                error_message,
            } => {
                let found = values(state, parameter, *indirect);
                if is_null(&found, test_type) {
                    let message = match error_message {
                        Some(text) => self.expand_string(state, io, text).await?,
                        None => "parameter null or not set".to_string(),
                    };
                    return Err(self
                        .fail_parameter(io, &format!("{}: {message}", parameter_name(parameter))));
                }
                found
            }
            ParameterExpr::UseAlternativeValue {
                parameter,
                indirect,
                test_type,
                alternative_value,
            } => {
                let found = values(state, parameter, *indirect);
                if is_null(&found, test_type) {
                    Some(vec![])
                } else {
                    let text = alternative_value.clone().unwrap_or_default();
                    return self.expand_text(state, io, &text, quoted).await;
                }
            }
            ParameterExpr::ParameterLength {
                parameter,
                indirect,
            } => {
                let found = values(state, parameter, *indirect).unwrap_or_default();
                let length = if is_all(parameter) {
                    found.len()
                } else {
                    found.first().map_or(0, |v| v.chars().count())
                };
                Some(vec![length.to_string()])
            }
            ParameterExpr::RemoveSmallestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveLargestSuffixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveSmallestPrefixPattern {
                parameter,
                indirect,
                pattern,
            }
            | ParameterExpr::RemoveLargestPrefixPattern {
                parameter,
                indirect,
                pattern,
            } => {
                let found = values(state, parameter, *indirect);
                let pattern_text = self
                    .expand_pattern(state, io, pattern.as_deref().unwrap_or(""))
                    .await?;
                let (suffix, largest) = match expr {
                    ParameterExpr::RemoveSmallestSuffixPattern { .. } => (true, false),
                    ParameterExpr::RemoveLargestSuffixPattern { .. } => (true, true),
                    ParameterExpr::RemoveSmallestPrefixPattern { .. } => (false, false),
                    _ => (false, true),
                };
                found.map(|items| {
                    items
                        .iter()
                        .map(|v| pattern::remove_affix(v, &pattern_text, suffix, largest))
                        .collect()
                })
            }
            ParameterExpr::Substring {
                parameter,
                indirect,
                offset,
                length,
            } => {
                let found = values(state, parameter, *indirect).unwrap_or_default();
                let offset_text = self.expand_string(state, io, &offset.value).await?;
                let offset = arith::evaluate(&offset_text, state)
                    .map_err(|e| self.fail_expansion(io, &e))?;
                let length = match length {
                    Some(expr) => {
                        let text = self.expand_string(state, io, &expr.value).await?;
                        Some(
                            arith::evaluate(&text, state)
                                .map_err(|e| self.fail_expansion(io, &e))?,
                        )
                    }
                    None => None,
                };
                if is_all(parameter) {
                    Some(slice(&found, offset, length))
                } else {
                    let chars: Vec<String> = found
                        .first()
                        .map(|v| v.chars().map(String::from).collect())
                        .unwrap_or_default();
                    Some(vec![slice(&chars, offset, length).concat()])
                }
            }
            ParameterExpr::ReplaceSubstring {
                parameter,
                indirect,
                pattern,
                replacement,
                match_kind,
            } => {
                let found = values(state, parameter, *indirect);
                let pattern_text = self.expand_pattern(state, io, pattern).await?;
                let replacement = match replacement {
                    Some(text) => self.expand_string(state, io, text).await?,
                    None => String::new(),
                };
                found.map(|items| {
                    items
                        .iter()
                        .map(|v| replace(v, &pattern_text, &replacement, match_kind))
                        .collect()
                })
            }
            ParameterExpr::UppercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::UppercasePattern {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::LowercaseFirstChar {
                parameter,
                indirect,
                ..
            }
            | ParameterExpr::LowercasePattern {
                parameter,
                indirect,
                ..
            } => {
                let found = values(state, parameter, *indirect);
                found.map(|items| items.iter().map(|v| change_case(v, expr)).collect())
            }
            ParameterExpr::Transform { .. }
            | ParameterExpr::VariableNames { .. }
            | ParameterExpr::MemberKeys { .. } => {
                return Err(self.fail_expansion(
                    io,
                    "this parameter transformation is not supported by the zonebox shell",
                ));
            }
        };
        let items = result.unwrap_or_default();
        let keeps_fields = matches!(
            expr,
            ParameterExpr::Parameter { parameter, .. } if is_all(parameter) && !concatenates(parameter)
        ) || matches!(expr, ParameterExpr::RemoveSmallestSuffixPattern { parameter, .. }
            | ParameterExpr::RemoveLargestSuffixPattern { parameter, .. }
            | ParameterExpr::RemoveSmallestPrefixPattern { parameter, .. }
            | ParameterExpr::RemoveLargestPrefixPattern { parameter, .. }
            | ParameterExpr::ReplaceSubstring { parameter, .. }
            | ParameterExpr::Substring { parameter, .. }
            if is_all(parameter) && !concatenates(parameter));
        if keeps_fields {
            let mut pieces = Vec::new();
            // No values: no field (unlike an empty value).
            for (i, item) in items.into_iter().enumerate() {
                if i > 0 {
                    pieces.push(Piece::FieldBreak);
                }
                pieces.push(result_chunk(item, quoted));
            }
            return Ok(pieces);
        }
        let separator = state
            .ifs()
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        Ok(vec![result_chunk(items.join(&separator), quoted)])
    }

    /// `$(…)`: the program's stdout, trailing newlines removed.
    async fn command_output(
        &self,
        state: &mut ShellState,
        io: &Io,
        program: &str,
    ) -> Result<String, Unwind> {
        let (text, status) = self.capture_program(state, io, program).await?;
        state.last_status = status;
        Ok(text.trim_end_matches('\n').to_string())
    }

    /// Pathname expansion of one field against the zones; the field itself when nothing matches.
    fn glob_field(&self, state: &ShellState, field: Vec<Chunk>) -> Vec<String> {
        let literal: String = field.iter().map(|c| c.text.as_str()).collect();
        let has_glob = !state.options.noglob
            && field
                .iter()
                .any(|c| !c.quoted && c.text.contains(['*', '?', '[']));
        if !has_glob {
            return vec![literal];
        }
        let pattern_text: String = field
            .iter()
            .map(|c| {
                if c.quoted {
                    pattern::escape(&c.text)
                } else {
                    c.text.clone()
                }
            })
            .collect();
        let matches = pattern::glob(
            &self.zones,
            &state.cwd,
            &pattern_text,
            state.options.dotglob,
        );
        if matches.is_empty() && !state.options.nullglob {
            vec![literal]
        } else {
            matches
        }
    }
}

fn quoted_chunk(text: String) -> Piece {
    Piece::Chunk(Chunk {
        text,
        quoted: true,
        splittable: false,
    })
}

/// The result of an expansion: split and globbed unless quoted.
fn result_chunk(text: String, quoted: bool) -> Piece {
    Piece::Chunk(Chunk {
        text,
        quoted,
        splittable: !quoted,
    })
}

fn join_pieces(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Chunk(c) => c.text.as_str(),
            Piece::FieldBreak => " ",
        })
        .collect()
}

/// Field splitting: unquoted expansion results break on IFS; a field exists once anything,
/// even an empty quoted string, has been put in it.
fn split_fields(pieces: Vec<Piece>, ifs: &str) -> Vec<Vec<Chunk>> {
    let mut fields = Vec::new();
    let mut current: Option<Vec<Chunk>> = None;
    for piece in pieces {
        match piece {
            Piece::FieldBreak => fields.push(current.take().unwrap_or_default()),
            Piece::Chunk(chunk) if !chunk.splittable => {
                current.get_or_insert_with(Vec::new).push(chunk)
            }
            Piece::Chunk(chunk) => {
                let mut text = String::new();
                let flush_text = |text: &mut String, current: &mut Option<Vec<Chunk>>| {
                    if !text.is_empty() {
                        current.get_or_insert_with(Vec::new).push(Chunk {
                            text: std::mem::take(text),
                            quoted: false,
                            splittable: false,
                        });
                    }
                };
                for c in chunk.text.chars() {
                    if ifs.contains(c) {
                        flush_text(&mut text, &mut current);
                        if c.is_ascii_whitespace() {
                            if let Some(done) = current.take() {
                                fields.push(done);
                            }
                        } else {
                            fields.push(current.take().unwrap_or_default());
                        }
                    } else {
                        text.push(c);
                    }
                }
                flush_text(&mut text, &mut current);
            }
        }
    }
    if let Some(done) = current {
        fields.push(done);
    }
    fields
}

/// Brace expansion of a word's text (`a{b,c}` → `ab ac`, `{1..3}`), before anything else.
pub(crate) fn brace_expand(text: &str) -> Vec<String> {
    if !text.contains('{') {
        return vec![text.to_string()];
    }
    match brush_parser::word::parse_brace_expansions(text, &options()) {
        Ok(Some(parts)) => {
            let mut words = vec![String::new()];
            expand_brace_parts(&parts, &mut words);
            if words.len() > MAX_BRACE_WORDS {
                return vec![text.to_string()];
            }
            words
        }
        _ => vec![text.to_string()],
    }
}

fn expand_brace_parts(parts: &[BraceExpressionOrText], words: &mut Vec<String>) {
    for part in parts {
        match part {
            BraceExpressionOrText::Text(text) => words.iter_mut().for_each(|w| w.push_str(text)),
            BraceExpressionOrText::Expr(members) => {
                let mut alternatives = Vec::new();
                for member in members {
                    match member {
                        BraceExpressionMember::NumberSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1) as i64;
                            let mut n = *start;
                            while alternatives.len() <= MAX_BRACE_WORDS {
                                alternatives.push(n.to_string());
                                if n == *end {
                                    break;
                                }
                                n = if start <= end { n + step } else { n - step };
                                if (start <= end && n > *end) || (start > end && n < *end) {
                                    break;
                                }
                            }
                        }
                        BraceExpressionMember::CharSequence {
                            start,
                            end,
                            increment,
                        } => {
                            let step = increment.unsigned_abs().max(1) as u32;
                            let (a, b) = (*start as u32, *end as u32);
                            let mut n = a;
                            loop {
                                if let Some(c) = char::from_u32(n) {
                                    alternatives.push(c.to_string());
                                }
                                if n == b {
                                    break;
                                }
                                n = if a <= b {
                                    n + step
                                } else {
                                    n.saturating_sub(step)
                                };
                                if (a <= b && n > b) || (a > b && n < b) {
                                    break;
                                }
                            }
                        }
                        BraceExpressionMember::Child(child) => {
                            let mut sub = vec![String::new()];
                            expand_brace_parts(child, &mut sub);
                            alternatives.extend(sub);
                        }
                    }
                }
                let mut next = Vec::with_capacity(words.len() * alternatives.len());
                for word in words.iter() {
                    for alternative in &alternatives {
                        if next.len() > MAX_BRACE_WORDS {
                            break;
                        }
                        next.push(format!("{word}{alternative}"));
                    }
                }
                *words = next;
            }
        }
    }
}

fn expand_tilde(state: &ShellState, tilde: &TildeExpr) -> String {
    let var = |name: &str| state.get(name).map(|v| v.scalar().to_string());
    match tilde {
        TildeExpr::Home => var("HOME").unwrap_or_else(|| "~".to_string()),
        TildeExpr::WorkingDir => state.cwd.clone(),
        TildeExpr::OldWorkingDir => var("OLDPWD").unwrap_or_else(|| "~-".to_string()),
        TildeExpr::UserHome(user) => format!("~{user}"),
        TildeExpr::NthDirFromTopOfDirStack { n, plus_used } => {
            format!("~{}{n}", if *plus_used { "+" } else { "" })
        }
        TildeExpr::NthDirFromBottomOfDirStack { n } => format!("~-{n}"),
    }
}

/// `$@` or `${a[@]}` alone: a piece that expands to one field per value, or none.
fn is_field_list(piece: &WordPiece) -> bool {
    matches!(piece, WordPiece::ParameterExpansion(ParameterExpr::Parameter { parameter, .. })
        if is_all(parameter) && !concatenates(parameter))
}

/// `$@`, `$*`, `${a[@]}`, `${a[*]}`: parameters that stand for several values.
fn is_all(parameter: &Parameter) -> bool {
    matches!(
        parameter,
        Parameter::Special(SpecialParameter::AllPositionalParameters { .. })
            | Parameter::NamedWithAllIndices { .. }
    )
}

fn concatenates(parameter: &Parameter) -> bool {
    matches!(
        parameter,
        Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate: true })
            | Parameter::NamedWithAllIndices {
                concatenate: true,
                ..
            }
    )
}

fn parameter_name(parameter: &Parameter) -> String {
    parameter
        .to_string()
        .trim_start_matches('$')
        .trim_matches(['{', '}'])
        .to_string()
}

/// A parameter's values: `None` when unset.
fn parameter_values(state: &ShellState, parameter: &Parameter) -> Option<Vec<String>> {
    let one = |text: String| Some(vec![text]);
    match parameter {
        Parameter::Positional(0) => one(state.name.clone()),
        Parameter::Positional(n) => state
            .positional
            .get(*n as usize - 1)
            .cloned()
            .map(|v| vec![v]),
        Parameter::Special(special) => match special {
            SpecialParameter::AllPositionalParameters { .. } => Some(state.positional.clone()),
            SpecialParameter::PositionalParameterCount => one(state.positional.len().to_string()),
            SpecialParameter::LastExitStatus => one(state.last_status.to_string()),
            SpecialParameter::CurrentOptionFlags => {
                let o = state.options;
                let flags: String = [
                    (o.errexit, 'e'),
                    (o.nounset, 'u'),
                    (o.xtrace, 'x'),
                    (o.noglob, 'f'),
                ]
                .iter()
                .filter(|(on, _)| *on)
                .map(|(_, c)| *c)
                .collect();
                one(flags + "h")
            }
            SpecialParameter::ProcessId => one(super::exec::SHELL_PID.to_string()),
            SpecialParameter::LastBackgroundProcessId => {
                state.get("!").map(|v| vec![v.scalar().to_string()])
            }
            SpecialParameter::ShellName => one(state.name.clone()),
        },
        Parameter::Named(name) => match name.as_str() {
            "RANDOM" => one((rand_u15()).to_string()),
            _ => state.get(name).map(|v| vec![v.scalar().to_string()]),
        },
        Parameter::NamedWithIndex { name, index } => {
            let items = match state.get(name)? {
                Value::Array(items) => items.clone(),
                Value::Scalar(text) => vec![text.clone()],
            };
            let index = arith::evaluate_index(index, state).ok()?;
            let index = if index < 0 {
                items.len() as i64 + index
            } else {
                index
            };
            usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i).cloned())
                .map(|v| vec![v])
        }
        Parameter::NamedWithAllIndices { name, .. } => match state.get(name) {
            Some(Value::Array(items)) => Some(items.clone()),
            Some(Value::Scalar(text)) => Some(vec![text.clone()]),
            None => Some(Vec::new()),
        },
    }
}

fn rand_u15() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() & 0x7fff) as u32
}

fn slice(items: &[String], offset: i64, length: Option<i64>) -> Vec<String> {
    let len = items.len() as i64;
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset.min(len)
    };
    let end = match length {
        None => len,
        Some(l) if l < 0 => (len + l).max(start),
        Some(l) => (start + l).min(len),
    };
    items[start as usize..end.max(start) as usize].to_vec()
}

fn replace(
    value: &str,
    pattern_text: &str,
    replacement: &str,
    kind: &SubstringMatchKind,
) -> String {
    let Some(regex) = pattern::regex(pattern_text, kind) else {
        return value.to_string();
    };
    match kind {
        SubstringMatchKind::Anywhere => regex
            .replace_all(value, regex::NoExpand(replacement))
            .into_owned(),
        _ => regex
            .replace(value, regex::NoExpand(replacement))
            .into_owned(),
    }
}

fn change_case(value: &str, expr: &ParameterExpr) -> String {
    let mut chars = value.chars();
    match expr {
        ParameterExpr::UppercaseFirstChar { .. } => chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default(),
        ParameterExpr::LowercaseFirstChar { .. } => chars
            .next()
            .map(|c| c.to_lowercase().chain(chars).collect())
            .unwrap_or_default(),
        ParameterExpr::UppercasePattern { .. } => value.to_uppercase(),
        _ => value.to_lowercase(),
    }
}

/// The text of `$'…'` with its escapes applied.
/// What a backslash escape (`\\x`) stands for.
pub(crate) enum Escaped<'t> {
    /// Inside double quotes, before an ordinary character: the backslash stays.
    Kept(&'t str),
    /// The escaped character alone, quoted.
    Unescaped(&'t str),
}

/// Reads a backslash escape as sh does; `None` for a line continuation (backslash-newline).
pub(crate) fn escape(sequence: &str, in_double_quotes: bool) -> Option<Escaped<'_>> {
    let unescaped = sequence.strip_prefix('\\').unwrap_or(sequence);
    if in_double_quotes && !matches!(unescaped, "$" | "`" | "\"" | "\\" | "\n") {
        Some(Escaped::Kept(sequence))
    } else if unescaped != "\n" {
        Some(Escaped::Unescaped(unescaped))
    } else {
        None
    }
}

pub(crate) fn ansi_c(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') | Some('E') => out.push('\x1b'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('\\') => out.push('\\'),
            Some('\'') => out.push('\''),
            Some('"') => out.push('"'),
            Some('x') => {
                let hex: String = std::iter::from_fn(|| chars.next_if(|c| c.is_ascii_hexdigit()))
                    .take(2)
                    .collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(d) if d.is_digit(8) => {
                let mut octal = d.to_string();
                while octal.len() < 3 {
                    match chars.next_if(|c| c.is_digit(8)) {
                        Some(c) => octal.push(c),
                        None => break,
                    }
                }
                if let Some(c) = u32::from_str_radix(&octal, 8).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(text: &str, quoted: bool) -> Piece {
        Piece::Chunk(Chunk {
            text: text.to_string(),
            quoted,
            splittable: !quoted,
        })
    }

    fn texts(fields: Vec<Vec<Chunk>>) -> Vec<String> {
        fields
            .into_iter()
            .map(|f| f.into_iter().map(|c| c.text).collect())
            .collect()
    }

    #[test]
    fn splits_unquoted_results_on_ifs() {
        let fields = split_fields(vec![chunk("  a b\tc ", false)], " \t\n");
        assert_eq!(texts(fields), ["a", "b", "c"]);
        let fields = split_fields(vec![chunk("a:b::c", false)], ":");
        assert_eq!(texts(fields), ["a", "b", "", "c"]);
        let fields = split_fields(vec![chunk("", true)], " ");
        assert_eq!(texts(fields), [""]);
        assert!(split_fields(vec![chunk("", false)], " ").is_empty());
    }

    #[test]
    fn expands_braces() {
        assert_eq!(brace_expand("a{b,c}d"), ["abd", "acd"]);
        assert_eq!(brace_expand("{1..3}"), ["1", "2", "3"]);
        assert_eq!(brace_expand("{3..1}"), ["3", "2", "1"]);
        assert_eq!(brace_expand("x{a..c}"), ["xa", "xb", "xc"]);
        assert_eq!(brace_expand("{a}"), ["{a}"]);
    }

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(ansi_c(r"a\tb\n\x41\101\'"), "a\tb\nAA'");
    }
}
