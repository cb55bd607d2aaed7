//! Policies: the zones, working directory, environment, network and limits that every run obeys.
//!
//! A policy is read from TOML ([`file`]), may be changed by CLI flags ([`overrides`]: a flag is an
//! override of a key, never a second definition) and is then validated into a [`Policy`]
//! ([`validate`]), the only form the rest of zonebox accepts.

mod container;
mod error;
pub mod file;
mod overrides;
mod reserved;
mod routing;
mod validate;

pub use container::{ContainerPolicy, ImageRule, RuntimeChoice};
pub use error::{PolicyError, Problem};
pub use file::PolicyFile;
pub use overrides::PolicyOverrides;
pub(crate) use reserved::is_reserved;
pub use routing::{DenyRule, Fallback, NamePattern, Routing};

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The bundled default policy: the current directory read-only at /workspace, a scratch /tmp.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../../policies/default.toml");

/// A validated policy. Build one with [`Policy::from_file`], [`Policy::from_toml`] or
/// [`Policy::default_policy`].
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    /// Where the policy came from (a file path, or `<default policy>`), for messages.
    #[serde(skip)]
    pub source: String,
    pub workdir: String,
    pub network: Network,
    pub zones: Vec<Zone>,
    pub env: EnvPolicy,
    pub limits: Limits,
    pub routing: Routing,
    /// How lines that need native programs run; `None` when routing never sends any there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<ContainerPolicy>,
}

/// A host directory (or a fresh empty one) visible to the guest at `guest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Zone {
    /// The host directory, absolute and with symlinks resolved; `None` for scratch zones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<PathBuf>,
    /// An absolute, normalised guest path.
    pub guest: String,
    pub mode: ZoneMode,
}

crate::named_enum::named_enum! {
    /// What the guest may do in a zone.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum ZoneMode {
        /// Read only: writes fail and create nothing.
        ReadOnly = "ro",
        /// Read and write: changes land in the host directory.
        ReadWrite = "rw",
        /// An empty directory made for the run and deleted after it.
        Scratch = "scratch",
    }
}

/// The guest's network. Only `none` exists: wasm has no sockets, and containers start with
/// networking disabled (a policy-controlled egress proxy is a later change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Network {
    #[serde(rename = "none")]
    None,
}

/// Which environment variables the guest sees: nothing of the host's unless listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EnvPolicy {
    /// Host variables passed through when set on the host.
    pub pass: Vec<String>,
    /// Fixed values, applied after `pass`.
    pub set: BTreeMap<String, String>,
}

impl EnvPolicy {
    /// The guest environment: allowed host variables, then fixed values (fixed values win).
    pub fn resolve(&self, host: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
        let mut vars: Vec<(String, String)> = self
            .pass
            .iter()
            .filter_map(|name| host(name).map(|value| (name.clone(), value)))
            .collect();
        for (name, value) in &self.set {
            vars.retain(|(existing, _)| existing != name);
            vars.push((name.clone(), value.clone()));
        }
        vars
    }
}

/// Limits enforced on every run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// Wall clock for the whole command line.
    #[serde(rename = "timeout_secs", serialize_with = "serialize_secs")]
    pub timeout: Duration,
    /// Linear memory of each wasm instance, in bytes.
    #[serde(rename = "memory_mib", serialize_with = "serialize_mib")]
    pub memory_bytes: u64,
    /// Bytes kept of each of stdout and stderr (head and tail; the middle is dropped).
    pub max_output_bytes: u64,
    /// A deterministic CPU budget in wasm fuel units; `None` for no budget beyond the wall clock.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_fuel: Option<u64>,
    /// Files a program may hold open at once, beyond stdio and the zones themselves.
    pub max_open_files: u32,
    /// Wasm instances of one line or session running at once (pipeline stages, nested
    /// commands): fork-bomb shapes stop here.
    pub max_instances: usize,
    /// Host memory the shell's state of one line or session may hold (variables, arrays,
    /// words being built, here-documents, the copies subshells and jobs keep), in bytes.
    #[serde(rename = "shell_memory_mib", serialize_with = "serialize_mib")]
    pub shell_memory_bytes: u64,
}

pub(crate) fn serialize_mib<S: serde::Serializer>(
    bytes: &u64,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_u64(bytes / MIB)
}

/// One mebibyte.
pub const MIB: u64 = 1024 * 1024;

pub(crate) fn serialize_secs<S: serde::Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

impl Policy {
    /// Reads, overrides and validates a policy file. Relative host paths are taken from `base_dir`.
    pub fn from_file_with(
        path: &Path,
        overrides: &PolicyOverrides,
        base_dir: &Path,
    ) -> Result<Policy, PolicyError> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| PolicyError::single(&source, Problem::unreadable(e)))?;
        Self::from_toml_with(&text, &source, overrides, base_dir)
    }

    /// Reads and validates a policy file; relative host paths are taken from the current directory.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Policy, PolicyError> {
        Self::from_file_with(path.as_ref(), &PolicyOverrides::default(), &current_dir()?)
    }

    /// Validates policy text; `source` names it in messages.
    pub fn from_toml(text: &str, source: &str) -> Result<Policy, PolicyError> {
        Self::from_toml_with(text, source, &PolicyOverrides::default(), &current_dir()?)
    }

    /// The bundled default policy, with the current directory as `/workspace`.
    pub fn default_policy() -> Result<Policy, PolicyError> {
        Self::from_toml(DEFAULT_POLICY_TOML, DEFAULT_SOURCE)
    }

    /// Parses text, applies flag overrides, then validates; relative host paths are from `base_dir`.
    pub fn from_toml_with(
        text: &str,
        source: &str,
        overrides: &PolicyOverrides,
        base_dir: &Path,
    ) -> Result<Policy, PolicyError> {
        let mut raw = PolicyFile::parse(text, source)?;
        overrides.apply(&mut raw)?;
        validate::validate(raw, source, base_dir)
    }

    /// The zone that holds a guest path, if any.
    pub fn zone_for(&self, guest_path: &str) -> Option<&Zone> {
        self.zones
            .iter()
            .find(|zone| validate::is_within(guest_path, &zone.guest))
    }

    /// The resolved policy as TOML, as `zonebox policy check` prints it.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self)
            .unwrap_or_else(|e| format!("# cannot render the policy: {e}\n"))
    }
}

/// How the bundled default policy is named in messages.
pub const DEFAULT_SOURCE: &str = "<default policy>";

fn current_dir() -> Result<PathBuf, PolicyError> {
    std::env::current_dir().map_err(|e| {
        PolicyError::single(
            "<current directory>",
            Problem::new(
                "",
                None,
                format!("the current directory is unreadable ({e}); cd to an existing directory"),
            ),
        )
    })
}
