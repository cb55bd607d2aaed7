//! The wasm backend: the toolset (and any WASI program) in wasmtime, confined to the policy's
//! zones and limits. The engine and linker are built once per sandbox; each run gets a fresh store.

mod cache;
mod engine;
mod host_calls;
mod limiter;
mod open_guard;
mod run;
mod scratch;
mod toolset;
mod zones;

pub(crate) use cache::CacheLocation;
pub use engine::{CompileEvent, DEFAULT_INSTANCE_SLOTS};
pub(crate) use engine::{RunState, WasmEngine};
pub(crate) use limiter::LineMemory;
pub(crate) use run::{RunRequest, Stopped};
pub(crate) use scratch::{ScratchPool, private_dir};
pub(crate) use toolset::TOOL_NAMES;
pub(crate) use zones::{Mount, ZoneMounts, innermost, normalize};
