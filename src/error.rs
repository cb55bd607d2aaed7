//! The errors zonebox's library returns: each says what was wrong, the value, and what to do,
//! and each kind is its own variant with the values in it, so that a caller (or the JSON-RPC
//! server) can tell "image missing" from "engine down" from "zone not writable".

use crate::policy::PolicyError;
use crate::shell::ParseError;
use std::path::{Path, PathBuf};

/// Everything that can go wrong at the library boundary.
///
/// A command that runs and fails is not an error: it is an [`crate::Output`] with its exit code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The policy (file or flags) is invalid; the message lists every problem.
    #[error(transparent)]
    Policy(#[from] PolicyError),

    /// The command line could not be parsed, or uses shell syntax zonebox does not run yet.
    #[error(transparent)]
    CommandLine(#[from] ParseError),

    /// The WebAssembly engine could not be set up (a bug or an unsupported host).
    #[error(
        "setting up the wasm engine failed: {step}: {reason}; this is a zonebox bug or an \
         unsupported host: please report it"
    )]
    Engine {
        /// What zonebox was doing (`compiling the toolset`, `starting the I/O runtime`, …).
        step: String,
        reason: String,
    },

    /// A zone could not be prepared for a run.
    #[error("zone {guest}: {problem}")]
    Zone { guest: String, problem: ZoneError },

    /// The compiled-code cache directory is unusable.
    #[error("compiled-code cache {path}: {reason}; set ZONEBOX_CACHE_DIR to a writable directory")]
    Cache { path: PathBuf, reason: String },

    /// The router sent the line to a container, and the container backend could not run it.
    #[error("container backend: {0}")]
    Container(ContainerError),

    /// A wasm program given to [`crate::Sandbox::run_wasm`] is not a valid WASI module.
    #[error("wasm program {name}: {reason}")]
    Program { name: String, reason: String },
}

// Not `#[from]`: that would make the container error the source too, and a report of the
// chain would say it twice.
impl From<ContainerError> for Error {
    fn from(error: ContainerError) -> Self {
        Error::Container(error)
    }
}

impl Error {
    /// An engine set-up step that failed.
    pub(crate) fn engine(step: impl Into<String>, reason: impl std::fmt::Display) -> Error {
        Error::Engine {
            step: step.into(),
            reason: reason.to_string(),
        }
    }
}

/// Why a zone could not be prepared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ZoneError {
    #[error("an ro or rw zone without a host directory")]
    NoHostDirectory,
    #[error("host directory {} is gone; recreate it or fix the policy", host.display())]
    HostDirectoryGone { host: PathBuf },
    #[error("cannot create a scratch directory in {}: {reason}", temp_dir.display())]
    ScratchUnavailable { temp_dir: PathBuf, reason: String },
    #[error("the host's root directory is never mounted into a container")]
    HostRoot,
    #[error(
        "{} holds the container engine's socket {}; it is never mounted into a container: \
         narrow the zone",
        host.display(),
        socket.display()
    )]
    HoldsEngineSocket { host: PathBuf, socket: PathBuf },
    #[error("{}: {reason}", host.display())]
    Unreadable { host: PathBuf, reason: String },
    #[error("cannot open {}: {reason}", host.display())]
    CannotOpen { host: PathBuf, reason: String },
    #[error(
        "rw zone {} (owner {}:{}, mode {:o}) is not writable by the container user {}:{}; make \
         it so (chown {}:{}, or chmod g+w so its group, which zonebox adds to the user, may \
         write) or set container.user",
        host.display(), owner.0, owner.1, mode, user.0, user.1, user.0, user.1
    )]
    NotWritableByContainer {
        host: PathBuf,
        /// The directory's uid and gid.
        owner: (u32, u32),
        /// Its permission bits.
        mode: u32,
        /// The container user's uid and gid.
        user: (u32, u32),
    },
}

/// Why the container backend could not run a line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ContainerError {
    /// The router chose a container and the policy has none.
    #[error("{policy}: the line needs a container but the policy has no [container] section")]
    NoContainerSection { policy: String },
    /// No engine answered.
    #[error(
        "no container engine for runtime = \"{runtime}\"; tried: {}. Start Docker or Podman, or \
         set DOCKER_HOST",
        tried.join("; ")
    )]
    NoEngine { runtime: String, tried: Vec<String> },
    /// `runtime = "apple"` where Apple's CLI does not run.
    #[error(
        "runtime = \"apple\" but `container --version` does not run here (Apple's container CLI \
         is macOS only)"
    )]
    AppleUnavailable,
    /// The policy's image is not in the engine.
    #[error("image {image} is not on {engine}: {}", image_hint(image))]
    ImageMissing { image: String, engine: String },
    /// The engine refused or failed a step (`creating a container of IMAGE`, `starting NAME`).
    #[error("{step}: {reason}")]
    Engine { step: String, reason: String },
    /// `runtime = "native"` with a working directory outside the ro and rw zones.
    #[error(
        "runtime = \"native\": the working directory {workdir} is not in an ro or rw zone, so it \
         has no host directory"
    )]
    WorkdirOutsideZones { workdir: String },
    /// The warm containers' line runner could not be installed.
    #[error("cannot install the warm containers' line runner: {reason}")]
    LineRunner { reason: String },
    /// A value that cannot be passed to a container.
    #[error("cannot pass {value:?} to a container: it holds a NUL byte")]
    NulByte { value: String },
    /// A line and its input too large for one frame to a warm container.
    #[error("a line and its input of {bytes} bytes is too large for a warm container")]
    TooLarge { bytes: usize },
}

impl ContainerError {
    /// A step of the engine (or of the host, for `runtime = "native"`) that failed.
    pub(crate) fn engine(step: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        ContainerError::Engine {
            step: step.into(),
            reason: reason.to_string(),
        }
    }
}

/// How to get a missing image: the repository's build script when the user is in zonebox's
/// repository, else the engine's own commands.
fn image_hint(image: &str) -> String {
    if Path::new("tests/images/build").is_file() {
        format!(
            "build it with tests/images/build (zonebox's images), or `docker pull {image}` / \
             `docker load` it"
        )
    } else {
        format!(
            "pull it (`docker pull {image}`), load it (`docker load`), or build it (`docker \
             build -t {image} …`), then run the line again"
        )
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
