//! One run of a wasm program: a fresh store with the WASI context, limits and captured output,
//! then `_start` under the wall clock, and the way it ended.

use super::engine::{RunState, WasmEngine};
use super::limiter::{LineMemory, RunLimiter};
use crate::error::{Error, ZoneError};
use crate::line::{LimitKind, Stopped, ToolCall, ToolOutcome, exit};
use crate::policy::Limits;
use crate::zones::{Mount, ZoneMounts};
use wasmtime::{InstancePre, PoolConcurrencyLimitError, Store, Trap};
use wasmtime_wasi::{FsPerms, I32Exit, ResourceTableError, WasiCtxBuilder, WasiView};

/// Resource-table room for handles that live only during one WASI call.
const TRANSIENT_HANDLES: usize = 8;

/// Everything one run needs.
pub(crate) struct RunRequest<'a> {
    /// The command, its environment, streams, wall clock and fuel.
    pub(crate) call: ToolCall<'a>,
    pub(crate) limits: &'a Limits,
    pub(crate) mounts: &'a ZoneMounts,
    /// The linear memory the line's instances share (`limits.memory_mib`).
    pub(crate) line_memory: &'a std::sync::Arc<LineMemory>,
}

impl WasmEngine {
    /// Runs `program` (the toolset or a caller's module) under `request`'s limits.
    pub(crate) async fn run(
        &self,
        program: &InstancePre<RunState>,
        request: RunRequest<'_>,
    ) -> Result<ToolOutcome, Error> {
        let call = request.call;
        let mut wasi = WasiCtxBuilder::new();
        // The toolset's file calls run on the calling thread instead of a hop to Tokio's blocking
        // pool and back (a thread switch each way: `echo hi` took 200 µs that way, 115 µs
        // without). Only the toolset: it waits only with absolute-deadline polls, which stay
        // async, while a caller's program could hold the thread with a relative sleep, which
        // wasmtime-wasi runs as a blocking `thread::sleep` when this is on, past the wall clock.
        let toolset = std::ptr::eq(program, &self.toolset);
        wasi.allow_blocking_current_thread(toolset)
            .stdin(call.stdin)
            .stdout(call.stdout)
            .stderr(call.stderr)
            .args(call.argv)
            .envs(call.env);
        if !call.env.iter().any(|(name, _)| name == "PWD") {
            wasi.env("PWD", call.workdir);
        }
        for mount in request.mounts.mounts.iter() {
            let cannot_open = |host: &std::path::Path, reason: String| Error::Zone {
                guest: mount.guest.clone(),
                problem: ZoneError::CannotOpen {
                    host: host.to_path_buf(),
                    reason,
                },
            };
            let host = mount
                .host()
                .map_err(|e| cannot_open(std::path::Path::new("(root view)"), e.to_string()))?;
            wasi.preopened_dir(host, &mount.guest, perms(mount))
                .map_err(|e| cannot_open(host, e.to_string()))?;
        }
        let mut wasi = wasi.build_p1();
        // wasmtime-wasi's p1 context has no descriptor cap of its own; its resource table does.
        // The table holds the three stdio streams, one entry per zone, each open file or
        // directory, and short-lived handles (a directory listing, a sleep's pollable).
        let table_capacity = 3
            + request.mounts.mounts.len()
            + request.limits.max_open_files as usize
            + TRANSIENT_HANDLES;
        wasi.ctx().table.set_max_capacity(table_capacity);
        let state = RunState {
            wasi,
            limiter: RunLimiter::new(request.line_memory.clone()),
            zones: request.mounts.mounts.clone(),
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let fuel = call.fuel.filter(|_| self.fuel_metered);
        if let Some(fuel) = fuel {
            store
                .set_fuel(fuel)
                .map_err(|e| Error::engine("setting fuel", e))?;
        }
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);

        let execution = async {
            let result = match program.instantiate_async(&mut store).await {
                Ok(instance) => match instance.get_typed_func::<(), ()>(&mut store, "_start") {
                    Ok(start) => start.call_async(&mut store, ()).await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            (result, store.data().limiter.memory_refused)
        };
        let (exit_code, stopped) =
            match tokio::time::timeout_at(call.deadline.into(), execution).await {
                Err(_elapsed) => (exit::TIMED_OUT, Some(LimitKind::WallClock.into())),
                Ok((Ok(()), _)) => (0, None),
                Ok((Err(error), memory_refused)) => classify(&error, memory_refused),
            };
        let fuel_used = fuel
            .and_then(|budget| {
                store
                    .get_fuel()
                    .ok()
                    .map(|left| budget.saturating_sub(left))
            })
            .unwrap_or(0);
        Ok(ToolOutcome {
            exit_code,
            stopped,
            fuel_used,
        })
    }
}

/// The WASI preopen permissions of a zone.
fn perms(mount: &Mount) -> FsPerms {
    if mount.writable {
        FsPerms::ReadWrite
    } else {
        FsPerms::ReadOnly
    }
}

/// Turns a run's error into an exit code and, for limits and crashes, the reason.
fn classify(error: &wasmtime::Error, memory_refused: bool) -> (i32, Option<Stopped>) {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return (exit.0, None);
    }
    if memory_refused {
        return (exit::KILLED, Some(LimitKind::Memory.into()));
    }
    if let Some(pool) = error.downcast_ref::<PoolConcurrencyLimitError>() {
        return (
            exit::KILLED,
            Some(Stopped::ProcessInstances(pool.to_string())),
        );
    }
    if matches!(
        error.downcast_ref::<ResourceTableError>(),
        Some(ResourceTableError::Full)
    ) {
        return (exit::KILLED, Some(LimitKind::OpenFiles.into()));
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => (exit::KILLED, Some(LimitKind::Cpu.into())),
        Some(Trap::StackOverflow) => (exit::KILLED, Some(LimitKind::Stack.into())),
        Some(trap) => (exit::CRASHED, Some(Stopped::Crash(trap.to_string()))),
        None => (exit::CRASHED, Some(Stopped::Crash(format!("{error:#}")))),
    }
}
