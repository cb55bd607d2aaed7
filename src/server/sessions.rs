//! The sessions of one client connection: each a shell that lives across lines (cwd,
//! variables, functions, `$?`, scratch zones), its busy flag, and when it was last used. The
//! count of sessions is shared by every connection of a server, under its maximum.

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

/// One connection's sessions.
pub struct Sessions {
    by_id: Mutex<BTreeMap<String, Arc<ServerSession>>>,
    next: AtomicUsize,
    /// Sessions of the whole server, every connection's.
    server_total: Arc<AtomicUsize>,
    max_sessions: usize,
}

impl Sessions {
    pub fn new(server_total: Arc<AtomicUsize>, max_sessions: usize) -> Self {
        Sessions {
            by_id: Mutex::new(BTreeMap::new()),
            next: AtomicUsize::new(1),
            server_total,
            max_sessions,
        }
    }

    fn map(&self) -> MutexGuard<'_, BTreeMap<String, Arc<ServerSession>>> {
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new session of `sandbox`, with `prepare` applied to its fresh shell.
    pub fn create(
        &self,
        sandbox: &Sandbox,
        prepare: impl FnOnce(&mut ShellState, &ZoneFs) -> Result<(), RpcError>,
    ) -> Result<Arc<ServerSession>, RpcError> {
        let reserved = self
            .server_total
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_sessions).then_some(n + 1)
            });
        if reserved.is_err() {
            return Err(RpcError::new(
                code::TOO_MANY_SESSIONS,
                format!(
                    "the server holds its maximum of {} sessions: close one (session.close) or \
                     start the server with a larger --max-sessions",
                    self.max_sessions
                ),
            ));
        }
        let release = || {
            self.server_total.fetch_sub(1, Ordering::AcqRel);
        };
        let mounts =
            match ZoneMounts::prepare(&sandbox.policy.zones, &sandbox.scratch, &sandbox.root) {
                Ok(mounts) => mounts,
                Err(error) => {
                    release();
                    return Err(super::methods::library_error(&error));
                }
            };
        let files = ZoneFs::new(&mounts);
        let mut state = sandbox.fresh_shell();
        if let Err(error) = prepare(&mut state, &files) {
            release();
            return Err(error);
        }
        let id = format!("s{}", self.next.fetch_add(1, Ordering::Relaxed));
        let session = Arc::new(ServerSession {
            id: id.clone(),
            cwd: Mutex::new(state.cwd.clone()),
            shell: Mutex::new(Shell { state, mounts }),
            files,
            busy: AtomicBool::new(false),
            last_used: Mutex::new(Instant::now()),
        });
        self.map().insert(id, session.clone());
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
        if self.map().remove(id).is_some() {
            self.server_total.fetch_sub(1, Ordering::AcqRel);
        }
        Ok(())
    }

    pub fn list(&self) -> Vec<Arc<ServerSession>> {
        self.map().values().cloned().collect()
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

    /// Ends every session (the client went away).
    pub fn close_all(&self) {
        let ids: Vec<String> = self.map().keys().cloned().collect();
        for id in ids {
            let _ = self.close(&id);
        }
    }
}
