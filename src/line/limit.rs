//! The limits that stop a run, and how a run was stopped: one enum of limits ([`LimitKind`],
//! public in [`crate::Output`]) and the reasons a run ends early ([`Stopped`]), each described
//! once, with the policy value behind it.

use crate::policy::{Limits, MIB};
use serde::Serialize;

crate::named_enum::named_enum! {
    /// A limit that stopped a run.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum LimitKind {
        /// `limits.timeout_secs`.
        WallClock = "wall_clock",
        /// `limits.memory_mib`.
        Memory = "memory",
        /// `limits.cpu_fuel`.
        Cpu = "cpu",
        /// The wasm call stack (runaway recursion).
        Stack = "stack",
        /// `limits.max_open_files`.
        OpenFiles = "open_files",
        /// `limits.max_instances`: too many commands of one line running at once.
        Instances = "instances",
        /// A shell value (a variable, a word, an expansion) grew past what the shell holds.
        ShellMemory = "shell_memory",
        /// The caller cancelled the run ([`crate::CancelHandle`]).
        Cancelled = "cancelled",
    }
}

/// Why a run ended before its program ended by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stopped {
    /// One of the policy's limits.
    Limit(LimitKind),
    /// Too many wasm commands of the whole process at once (the engine's instance pool): what
    /// the pool said. Reported as the instances limit.
    ProcessInstances(String),
    /// A trap that is no limit: the program is broken or hostile.
    Crash(String),
}

impl From<LimitKind> for Stopped {
    fn from(limit: LimitKind) -> Self {
        Stopped::Limit(limit)
    }
}

impl Stopped {
    /// The limit this was, if it was one.
    pub(crate) fn limit(&self) -> Option<LimitKind> {
        match self {
            Stopped::Limit(limit) => Some(*limit),
            Stopped::ProcessInstances(_) => Some(LimitKind::Instances),
            Stopped::Crash(_) => None,
        }
    }

    /// Whether this ends the whole line (noted once, at its end), not one command.
    pub(crate) fn is_line_limit(&self) -> bool {
        matches!(
            self,
            Stopped::Limit(
                LimitKind::WallClock
                    | LimitKind::Cpu
                    | LimitKind::Instances
                    | LimitKind::ShellMemory
                    | LimitKind::Cancelled
            )
        )
    }

    /// One line saying what stopped `program` and the policy value behind it.
    pub(crate) fn describe(&self, limits: &Limits, program: &str) -> String {
        match self {
            Stopped::Limit(limit) => limit.describe(limits),
            Stopped::ProcessInstances(pool) => format!(
                "stopped by the instances limit: the process runs too many wasm commands at once \
                 ({pool}); run fewer lines at the same time or raise \
                 SandboxBuilder::instance_slots"
            ),
            Stopped::Crash(reason) => format!("{program} crashed: {reason}"),
        }
    }
}

impl LimitKind {
    /// What stopped a run, with the policy value behind it.
    pub(crate) fn describe(self, limits: &Limits) -> String {
        match self {
            LimitKind::WallClock => format!(
                "stopped by the wall-clock limit: limits.timeout_secs = {}",
                limits.timeout.as_secs_f64()
            ),
            LimitKind::Memory => format!(
                "stopped by the memory limit: limits.memory_mib = {}",
                limits.memory_bytes / MIB
            ),
            LimitKind::Cpu => format!(
                "stopped by the CPU limit: limits.cpu_fuel = {} (the line's budget)",
                limits.cpu_fuel.unwrap_or_default()
            ),
            LimitKind::Stack => {
                "stopped by the stack limit: the call stack was exhausted (runaway recursion)"
                    .to_string()
            }
            LimitKind::OpenFiles => format!(
                "stopped by the open-files limit: limits.max_open_files = {}",
                limits.max_open_files
            ),
            LimitKind::Instances => format!(
                "stopped by the instances limit: limits.max_instances = {} commands running at once",
                limits.max_instances
            ),
            LimitKind::ShellMemory => format!(
                "stopped by the shell memory limit: limits.shell_memory_mib = {} (the shell's \
                 variables, words and copies held on the host)",
                limits.shell_memory_bytes / MIB
            ),
            LimitKind::Cancelled => "cancelled by the caller".to_string(),
        }
    }
}

// `Serialize` comes from the one list of names above.
const _: fn() = || {
    fn serializable<T: Serialize>() {}
    serializable::<LimitKind>();
};
