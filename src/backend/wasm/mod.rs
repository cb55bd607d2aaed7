//! The wasm backend: the toolset (and any WASI program) in wasmtime, confined to the policy's
//! zones and limits. The engine and linker are built once per sandbox; each run gets a fresh store.

mod cache;
mod engine;
mod host_calls;
mod limiter;
mod open_guard;
mod run;
mod tool_runner;
mod toolset;

pub(crate) use cache::CacheLocation;
pub use engine::{CompileEvent, DEFAULT_INSTANCE_SLOTS};
pub(crate) use engine::{RunState, WasmEngine};
pub(crate) use limiter::LineMemory;
pub(crate) use run::RunRequest;
pub(crate) use tool_runner::WasmTools;
