//! Command lines: from the text an agent sends to the words of the command to run.
//!
//! For now a line is one simple command with quoted words ([`words`]); anything that needs a shell
//! (pipes, redirects, expansions, lists) is a clear, positioned error rather than a guess.

mod error;
mod words;

pub use error::ParseError;
pub use words::{SimpleCommand, parse_simple_command};
