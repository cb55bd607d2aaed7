//! Word expansion, in sh's order: braces, tilde, parameters, command substitution and
//! arithmetic, then field splitting on IFS, pathname expansion against the zones, and quote
//! removal. Words come as text from brush-parser's AST and are parsed into pieces here.

use super::arith;
use super::brace::brace_expand;
use super::budget::{Budget, Stop};
use super::exec::{Interp, Io, Unwind};
use super::pattern;
use super::state::{ShellState, Value};
use crate::shell::parse::guarded;
use crate::shell::parser_options as options;
use brush_parser::ast::Word;
use brush_parser::word::{
    Parameter, ParameterExpr, ParameterTestType, SpecialParameter, SubstringMatchKind, TildeExpr,
    WordPiece, WordPieceWithSource,
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

type Expansion<'f> = Pin<Box<dyn Future<Output = Result<Vec<Piece>, Unwind>> + 'f>>;

impl Interp<'_> {
    /// Expands command words into fields (split, globbed, unquoted).
    pub(crate) async fn expand_words(
        &self,
        state: &mut ShellState,
        io: &Io,
        words: &[Word],
    ) -> Result<Vec<String>, Unwind> {
        // The fields built so far count against the budget's room (many words, or one value
        // split into many fields, hold memory together).
        let mut fields = Vec::new();
        let mut held = 0usize;
        for word in words {
            let texts =
                brace_expand(&word.value, &self.budget).map_err(|_| self.out_of_memory())?;
            for text in texts {
                self.room(held)?;
                let pieces = self.expand_text(state, io, &text, false).await?;
                let ifs = state.ifs();
                let split = split_fields(pieces, &ifs, &self.budget, held)
                    .map_err(|stop| self.stopped_by(stop))?;
                for field in split {
                    for path in self.glob_field(state, field)? {
                        held = held.saturating_add(super::budget::string_cost(&path));
                        fields.push(path);
                    }
                }
                self.room(held)?;
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
        let pieces = guarded(|| brush_parser::word::parse_heredoc(text, &options()))
            .and_then(Result::ok)
            .ok_or_else(|| self.fail_expansion(io, &format!("{text}: bad here-document")))?;
        let expanded = self.expand_pieces(state, io, pieces, true).await?;
        self.room(pieces_size(&expanded).saturating_mul(2))?;
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
            let pieces = guarded(|| brush_parser::word::parse(text, &options()))
                .and_then(Result::ok)
                .ok_or_else(|| self.fail_expansion(io, &format!("{text}: bad substitution")))?;
            let expanded = self.expand_pieces(state, io, pieces, quoted).await?;
            // The pieces, and the one string most callers join them into.
            self.room(pieces_size(&expanded).saturating_mul(2))?;
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
            // The word's pieces so far are held while the rest expands.
            let mut held = self.budget.force(0);
            for piece in pieces {
                self.check_limits()?;
                let before = out.len();
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
                let size = held.bytes().saturating_add(pieces_size(&out[before..]));
                if held.resize(size).is_err() {
                    return Err(self.out_of_memory());
                }
            }
            Ok(out)
        })
    }

    /// Prints an expansion error and unwinds as sh does: a non-interactive shell exits 1.
    pub(crate) fn fail_expansion(&self, io: &Io, message: &str) -> Unwind {
        // A loop stopped by the line's wall clock or memory budget: that limit ends the line.
        if let Err(unwind) = self.check_limits() {
            return unwind;
        }
        io.report(&format!("sh: {message}\n"));
        Unwind::Exit(1)
    }

    /// A parameter that must be set and is not (`${x:?}`, `set -u`): bash exits 127.
    fn fail_parameter(&self, io: &Io, message: &str) -> Unwind {
        if let Err(unwind) = self.check_limits() {
            return unwind;
        }
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
        // Every read copies the values: their bytes are taken from the budget's room first.
        let values = |state: &ShellState, p: &Parameter, indirect: bool| {
            if self.budget.room(parameter_cost(state, p)).is_err() {
                return None;
            }
            let direct = parameter_values(state, p);
            if !indirect {
                return direct;
            }
            let name = direct.and_then(|v| v.first().cloned()).unwrap_or_default();
            // `${!x}` names a parameter: anything else is no parameter (and is never given to
            // the parser, which could backtrack through it).
            if name.len() > 256 || name.contains(['$', '{', '}', '(', '`']) {
                return None;
            }
            let p = guarded(|| brush_parser::word::parse_parameter(&name, &options()))
                .and_then(Result::ok)?;
            if self.budget.room(parameter_cost(state, &p)).is_err() {
                return None;
            }
            parameter_values(state, &p)
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
                found
                    .map(|items| {
                        items
                            .iter()
                            .map(|v| {
                                pattern::remove_affix(
                                    v,
                                    &pattern_text,
                                    suffix,
                                    largest,
                                    &self.budget,
                                )
                            })
                            .collect::<Result<Vec<String>, Stop>>()
                    })
                    .transpose()
                    .map_err(|stop| self.stopped_by(stop))?
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
                    let text = found.first().map_or("", String::as_str);
                    Some(vec![substring(text, offset, length)])
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
                found
                    .map(|items| {
                        items
                            .iter()
                            .map(|v| {
                                replace(v, &pattern_text, &replacement, match_kind, &self.budget)
                            })
                            .collect::<Result<Vec<String>, Stop>>()
                    })
                    .transpose()
                    .map_err(|stop| self.stopped_by(stop))?
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
                // Case mapping can triple a text's bytes.
                let bytes: usize = found.iter().flatten().map(String::len).sum();
                self.room(bytes.saturating_mul(3))?;
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
    fn glob_field(&self, state: &ShellState, field: Vec<Chunk>) -> Result<Vec<String>, Unwind> {
        let literal: String = field.iter().map(|c| c.text.as_str()).collect();
        let has_glob = !state.options.noglob
            && field
                .iter()
                .any(|c| !c.quoted && c.text.contains(['*', '?', '[']));
        if !has_glob {
            return Ok(vec![literal]);
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
            &self.budget,
        )
        .map_err(|stop| self.stopped_by(stop))?;
        Ok(if matches.is_empty() && !state.options.nullglob {
            vec![literal]
        } else {
            matches
        })
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

/// Bytes the pieces hold.
fn pieces_size(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Chunk(c) => super::budget::string_cost(&c.text),
            Piece::FieldBreak => super::budget::ITEM_OVERHEAD,
        })
        .sum()
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
/// even an empty quoted string, has been put in it. Each field's overhead is taken from the
/// budget's room (beyond the `held` bytes of earlier fields) as it is made.
fn split_fields(
    pieces: Vec<Piece>,
    ifs: &str,
    budget: &Budget,
    held: usize,
) -> Result<Vec<Vec<Chunk>>, Stop> {
    /// Fields made between two looks at the line's limits.
    const FIELDS_PER_CHECK: usize = 1024;
    let text_bytes: usize = pieces
        .iter()
        .map(|p| match p {
            Piece::Chunk(c) => c.text.len(),
            Piece::FieldBreak => 0,
        })
        .sum();
    let mut fields = Vec::new();
    let mut made = 0usize;
    let mut check = |fields: &Vec<Vec<Chunk>>| -> Result<(), Stop> {
        made += 1;
        if made.is_multiple_of(FIELDS_PER_CHECK) {
            let overhead = fields
                .len()
                .saturating_mul(2 * super::budget::ITEM_OVERHEAD);
            budget.room(held.saturating_add(text_bytes).saturating_add(overhead))?;
            budget.check()?;
        }
        Ok(())
    };
    let mut current: Option<Vec<Chunk>> = None;
    for piece in pieces {
        match piece {
            Piece::FieldBreak => {
                fields.push(current.take().unwrap_or_default());
                check(&fields)?;
            }
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
                        check(&fields)?;
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
    Ok(fields)
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

/// Bytes reading a parameter's values copies (at most: `${a[1]}` is counted as all of `a`).
fn parameter_cost(state: &ShellState, parameter: &Parameter) -> usize {
    match parameter {
        Parameter::Positional(n) => state
            .positional
            .get((*n as usize).wrapping_sub(1))
            .map_or(0, |v| super::budget::string_cost(v)),
        Parameter::Special(SpecialParameter::AllPositionalParameters { .. }) => state
            .positional
            .iter()
            .map(|v| super::budget::string_cost(v))
            .sum(),
        Parameter::Named(name)
        | Parameter::NamedWithIndex { name, .. }
        | Parameter::NamedWithAllIndices { name, .. } => state.get(name).map_or(0, Value::cost),
        Parameter::Special(_) => 64,
    }
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
            let value = state.get(name)?;
            let index = arith::evaluate_index(index, state).ok()?;
            let index = if index < 0 {
                value.to_end() as i64 + index
            } else {
                index
            };
            let index = usize::try_from(index).ok()?;
            match value {
                Value::Array(items) => items.get(index).cloned(),
                Value::Scalar(text) if index == 0 => Some(text.clone()),
                Value::Scalar(_) => None,
            }
            .map(|v| vec![v])
        }
        Parameter::NamedWithAllIndices { name, .. } => {
            Some(state.get(name).map(Value::values).unwrap_or_default())
        }
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
        Some(l) => start.saturating_add(l).min(len),
    };
    items[start as usize..end.max(start) as usize].to_vec()
}

/// `${x/p/r}` and its kinds: the result is built piece by piece, each piece taken from the
/// budget's room first (`${x//a/$x}` squares a value), with the wall clock checked as it goes.
fn replace(
    value: &str,
    pattern_text: &str,
    replacement: &str,
    kind: &SubstringMatchKind,
    budget: &Budget,
) -> Result<String, Stop> {
    /// Matches replaced between two looks at the line's limits.
    const MATCHES_PER_CHECK: usize = 256;
    let Some(regex) = pattern::regex(pattern_text, kind) else {
        return Ok(value.to_string());
    };
    let mut out = String::new();
    let mut last = 0;
    for (count, found) in regex.find_iter(value).enumerate() {
        if found.is_empty()
            && !matches!(
                kind,
                SubstringMatchKind::Prefix | SubstringMatchKind::Suffix
            )
        {
            // bash replaces nothing for an empty match inside the text.
            continue;
        }
        if count % MATCHES_PER_CHECK == MATCHES_PER_CHECK - 1 {
            budget.check()?;
        }
        let piece = found.start() - last + replacement.len();
        budget.room(out.len().saturating_add(piece))?;
        out.push_str(&value[last..found.start()]);
        out.push_str(replacement);
        last = found.end();
        if !matches!(kind, SubstringMatchKind::Anywhere) {
            break;
        }
    }
    budget.room(out.len().saturating_add(value.len() - last))?;
    out.push_str(&value[last..]);
    Ok(out)
}

/// `${x:offset:length}` of one value, counted in characters, without copying the value.
fn substring(text: &str, offset: i64, length: Option<i64>) -> String {
    let count = text.chars().count() as i64;
    let start = if offset < 0 {
        (count + offset).max(0)
    } else {
        offset.min(count)
    };
    let end = match length {
        None => count,
        Some(l) if l < 0 => (count + l).max(start),
        Some(l) => start.saturating_add(l).min(count),
    };
    let byte_at = |n: i64| {
        text.char_indices()
            .nth(n as usize)
            .map_or(text.len(), |(i, _)| i)
    };
    let from = byte_at(start);
    let to = if end <= start { from } else { byte_at(end) };
    text[from..to].to_string()
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
        let budget = Budget::unlimited();
        let split = |chunks, ifs| texts(split_fields(chunks, ifs, &budget, 0).unwrap());
        assert_eq!(
            split(vec![chunk("  a b\tc ", false)], " \t\n"),
            ["a", "b", "c"]
        );
        assert_eq!(
            split(vec![chunk("a:b::c", false)], ":"),
            ["a", "b", "", "c"]
        );
        assert_eq!(split(vec![chunk("", true)], " "), [""]);
        assert!(split(vec![chunk("", false)], " ").is_empty());
    }

    #[test]
    fn splitting_into_many_fields_is_charged() {
        let budget = Budget::new(1 << 20);
        let text = "a ".repeat(100_000);
        let split = split_fields(vec![chunk(&text, false)], " ", &budget, 0);
        assert_eq!(split.err(), Some(Stop::Memory));
    }

    #[test]
    fn substrings_and_replacements() {
        assert_eq!(substring("héllo", 1, Some(3)), "éll");
        assert_eq!(substring("hello", -3, None), "llo");
        assert_eq!(substring("hello", 2, Some(-1)), "ll");
        assert_eq!(substring("hello", 9, None), "");
        let budget = Budget::unlimited();
        let kind = |k| replace("a.b.c", ".", "-", &k, &budget).unwrap();
        assert_eq!(kind(SubstringMatchKind::Anywhere), "a-b-c");
        assert_eq!(kind(SubstringMatchKind::FirstOccurrence), "a-b.c");
        assert_eq!(
            replace("abc", "", "y", &SubstringMatchKind::Prefix, &budget).unwrap(),
            "yabc"
        );
        assert_eq!(
            replace("abc", "", "y", &SubstringMatchKind::Anywhere, &budget).unwrap(),
            "abc"
        );
        let small = Budget::new(1 << 20);
        let squared = replace(
            &"a".repeat(4096),
            "a",
            &"a".repeat(4096),
            &SubstringMatchKind::Anywhere,
            &small,
        );
        assert_eq!(squared.err(), Some(Stop::Memory));
    }

    #[test]
    fn ansi_c_escapes() {
        assert_eq!(ansi_c(r"a\tb\n\x41\101\'"), "a\tb\nAA'");
    }
}
