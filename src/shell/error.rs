//! A command line that cannot be run: where, why, and the line with a caret under the spot.

use std::fmt;

/// A parse error at a byte offset of the command line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ParseError {
    /// The command line as given (cut around the error when it is long).
    pub line: String,
    /// Byte offset of the problem in `line`.
    pub position: usize,
    pub message: String,
    /// True when the line only ends too soon (an open quote, `if`, loop, group or
    /// here-document): more lines could complete it, as a shell's continuation prompt expects.
    pub incomplete: bool,
}

/// How much of a long line the caret display shows on each side of the error.
const CONTEXT: usize = 60;

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self.line[..self.position.min(self.line.len())]
            .chars()
            .count();
        writeln!(f, "command line, column {}: {}", column + 1, self.message)?;
        // Show one physical line around the error, cut to a readable width, with control
        // characters made visible so the caret lines up.
        let chars: Vec<char> = self.line.chars().collect();
        let start = chars[..column]
            .iter()
            .rposition(|&c| c == '\n')
            .map_or(0, |i| i + 1)
            .max(column.saturating_sub(CONTEXT));
        let end = chars[column..]
            .iter()
            .position(|&c| c == '\n')
            .map_or(chars.len(), |i| column + i)
            .min(column + CONTEXT);
        let shown: String = chars[start..end]
            .iter()
            .map(|&c| if c.is_control() { '\u{fffd}' } else { c })
            .collect();
        let prefix = if start > 0 { "…" } else { "" };
        writeln!(f, "  {prefix}{shown}")?;
        write!(
            f,
            "  {}{}^",
            " ".repeat(prefix.chars().count()),
            " ".repeat(column - start)
        )
    }
}
