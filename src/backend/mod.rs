//! Backends: what runs a command once the router has chosen. Only wasm exists so far.

pub(crate) mod wasm;

use serde::Serialize;

/// The backend that ran a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The wasm toolset in wasmtime.
    Wasm,
}
