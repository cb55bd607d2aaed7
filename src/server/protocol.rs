//! The wire of `zonebox serve`: newline-delimited JSON-RPC 2.0 — reading one message a line
//! under a size limit (a longer line is skipped, not buffered), the response shapes, and the
//! error codes clients match on.

use serde::Serialize;
use serde_json::Value;
use std::io::{self, BufRead, Write};
use std::sync::{Arc, Mutex};

/// Error codes. JSON-RPC's own, then zonebox's (documented in the README's server section).
pub mod code {
    /// The line is not JSON.
    pub const PARSE_ERROR: i64 = -32700;
    /// JSON, but not a JSON-RPC 2.0 request (no `jsonrpc: "2.0"`, no `method`, a bad `id`).
    pub const INVALID_REQUEST: i64 = -32600;
    pub const METHOD_NOT_FOUND: i64 = -32601;
    /// Missing, unknown or mistyped parameters; the message names the field.
    pub const INVALID_PARAMS: i64 = -32602;
    pub const INTERNAL: i64 = -32603;
    /// A message longer than the server's limit (it is skipped whole).
    pub const MESSAGE_TOO_LARGE: i64 = -32001;
    /// No session has that id (never made, closed, or ended by the idle timeout).
    pub const UNKNOWN_SESSION: i64 = -32010;
    /// The session is running a line; a shell runs one line at a time.
    pub const SESSION_BUSY: i64 = -32011;
    /// The server holds its maximum number of sessions.
    pub const TOO_MANY_SESSIONS: i64 = -32012;
    /// cancel: no run of this connection has that id (it ended, or never was).
    pub const UNKNOWN_RUN: i64 = -32013;
    /// The connection has its maximum of runs waiting or running.
    pub const TOO_MANY_RUNS: i64 = -32014;
    /// session.create: a session of that name exists.
    pub const SESSION_EXISTS: i64 = -32015;
    /// The command line does not parse.
    pub const COMMAND_LINE: i64 = -32020;
    /// The policy is invalid.
    pub const POLICY: i64 = -32021;
    /// The wasm engine or the toolset could not start.
    pub const ENGINE: i64 = -32030;
    /// The container runtime failed (a step that failed; the two below are their own codes).
    pub const CONTAINER: i64 = -32031;
    /// A zone could not be prepared or used.
    pub const ZONE: i64 = -32032;
    /// The line needs a container and no engine (Docker, Podman, Apple's) answers.
    pub const NO_ENGINE: i64 = -32033;
    /// The policy's image is not on the engine (build it, e.g. tests/images/build agent).
    pub const IMAGE_MISSING: i64 = -32034;
    /// A zone a container line would write is not writable by the container's user.
    pub const ZONE_NOT_WRITABLE: i64 = -32035;
    /// fs.*: no such file or directory (or outside every zone).
    pub const NOT_FOUND: i64 = -32040;
    /// fs.*: the zone is read-only.
    pub const READ_ONLY: i64 = -32041;
    /// fs.*: refused (a link out of its zone, permissions).
    pub const PERMISSION: i64 = -32042;
    /// fs.*: a directory where a file was meant, or the other way round.
    pub const WRONG_KIND: i64 = -32043;
    /// fs.*: content that is not valid for its encoding, or a file too large to return.
    pub const CONTENT: i64 = -32044;
    /// fs.*: any other input/output failure.
    pub const IO: i64 = -32045;
}

/// A JSON-RPC error: its code, a message that says what was wrong and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
}

impl RpcError {
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
        }
    }

    pub fn invalid_params(message: impl Into<String>) -> Self {
        RpcError::new(code::INVALID_PARAMS, message)
    }
}

/// One request as read from the wire: `id` is `None` for a notification.
pub struct Request {
    pub id: Option<Value>,
    pub method: String,
    pub params: Value,
}

/// Reads a request out of one line of JSON.
pub fn parse_request(line: &[u8]) -> Result<Request, (Value, RpcError)> {
    let value: Value = serde_json::from_slice(line).map_err(|e| {
        (
            Value::Null,
            RpcError::new(code::PARSE_ERROR, format!("the line is not JSON: {e}")),
        )
    })?;
    let invalid = |id: Value, why: &str| {
        (
            id,
            RpcError::new(
                code::INVALID_REQUEST,
                format!("not a JSON-RPC 2.0 request: {why}"),
            ),
        )
    };
    let Value::Object(mut object) = value else {
        return Err(invalid(
            Value::Null,
            "send one object a line (batches are not accepted)",
        ));
    };
    let id = object.remove("id");
    if let Some(id) = &id
        && !matches!(id, Value::String(_) | Value::Number(_) | Value::Null)
    {
        return Err(invalid(Value::Null, "`id` must be a string or a number"));
    }
    let reply_id = id.clone().unwrap_or(Value::Null);
    if object.get("jsonrpc") != Some(&Value::String("2.0".into())) {
        return Err(invalid(reply_id, "`jsonrpc` must be \"2.0\""));
    }
    let Some(Value::String(method)) = object.remove("method") else {
        return Err(invalid(reply_id, "`method` must be a string"));
    };
    let params = object.remove("params").unwrap_or(Value::Null);
    if !matches!(params, Value::Object(_) | Value::Null) {
        return Err(invalid(reply_id, "`params` must be an object"));
    }
    Ok(Request { id, method, params })
}

/// Reads newline-delimited messages; a message longer than `limit` bytes is consumed up to its
/// newline without being kept, and reported as [`Frame::TooLarge`].
pub struct FrameReader<R> {
    input: R,
    limit: usize,
}

pub enum Frame {
    Message(Vec<u8>),
    TooLarge(usize),
}

impl<R: BufRead> FrameReader<R> {
    pub fn new(input: R, limit: usize) -> Self {
        FrameReader { input, limit }
    }

    /// The next message (blank lines are skipped); `None` at the end of the input.
    pub fn next_frame(&mut self) -> io::Result<Option<Frame>> {
        loop {
            let mut message = Vec::new();
            let mut length = 0usize;
            let mut ended = false;
            loop {
                let buffer = self.input.fill_buf()?;
                if buffer.is_empty() {
                    break;
                }
                let (chunk, newline) = match buffer.iter().position(|b| *b == b'\n') {
                    Some(at) => (&buffer[..at], true),
                    None => (buffer, false),
                };
                length = length.saturating_add(chunk.len());
                if length <= self.limit {
                    message.extend_from_slice(chunk);
                } else if !message.is_empty() {
                    message = Vec::new();
                }
                let used = chunk.len() + usize::from(newline);
                self.input.consume(used);
                if newline {
                    ended = true;
                    break;
                }
            }
            if !ended && length == 0 {
                return Ok(None);
            }
            if length > self.limit {
                return Ok(Some(Frame::TooLarge(length)));
            }
            if message.iter().all(u8::is_ascii_whitespace) {
                if ended {
                    continue;
                }
                return Ok(None);
            }
            return Ok(Some(Frame::Message(message)));
        }
    }
}

/// Where responses and notifications go: one JSON object a line, whole lines only, from any
/// thread.
#[derive(Clone)]
pub struct Outbox {
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
}

impl Outbox {
    pub fn new(writer: impl Write + Send + 'static) -> Self {
        Outbox {
            writer: Arc::new(Mutex::new(Box::new(writer))),
        }
    }

    fn send(&self, message: &impl Serialize) {
        let Ok(mut line) = serde_json::to_vec(message) else {
            return;
        };
        line.push(b'\n');
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // A client that went away is noticed by the reader; nothing to do here.
        let _ = writer.write_all(&line).and_then(|()| writer.flush());
    }

    pub fn result(&self, id: Value, result: Value) {
        self.send(&serde_json::json!({"jsonrpc": "2.0", "id": id, "result": result}));
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(&serde_json::json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    pub fn error(&self, id: Value, error: &RpcError) {
        self.send(&serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": error.code, "message": error.message},
        }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str, limit: usize) -> Vec<String> {
        let mut reader = FrameReader::new(input.as_bytes(), limit);
        let mut out = Vec::new();
        while let Some(frame) = reader.next_frame().unwrap() {
            out.push(match frame {
                Frame::Message(m) => String::from_utf8(m).unwrap(),
                Frame::TooLarge(n) => format!("<{n}>"),
            });
        }
        out
    }

    #[test]
    fn lines_past_the_limit_are_skipped_whole() {
        assert_eq!(frames("ab\n\ncdefgh\nij", 4), ["ab", "<6>", "ij"]);
        assert_eq!(frames("", 4), Vec::<String>::new());
        assert_eq!(frames("\n\n", 4), Vec::<String>::new());
    }

    #[test]
    fn requests_are_checked_before_dispatch() {
        let error = |line: &str| parse_request(line.as_bytes()).err().unwrap().1.code;
        assert_eq!(error("{"), code::PARSE_ERROR);
        assert_eq!(error("[]"), code::INVALID_REQUEST);
        assert_eq!(error(r#"{"id":1,"method":"x"}"#), code::INVALID_REQUEST);
        assert_eq!(
            error(r#"{"jsonrpc":"2.0","id":{},"method":"x"}"#),
            code::INVALID_REQUEST
        );
        assert_eq!(
            error(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#),
            code::INVALID_REQUEST
        );
        let request = parse_request(br#"{"jsonrpc":"2.0","id":"a","method":"tools"}"#)
            .ok()
            .unwrap();
        assert_eq!(request.method, "tools");
        assert_eq!(request.id, Some(Value::String("a".into())));
    }
}
