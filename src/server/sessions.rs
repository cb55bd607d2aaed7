//! A server's sessions: each a shell that lives across lines (cwd, variables, functions, `$?`,
//! scratch zones), its busy flag, when it was last used, and the connection that owns it — an
//! unnamed session ends with its connection; a named one is kept for any client of the server
//! until it is closed or idle too long.

use super::protocol::{RpcError, code};
use crate::Sandbox;
use crate::shell::interp::ShellState;
use crate::zones::{ZoneFs, ZoneMounts};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A session's shell and the zones it sees (its scratch zones are its own; they are deleted
/// when the session ends).
pub struct Shell {
    pub state: ShellState,
    pub mounts: ZoneMounts,
}

pub struct ServerSession {
    pub id: String,
    /// The connection whose end ends the session; `None` for a named (kept) session.
    owner: Option<u64>,
    shell: Mutex<Shell>,
    /// The session's zones, for fs.* while a line runs.
    pub files: ZoneFs,
    /// The working directory after the last line, for fs.* paths while a line runs.
    cwd: Mutex<String>,
    busy: AtomicBool,
    last_used: Mutex<Instant>,
}

/// Held while a line runs in the session; dropping it marks the session idle again.
pub struct Busy {
    session: Arc<ServerSession>,
}

impl Busy {
    pub fn session(&self) -> &Arc<ServerSession> {
        &self.session
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.session.touch();
        self.session.busy.store(false, Ordering::Release);
    }
}

impl ServerSession {
    /// Marks the session busy, or says why it cannot run another line now.
    pub fn start_run(self: &Arc<Self>) -> Result<Busy, RpcError> {
        if self
            .busy
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(RpcError::new(
                code::SESSION_BUSY,
                format!(
                    "session {} is running a line: a shell runs one line at a time (the next \
                     depends on what this one leaves); wait for its result, or use another \
                     session",
                    self.id
                ),
            ));
        }
        Ok(Busy {
            session: self.clone(),
        })
    }

    /// The shell, for the run that holds [`Busy`].
    pub fn shell(&self) -> MutexGuard<'_, Shell> {
        self.shell.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_cwd(&self, cwd: &str) {
        *self.cwd.lock().unwrap_or_else(|p| p.into_inner()) = cwd.to_string();
    }

    pub fn cwd(&self) -> String {
        self.cwd.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Acquire)
    }

    pub fn idle_for(&self) -> Duration {
        self.last_used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .elapsed()
    }

    pub fn touch(&self) {
        *self.last_used.lock().unwrap_or_else(|p| p.into_inner()) = Instant::now();
    }
}

/// Every session of a server.
pub struct Sessions {
    by_id: Mutex<BTreeMap<String, Arc<ServerSession>>>,
    next: AtomicUsize,
    max_sessions: usize,
}

/// Whether a session name can be used: 1 to 64 of letters, digits, `.`, `_` and `-`, not the
/// shape of the server's own ids (`s` and digits).
fn valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && !(name.starts_with('s')
            && name.len() > 1
            && name[1..].bytes().all(|b| b.is_ascii_digit()))
}

impl Sessions {
    pub fn new(max_sessions: usize) -> Self {
        Sessions {
            by_id: Mutex::new(BTreeMap::new()),
            next: AtomicUsize::new(1),
            max_sessions,
        }
    }

    fn map(&self) -> MutexGuard<'_, BTreeMap<String, Arc<ServerSession>>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session of `sandbox`, with `prepare` applied to its fresh shell: named and kept
    /// when `name` is given, else owned by the connection `owner`.
    pub fn create(
        &self,
        sandbox: &Sandbox,
        owner: u64,
        name: Option<String>,
        prepare: impl FnOnce(&mut ShellState, &ZoneFs) -> Result<(), RpcError>,
    ) -> Result<Arc<ServerSession>, RpcError> {
        if let Some(name) = &name
            && !valid_name(name)
        {
            return Err(RpcError::invalid_params(format!(
                "session.create: name '{name}' is not 1 to 64 letters, digits, '.', '_' or '-' \
                 (and not s followed by digits, the server's own ids)"
            )));
        }
        if self.map().len() >= self.max_sessions {
            return Err(RpcError::new(
                code::TOO_MANY_SESSIONS,
                format!(
                    "the server holds its maximum of {} sessions: close one (session.close) or \
                     start the server with a larger --max-sessions",
                    self.max_sessions
                ),
            ));
        }
        let mounts = ZoneMounts::prepare(&sandbox.policy.zones, &sandbox.scratch, &sandbox.root)
            .map_err(|error| super::methods::library_error(&error))?;
        let files = ZoneFs::new(&mounts);
        let mut state = sandbox.fresh_shell();
        prepare(&mut state, &files)?;
        let owner = if name.is_some() { None } else { Some(owner) };
        let id = name.unwrap_or_else(|| format!("s{}", self.next.fetch_add(1, Ordering::Relaxed)));
        let session = Arc::new(ServerSession {
            id: id.clone(),
            owner,
            cwd: Mutex::new(state.cwd.clone()),
            shell: Mutex::new(Shell { state, mounts }),
            files,
            busy: AtomicBool::new(false),
            last_used: Mutex::new(Instant::now()),
        });
        let mut map = self.map();
        if map.len() >= self.max_sessions {
            return Err(RpcError::new(
                code::TOO_MANY_SESSIONS,
                format!(
                    "the server holds its maximum of {} sessions",
                    self.max_sessions
                ),
            ));
        }
        if map.contains_key(&id) {
            return Err(RpcError::new(
                code::SESSION_EXISTS,
                format!("a session named '{id}' exists: run in it, or close it first"),
            ));
        }
        map.insert(id, session.clone());
        Ok(session)
    }

    pub fn get(&self, id: &str) -> Result<Arc<ServerSession>, RpcError> {
        self.map().get(id).cloned().ok_or_else(|| {
            RpcError::new(
                code::UNKNOWN_SESSION,
                format!(
                    "no session '{id}' (it was never made, was closed, or ended after being idle): \
                     make one with session.create"
                ),
            )
        })
    }

    /// Ends a session: its scratch zones go when the last run holding it ends.
    pub fn close(&self, id: &str) -> Result<(), RpcError> {
        self.get(id)?;
        self.map().remove(id);
        Ok(())
    }

    /// Closes the sessions idle (and not running a line) for longer than `idle`.
    pub fn close_idle(&self, idle: Duration) -> Vec<String> {
        let stale: Vec<String> = self
            .map()
            .values()
            .filter(|s| !s.is_busy() && s.idle_for() > idle)
            .map(|s| s.id.clone())
            .collect();
        for id in &stale {
            let _ = self.close(id);
        }
        stale
    }

    /// Ends the sessions a connection owns (it went away); named sessions stay.
    pub fn close_owned_by(&self, connection: u64) {
        self.map().retain(|_, s| s.owner != Some(connection));
    }

    /// The sessions a connection owns, and the named ones.
    pub fn list_for(&self, connection: u64) -> Vec<Arc<ServerSession>> {
        self.map()
            .values()
            .filter(|s| s.owner.is_none_or(|owner| owner == connection))
            .cloned()
            .collect()
    }

    /// Whether the session is named (kept beyond its connection).
    pub fn is_named(session: &ServerSession) -> bool {
        session.owner.is_none()
    }
}
