//! Parsing a command line into brush-parser's typed AST, with errors placed under the line.

use super::ParseError;
use brush_parser::ast::Program;
use brush_parser::{ParserOptions, SourcePosition, Token};

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

/// The command text of `` `…` ``, as POSIX reads it: a backslash stays only where it does not
/// quote `$`, `` ` `` or `\` (or `"` when the backquotes stand inside double quotes); there
/// it is removed. The router and the interpreter both read backquotes through this, so they
/// parse the same command.
pub(crate) fn backquoted(body: &str, in_double_quotes: bool) -> String {
    let mut text = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && (matches!(next, '$' | '`' | '\\') || (in_double_quotes && next == '"'))
        {
            text.push(next);
            chars.next();
            continue;
        }
        text.push(c);
    }
    text
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
    if line.contains(MARK) {
        return Err(ParseError {
            line: line.replace(MARK, "\u{fffd}"),
            position: line.find(MARK).unwrap_or(0),
            message: "the command line contains a \\x01 byte, which the zonebox shell reserves; \
                      write it as $'\\x01'"
                .to_string(),
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
    // Shapes brush-parser would panic on, or take the host's stack, memory or time for.
    let refused = |position: usize, message: String| ParseError {
        line: line.to_string(),
        position,
        message,
        incomplete: false,
    };
    if let Some(position) = out_of_range_number(line) {
        return Err(refused(
            position,
            "a number past 64 bits in a brace range, after ~ or as a file descriptor".into(),
        ));
    }
    match shape(line) {
        Err(Shape::TooMany(position)) => {
            return Err(refused(
                position,
                format!(
                    "the line holds more than {MAX_TOKENS} words and operators; split it into \
                     several lines or sessions' lines"
                ),
            ));
        }
        Err(Shape::ParametersTooDeep(position)) => {
            return Err(refused(
                position,
                format!(
                    "parameter expansions ${{…}} nest deeper than {MAX_PARAMETER_NESTING} levels \
                     here"
                ),
            ));
        }
        Err(Shape::TooDeep(position)) => {
            return Err(refused(
                position,
                format!(
                    "brackets, braces, substitutions, compound commands and ! nest deeper than \
                     {MAX_NESTING} levels here"
                ),
            ));
        }
        Ok(()) => {}
    }
    let mut parser = brush_parser::Parser::new(line.as_bytes(), &options());
    // The parser recurses once per nesting level: give it room beyond the thread's stack.
    let parsed = guarded(|| {
        stacker::maybe_grow(256 * 1024, 16 * 1024 * 1024, || match rewritten(line) {
            Some(tokens) => brush_parser::parse_tokens(&tokens, &options()),
            None => parser.parse_program(),
        })
    });
    match parsed {
        Some(result) => result.map_err(|error| located(line, &error)),
        None => Err(ParseError {
            line: line.to_string(),
            position: 0,
            message: "the parser could not read this line (a number or construct out of its \
                      range)"
                .to_string(),
            incomplete: false,
        }),
    }
}

use crate::upstream::guarded;

/// What marks the words the parser is handed for what brush-parser does not read: the name of
/// a `for` that is a `select`, and a `{name}` before a redirect. A line holding it is refused.
pub(crate) const MARK: char = '\u{1}';

/// What the name of a `for` starts with when the loop is a `select`.
pub(crate) const SELECT_MARK: char = MARK;

/// What the name of a `for` starts with when its `in` has no words (`for i in ; do`, which
/// brush-parser reads as `for i; do`, over the positional parameters).
pub(crate) const EMPTY_LIST_MARK: &str = "\u{1}\u{1}";

/// The variable of a `{name}>file` redirect, when `word` is the marked word standing for it
/// (it comes just before the redirect among the command's words).
pub(crate) fn named_fd(word: &str) -> Option<&str> {
    word.strip_prefix(MARK)
}

/// The line's tokens rewritten where brush-parser does not read bash (`None`: nothing to
/// rewrite, or the line does not tokenize and the parser says why): each `select NAME` at a
/// command's start becomes `for` with the name marked with [`SELECT_MARK`] (both loops have
/// one shape), each `{name}` glued to a redirect operator becomes the word [`MARK`]`name`,
/// and `for NAME in ;` loses its `in`, the name marked with [`EMPTY_LIST_MARK`].
fn rewritten(line: &str) -> Option<Vec<Token>> {
    if !line.contains("select") && !line.contains('{') && !line.contains(" in") {
        return None;
    }
    let mut tokens =
        brush_parser::uncached_tokenize_str(line, &options().tokenizer_options()).ok()?;
    let mut dropped = Vec::new();
    for at in 0..tokens.len() {
        if matches!(&tokens[at], Token::Word(w, _) if w == "for")
            && (at == 0 || starts_command_after(&tokens[at - 1]))
            && matches!(tokens.get(at + 1), Some(Token::Word(name, _)) if is_plain_name(name))
            && matches!(tokens.get(at + 2), Some(Token::Word(w, _)) if w == "in")
            && matches!(tokens.get(at + 3), Some(Token::Operator(op, _)) if op == ";" || op == "\n")
        {
            if let Some(Token::Word(name, _)) = tokens.get_mut(at + 1) {
                name.insert_str(0, EMPTY_LIST_MARK);
            }
            dropped.push(at + 2);
            continue;
        }
        if let (Token::Word(word, word_at), Some(Token::Operator(op, op_at))) =
            (&tokens[at], tokens.get(at + 1))
            && op.starts_with(['<', '>'])
            && word_at.end.index == op_at.start.index
            && let Some(name) = word.strip_prefix('{').and_then(|w| w.strip_suffix('}'))
            && is_plain_name(name)
        {
            let marked_word = format!("{MARK}{name}");
            if let Token::Word(word, _) = &mut tokens[at] {
                *word = marked_word;
            }
            continue;
        }
        let starts_command = at == 0 || starts_command_after(&tokens[at - 1]);
        let is_select = matches!(&tokens[at], Token::Word(w, _) if w == "select");
        let named = matches!(tokens.get(at + 1), Some(Token::Word(name, _)) if is_plain_name(name));
        if !(starts_command && is_select && named) {
            continue;
        }
        if let Token::Word(word, _) = &mut tokens[at] {
            *word = "for".to_string();
        }
        if let Some(Token::Word(name, _)) = tokens.get_mut(at + 1) {
            name.insert(0, SELECT_MARK);
        }
    }
    for at in dropped.into_iter().rev() {
        tokens.remove(at);
    }
    // Once tokenized, the tokens are parsed as they are (not read a second time).
    Some(tokens)
}

/// Whether a word after `token` starts a command (where a keyword is one).
fn starts_command_after(token: &Token) -> bool {
    match token {
        Token::Operator(op, _) => matches!(
            op.as_str(),
            ";" | "&" | "&&" | "||" | "|" | "|&" | "\n" | "(" | ")" | ";;" | ";&" | ";;&"
        ),
        Token::Word(word, _) => matches!(
            word.as_str(),
            "do" | "then" | "else" | "elif" | "if" | "while" | "until" | "{" | "!" | "time"
        ),
    }
}

fn is_plain_name(word: &str) -> bool {
    let mut chars = word.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// How deeply `( { [ $( $((`, compound commands (`if`, `while`, `until`, `for`, `case`,
/// `select`) and `!` may nest in a line: brush-parser recurses once per level, on the host's
/// stack, where no unwinding helps.
pub(crate) const MAX_NESTING: usize = 200;

/// What makes a line too big to parse: nesting past [`MAX_NESTING`] (quotes and escapes
/// skipped; keywords counted wherever they stand as a word: a bound, not a parse), or more than
/// [`MAX_TOKENS`] words and operators (brush-parser holds about a kilobyte per token, so a
/// megabyte of `a;a;a;…` would take the host most of a gigabyte before any budget applies).
#[derive(Debug, PartialEq, Eq)]
enum Shape {
    TooDeep(usize),
    ParametersTooDeep(usize),
    TooMany(usize),
}

/// How deeply `${…}` may nest inside `${…}`: brush-parser's word parser backtracks through
/// every way a malformed nested expansion could be read, several times per level.
pub(crate) const MAX_PARAMETER_NESTING: usize = 8;

/// The most words and operators one parse may hold.
pub(crate) const MAX_TOKENS: usize = 32_768;

fn shape(line: &str) -> Result<(), Shape> {
    let mut tokens = 0usize;
    let mut depth = 0usize;
    let mut chars = line.char_indices();
    let mut in_double = false;
    let mut word = String::new();
    let mut word_start = 0;
    // Which open brackets are parameter expansions (`${`), and how many of those are open.
    let mut open: Vec<(char, bool)> = Vec::new();
    let mut parameters = 0usize;
    let mut prev = ' ';
    // Closes the plain word that ended before `at`: keywords open or close a level.
    let end_word = |word: &mut String, depth: &mut usize| {
        match word.as_str() {
            "if" | "while" | "until" | "for" | "case" | "select" | "!" => *depth += 1,
            "fi" | "done" | "esac" => *depth = depth.saturating_sub(1),
            _ => {}
        }
        word.clear();
    };
    while let Some((at, c)) = chars.next() {
        let plain = !in_double
            && !c.is_whitespace()
            && !matches!(
                c,
                ';' | '&'
                    | '|'
                    | '('
                    | ')'
                    | '<'
                    | '>'
                    | '{'
                    | '}'
                    | '['
                    | ']'
                    | '`'
                    | '\''
                    | '"'
                    | '\\'
            );
        let before = std::mem::replace(&mut prev, c);
        if plain {
            if word.is_empty() {
                word_start = at;
            }
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            tokens += 1;
        }
        end_word(&mut word, &mut depth);
        if depth + open.len() > MAX_NESTING {
            return Err(Shape::TooDeep(word_start));
        }
        if !in_double && matches!(c, ';' | '&' | '|' | '(' | ')' | '<' | '>') {
            tokens += 1;
        }
        if tokens > MAX_TOKENS {
            return Err(Shape::TooMany(at));
        }
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
            // A closing bracket closes only the bracket it matches: `]` cannot undo a `(`.
            ')' | '}' | ']' | '`' if open.last().is_some_and(|&(top, _)| closes(top, c)) => {
                let (_, parameter) = open.pop().unwrap_or((c, false));
                parameters -= usize::from(parameter);
            }
            '(' | '{' | '[' | '`' => {
                let parameter = c == '{' && before == '$';
                parameters += usize::from(parameter);
                open.push((c, parameter));
                if depth + open.len() > MAX_NESTING {
                    return Err(Shape::TooDeep(at));
                }
                if parameters > MAX_PARAMETER_NESTING {
                    return Err(Shape::ParametersTooDeep(at));
                }
            }
            _ => {}
        }
    }
    end_word(&mut word, &mut depth);
    if depth + open.len() > MAX_NESTING {
        return Err(Shape::TooDeep(word_start));
    }
    Ok(())
}

/// Whether `close` closes the bracket `open`.
fn closes(open: char, close: char) -> bool {
    matches!(
        (open, close),
        ('(', ')') | ('{', '}') | ('[', ']') | ('`', '`')
    )
}

/// Where a number past 64 bits stands in a brace range (`{1..N}`), after `~`, or as a file
/// descriptor (`N>`, `>&N`): brush-parser panics on those.
fn out_of_range_number(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        let digits = &line[start..at];
        let before = line[..start].trim_end_matches(['-', '+']);
        let after = &line[at..];
        // File descriptors are 32-bit in the parser, brace ranges and `~N` 64-bit.
        let descriptor = before.ends_with(['&', '<', '>']) || after.starts_with(['<', '>']);
        // Ranges, `~N` and `${N}`: after `{`, `..` or `~`, or before `..` or `}`. A decimal
        // point between digits (`12345678901234567890.5`, for bc) is neither.
        let decimal_point =
            after.starts_with('.') && after[1..].starts_with(|c: char| c.is_ascii_digit());
        let range = before.ends_with(['{', '~'])
            || before.ends_with("..")
            || after.starts_with('}')
            || (after.starts_with('.') && !decimal_point);
        if (descriptor && digits.parse::<i32>().is_err())
            || (range && digits.parse::<i64>().is_err())
        {
            return Some(start);
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
    fn backquotes_unescape_as_posix_says() {
        assert_eq!(
            backquoted(r"echo \$x \\ \z \\\$", false),
            r"echo $x \ \z \$"
        );
        assert_eq!(backquoted(r#"echo \"hi\""#, false), r#"echo \"hi\""#);
        assert_eq!(backquoted(r#"echo \"hi\""#, true), r#"echo "hi""#);
    }

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
    fn deep_keywords_and_bangs_are_refused_before_parsing() {
        let ifs = format!(
            "{}echo deep{}",
            "if true; then ".repeat(300),
            "; fi".repeat(300)
        );
        assert!(parse(&ifs).unwrap_err().message.contains("nest deeper"));
        let loops = format!(
            "{}:{}",
            "while false; do ".repeat(300),
            "; done".repeat(300)
        );
        assert!(parse(&loops).unwrap_err().message.contains("nest deeper"));
        let bangs = format!("[[ {} -n x ]]", "! ".repeat(20_000));
        assert!(parse(&bangs).unwrap_err().message.contains("nest deeper"));
        // Sequences of closed constructs and `!=` are no nesting.
        let many = "if true; then :; fi; ".repeat(1000) + "[[ a != b ]]";
        assert!(parse(&many).is_ok());
        // A closing bracket of another kind does not undo an opening one.
        let mixed = format!("(( 1 + {}1", "]2( 1 + ".repeat(300));
        let started = std::time::Instant::now();
        assert!(parse(&mixed).unwrap_err().message.contains("nest deeper"));
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        let fine = format!(
            "{}echo ok{}",
            "if true; then ".repeat(150),
            "; fi".repeat(150)
        );
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn numbers_past_64_bits_where_the_parser_would_panic_are_refused() {
        for line in [
            "echo {1..99999999999999999999}",
            "echo {99999999999999999999..1}",
            "echo {1..5..99999999999999999999}",
            "echo ~99999999999999999999",
            "echo ~+99999999999999999999",
            "echo hi 99999999999999999999>&2",
            "echo hi >&99999999999999999999",
            "echo hi 9999999999999>&2",
            "cat 4294967296<x",
        ] {
            let error = parse(line).unwrap_err();
            assert!(error.message.contains("64 bits"), "{line}: {error}");
        }
        assert!(parse("echo 99999999999999999999999 {1..3}").is_ok());
        assert!(parse("echo 'x=12345678901234567890.12345; x' | bc").is_ok());
        assert!(parse("echo 12345678901234567890.5 .12345678901234567890").is_ok());
        for line in [
            "echo ${99999999999999999999999999#x}",
            "echo {1..9999999999999999999999\\999}",
            "echo {99999999999999999999.5..1}",
        ] {
            assert!(parse(line).is_err(), "{line}");
        }
    }

    #[test]
    fn parameter_expansions_nest_at_most_eight_deep() {
        let deep = format!("echo {}0{}", "${x".repeat(9), "}".repeat(9));
        assert!(parse(&deep).unwrap_err().message.contains("nest deeper"));
        let fine = format!("echo {}0{}", "${x:-".repeat(8), "}".repeat(8));
        assert!(parse(&fine).is_ok());
        let quoted = format!("echo \"{}0{}\"", "${x:-".repeat(9), "}".repeat(9));
        assert!(parse(&quoted).is_err());
    }

    #[test]
    fn lines_of_too_many_tokens_are_refused_before_parsing() {
        let many = "e;".repeat(MAX_TOKENS);
        assert!(
            parse(&many)
                .unwrap_err()
                .message
                .contains("words and operators")
        );
        let fine = "e;".repeat(MAX_TOKENS / 4);
        assert!(parse(&fine).is_ok());
        // One long word is one token.
        assert!(parse(&format!("echo {}", "a".repeat(1 << 20))).is_ok());
    }

    #[test]
    fn select_reads_as_a_marked_for_only_where_a_command_starts() {
        let program = super::parse("select x in a b; do break; done").unwrap();
        assert!(format!("{program:?}").contains("\\u{1}x"));
        let program = super::parse("echo select x").unwrap();
        assert!(!format!("{program:?}").contains("\\u{1}"));
    }

    #[test]
    fn nul_bytes_are_refused() {
        assert!(parse("echo a\0b").unwrap_err().message.contains("NUL"));
    }
}
