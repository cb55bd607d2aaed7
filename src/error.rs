//! The errors zonebox's library returns: each says what was wrong, the value, and what to do.

use crate::policy::PolicyError;
use crate::shell::ParseError;
use std::path::PathBuf;

/// Everything that can go wrong at the library boundary.
///
/// A command that runs and fails is not an error: it is an [`crate::Output`] with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The policy (file or flags) is invalid; the message lists every problem.
    #[error(transparent)]
    Policy(#[from] PolicyError),

    /// The command line could not be parsed, or uses shell syntax zonebox does not run yet.
    #[error(transparent)]
    CommandLine(#[from] ParseError),

    /// The WebAssembly engine could not be set up (a bug or an unsupported host).
    #[error(
        "setting up the wasm engine failed: {0}; this is a zonebox bug or an unsupported host: please report it"
    )]
    Engine(String),

    /// A zone could not be prepared for a run (its host directory vanished, a temp dir failed).
    #[error("zone {guest}: {reason}")]
    Zone { guest: String, reason: String },

    /// The compiled-code cache directory is unusable.
    #[error("compiled-code cache {path}: {reason}; set ZONEBOX_CACHE_DIR to a writable directory")]
    Cache { path: PathBuf, reason: String },

    /// The router sent the line to a container, and the container backend could not run it
    /// (no engine, a missing image, an engine error).
    #[error("container backend: {0}")]
    Container(String),

    /// A wasm program given to [`crate::Sandbox::run_wasm`] is not a valid WASI module.
    #[error("wasm program {name}: {reason}")]
    Program { name: String, reason: String },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
