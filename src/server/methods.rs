//! The server's methods: their parameters (unknown fields refused by name), what each does, and
//! how library errors become JSON-RPC errors.

use super::files;
use super::protocol::{RpcError, code};
use super::sessions::Sessions;
use super::{Connection, ServerOptions};
use crate::{Error, Sandbox};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The protocol's version: it changes when a method or a field changes meaning.
pub const PROTOCOL_VERSION: u32 = 1;

/// The parameters of a method, or INVALID_PARAMS naming what is wrong.
pub fn params<T: DeserializeOwned>(method: &str, params: Value) -> Result<T, RpcError> {
    let params = if params.is_null() { json!({}) } else { params };
    serde_json::from_value(params).map_err(|e| RpcError::invalid_params(format!("{method}: {e}")))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunParams {
    pub command: String,
    #[serde(default)]
    pub session_id: Option<String>,
    #[serde(default)]
    pub stdin: Option<String>,
    /// A wall clock shorter than the policy's, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
    /// Send `output` notifications as the output arrives.
    #[serde(default)]
    pub stream: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelParams {
    /// The `id` of the run request.
    pub run_id: Value,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionCreateParams {
    /// A name makes a session kept beyond the connection (any client of the server reaches it).
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    workdir: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionIdParams {
    session_id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteParams {
    command: String,
    #[serde(default)]
    session_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoParams {}

/// A library error as the JSON-RPC error a client matches on.
pub fn library_error(error: &Error) -> RpcError {
    use crate::{ContainerError, ZoneError};
    let code = match error {
        Error::Policy(_) => code::POLICY,
        Error::CommandLine(_) => code::COMMAND_LINE,
        Error::Engine { .. } | Error::Cache { .. } | Error::Program { .. } => code::ENGINE,
        Error::Zone {
            problem: ZoneError::NotWritableByContainer { .. },
            ..
        } => code::ZONE_NOT_WRITABLE,
        Error::Zone { .. } => code::ZONE,
        Error::Container(ContainerError::NoEngine { .. } | ContainerError::AppleUnavailable) => {
            code::NO_ENGINE
        }
        Error::Container(ContainerError::ImageMissing { .. }) => code::IMAGE_MISSING,
        Error::Container(_) => code::CONTAINER,
    };
    RpcError::new(code, error.to_string())
}

/// Answers every method but `run` (which the connection runs off its reading thread).
pub fn call(connection: &Connection, method: &str, raw: Value) -> Result<Value, RpcError> {
    let sandbox = &connection.sandbox;
    let sessions = &connection.sessions;
    match method {
        "initialize" => {
            let NoParams {} = params(method, raw)?;
            initialize(sandbox, &connection.options)
        }
        "tools" => {
            let NoParams {} = params(method, raw)?;
            tools(sandbox)
        }
        "route" => {
            let p: RouteParams = params(method, raw)?;
            let decision = match p.session_id {
                Some(id) => {
                    let session = sessions.get(&id)?;
                    let shell = session.shell();
                    sandbox.decide_line(&shell.state, &shell.mounts, &p.command)
                }
                None => sandbox.route(&p.command),
            }
            .map_err(|e| library_error(&e))?;
            serde_json::to_value(decision).map_err(internal)
        }
        "session.create" => {
            let p: SessionCreateParams = params(method, raw)?;
            let session =
                sessions.create(sandbox, connection.id, p.name.clone(), |state, zones| {
                    for (name, value) in &p.env {
                        if !crate::shell::interp::is_name(name) {
                            return Err(RpcError::invalid_params(format!(
                                "session.create: env: '{name}' is not a variable name (letters, \
                             digits and _, not starting with a digit)"
                            )));
                        }
                        state.set_scalar(name, value.clone());
                        state.export(name);
                    }
                    if let Some(workdir) = &p.workdir {
                        let guest = crate::zones::normalize(&state.cwd, workdir);
                        if !zones.is_dir(&guest) {
                            return Err(RpcError::new(
                                code::NOT_FOUND,
                                format!(
                                    "session.create: workdir '{guest}' is not a directory in a zone"
                                ),
                            ));
                        }
                        state.cwd = guest;
                    }
                    Ok(())
                })?;
            Ok(json!({
                "session_id": session.id,
                "cwd": session.cwd(),
                "kept": Sessions::is_named(&session),
            }))
        }
        "session.close" => {
            let p: SessionIdParams = params(method, raw)?;
            sessions.close(&p.session_id)?;
            Ok(json!({ "closed": p.session_id }))
        }
        "session.list" => {
            let NoParams {} = params(method, raw)?;
            Ok(list_sessions(sessions, connection.id))
        }
        "fs.read" | "fs.write" | "fs.list" | "fs.stat" => files::call(sessions, method, raw),
        "run" | "cancel" => Err(RpcError::new(
            code::INTERNAL,
            "run and cancel are answered by the connection",
        )),
        other => Err(RpcError::new(
            code::METHOD_NOT_FOUND,
            format!(
                "no method '{other}': the methods are initialize, tools, route, run, cancel, \
                 session.create, session.close, session.list, fs.read, fs.write, fs.list, fs.stat"
            ),
        )),
    }
}

fn internal(error: impl std::fmt::Display) -> RpcError {
    RpcError::new(code::INTERNAL, error.to_string())
}

fn initialize(sandbox: &Sandbox, options: &ServerOptions) -> Result<Value, RpcError> {
    let tools = sandbox.tools().map_err(|e| library_error(&e))?;
    Ok(json!({
        "server": "zonebox",
        "version": env!("CARGO_PKG_VERSION"),
        "protocol_version": PROTOCOL_VERSION,
        "policy": sandbox.policy(),
        "limits": {
            "max_sessions": options.max_sessions,
            "idle_timeout_secs": options.idle_timeout.as_secs(),
            "max_message_bytes": options.max_message_bytes,
        },
        "tools": tools.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
    }))
}

fn tools(sandbox: &Sandbox) -> Result<Value, RpcError> {
    let tools = sandbox.tools().map_err(|e| library_error(&e))?;
    Ok(json!({
        "tools": tools
            .iter()
            .map(|t| json!({"name": t.name, "summary": t.summary}))
            .collect::<Vec<_>>(),
    }))
}

fn list_sessions(sessions: &Sessions, connection: u64) -> Value {
    let list: Vec<Value> = sessions
        .list_for(connection)
        .iter()
        .map(|s| {
            json!({
                "session_id": s.id,
                "cwd": s.cwd(),
                "busy": s.is_busy(),
                "kept": Sessions::is_named(s),
                "idle_ms": s.idle_for().as_millis() as u64,
            })
        })
        .collect();
    json!({ "sessions": list })
}
