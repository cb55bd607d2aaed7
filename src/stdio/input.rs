//! [`Input`]: a command's standard input, shared by every command that reads it in turn.
//!
//! Bytes are read from the source only when a reader asks, into a buffer that belongs to the
//! input, not to the reader: what one command leaves unread stays for the next
//! (`while read l; do …; done < file` and a wasm command inside the loop share one position).

use super::pipe::PipeReader;
use bytes::Bytes;
use std::fs::File;
use std::future::poll_fn;
use std::io::Read;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use wasmtime_wasi::cli::{IsTerminal, StdinStream};
use wasmtime_wasi::p2::{InputStream, Pollable, StreamError, StreamResult};

/// How much one refill reads from a file or takes from a pipe.
const CHUNK: usize = 64 * 1024;

enum Source {
    /// Nothing more to read (empty input, or bytes given whole up front).
    Done,
    Pipe(PipeReader),
    File(File),
}

struct State {
    source: Source,
    buffer: Vec<u8>,
    /// Bytes of `buffer` already consumed.
    start: usize,
}

/// A shareable standard input.
#[derive(Clone)]
pub(crate) struct Input(Arc<Mutex<State>>);

impl Input {
    fn new(source: Source, buffer: Vec<u8>) -> Input {
        Input(Arc::new(Mutex::new(State {
            source,
            buffer,
            start: 0,
        })))
    }

    /// An input at end of file.
    pub(crate) fn empty() -> Input {
        Input::new(Source::Done, Vec::new())
    }

    /// An input of these bytes (a here-document, a here-string, the caller's stdin).
    pub(crate) fn bytes(bytes: impl Into<Vec<u8>>) -> Input {
        Input::new(Source::Done, bytes.into())
    }

    pub(crate) fn pipe(reader: PipeReader) -> Input {
        Input::new(Source::Pipe(reader), Vec::new())
    }

    pub(crate) fn file(file: File) -> Input {
        Input::new(Source::File(file), Vec::new())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Ready when bytes are buffered or the source is exhausted.
    fn poll_fill(&self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let mut state = self.lock();
        if state.start < state.buffer.len() {
            return Poll::Ready(Ok(()));
        }
        let state = &mut *state;
        state.buffer.clear();
        state.start = 0;
        match &mut state.source {
            Source::Done => Poll::Ready(Ok(())),
            Source::Pipe(reader) => match reader.poll_take(cx, &mut state.buffer, CHUNK) {
                Poll::Ready(0) => {
                    state.source = Source::Done;
                    Poll::Ready(Ok(()))
                }
                Poll::Ready(_) => Poll::Ready(Ok(())),
                Poll::Pending => Poll::Pending,
            },
            Source::File(file) => {
                state.buffer.resize(CHUNK, 0);
                let read = file.read(&mut state.buffer);
                let count = *read.as_ref().unwrap_or(&0);
                state.buffer.truncate(count);
                if count == 0 {
                    state.source = Source::Done;
                }
                Poll::Ready(read.map(|_| ()))
            }
        }
    }

    /// Takes up to `max` buffered bytes; `None` at end of file.
    fn take(&self, max: usize) -> Option<Bytes> {
        let mut state = self.lock();
        let available = state.buffer.len() - state.start;
        if available == 0 {
            return match state.source {
                Source::Done => None,
                _ => Some(Bytes::new()),
            };
        }
        let count = available.min(max);
        let taken = Bytes::copy_from_slice(&state.buffer[state.start..state.start + count]);
        state.start += count;
        Some(taken)
    }

    /// Reads up to `max` bytes, waiting for some; empty at end of file.
    pub(crate) async fn read(&self, max: usize) -> std::io::Result<Bytes> {
        poll_fn(|cx| self.poll_fill(cx)).await?;
        Ok(self.take(max).unwrap_or_default())
    }

    /// Reads up to and including `delimiter` (or to end of file, or `limit` bytes), byte by byte
    /// as a shell's `read` must, so the rest stays for the next reader. `None` at end of file.
    /// Gives the executor a turn now and then, so that a long line in memory cannot hold off
    /// the line's wall clock.
    pub(crate) async fn read_until(
        &self,
        delimiter: u8,
        limit: usize,
    ) -> std::io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        loop {
            if line.len() >= limit {
                return Ok(Some(line));
            }
            if line.len() % CHUNK == CHUNK - 1 {
                tokio::task::yield_now().await;
            }
            let byte = self.read(1).await?;
            match byte.first() {
                None if line.is_empty() => return Ok(None),
                None => return Ok(Some(line)),
                Some(&b) => {
                    line.push(b);
                    if b == delimiter {
                        return Ok(Some(line));
                    }
                }
            }
        }
    }

    /// What is left, until end of file, a read error, or once `limit` bytes are in (the last
    /// chunk may pass it): for builtins that take their whole input (`xargs`, `sh`).
    pub(crate) async fn read_up_to(&self, limit: usize) -> Vec<u8> {
        let mut all = Vec::new();
        while all.len() < limit {
            match self.read(CHUNK).await {
                Ok(chunk) if !chunk.is_empty() => all.extend_from_slice(&chunk),
                _ => break,
            }
        }
        all
    }
}

impl IsTerminal for Input {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdinStream for Input {
    fn p2_stream(&self) -> Box<dyn InputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncRead + Send + Sync> {
        Box::new(self.clone())
    }
}

#[wasmtime_wasi::async_trait]
impl InputStream for Input {
    fn read(&mut self, size: usize) -> StreamResult<Bytes> {
        self.take(size).ok_or(StreamError::Closed)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Input {
    async fn ready(&mut self) {
        // A read error surfaces as end of input on the next read.
        if poll_fn(|cx| self.poll_fill(cx)).await.is_err() {
            self.lock().source = Source::Done;
        }
    }
}

impl AsyncRead for Input {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.poll_fill(cx) {
            Poll::Ready(Ok(())) => {
                if let Some(bytes) = self.take(buf.remaining()) {
                    buf.put_slice(&bytes);
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stdio::pipe::pipe;

    #[tokio::test]
    async fn what_one_reader_leaves_stays_for_the_next() {
        let input = Input::bytes("one\ntwo\nthree\n");
        assert_eq!(
            input.read_until(b'\n', usize::MAX).await.unwrap().unwrap(),
            b"one\n"
        );
        let other = input.clone();
        assert_eq!(other.read_up_to(usize::MAX).await, b"two\nthree\n");
        assert_eq!(input.read_until(b'\n', 2).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_pipe_input_ends_when_its_writer_does() {
        let (writer, reader) = pipe();
        let input = Input::pipe(reader);
        writer.push(b"abc").unwrap();
        drop(writer);
        assert_eq!(input.read_up_to(usize::MAX).await, b"abc");
    }
}
