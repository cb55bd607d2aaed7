//! Captured stdout and stderr of a whole line under `limits.max_output_bytes`: the first half and the last half
//! are kept and one marker line says how many bytes were dropped between them.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

/// One captured stream: a shared handle given to WASI, read back after the run.
#[derive(Clone)]
pub(crate) struct CapturedOutput {
    name: &'static str,
    inner: Arc<Mutex<Capture>>,
    /// Who sees the bytes as they are written, and how many more it may be shown.
    tap: Option<Arc<Tap>>,
}

struct Tap {
    stream: crate::Stream,
    see: crate::OutputTap,
    left: std::sync::atomic::AtomicU64,
}

struct Capture {
    head: Vec<u8>,
    tail: VecDeque<u8>,
    head_limit: usize,
    tail_limit: usize,
    dropped: u64,
}

impl CapturedOutput {
    /// A capture named `stdout` or `stderr` keeping at most `limit` bytes.
    pub(crate) fn new(name: &'static str, limit: u64) -> Self {
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let head_limit = limit / 2;
        let capture = Capture {
            head: Vec::new(),
            tail: VecDeque::new(),
            head_limit,
            tail_limit: limit - head_limit,
            dropped: 0,
        };
        CapturedOutput {
            name,
            inner: Arc::new(Mutex::new(capture)),
            tap: None,
        }
    }

    /// The same capture, with `see` shown its bytes as they come (at most `limit` of them).
    pub(crate) fn tapped(
        mut self,
        stream: crate::Stream,
        see: crate::OutputTap,
        limit: u64,
    ) -> Self {
        self.tap = Some(Arc::new(Tap {
            stream,
            see,
            left: std::sync::atomic::AtomicU64::new(limit),
        }));
        self
    }

    fn lock(&self) -> MutexGuard<'_, Capture> {
        // A panic while holding the lock cannot leave the buffers inconsistent: use them anyway.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write(&self, mut bytes: &[u8]) {
        if let Some(tap) = &self.tap {
            use std::sync::atomic::Ordering;
            let left = tap.left.load(Ordering::Acquire);
            let shown = (bytes.len() as u64).min(left) as usize;
            if shown > 0 {
                tap.left.fetch_sub(shown as u64, Ordering::AcqRel);
                (tap.see)(tap.stream, &bytes[..shown]);
            }
        }
        let mut capture = self.lock();
        let room = capture.head_limit.saturating_sub(capture.head.len());
        let into_head = room.min(bytes.len());
        capture.head.extend_from_slice(&bytes[..into_head]);
        bytes = &bytes[into_head..];
        if bytes.is_empty() {
            return;
        }
        let tail_limit = capture.tail_limit;
        if bytes.len() >= tail_limit {
            let skipped = bytes.len() - tail_limit;
            capture.dropped += (capture.tail.len() + skipped) as u64;
            capture.tail.clear();
            capture.tail.extend(&bytes[skipped..]);
            return;
        }
        let overflow = (capture.tail.len() + bytes.len()).saturating_sub(tail_limit);
        capture.tail.drain(..overflow);
        capture.dropped += overflow as u64;
        capture.tail.extend(bytes);
    }

    /// The kept text (invalid UTF-8 replaced), for output the shell stores in a variable.
    pub(crate) fn text(&self, limit: u64) -> String {
        String::from_utf8_lossy(&self.finish(limit).0).into_owned()
    }

    /// The kept bytes, with the marker line where bytes were dropped, and whether any were.
    pub(crate) fn finish(&self, limit: u64) -> (Vec<u8>, bool) {
        let capture = self.lock();
        let mut text = capture.head.clone();
        let truncated = capture.dropped > 0;
        if truncated {
            if text.last().is_some_and(|&b| b != b'\n') {
                text.push(b'\n');
            }
            let marker = format!(
                "[zonebox: {} bytes of {} dropped here: limits.max_output_bytes = {limit} keeps the first and last {} bytes]\n",
                capture.dropped,
                self.name,
                limit / 2
            );
            text.extend_from_slice(marker.as_bytes());
        }
        text.extend(capture.tail.iter());
        (text, truncated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_under_the_limit() {
        let out = CapturedOutput::new("stdout", 100);
        out.write(b"hello\n");
        assert_eq!(out.finish(100), (b"hello\n".to_vec(), false));
    }

    #[test]
    fn keeps_head_and_tail_with_one_marker() {
        let out = CapturedOutput::new("stdout", 10);
        for chunk in [&b"abc"[..], b"defgh", b"ijklmnop", b"qrstuvwxyz"] {
            out.write(chunk);
        }
        let (text, truncated) = out.finish(10);
        let text = String::from_utf8(text).unwrap();
        assert!(truncated);
        assert!(
            text.starts_with("abcde\n[zonebox: 16 bytes of stdout dropped here"),
            "{text}"
        );
        assert!(text.ends_with("]\nvwxyz"), "{text}");
    }
}
