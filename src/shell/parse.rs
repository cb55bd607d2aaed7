//! Parsing a command line into brush-parser's typed AST, with errors placed under the line.

use super::ParseError;
use brush_parser::ast::Program;
use brush_parser::{ParserOptions, SourcePosition};

/// The parser options zonebox uses everywhere: bash syntax (as agents write it), with extglob.
pub(crate) fn options() -> ParserOptions {
    ParserOptions {
        enable_extended_globbing: true,
        posix_mode: false,
        sh_mode: false,
        tilde_expansion_at_word_start: true,
        tilde_expansion_after_colon: false,
        parser_impl: brush_parser::ParserImpl::Peg,
    }
}

/// Parses a whole command line (any number of lines) into a program.
pub fn parse(line: &str) -> Result<Program, ParseError> {
    if line.trim().is_empty() {
        return Err(ParseError {
            line: line.to_string(),
            position: 0,
            message: "empty command line: give a command to run".to_string(),
            incomplete: false,
        });
    }
    if line.contains('\0') {
        return Err(ParseError {
            line: line.replace('\0', "\u{fffd}"),
            position: line.find('\0').unwrap_or(0),
            message: "the command line contains a NUL byte, which no shell word can hold"
                .to_string(),
            incomplete: false,
        });
    }
    if let Some(position) = too_deep(line) {
        return Err(ParseError {
            line: line.to_string(),
            position,
            message: format!(
                "brackets, braces and substitutions nest deeper than {MAX_NESTING} levels here"
            ),
            incomplete: false,
        });
    }
    let mut parser = brush_parser::Parser::new(line.as_bytes(), &options());
    // The parser recurses once per nesting level: give it room beyond the thread's stack.
    stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || parser.parse_program())
        .map_err(|error| located(line, &error))
}

/// How deeply `( { [ $( $((` may nest in a line.
pub(crate) const MAX_NESTING: usize = 200;

/// Where a line first nests deeper than [`MAX_NESTING`] (quotes and escapes skipped).
fn too_deep(line: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = line.char_indices();
    let mut in_double = false;
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\'' if !in_double => {
                for (_, q) in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                }
            }
            '"' => in_double = !in_double,
            '(' | '{' | '[' | '`' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(at);
                }
            }
            ')' | '}' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn located(line: &str, error: &brush_parser::ParseError) -> ParseError {
    use brush_parser::TokenizerError as T;
    let incomplete = match error {
        brush_parser::ParseError::ParsingAtEndOfInput => true,
        brush_parser::ParseError::Tokenizing { inner, .. } => matches!(
            inner,
            T::UnterminatedEscapeSequence
                | T::UnterminatedSingleQuote(_)
                | T::UnterminatedAnsiCQuote(_)
                | T::UnterminatedDoubleQuote(_)
                | T::UnterminatedBackquote(_)
                | T::UnterminatedExtendedGlob(_)
                | T::UnterminatedVariable
                | T::UnterminatedCommandSubstitution
                | T::UnterminatedExpansion
                | T::UnterminatedHereDocuments(..)
                | T::MissingHereTagForDocumentBody
        ),
        brush_parser::ParseError::ParsingNear(_) => false,
    };
    let (position, message) = match error {
        brush_parser::ParseError::ParsingNear(at) => {
            (byte_offset(line, at), "syntax error near here".to_string())
        }
        brush_parser::ParseError::ParsingAtEndOfInput => (
            line.len(),
            "syntax error: the line ends before the command does (an unclosed if, loop, \
             group or quote?)"
                .to_string(),
        ),
        brush_parser::ParseError::Tokenizing { inner, position } => {
            use brush_parser::TokenizerError as T;
            let opened =
                |what: &str| format!("unterminated {what}: it opens here and never closes");
            match inner {
                T::UnterminatedSingleQuote(at) => (byte_offset(line, at), opened("single quote")),
                T::UnterminatedDoubleQuote(at) => (byte_offset(line, at), opened("double quote")),
                T::UnterminatedAnsiCQuote(at) => (byte_offset(line, at), opened("$'…' quote")),
                T::UnterminatedBackquote(at) => (byte_offset(line, at), opened("backquote")),
                T::UnterminatedExtendedGlob(at) => (byte_offset(line, at), opened("extended glob")),
                other => (
                    position
                        .as_ref()
                        .map_or(line.len(), |at| byte_offset(line, at)),
                    other.to_string(),
                ),
            }
        }
    };
    ParseError {
        line: line.to_string(),
        position,
        message,
        incomplete,
    }
}

/// The byte offset of a parser position (the parser counts characters).
fn byte_offset(line: &str, at: &SourcePosition) -> usize {
    line.char_indices()
        .nth(at.index)
        .map_or(line.len(), |(offset, _)| offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pipelines_lists_and_loops() {
        let program = parse("for f in a b; do echo $f | wc -c; done && ls > /tmp/x").unwrap();
        assert_eq!(program.complete_commands.len(), 1);
    }

    #[test]
    fn unbalanced_quotes_are_placed_errors() {
        let error = parse("echo 'abc").unwrap_err();
        assert!(error.to_string().contains('^'), "{error}");
        let error = parse("if true; then echo").unwrap_err();
        assert!(error.message.contains("ends before"), "{error}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let line = format!("echo {}x{}", "$(echo ".repeat(300), ")".repeat(300));
        assert!(parse(&line).unwrap_err().message.contains("nest deeper"));
        let line = format!("echo {}x{}", "$(echo ".repeat(100), ")".repeat(100));
        assert!(parse(&line).is_ok());
    }

    #[test]
    fn nul_bytes_are_refused() {
        assert!(parse("echo a\0b").unwrap_err().message.contains("NUL"));
    }
}
