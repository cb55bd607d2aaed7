//! Backends: what runs a command once the router has chosen. The router picks one per line.

pub(crate) mod container;
pub(crate) mod wasm;

use serde::Serialize;

/// The backend that ran a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The wasm toolset in wasmtime.
    Wasm,
    /// A container of the policy's container runtime.
    Container,
    /// Nothing ran: the router denied the line.
    None,
}
