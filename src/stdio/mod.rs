//! The standard streams of a running command line: what each command reads and writes.
//!
//! A command's stdin is an [`Input`] (empty, bytes, a file, or the read end of a [`pipe`]); its
//! stdout and stderr are [`Output`]s (the line's captured output, a file, a pipe's write end, or
//! nothing). The same handles serve host builtins (async reads and writes) and wasm commands
//! (WASI stream adapters), so a pipeline streams through bounded memory whoever runs each stage.

mod capture;
mod input;
mod output;
pub(crate) mod pipe;

pub(crate) use capture::CapturedOutput;
pub(crate) use input::Input;
pub(crate) use output::Output;
