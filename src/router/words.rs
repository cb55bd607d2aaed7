//! Words as far as they are known before the line runs: brace expansion and quote removal give
//! literal fields (`py''thon3`, `"python3"`, `\python3` and `$'python3'` are all `python3`);
//! anything that expands (`$x`, `$(…)`, `~`, a glob) is dynamic. Also finds every command
//! substitution inside a word, at any depth, for the walker to route.

use crate::shell::interp::{Budget, Escaped, ansi_c, brace_expand, escape, string_cost};
use crate::shell::parser_options as options;
use crate::upstream::guarded;
use brush_parser::word::{WordPiece, WordPieceWithSource};

/// One field of a word after brace expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Field {
    /// The field's text, when it is known before the line runs.
    pub(super) literal: Option<String>,
    /// The source text (brace-expanded), for explanations.
    pub(super) source: String,
}

impl Field {
    pub(super) fn is(&self, text: &str) -> bool {
        self.literal.as_deref() == Some(text)
    }
}

/// How many bytes brace expansion may make of one line's words while it is routed: past it a
/// word stays one field, known only at run time (where the line's own budget applies).
pub(super) const BRACE_BYTES: usize = 16 << 20;

/// The fields of one word (brace expansions charged to `budget`).
pub(super) fn fields(word: &str, budget: &Budget) -> Vec<Field> {
    // The fields live as long as the walk: spent from its budget (a line of many such words
    // stops expanding once it is spent).
    let spent = brace_expand(word, budget).and_then(|expanded| {
        budget.spend(expanded.iter().map(|f| string_cost(f)).sum())?;
        Ok(expanded)
    });
    match spent {
        Ok(expanded) => expanded
            .into_iter()
            .map(|source| Field {
                literal: literal_text(&source),
                source,
            })
            .collect(),
        Err(_) => vec![Field {
            literal: None,
            source: word.to_string(),
        }],
    }
}

/// The fields of several words, in order.
pub(super) fn all_fields<'w>(
    words: impl IntoIterator<Item = &'w str>,
    budget: &Budget,
) -> Vec<Field> {
    words.into_iter().flat_map(|w| fields(w, budget)).collect()
}

/// The text of a word without quotes, or `None` when it expands at run time (parameters,
/// substitutions, arithmetic, tilde, or an unquoted glob).
pub(super) fn literal_text(text: &str) -> Option<String> {
    let pieces = guarded(|| brush_parser::word::parse(text, &options()))?.ok()?;
    let mut out = String::new();
    literal_pieces(&pieces, false, &mut out).then_some(out)
}

fn literal_pieces(pieces: &[WordPieceWithSource], quoted: bool, out: &mut String) -> bool {
    for piece in pieces {
        match &piece.piece {
            WordPiece::Text(text) => {
                if !quoted && is_pattern(text) {
                    return false;
                }
                out.push_str(text);
            }
            WordPiece::SingleQuotedText(text) => out.push_str(text),
            WordPiece::AnsiCQuotedText(text) => out.push_str(&ansi_c(text)),
            WordPiece::EscapeSequence(text) => match escape(text, quoted) {
                Some(Escaped::Kept(text) | Escaped::Unescaped(text)) => out.push_str(text),
                None => {}
            },
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => {
                if !literal_pieces(inner, true, out) {
                    return false;
                }
            }
            WordPiece::TildeExpansion(_)
            | WordPiece::ParameterExpansion(_)
            | WordPiece::CommandSubstitution(_)
            | WordPiece::BackquotedCommandSubstitution(_)
            | WordPiece::ArithmeticExpression(_) => return false,
        }
    }
    true
}

/// Unquoted text that pathname expansion may change: `*`, `?`, or a `[…]` bracket (a lone `[`,
/// as in `[ -f x ]`, is literal).
fn is_pattern(text: &str) -> bool {
    text.contains(['*', '?'])
        || text
            .find('[')
            .is_some_and(|open| text[open + 1..].contains(']'))
}

/// A word whose substitutions cannot be read (the shell will refuse it as a bad substitution;
/// the router treats what it might run as dynamic).
#[derive(Debug)]
pub(super) struct Unreadable;

/// The program texts of every `$(…)` and `` `…` `` in a word, including those nested in
/// parameter expansions (`${x:-$(cmd)}`) and arithmetic (`$(( $(cmd) + 1 ))`).
pub(super) fn substitutions(text: &str) -> Result<Vec<String>, Unreadable> {
    let mut found = Vec::new();
    if might_substitute(text) {
        let pieces = guarded(|| brush_parser::word::parse(text, &options()))
            .and_then(Result::ok)
            .ok_or(Unreadable)?;
        collect(&pieces, false, &mut found)?;
    }
    Ok(found)
}

/// Substitutions in a here-document body that expands (its delimiter was not quoted).
pub(super) fn heredoc_substitutions(text: &str) -> Result<Vec<String>, Unreadable> {
    let mut found = Vec::new();
    if might_substitute(text) {
        let pieces = guarded(|| brush_parser::word::parse_heredoc(text, &options()))
            .and_then(Result::ok)
            .ok_or(Unreadable)?;
        collect(&pieces, false, &mut found)?;
    }
    Ok(found)
}

/// Only `$` and backquotes start substitutions: most words are skipped without parsing.
fn might_substitute(text: &str) -> bool {
    text.contains(['$', '`'])
}

fn collect(
    pieces: &[WordPieceWithSource],
    quoted: bool,
    found: &mut Vec<String>,
) -> Result<(), Unreadable> {
    for piece in pieces {
        match &piece.piece {
            WordPiece::CommandSubstitution(program) => found.push(program.clone()),
            // Read as the interpreter reads them.
            WordPiece::BackquotedCommandSubstitution(body) => {
                found.push(crate::shell::parse::backquoted(body, quoted))
            }
            WordPiece::DoubleQuotedSequence(inner)
            | WordPiece::GettextDoubleQuotedSequence(inner) => collect(inner, true, found)?,
            WordPiece::ArithmeticExpression(expr) => found.extend(substitutions(&expr.value)?),
            WordPiece::ParameterExpansion(expr) => {
                // Every text nested in the expansion (defaults, patterns, offsets) may itself
                // hold substitutions; serde reaches all of them, whatever the variant.
                let tree = serde_json::to_value(expr).map_err(|_| Unreadable)?;
                for nested in nested_strings(&tree) {
                    found.extend(substitutions(nested)?);
                }
            }
            WordPiece::Text(_)
            | WordPiece::SingleQuotedText(_)
            | WordPiece::AnsiCQuotedText(_)
            | WordPiece::EscapeSequence(_)
            | WordPiece::TildeExpansion(_) => {}
        }
    }
    Ok(())
}

fn nested_strings(value: &serde_json::Value) -> Vec<&str> {
    match value {
        serde_json::Value::String(text) if might_substitute(text) => vec![text.as_str()],
        serde_json::Value::Array(items) => items.iter().flat_map(nested_strings).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(nested_strings).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_removed_and_expansions_are_dynamic() {
        for word in [
            "python3",
            "py''thon3",
            "\"python3\"",
            "\\python3",
            "$'python3'",
            "p\"y\"thon3",
        ] {
            assert_eq!(literal_text(word).as_deref(), Some("python3"), "{word}");
        }
        for word in [
            "$p",
            "$(echo python3)",
            "`x`",
            "~/bin/x",
            "py*",
            "${p:-python3}",
        ] {
            assert_eq!(literal_text(word), None, "{word}");
        }
        assert_eq!(literal_text("'*'").as_deref(), Some("*"));
    }

    #[test]
    fn braces_make_fields() {
        let fields = fields("{python3,-c,1}", &Budget::new(BRACE_BYTES));
        let texts: Vec<_> = fields.iter().map(|f| f.literal.clone().unwrap()).collect();
        assert_eq!(texts, ["python3", "-c", "1"]);
    }

    #[test]
    fn substitutions_are_found_at_any_depth() {
        assert_eq!(substitutions("a$(b)c`d`").unwrap(), ["b", "d"]);
        assert_eq!(
            substitutions("\"${x:-$(python3 -V)}\"").unwrap(),
            ["python3 -V"]
        );
        assert_eq!(
            substitutions("$(( $(git rev-list --count HEAD) + 1 ))").unwrap(),
            ["git rev-list --count HEAD"]
        );
        assert!(substitutions("plain").unwrap().is_empty());
        assert!(substitutions("'$(not)'").unwrap().is_empty());
    }
}
