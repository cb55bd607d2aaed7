//! Word expansion, in sh's order: braces, tilde, parameters ([`super::parameter`]), command
//! substitution and arithmetic, then field splitting on IFS, pathname expansion against the
//! zones, and quote removal. Words come as text from brush-parser's AST and are parsed into
//! pieces here.

use super::arith;
use super::brace::brace_expand;
use super::budget::{Budget, Stop};
use super::exec::{Interp, Io, Unwind};
use super::pattern;
use super::state::ShellState;
use crate::shell::parser_options as options;
use crate::upstream::guarded;
use brush_parser::ast::Word;
use brush_parser::word::{
    Parameter, ParameterExpr, SpecialParameter, TildeExpr, WordPiece, WordPieceWithSource,
};
use std::future::Future;
use std::pin::Pin;

/// Text produced by expansion, with what later steps may do to it.
#[derive(Debug, Clone)]
pub(super) struct Chunk {
    pub(super) text: String,
    /// Quoted text is neither split nor globbed.
    pub(super) quoted: bool,
    /// Unquoted results of expansions are split on IFS; literal text is not.
    pub(super) splittable: bool,
}

#[derive(Debug, Clone)]
pub(super) enum Piece {
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
                // `x=~/bin:~/lib` as an argument: tildes after `=` and `:` expand, as in
                // an assignment.
                if let Some(expanded) = super::assign::assignment_word_tildes(state, &text) {
                    held = held.saturating_add(super::budget::string_cost(&expanded));
                    fields.push(expanded);
                    continue;
                }
                let pieces = self.expand_text(state, io, &text, false).await?;
                let ifs = state.ifs();
                let split = split_fields(pieces, &ifs, &self.budget, held)
                    .map_err(|stop| self.stopped_by(stop))?;
                for field in split {
                    for path in self.glob_field(state, io, field)? {
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
        self.expand_matching(state, io, text, pattern::escape).await
    }

    /// Expands the right side of `[[ x =~ re ]]`: quoted parts (and a tilde's expansion)
    /// match literally.
    pub(crate) async fn expand_regex(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
    ) -> Result<String, Unwind> {
        self.expand_matching(state, io, text, regex::escape).await
    }

    /// A word expanded into a matcher's syntax, its quoted parts made literal by `literal`.
    async fn expand_matching(
        &self,
        state: &mut ShellState,
        io: &Io,
        text: &str,
        literal: fn(&str) -> String,
    ) -> Result<String, Unwind> {
        let pieces = self.expand_text(state, io, text, false).await?;
        Ok(pieces
            .iter()
            .map(|p| match p {
                Piece::Chunk(c) if c.quoted => literal(&c.text),
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

    pub(super) fn expand_text<'f>(
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
            let mut after_dollar = false;
            for piece in pieces {
                self.check_limits()?;
                let before = out.len();
                let dollar_last = matches!(&piece.piece, WordPiece::Text(t) if t.ends_with('$'));
                let literal = |text: String| {
                    Piece::Chunk(Chunk {
                        text,
                        quoted,
                        splittable: false,
                    })
                };
                match piece.piece {
                    // What brush-parser could not read as an expansion stays text, `$` then
                    // `{…}`: bash calls `${a&}`, `${#x-d}`, `${#v:1:3}` bad substitutions.
                    WordPiece::Text(text) if after_dollar && text.starts_with('{') => {
                        return Err(self.fail_expansion(io, &format!("${text}: bad substitution")));
                    }
                    WordPiece::Text(text) => out.push(literal(text)),
                    // Inside double quotes (`"${x:-'b'}"`) single quotes are characters.
                    WordPiece::SingleQuotedText(text) if quoted => {
                        out.push(literal(format!("'{text}'")))
                    }
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
                    // In double quotes (`"${x:-~}"`) a tilde is itself.
                    WordPiece::TildeExpansion(tilde) if quoted => {
                        out.push(quoted_chunk(tilde_text(&tilde)))
                    }
                    WordPiece::TildeExpansion(tilde) => {
                        out.push(quoted_chunk(expand_tilde(state, &tilde)))
                    }
                    WordPiece::ParameterExpansion(expr) => {
                        out.extend(self.expand_parameter(state, io, &expr, quoted).await?);
                    }
                    WordPiece::CommandSubstitution(program) => {
                        let text = self.command_output(state, io, &program).await?;
                        out.push(result_chunk(text, quoted));
                    }
                    WordPiece::BackquotedCommandSubstitution(body) => {
                        let program = crate::shell::parse::backquoted(&body, quoted);
                        let text = self.command_output(state, io, &program).await?;
                        out.push(result_chunk(text, quoted));
                    }
                    WordPiece::ArithmeticExpression(expr) => {
                        if let Some(message) = arith::unquoted_error(&expr.value) {
                            return Err(self.fail_expansion(io, &message));
                        }
                        let text = self.expand_string(state, io, &expr.value).await?;
                        let value = arith::evaluate(&text, state)
                            .map_err(|e| self.fail_expansion(io, &e))?;
                        out.push(result_chunk(value.to_string(), quoted));
                    }
                }
                after_dollar = dollar_last;
                let size = held.bytes().saturating_add(pieces_size(&out[before..]));
                if held.resize(size).is_err() {
                    return Err(self.out_of_memory());
                }
            }
            Ok(out)
        })
    }

    /// Prints an expansion error and unwinds as bash does: the rest of the complete command is
    /// abandoned with status 1.
    pub(crate) fn fail_expansion(&self, io: &Io, message: &str) -> Unwind {
        // A loop stopped by the line's wall clock or memory budget: that limit ends the line.
        if let Err(unwind) = self.check_limits() {
            return unwind;
        }
        io.report(&format!("sh: {message}\n"));
        if message.ends_with(super::arith::UNBOUND) {
            return Unwind::Exit(127);
        }
        // bash abandons the rest of the complete command and goes on with the next.
        Unwind::Abort(1)
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

    /// Pathname expansion of one field against the zones; the field itself when nothing matches
    /// (nothing with `nullglob`; with `failglob` the shell ends with status 1, as bash's does).
    fn glob_field(
        &self,
        state: &ShellState,
        io: &Io,
        field: Vec<Chunk>,
    ) -> Result<Vec<String>, Unwind> {
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
            pattern::GlobOptions::of(&state.options),
            &self.budget,
        )
        .map_err(|stop| self.stopped_by(stop))?;
        if matches.is_empty() && state.options.failglob {
            io.report(&format!("sh: no match: {literal}\n"));
            return Err(Unwind::Exit(1));
        }
        Ok(if matches.is_empty() && !state.options.nullglob {
            vec![literal]
        } else {
            matches
        })
    }
}

pub(super) fn quoted_chunk(text: String) -> Piece {
    Piece::Chunk(Chunk {
        text,
        quoted: true,
        splittable: false,
    })
}

/// The result of an expansion: split and globbed unless quoted.
pub(super) fn result_chunk(text: String, quoted: bool) -> Piece {
    Piece::Chunk(Chunk {
        text,
        quoted,
        splittable: !quoted,
    })
}

/// Bytes the pieces hold.
pub(super) fn pieces_size(pieces: &[Piece]) -> usize {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Chunk(c) => super::budget::string_cost(&c.text),
            Piece::FieldBreak => super::budget::ITEM_OVERHEAD,
        })
        .sum()
}

pub(super) fn join_pieces(pieces: &[Piece]) -> String {
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
pub(super) fn split_fields(
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
    // IFS whitespace just ended a field: a non-whitespace IFS character after it belongs to
    // the same delimiter (`a _ b` is two fields, not three).
    let mut closed_by_blank = false;
    for piece in pieces {
        match piece {
            // An unquoted empty value between breaks is no field (`$@` of `'' ''`).
            Piece::FieldBreak => {
                if let Some(done) = current.take() {
                    fields.push(done);
                }
                closed_by_blank = false;
                check(&fields)?;
            }
            Piece::Chunk(chunk) if !chunk.splittable => {
                closed_by_blank = false;
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
                                closed_by_blank = true;
                            }
                        } else if let Some(done) = current.take() {
                            fields.push(done);
                            closed_by_blank = false;
                        } else if closed_by_blank {
                            closed_by_blank = false;
                        } else {
                            fields.push(Vec::new());
                        }
                        check(&fields)?;
                    } else {
                        closed_by_blank = false;
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

pub(super) fn expand_tilde(state: &ShellState, tilde: &TildeExpr) -> String {
    let var = |name: &str| state.get(name).map(|v| v.scalar().to_string());
    match tilde {
        TildeExpr::Home => var("HOME").unwrap_or_else(|| "~".to_string()),
        TildeExpr::WorkingDir => state.cwd.clone(),
        TildeExpr::OldWorkingDir => var("OLDPWD").unwrap_or_else(|| "~-".to_string()),
        other => tilde_text(other),
    }
}

/// A tilde prefix as it was written.
fn tilde_text(tilde: &TildeExpr) -> String {
    match tilde {
        TildeExpr::Home => "~".to_string(),
        TildeExpr::UserHome(user) => format!("~{user}"),
        TildeExpr::WorkingDir => "~+".to_string(),
        TildeExpr::OldWorkingDir => "~-".to_string(),
        TildeExpr::NthDirFromTopOfDirStack { n, plus_used } => {
            format!("~{}{n}", if *plus_used { "+" } else { "" })
        }
        TildeExpr::NthDirFromBottomOfDirStack { n } => format!("~-{n}"),
    }
}

/// `$@` or `${a[@]}` alone: a piece that expands to one field per value, or none.
fn is_field_list(piece: &WordPiece) -> bool {
    let WordPiece::ParameterExpansion(expr) = piece else {
        return false;
    };
    !matches!(expr, ParameterExpr::ParameterLength { .. })
        && super::subscript::target(expr).is_some_and(|(parameter, indirect)| {
            !indirect && is_all(parameter) && !concatenates(parameter)
        })
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
            Some(kind @ ('u' | 'U')) => {
                let width = if kind == 'u' { 4 } else { 8 };
                let hex: String = std::iter::from_fn(|| chars.next_if(|c| c.is_ascii_hexdigit()))
                    .take(width)
                    .collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(c) => out.push(c),
                    None => {
                        out.push('\\');
                        out.push(kind);
                        out.push_str(&hex);
                    }
                }
            }
            // `\cX`: the control character of X.
            Some('c') => match chars.next() {
                Some(x) if x.is_ascii() => {
                    out.push(char::from(x.to_ascii_uppercase() as u8 & 0x1f))
                }
                Some(x) => out.push(x),
                None => out.push_str("\\c"),
            },
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

/// `$@`, `$*`, `${a[@]}`, `${a[*]}`: parameters that stand for several values.
pub(super) fn is_all(parameter: &Parameter) -> bool {
    matches!(
        parameter,
        Parameter::Special(SpecialParameter::AllPositionalParameters { .. })
            | Parameter::NamedWithAllIndices { .. }
    )
}

pub(super) fn concatenates(parameter: &Parameter) -> bool {
    matches!(
        parameter,
        Parameter::Special(SpecialParameter::AllPositionalParameters { concatenate: true })
            | Parameter::NamedWithAllIndices {
                concatenate: true,
                ..
            }
    )
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
    fn ansi_c_escapes() {
        assert_eq!(ansi_c(r"a\tb\n\x41\101\'"), "a\tb\nAA'");
        assert_eq!(
            ansi_c(r"\u03bc\U0001F600\cA\ca"),
            "\u{3bc}\u{1F600}\x01\x01"
        );
    }
}
