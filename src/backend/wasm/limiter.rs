//! Memory and table limits for one run, remembering whether the memory limit refused a request
//! so that an out-of-memory abort is reported as the memory limit, not as a crash.
//!
//! `limits.memory_mib` is the line's: every instance of a line (a pipeline's stages, nested
//! commands) takes its linear memory from one [`LineMemory`], so a 64-stage pipeline holds no
//! more than one policy's figure, not 64 of them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use wasmtime::ResourceLimiter;

/// The linear memory a line's instances hold together, against the policy's figure.
#[derive(Debug)]
pub(crate) struct LineMemory {
    limit: usize,
    used: AtomicUsize,
}

impl LineMemory {
    pub(crate) fn new(limit_bytes: u64) -> Arc<LineMemory> {
        Arc::new(LineMemory {
            limit: usize::try_from(limit_bytes).unwrap_or(usize::MAX),
            used: AtomicUsize::new(0),
        })
    }

    fn take(&self, bytes: usize) -> bool {
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
                used.checked_add(bytes).filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    fn give_back(&self, bytes: usize) {
        self.used.fetch_sub(bytes, Ordering::SeqCst);
    }
}

/// Tables are small in practice; this bounds a hostile module's indirect-call tables.
pub(crate) const TABLE_ELEMENTS_LIMIT: usize = 100_000;

pub(crate) struct RunLimiter {
    line: Arc<LineMemory>,
    /// What this instance holds of the line's memory.
    held: usize,
    pub(crate) memory_refused: bool,
}

impl RunLimiter {
    pub(crate) fn new(line: Arc<LineMemory>) -> Self {
        RunLimiter {
            line,
            held: 0,
            memory_refused: false,
        }
    }
}

impl Drop for RunLimiter {
    fn drop(&mut self) {
        self.line.give_back(self.held);
    }
}

impl ResourceLimiter for RunLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let more = desired.saturating_sub(self.held);
        let allowed = self.line.take(more);
        if allowed {
            self.held += more;
        } else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lines_instances_share_one_memory_figure() {
        let line = LineMemory::new(100);
        let mut first = RunLimiter::new(line.clone());
        let mut second = RunLimiter::new(line.clone());
        assert!(first.memory_growing(0, 60, None).unwrap());
        assert!(!second.memory_growing(0, 50, None).unwrap());
        assert!(second.memory_refused);
        assert!(second.memory_growing(0, 40, None).unwrap());
        drop(first);
        assert!(second.memory_growing(40, 100, None).unwrap());
        drop(second);
        assert_eq!(line.used.load(Ordering::SeqCst), 0);
    }
}
