//! Memory and table limits for one run, remembering whether the memory limit refused a request
//! so that an out-of-memory abort is reported as the memory limit, not as a crash.

use wasmtime::ResourceLimiter;

/// Tables are small in practice; this bounds a hostile module's indirect-call tables.
pub(crate) const TABLE_ELEMENTS_LIMIT: usize = 100_000;

pub(crate) struct RunLimiter {
    memory_limit: usize,
    pub(crate) memory_refused: bool,
}

impl RunLimiter {
    pub(crate) fn new(memory_limit_bytes: u64) -> Self {
        RunLimiter {
            memory_limit: usize::try_from(memory_limit_bytes).unwrap_or(usize::MAX),
            memory_refused: false,
        }
    }
}

impl ResourceLimiter for RunLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = desired <= self.memory_limit;
        if !allowed {
            self.memory_refused = true;
        }
        Ok(allowed)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= TABLE_ELEMENTS_LIMIT)
    }

    fn instances(&self) -> usize {
        1
    }

    fn memories(&self) -> usize {
        1
    }
}
