//! Command lines: parsed by brush-parser ([`parse`]) and run by zonebox's own interpreter on
//! the host (`interp`), which starts a wasm instance for each toolset command.

mod error;
pub(crate) mod interp;
mod parse;
pub(crate) mod script;

pub use error::ParseError;

/// The largest word, variable or expansion result the shell holds (bytes); past it the line
/// ends with the `shell_memory` limit.
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
pub(crate) use parse::options as parser_options;
pub use parse::parse;
