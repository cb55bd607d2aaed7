//! Backends: what runs a command once the router has chosen. The router picks one per line.

pub(crate) mod container;
pub(crate) mod wasm;

crate::named_enum::named_enum! {
    /// The backend that ran a command.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Backend {
        /// The wasm toolset in wasmtime.
        Wasm = "wasm",
        /// A container of the policy's container runtime.
        Container = "container",
        /// Nothing ran: the router denied the line.
        None = "none",
    }
}
