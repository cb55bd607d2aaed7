//! A bounded in-memory pipe between two commands of a pipeline.
//!
//! The writer waits while the buffer is full; the reader waits while it is empty. When the last
//! writer is dropped the reader sees end of file once the buffer drains; when the reader is
//! dropped a writer gets `BrokenPipe` (EPIPE in the guest), so `yes | head -1` ends at once.

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// How many bytes a pipe holds before its writer waits (Linux's default pipe size).
pub(crate) const PIPE_CAPACITY: usize = 64 * 1024;

struct State {
    buffer: VecDeque<u8>,
    writer_open: bool,
    reader_open: bool,
    /// A write was refused because the reader had gone (what SIGPIPE would have ended).
    refused_write: bool,
    reader_waker: Option<Waker>,
    writer_waker: Option<Waker>,
}

#[derive(Clone)]
struct Shared(Arc<Mutex<State>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The write end. Not `Clone`: share it behind an `Arc`, and the pipe closes when the last
/// holder lets go.
pub(crate) struct PipeWriter(Shared);

/// The read end.
pub(crate) struct PipeReader(Shared);

/// A new pipe's two ends.
pub(crate) fn pipe() -> (PipeWriter, PipeReader) {
    let shared = Shared(Arc::new(Mutex::new(State {
        buffer: VecDeque::new(),
        writer_open: true,
        reader_open: true,
        refused_write: false,
        reader_waker: None,
        writer_waker: None,
    })));
    (PipeWriter(shared.clone()), PipeReader(shared))
}

/// EPIPE with its OS number, so that WASI reports EPIPE to the guest (not a generic EIO).
fn broken_pipe() -> io::Error {
    io::Error::from_raw_os_error(rustix::io::Errno::PIPE.raw_os_error())
}

impl PipeWriter {
    /// True when a write was refused because the read end had gone.
    pub(crate) fn refused_a_write(&self) -> bool {
        self.0.lock().refused_write
    }

    /// Ready when the buffer has room (with how much) or the reader is gone (an error).
    pub(crate) fn poll_room(&self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut state = self.0.lock();
        if !state.reader_open {
            state.refused_write = true;
            return Poll::Ready(Err(broken_pipe()));
        }
        let room = PIPE_CAPACITY.saturating_sub(state.buffer.len());
        if room > 0 {
            return Poll::Ready(Ok(room));
        }
        state.writer_waker = Some(cx.waker().clone());
        Poll::Pending
    }

    /// How much can be written now without waiting; an error when the reader is gone.
    pub(crate) fn room(&self) -> io::Result<usize> {
        let mut state = self.0.lock();
        if !state.reader_open {
            state.refused_write = true;
            return Err(broken_pipe());
        }
        Ok(PIPE_CAPACITY.saturating_sub(state.buffer.len()))
    }

    /// Appends bytes (callers check [`PipeWriter::room`] first; a little overshoot is harmless).
    pub(crate) fn push(&self, bytes: &[u8]) -> io::Result<()> {
        let mut state = self.0.lock();
        if !state.reader_open {
            state.refused_write = true;
            return Err(broken_pipe());
        }
        state.buffer.extend(bytes);
        if let Some(waker) = state.reader_waker.take() {
            waker.wake();
        }
        Ok(())
    }
}

impl Drop for PipeWriter {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.writer_open = false;
        if let Some(waker) = state.reader_waker.take() {
            waker.wake();
        }
    }
}

impl PipeReader {
    /// Moves what is buffered into `into` (up to `max` bytes); `Ready(0)` is end of file.
    pub(crate) fn poll_take(
        &self,
        cx: &mut Context<'_>,
        into: &mut Vec<u8>,
        max: usize,
    ) -> Poll<usize> {
        let mut state = self.0.lock();
        if state.buffer.is_empty() {
            if !state.writer_open {
                return Poll::Ready(0);
            }
            state.reader_waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let count = max.min(state.buffer.len());
        into.extend(state.buffer.drain(..count));
        if let Some(waker) = state.writer_waker.take() {
            waker.wake();
        }
        Poll::Ready(count)
    }
}

impl Drop for PipeReader {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.reader_open = false;
        state.buffer.clear();
        if let Some(waker) = state.writer_waker.take() {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;

    #[tokio::test]
    async fn bytes_flow_and_end_of_file_follows_the_writer() {
        let (writer, reader) = pipe();
        writer.push(b"hello").unwrap();
        drop(writer);
        let mut got = Vec::new();
        let n = poll_fn(|cx| reader.poll_take(cx, &mut got, 100)).await;
        assert_eq!((n, got.as_slice()), (5, &b"hello"[..]));
        assert_eq!(poll_fn(|cx| reader.poll_take(cx, &mut got, 100)).await, 0);
    }

    #[tokio::test]
    async fn a_full_pipe_waits_and_a_gone_reader_breaks_it() {
        let (writer, reader) = pipe();
        writer.push(&vec![0; PIPE_CAPACITY]).unwrap();
        assert_eq!(writer.room().unwrap(), 0);
        drop(reader);
        let error = poll_fn(|cx| writer.poll_room(cx)).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
