//! [`Output`]: where a command's stdout or stderr goes — the line's captured output, a file in a
//! zone, the write end of a pipe, or nowhere. Writes to a pipe wait for room; a pipe whose
//! reader is gone fails with `BrokenPipe`.

use super::capture::CapturedOutput;
use super::pipe::PipeWriter;
use bytes::Bytes;
use std::fs::File;
use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamError, StreamResult};

/// How much may be written at once where writing never waits.
const UNBOUNDED_ROOM: usize = 1024 * 1024;

enum Sink {
    Capture(CapturedOutput),
    Pipe(PipeWriter),
    File(Mutex<File>),
    Null,
}

/// A shareable output; a pipe's write end closes when the last clone is dropped.
#[derive(Clone)]
pub(crate) struct Output(Arc<Sink>);

impl Output {
    pub(crate) fn capture(capture: CapturedOutput) -> Output {
        Output(Arc::new(Sink::Capture(capture)))
    }

    pub(crate) fn pipe(writer: PipeWriter) -> Output {
        Output(Arc::new(Sink::Pipe(writer)))
    }

    /// True for a pipe that refused a write because its reader had gone (SIGPIPE's case).
    pub(crate) fn refused_a_write(&self) -> bool {
        matches!(&*self.0, Sink::Pipe(writer) if writer.refused_a_write())
    }

    pub(crate) fn file(file: File) -> Output {
        Output(Arc::new(Sink::File(Mutex::new(file))))
    }

    pub(crate) fn null() -> Output {
        Output(Arc::new(Sink::Null))
    }

    fn poll_room(&self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        match &*self.0 {
            Sink::Pipe(writer) => writer.poll_room(cx),
            _ => Poll::Ready(Ok(UNBOUNDED_ROOM)),
        }
    }

    fn room(&self) -> io::Result<usize> {
        match &*self.0 {
            Sink::Pipe(writer) => writer.room(),
            _ => Ok(UNBOUNDED_ROOM),
        }
    }

    fn write_now(&self, bytes: &[u8]) -> io::Result<()> {
        match &*self.0 {
            Sink::Capture(capture) => {
                capture.write(bytes);
                Ok(())
            }
            Sink::Pipe(writer) => writer.push(bytes),
            Sink::File(file) => file
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .write_all(bytes),
            Sink::Null => Ok(()),
        }
    }

    /// Writes at once, past a full pipe's capacity if need be (short shell messages).
    pub(crate) fn write_without_waiting(&self, bytes: &[u8]) {
        let _ = self.write_now(bytes);
    }

    /// Writes all of `bytes`, waiting for room in a pipe.
    pub(crate) async fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let room = poll_fn(|cx| self.poll_room(cx)).await?;
            let count = room.min(bytes.len());
            self.write_now(&bytes[..count])?;
            bytes = &bytes[count..];
        }
        Ok(())
    }
}

impl IsTerminal for Output {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for Output {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

fn failed(error: io::Error) -> StreamError {
    StreamError::LastOperationFailed(error.into())
}

#[wasmtime_wasi::async_trait]
impl OutputStream for Output {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.write_now(&bytes).map_err(failed)
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        self.room().map_err(failed)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for Output {
    async fn ready(&mut self) {
        // An error (the reader went away) is reported by the next check_write.
        let _ = poll_fn(|cx| self.poll_room(cx)).await;
    }
}

impl AsyncWrite for Output {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.poll_room(cx) {
            Poll::Ready(Ok(room)) => {
                let count = room.min(buf.len());
                Poll::Ready(self.write_now(&buf[..count]).map(|()| count))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
