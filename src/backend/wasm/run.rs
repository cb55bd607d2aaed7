//! One run of a wasm program: a fresh store with the WASI context, limits and captured output,
//! then `_start` under the wall clock, and the way it ended.

use super::engine::{RunState, WasmEngine};
use super::limiter::{LineMemory, RunLimiter};
use super::zones::ZoneMounts;
use crate::error::Error;
use crate::output::LimitKind;
use crate::policy::{Limits, MIB};
use crate::stdio::{Input, Output};
use std::time::Instant;
use wasmtime::{InstancePre, PoolConcurrencyLimitError, Store, Trap};
use wasmtime_wasi::{I32Exit, ResourceTableError, WasiCtxBuilder, WasiView};

/// Resource-table room for handles that live only during one WASI call.
const TRANSIENT_HANDLES: usize = 8;

/// Everything one run needs.
pub(crate) struct RunRequest<'a> {
    pub(crate) argv: &'a [String],
    pub(crate) env: &'a [(String, String)],
    pub(crate) workdir: &'a str,
    pub(crate) stdin: Input,
    pub(crate) stdout: Output,
    pub(crate) stderr: Output,
    pub(crate) limits: &'a Limits,
    pub(crate) mounts: &'a ZoneMounts,
    /// The linear memory the line's instances share (`limits.memory_mib`).
    pub(crate) line_memory: &'a std::sync::Arc<LineMemory>,
    /// When the line's wall clock runs out: the run is stopped then (exit 124).
    pub(crate) deadline: Instant,
    /// The CPU budget left to this run (what the line has not spent); `None` when the policy
    /// sets no `cpu_fuel`.
    pub(crate) fuel: Option<u64>,
}

/// Why a run was stopped before its program ended by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stopped {
    WallClock,
    Memory,
    Cpu,
    Stack,
    OpenFiles,
    /// Too many commands of one line at once (counted by the shell).
    Instances,
    /// Too many wasm commands of the whole process at once (the engine's instance pool): what
    /// the pool said.
    ProcessInstances(String),
    /// The shell's state outgrew `limits.shell_memory_mib` (counted by the shell).
    ShellMemory,
    /// A trap that is no limit: the program is broken or hostile.
    Crash(String),
}

impl Stopped {
    /// The limit this was, if it was one.
    pub(crate) fn limit(&self) -> Option<LimitKind> {
        match self {
            Stopped::WallClock => Some(LimitKind::WallClock),
            Stopped::Memory => Some(LimitKind::Memory),
            Stopped::Cpu => Some(LimitKind::Cpu),
            Stopped::Stack => Some(LimitKind::Stack),
            Stopped::OpenFiles => Some(LimitKind::OpenFiles),
            Stopped::Instances | Stopped::ProcessInstances(_) => Some(LimitKind::Instances),
            Stopped::ShellMemory => Some(LimitKind::ShellMemory),
            Stopped::Crash(_) => None,
        }
    }

    /// One line saying what stopped `program` and the policy value behind it.
    pub(crate) fn describe(&self, limits: &Limits, program: &str) -> String {
        match self {
            Stopped::WallClock => format!(
                "stopped by the wall-clock limit: limits.timeout_secs = {}",
                limits.timeout.as_secs_f64()
            ),
            Stopped::Memory => format!(
                "stopped by the memory limit: limits.memory_mib = {}",
                limits.memory_bytes / MIB
            ),
            Stopped::Cpu => format!(
                "stopped by the CPU limit: limits.cpu_fuel = {} (the line's budget)",
                limits.cpu_fuel.unwrap_or_default()
            ),
            Stopped::Stack => {
                "stopped by the stack limit: the call stack was exhausted (runaway recursion)"
                    .to_string()
            }
            Stopped::OpenFiles => format!(
                "stopped by the open-files limit: limits.max_open_files = {}",
                limits.max_open_files
            ),
            Stopped::Instances => format!(
                "stopped by the instances limit: limits.max_instances = {} commands running at once",
                limits.max_instances
            ),
            Stopped::ProcessInstances(pool) => format!(
                "stopped by the instances limit: the process runs too many wasm commands at once \
                 ({pool}); run fewer lines at the same time or raise \
                 SandboxBuilder::instance_slots"
            ),
            Stopped::ShellMemory => format!(
                "stopped by the shell memory limit: limits.shell_memory_mib = {} (the shell's \
                 variables, words and copies held on the host)",
                limits.shell_memory_bytes / MIB
            ),
            Stopped::Crash(reason) => format!("{program} crashed: {reason}"),
        }
    }
}

/// How a run ended.
pub(crate) struct WasmOutcome {
    pub(crate) exit_code: i32,
    pub(crate) stopped: Option<Stopped>,
    /// Fuel the run consumed (0 when unmetered).
    pub(crate) fuel_used: u64,
}

impl WasmEngine {
    /// Runs `program` (the toolset or a caller's module) under `request`'s limits.
    pub(crate) async fn run(
        &self,
        program: &InstancePre<RunState>,
        request: RunRequest<'_>,
    ) -> Result<WasmOutcome, Error> {
        let mut wasi = WasiCtxBuilder::new();
        // The toolset's file calls run on the calling thread instead of a hop to Tokio's blocking
        // pool and back (a thread switch each way: `echo hi` took 200 µs that way, 115 µs
        // without). Only the toolset: it waits only with absolute-deadline polls, which stay
        // async, while a caller's program could hold the thread with a relative sleep, which
        // wasmtime-wasi runs as a blocking `thread::sleep` when this is on, past the wall clock.
        let toolset = std::ptr::eq(program, &self.toolset);
        wasi.allow_blocking_current_thread(toolset)
            .stdin(request.stdin)
            .stdout(request.stdout)
            .stderr(request.stderr)
            .args(request.argv)
            .envs(request.env);
        if !request.env.iter().any(|(name, _)| name == "PWD") {
            wasi.env("PWD", request.workdir);
        }
        for mount in request.mounts.mounts.iter() {
            wasi.preopened_dir(&mount.host, &mount.guest, mount.perms())
                .map_err(|e| Error::Zone {
                    guest: mount.guest.clone(),
                    reason: format!("cannot open {}: {e}", mount.host.display()),
                })?;
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
        let fuel = request.fuel.filter(|_| self.fuel_metered);
        if let Some(fuel) = fuel {
            store
                .set_fuel(fuel)
                .map_err(|e| Error::Engine(format!("setting fuel: {e}")))?;
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
            match tokio::time::timeout_at(request.deadline.into(), execution).await {
                Err(_elapsed) => (124, Some(Stopped::WallClock)),
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
        Ok(WasmOutcome {
            exit_code,
            stopped,
            fuel_used,
        })
    }
}

/// Turns a run's error into an exit code and, for limits and crashes, the reason.
fn classify(error: &wasmtime::Error, memory_refused: bool) -> (i32, Option<Stopped>) {
    if let Some(exit) = error.downcast_ref::<I32Exit>() {
        return (exit.0, None);
    }
    if memory_refused {
        return (137, Some(Stopped::Memory));
    }
    if let Some(pool) = error.downcast_ref::<PoolConcurrencyLimitError>() {
        return (137, Some(Stopped::ProcessInstances(pool.to_string())));
    }
    if matches!(
        error.downcast_ref::<ResourceTableError>(),
        Some(ResourceTableError::Full)
    ) {
        return (137, Some(Stopped::OpenFiles));
    }
    match error.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => (137, Some(Stopped::Cpu)),
        Some(Trap::StackOverflow) => (137, Some(Stopped::Stack)),
        Some(trap) => (134, Some(Stopped::Crash(trap.to_string()))),
        None => (134, Some(Stopped::Crash(format!("{error:#}")))),
    }
}
