//! The wasm backend as the interpreter's [`ToolRunner`]: each toolset command of a line is a
//! fresh instance of the toolset, with the line's zones, limits and shared linear memory.

use super::engine::WasmEngine;
use super::limiter::LineMemory;
use super::run::RunRequest;
use crate::line::{ToolCall, ToolRunner, tool_runner};
use crate::policy::Limits;
use crate::zones::ZoneMounts;
use std::sync::Arc;

/// The toolset for one line.
pub(crate) struct WasmTools<'a> {
    engine: &'a WasmEngine,
    mounts: &'a ZoneMounts,
    limits: &'a Limits,
    /// The linear memory all the line's instances share (`limits.memory_mib`).
    memory: Arc<LineMemory>,
}

impl<'a> WasmTools<'a> {
    pub(crate) fn new(
        engine: &'a WasmEngine,
        mounts: &'a ZoneMounts,
        limits: &'a Limits,
    ) -> WasmTools<'a> {
        WasmTools {
            engine,
            mounts,
            limits,
            memory: LineMemory::new(limits.memory_bytes),
        }
    }
}

impl ToolRunner for WasmTools<'_> {
    fn run<'a>(&'a self, call: ToolCall<'a>) -> tool_runner::Running<'a> {
        Box::pin(async move {
            let request = RunRequest {
                call,
                limits: self.limits,
                mounts: self.mounts,
                line_memory: &self.memory,
            };
            self.engine
                .run(&self.engine.toolset, request)
                .await
                .map_err(|error| error.to_string())
        })
    }
}
