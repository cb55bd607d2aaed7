//! `zonebox serve`: a long-lived server speaking newline-delimited JSON-RPC 2.0 over a byte
//! stream (stdio, or each connection of a Unix socket). One [`Sandbox`] serves every
//! connection, so wasm lines start from its warm instance pool and container lines from its warm
//! containers; each connection has its own sessions, ended when it disconnects.
//!
//! The pieces: `protocol` (framing, requests, error codes), `sessions` (the shells that live
//! across lines), `methods` (what each method does), `files` (fs.*).

mod files;
mod methods;
mod protocol;
mod sessions;

pub use protocol::code as error_code;

use crate::Sandbox;
use protocol::{Frame, FrameReader, Outbox, RpcError, code};
use serde_json::{Value, json};
use sessions::Sessions;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// The server's own limits (the policy's limits apply to every line it runs).
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Sessions the whole server holds at once, every connection's together.
    pub max_sessions: usize,
    /// A session that runs nothing for this long is closed (its scratch zones deleted).
    pub idle_timeout: Duration,
    /// The longest message read; a longer line gets MESSAGE_TOO_LARGE and is skipped.
    pub max_message_bytes: usize,
    /// Lines running at once over the whole server; more wait for one to end.
    pub max_running: usize,
    /// Lines a connection may have running or waiting; more are refused.
    pub max_queued: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            max_sessions: 256,
            idle_timeout: Duration::from_secs(30 * 60),
            max_message_bytes: 16 << 20,
            max_running: 64,
            max_queued: 1024,
        }
    }
}

/// A server: the sandbox every connection shares, and its limits.
pub struct Server {
    sandbox: Arc<Sandbox>,
    options: ServerOptions,
    sessions: Arc<Sessions>,
    running: Arc<Slots>,
    next_connection: AtomicU64,
}

impl Server {
    pub fn new(sandbox: Sandbox, options: ServerOptions) -> Server {
        let sessions = Arc::new(Sessions::new(options.max_sessions));
        spawn_idle_reaper(Arc::downgrade(&sessions), options.idle_timeout);
        Server {
            sandbox: Arc::new(sandbox),
            running: Arc::new(Slots::new(options.max_running.max(1))),
            options,
            sessions,
            next_connection: AtomicU64::new(1),
        }
    }

    /// Serves one client on a byte stream until its input ends; then its sessions end and the
    /// lines still running are waited for (their results are dropped).
    pub fn serve(&self, input: impl BufRead, output: impl Write + Send + 'static) {
        let connection = Arc::new(Connection {
            id: self.next_connection.fetch_add(1, Ordering::Relaxed),
            sandbox: self.sandbox.clone(),
            options: self.options.clone(),
            sessions: self.sessions.clone(),
            outbox: Outbox::new(output),
            running: self.running.clone(),
            in_flight: Arc::new(InFlight::default()),
            cancels: Mutex::new(std::collections::HashMap::new()),
        });
        tracing::info!(connection = connection.id, "client connected");
        let mut frames = FrameReader::new(input, self.options.max_message_bytes);
        loop {
            match frames.next_frame() {
                Ok(Some(Frame::Message(line))) => connection.handle(&line),
                Ok(Some(Frame::TooLarge(length))) => connection.outbox.error(
                    Value::Null,
                    &RpcError::new(
                        code::MESSAGE_TOO_LARGE,
                        format!(
                            "a message of {length} bytes is more than the server's limit of {} \
                             bytes: it was skipped",
                            self.options.max_message_bytes
                        ),
                    ),
                ),
                Ok(None) | Err(_) => break,
            }
        }
        connection.sessions.close_owned_by(connection.id);
        connection.in_flight.wait_idle();
        tracing::info!(
            connection = connection.id,
            "client gone: its sessions are closed"
        );
    }

    /// Listens on a Unix socket (made 0600) and serves each connection on its own thread. A
    /// path that exists is refused unless it is a socket nobody answers on (a stale one of ours).
    pub fn serve_unix(self: &Arc<Self>, path: &Path) -> std::io::Result<()> {
        use std::os::unix::fs::{FileTypeExt, PermissionsExt};
        use std::os::unix::net::{UnixListener, UnixStream};
        if let Ok(metadata) = std::fs::symlink_metadata(path) {
            if !metadata.file_type().is_socket() {
                return Err(std::io::Error::other(format!(
                    "{} exists and is not a socket: choose another --socket path",
                    path.display()
                )));
            }
            if UnixStream::connect(path).is_ok() {
                return Err(std::io::Error::other(format!(
                    "a server is already listening on {}",
                    path.display()
                )));
            }
            std::fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        let _cleanup = RemoveOnDrop(path.to_path_buf());
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Ok(reader) = stream.try_clone() else {
                continue;
            };
            let server = self.clone();
            std::thread::spawn(move || server.serve(BufReader::new(reader), stream));
        }
        Ok(())
    }
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// One client's connection.
pub(crate) struct Connection {
    id: u64,
    sandbox: Arc<Sandbox>,
    options: ServerOptions,
    sessions: Arc<Sessions>,
    outbox: Outbox,
    running: Arc<Slots>,
    in_flight: Arc<InFlight>,
    /// The cancel handles of this connection's runs, by their request ids.
    cancels: Mutex<std::collections::HashMap<String, crate::CancelHandle>>,
}

impl Connection {
    fn handle(self: &Arc<Self>, line: &[u8]) {
        let request = match protocol::parse_request(line) {
            Ok(request) => request,
            Err((id, error)) => return self.outbox.error(id, &error),
        };
        let id = request.id.clone().unwrap_or(Value::Null);
        let notification = request.id.is_none();
        if request.method == "run" {
            return self.run(id, notification, request.params);
        }
        if request.method == "cancel" {
            let result = self.cancel(request.params);
            if !notification {
                match result {
                    Ok(value) => self.outbox.result(id, value),
                    Err(error) => self.outbox.error(id, &error),
                }
            }
            return;
        }
        let result = methods::call(self, &request.method, request.params);
        if notification {
            return;
        }
        match result {
            Ok(value) => self.outbox.result(id, value),
            Err(error) => self.outbox.error(id, &error),
        }
    }

    /// Runs a line on a thread of its own (the connection keeps reading): in its session's
    /// shell, or in a fresh shell without a session.
    fn run(self: &Arc<Self>, id: Value, notification: bool, raw: Value) {
        let params: methods::RunParams = match methods::params("run", raw) {
            Ok(params) => params,
            Err(error) => {
                if !notification {
                    self.outbox.error(id, &error);
                }
                return;
            }
        };
        // The session is taken on the reading thread, so lines sent to one session are
        // accepted or refused in the order they arrive.
        let busy = match params.session_id.as_deref().map(|s| self.sessions.get(s)) {
            None => None,
            Some(Ok(session)) => match session.start_run() {
                Ok(busy) => Some(busy),
                Err(error) => return self.outbox.error(id, &error),
            },
            Some(Err(error)) => return self.outbox.error(id, &error),
        };
        if !self.in_flight.try_enter(self.options.max_queued) {
            return self.outbox.error(
                id,
                &RpcError::new(
                    code::TOO_MANY_RUNS,
                    format!(
                        "this connection has {} lines running or waiting: wait for results \
                         before sending more",
                        self.options.max_queued
                    ),
                ),
            );
        }
        let cancel = crate::CancelHandle::new();
        let run_key = id.to_string();
        self.cancels_map().insert(run_key.clone(), cancel.clone());
        let options = crate::RunOptions {
            timeout: params.timeout_ms.map(Duration::from_millis),
            on_output: params
                .stream
                .then(|| stream_to(self.outbox.clone(), id.clone())),
            cancel: Some(cancel),
        };
        let connection = self.clone();
        std::thread::spawn(move || {
            let _slot = connection.running.take();
            let stdin = params.stdin.unwrap_or_default().into_bytes();
            let sandbox = &connection.sandbox;
            let session = busy.as_ref().map(|b| b.session().clone());
            let result = match &session {
                Some(session) => {
                    let mut shell = session.shell();
                    let shell = &mut *shell;
                    let output = sandbox.runtime.block_on(sandbox.run_in_shell(
                        &mut shell.state,
                        &shell.mounts,
                        &params.command,
                        stdin,
                        &options,
                    ));
                    session.set_cwd(&shell.state.cwd);
                    output.map_err(|e| methods::library_error(&e))
                }
                None => sandbox
                    .run_with_options(&params.command, stdin, &options)
                    .map_err(|e| methods::library_error(&e)),
            };
            if let Ok(output) = &result {
                tracing::debug!(
                    connection = connection.id,
                    session = session.as_ref().map(|s| s.id.as_str()),
                    backend = ?output.backend,
                    exit = output.exit_code,
                    ms = output.duration.as_secs_f64() * 1000.0,
                    "run"
                );
            }
            drop(busy);
            drop(options);
            connection.cancels_map().remove(&run_key);
            if !notification {
                match result {
                    Ok(output) => match serde_json::to_value(output.report()) {
                        Ok(mut value) => {
                            if let Some(session) = &session {
                                value["session_id"] = json!(session.id);
                                value["cwd"] = json!(session.cwd());
                            }
                            connection.outbox.result(id, value)
                        }
                        Err(e) => connection
                            .outbox
                            .error(id, &RpcError::new(code::INTERNAL, e.to_string())),
                    },
                    Err(error) => connection.outbox.error(id, &error),
                }
            }
            connection.in_flight.leave();
        });
    }

    fn cancels_map(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, crate::CancelHandle>> {
        self.cancels.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `cancel {run_id}`: ends a running line of this connection (wasm lines; a container
    /// line runs to its end or its wall clock).
    fn cancel(&self, raw: Value) -> Result<Value, RpcError> {
        let params: methods::CancelParams = methods::params("cancel", raw)?;
        match self.cancels_map().get(&params.run_id.to_string()) {
            Some(handle) => {
                handle.cancel();
                Ok(json!({ "cancelled": params.run_id }))
            }
            None => Err(RpcError::new(
                code::UNKNOWN_RUN,
                format!(
                    "no run {} is running on this connection (it ended, or its id differs)",
                    params.run_id
                ),
            )),
        }
    }
}

/// Closes idle sessions (named ones too) while the server's sessions exist.
fn spawn_idle_reaper(sessions: std::sync::Weak<Sessions>, idle: Duration) {
    let tick = (idle / 4).clamp(Duration::from_millis(50), Duration::from_secs(5));
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(tick);
            let Some(sessions) = sessions.upgrade() else {
                return;
            };
            for id in sessions.close_idle(idle) {
                tracing::info!(session = %id, "closed an idle session");
            }
        }
    });
}

/// A count of lines running on a connection, to wait for at its end.
#[derive(Default)]
struct InFlight {
    count: Mutex<usize>,
    idle: Condvar,
}

impl InFlight {
    /// Counts one more run, unless `max` are in flight already.
    fn try_enter(&self, max: usize) -> bool {
        let mut count = self.count.lock().unwrap_or_else(|p| p.into_inner());
        if *count >= max {
            return false;
        }
        *count += 1;
        true
    }

    fn leave(&self) {
        let mut count = self.count.lock().unwrap_or_else(|p| p.into_inner());
        *count = count.saturating_sub(1);
        if *count == 0 {
            self.idle.notify_all();
        }
    }

    fn wait_idle(&self) {
        let mut count = self.count.lock().unwrap_or_else(|p| p.into_inner());
        while *count > 0 {
            count = self.idle.wait(count).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A counting semaphore for the lines running over the whole server.
struct Slots {
    free: Mutex<usize>,
    released: Condvar,
}

struct Slot<'s>(&'s Slots);

impl Slots {
    fn new(count: usize) -> Self {
        Slots {
            free: Mutex::new(count),
            released: Condvar::new(),
        }
    }

    fn take(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.released.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(|p| p.into_inner()) += 1;
        self.0.released.notify_one();
    }
}

/// A run's output as `output` notifications: `{run_id, stream, data}`, `data` as text (a UTF-8
/// sequence split between two writes is sent whole with the second; invalid bytes become
/// U+FFFD).
fn stream_to(outbox: Outbox, run_id: Value) -> crate::OutputTap {
    let pending: Mutex<[Vec<u8>; 2]> = Mutex::new([Vec::new(), Vec::new()]);
    Arc::new(move |stream, bytes| {
        let slot = usize::from(stream == crate::Stream::Stderr);
        let text = {
            let mut pending = pending.lock().unwrap_or_else(|p| p.into_inner());
            let buffer = &mut pending[slot];
            buffer.extend_from_slice(bytes);
            let complete = complete_utf8_prefix(buffer);
            let text = String::from_utf8_lossy(&buffer[..complete]).into_owned();
            buffer.drain(..complete);
            text
        };
        if !text.is_empty() {
            outbox.notify(
                "output",
                json!({"run_id": run_id, "stream": stream, "data": text}),
            );
        }
    })
}

/// How much of `bytes` to send now: all of it, less an incomplete UTF-8 sequence at its end.
fn complete_utf8_prefix(bytes: &[u8]) -> usize {
    let tail_start = bytes.len().saturating_sub(3);
    for at in (tail_start..bytes.len()).rev() {
        let byte = bytes[at];
        if byte & 0xc0 == 0x80 {
            continue;
        }
        let needed = match byte {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        };
        return if bytes.len() - at < needed {
            at
        } else {
            bytes.len()
        };
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::complete_utf8_prefix;

    #[test]
    fn a_split_utf8_sequence_waits_for_its_end() {
        let e_acute = "é".as_bytes();
        assert_eq!(complete_utf8_prefix(b"abc"), 3);
        assert_eq!(complete_utf8_prefix(&[b'a', e_acute[0]]), 1);
        assert_eq!(complete_utf8_prefix(&[b'a', e_acute[0], e_acute[1]]), 3);
        assert_eq!(complete_utf8_prefix(&[0xf0, 0x9f, 0x98]), 0);
        assert_eq!(complete_utf8_prefix(&[0xff]), 1);
    }
}
