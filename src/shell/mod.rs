//! Command lines: parsed by brush-parser ([`parse`]) and run by zonebox's own interpreter on
//! the host (`interp`), which starts a wasm instance for each toolset command.

mod error;
pub(crate) mod interp;
mod parse;

pub use error::ParseError;
pub(crate) use parse::options as parser_options;
pub use parse::parse;
