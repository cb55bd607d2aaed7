//! The container backend: lines that need native programs run whole in a container of the
//! policy's runtime, under the same zones, environment rules and limits as wasm.
//!
//! [`spec`] turns a policy and a line into one description; a [`ContainerRuntime`] runs it —
//! Docker and Podman through their Engine API ([`docker`], bollard), Apple's `container` CLI
//! ([`apple`]). [`discovery`] finds an engine; [`reaper`] removes containers a killed zonebox
//! left behind.

pub(crate) mod apple;
mod attach;
pub(crate) mod discovery;
pub(crate) mod docker;
pub(crate) mod native;
pub(crate) mod reaper;
mod runner;
pub(crate) mod set_id;
pub(crate) mod spec;

use crate::error::{ContainerError, Error};
use crate::line::exit;
use crate::stdio::CapturedOutput;
use std::future::Future;
use std::pin::Pin;

pub(crate) use spec::ContainerSpec;

use crate::policy::{ContainerPolicy, RuntimeChoice};
use std::sync::Arc;

/// Connects to the runtime the policy names (`auto`: the first engine found, then Apple's CLI),
/// and reaps what earlier runs left behind. A missing engine is an error listing what was tried.
pub(crate) async fn connect(policy: &ContainerPolicy) -> Result<Arc<dyn ContainerRuntime>, Error> {
    let apple = || async {
        apple::AppleContainerRuntime::available(&apple::ProcessRunner)
            .await
            .then(|| {
                Arc::new(apple::AppleContainerRuntime::new(Box::new(
                    apple::ProcessRunner,
                ))) as Arc<dyn ContainerRuntime>
            })
    };
    let mut tried = Vec::new();
    if policy.runtime == RuntimeChoice::Native {
        return Ok(Arc::new(native::NativeRuntime));
    }
    if policy.runtime == RuntimeChoice::Apple {
        return apple()
            .await
            .ok_or(Error::Container(ContainerError::AppleUnavailable));
    }
    for endpoint in discovery::candidates(policy.runtime, &|name| std::env::var(name).ok()) {
        if let discovery::Endpoint::Unix(path) = &endpoint
            && !path.exists()
        {
            tried.push(format!("{endpoint} (no socket)"));
            continue;
        }
        match docker::DockerRuntime::connect(&endpoint).await {
            Ok(runtime) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_secs();
                let local = matches!(endpoint, discovery::Endpoint::Unix(_))
                    && std::path::Path::new("/proc/self").exists();
                reaper::reap(runtime.client(), now, local).await;
                return Ok(Arc::new(runtime));
            }
            Err(error) => tried.push(format!("{endpoint} ({error})")),
        }
    }
    if policy.runtime == RuntimeChoice::Auto {
        if let Some(runtime) = apple().await {
            return Ok(runtime);
        }
        tried.push("Apple's `container` CLI (not found)".into());
    }
    Err(ContainerError::NoEngine {
        runtime: policy.runtime.as_str().to_string(),
        tried,
    }
    .into())
}

/// How a container run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RunEnd {
    pub(crate) exit_code: i32,
    /// The wall clock ran out: the container was killed (exit 124).
    pub(crate) timed_out: bool,
    /// The kernel killed it for memory (exit 137).
    pub(crate) out_of_memory: bool,
}

impl RunEnd {
    /// Killed by the wall clock.
    pub(crate) const TIMED_OUT: RunEnd = RunEnd {
        exit_code: exit::TIMED_OUT,
        timed_out: true,
        out_of_memory: false,
    };

    /// Ended by itself with `code`, or killed for memory (reported as 137).
    pub(crate) fn exited(code: i32, out_of_memory: bool) -> RunEnd {
        RunEnd {
            exit_code: if out_of_memory { exit::KILLED } else { code },
            timed_out: false,
            out_of_memory,
        }
    }
}

/// A line's standard streams: its input, and the captures its output streams into.
pub(crate) struct LineIo {
    pub(crate) stdin: Vec<u8>,
    pub(crate) stdout: CapturedOutput,
    pub(crate) stderr: CapturedOutput,
}

pub(crate) type Running<'a> = Pin<Box<dyn Future<Output = Result<RunEnd, Error>> + Send + 'a>>;

/// A container runtime: runs one container to its end, streaming its output into the
/// captures, and leaves nothing behind.
pub(crate) trait ContainerRuntime: Send + Sync {
    /// Which engine this is, for messages (`docker 20.10.24 at /var/run/docker.sock`).
    fn describe(&self) -> String;

    fn run<'a>(&'a self, spec: &'a ContainerSpec, io: LineIo) -> Running<'a>;

    /// Removes warm containers (when the sandbox goes).
    fn shutdown(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async {})
    }
}
