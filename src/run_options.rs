//! What a caller may ask of one run beyond the policy: a shorter wall clock, its output as it
//! arrives, and a handle that cancels it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Which output stream bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Called with each piece of a run's output as it is written (at most `max_output_bytes` of
/// each stream; the run's [`crate::Output`] keeps its head and tail as always).
pub type OutputTap = Arc<dyn Fn(Stream, &[u8]) + Send + Sync>;

/// Options of one run.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// A wall clock shorter than the policy's (a longer one is cut to the policy's).
    pub timeout: Option<Duration>,
    /// Sees the output as it arrives.
    pub on_output: Option<OutputTap>,
    /// Ends the run when cancelled: status 130 and `limit: "cancelled"`. Wasm lines only; a
    /// container line runs to its end or its wall clock.
    pub cancel: Option<CancelHandle>,
}

/// Cancels a run from another thread.
#[derive(Clone, Default)]
pub struct CancelHandle {
    inner: Arc<CancelInner>,
}

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: tokio::sync::Notify,
}

impl CancelHandle {
    pub fn new() -> Self {
        CancelHandle::default()
    }

    /// Ends the run (now, or as soon as it starts).
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::SeqCst)
    }

    /// Resolves once the handle is cancelled.
    pub(crate) async fn cancelled(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}
