//! Command lines: parsed by brush-parser ([`parse`]) and run by zonebox's own interpreter on
//! the host (`interp`), which starts a wasm instance for each toolset command.

pub(crate) mod commands;
mod error;
pub(crate) mod interp;
pub(crate) mod parse;
pub(crate) mod script;

pub use error::ParseError;

pub(crate) use parse::options as parser_options;
pub use parse::parse;
