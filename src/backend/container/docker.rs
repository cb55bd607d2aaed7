//! Docker and Podman through the Docker Engine API (bollard): create the container from the
//! spec, attach, start, feed stdin, stream stdout and stderr into the captures as they come,
//! wait under the wall clock, and remove it — also when the run is cancelled or times out
//! (kill, then remove). The API version is negotiated, so older engines work.
//!
//! With `container.pool_size` > 0 lines run in warm containers instead: started once with
//! zonebox's line runner as PID 1 (`runner.rs`), used by one line at a time, and cleaned after
//! each line (every process of the line killed, the scratch tmpfs emptied) before the next — so
//! no line, and so no session, sees what another left, except in rw zones, which are shared by
//! design. Every line, with input or without, is a request to the runner on the container's
//! attach stream. A warm container that timed out, ran out of memory or could not be cleaned
//! is removed, not reused; one idle longer than `pool_idle_secs` is removed when next looked
//! at.

use super::attach::{attach, pump};
use super::discovery::Endpoint;
use super::runner::{LineEnd, RUNNER_PATH, Runner, runner_command, runner_file};
use super::spec::{ContainerSpec, SpecMount};
use super::{ContainerRuntime, LineIo, RunEnd, Running};
use crate::error::{ContainerError, Error};
use crate::line::exit;
use crate::stdio::CapturedOutput;
use bollard::Docker;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountTmpfsOptions, MountTypeEnum};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, KillContainerOptionsBuilder, RemoveContainerOptionsBuilder,
};
use futures::StreamExt;

/// Seconds bollard waits for the engine's answers.
const API_TIMEOUT_SECS: u64 = 120;

pub(crate) struct DockerRuntime {
    docker: Docker,
    described: String,
    /// Warm containers not in use.
    idle: std::sync::Mutex<Vec<Warm>>,
}

/// A warm container not in use: its name, when it was last used, and its line runner.
struct Warm {
    name: String,
    used: std::time::Instant,
    runner: Runner,
}

impl DockerRuntime {
    /// Connects to the engine at `endpoint` and checks it answers.
    pub(crate) async fn connect(endpoint: &Endpoint) -> Result<DockerRuntime, String> {
        let docker = match endpoint {
            Endpoint::Unix(path) => Docker::connect_with_unix(
                &path.display().to_string(),
                API_TIMEOUT_SECS,
                bollard::API_DEFAULT_VERSION,
            ),
            Endpoint::Http(url) => {
                Docker::connect_with_http(url, API_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            }
        }
        .map_err(|e| e.to_string())?;
        let docker = docker
            .negotiate_version()
            .await
            .map_err(|e| e.to_string())?;
        let version = docker.version().await.map_err(|e| e.to_string())?;
        let engine = version
            .components
            .iter()
            .flatten()
            .next()
            .map_or("engine".to_string(), |c| c.name.to_lowercase());
        let described = format!(
            "{engine} {} at {endpoint}",
            version.version.unwrap_or_default()
        );
        Ok(DockerRuntime {
            docker,
            described,
            idle: std::sync::Mutex::new(Vec::new()),
        })
    }

    pub(crate) fn client(&self) -> &Docker {
        &self.docker
    }

    /// Creates container `name`; a missing image (the engine's 404) is an error that says how
    /// to get it — found by the create itself, not by a lookup before every line.
    async fn create(&self, name: &str, body: ContainerCreateBody) -> Result<(), Error> {
        let image = body.image.clone().unwrap_or_default();
        let options = CreateContainerOptionsBuilder::new().name(name).build();
        match self.docker.create_container(Some(options), body).await {
            Ok(_) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(ContainerError::ImageMissing {
                image,
                engine: self.described.clone(),
            }
            .into()),
            Err(e) => {
                Err(ContainerError::engine(format!("creating a container of {image}"), e).into())
            }
        }
    }

    /// True when the kernel killed the container for memory.
    async fn oom_killed(&self, name: &str) -> bool {
        self.docker
            .inspect_container(
                name,
                None::<bollard::query_parameters::InspectContainerOptions>,
            )
            .await
            .ok()
            .and_then(|c| c.state)
            .and_then(|s| s.oom_killed)
            .unwrap_or(false)
    }

    async fn remove(&self, name: &str) {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        let _ = self.docker.remove_container(name, Some(options)).await;
    }

    /// Starts a created (and attached) container.
    async fn start(&self, name: &str) -> Result<(), Error> {
        self.docker
            .start_container(
                name,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .map_err(|e| ContainerError::engine(format!("starting {name}"), e).into())
    }

    async fn run_container(
        &self,
        spec: &ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Result<RunEnd, Error> {
        let name = format!("zonebox-{}", random_suffix());
        self.create(&name, create_body(spec)).await?;
        // From here the container exists: it is removed whatever happens, also when this
        // future is dropped (the guard spawns the removal).
        let guard = RemoveOnDrop {
            docker: self.docker.clone(),
            name: Some(name.clone()),
        };
        let attached = attach(&self.docker, &name).await?;
        self.start(&name).await?;
        let pump = pump(attached.input, attached.output, stdin, &stdout, &stderr);
        let docker = self.docker.clone();
        let wait_name = name.clone();
        let wait = async move {
            let waited = docker
                .wait_container(
                    &wait_name,
                    None::<bollard::query_parameters::WaitContainerOptions>,
                )
                .next()
                .await;
            match waited {
                Some(Ok(response)) => response.status_code as i32,
                Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => {
                    code as i32
                }
                _ => exit::WRAPPER_FAILED,
            }
        };
        let all = async {
            let ((), code) = tokio::join!(pump, wait);
            code
        };
        let end = match tokio::time::timeout(spec.timeout, all).await {
            Ok(code) => RunEnd::exited(code, self.oom_killed(&name).await),
            Err(_elapsed) => {
                let kill = KillContainerOptionsBuilder::new().signal("KILL").build();
                let _ = self.docker.kill_container(&name, Some(kill)).await;
                RunEnd::TIMED_OUT
            }
        };
        self.remove(&name).await;
        guard.disarm();
        Ok(end)
    }
}

impl DockerRuntime {
    /// A warm container for `spec`: an idle one, or a new one started now with its runner.
    async fn take_warm(&self, spec: &ContainerSpec) -> Result<(String, Runner), Error> {
        let stale: Vec<String>;
        let fresh = {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            let (keep, old): (Vec<_>, Vec<_>) = idle
                .drain(..)
                .partition(|warm| warm.used.elapsed() < spec.pool_idle);
            *idle = keep;
            stale = old.into_iter().map(|warm| warm.name).collect();
            idle.pop()
        };
        for name in stale {
            self.remove(&name).await;
        }
        if let Some(warm) = fresh {
            return Ok((warm.name, warm.runner));
        }
        let name = format!("zonebox-warm-{}", random_suffix());
        let mut body = create_body(spec);
        body.cmd = Some(runner_command(spec));
        body.stdin_once = Some(false);
        if let Some(labels) = body.labels.as_mut() {
            labels.remove(super::spec::LABEL_EXPIRES);
        }
        if let Some(host) = body.host_config.as_mut() {
            // The runner is the namespace's init: it reaps, and the line cannot signal it.
            host.init = Some(false);
            host.mounts.get_or_insert_with(Vec::new).push(Mount {
                target: Some(RUNNER_PATH.to_string()),
                source: Some(runner_file()?.display().to_string()),
                typ: Some(MountTypeEnum::BIND),
                read_only: Some(true),
                ..Default::default()
            });
        }
        self.create(&name, body).await?;
        let started = async {
            let runner = Runner::attach(&self.docker, &name).await?;
            self.start(&name).await?;
            Ok(runner)
        };
        match started.await {
            Ok(runner) => Ok((name, runner)),
            Err(error) => {
                self.remove(&name).await;
                Err(error)
            }
        }
    }

    async fn run_pooled(
        &self,
        spec: &ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Result<RunEnd, Error> {
        let (name, mut runner) = self.take_warm(spec).await?;
        let guard = RemoveOnDrop {
            docker: self.docker.clone(),
            name: Some(name.clone()),
        };
        let run = runner.run_line(spec, &stdin, &stdout, &stderr);
        let ended = match tokio::time::timeout(spec.timeout, run).await {
            Ok(ended) => ended,
            Err(_elapsed) => {
                self.remove(&name).await;
                guard.disarm();
                return Ok(RunEnd::TIMED_OUT);
            }
        };
        let (code, clean) = match ended {
            Ok(LineEnd::Exited { code, clean }) => (code, clean),
            // The container stopped under the line (its memory limit, or the engine).
            Ok(LineEnd::RunnerGone) => (exit::KILLED, false),
            Err(error) => {
                self.remove(&name).await;
                guard.disarm();
                return Err(error);
            }
        };
        let out_of_memory = !clean && code == exit::KILLED && self.oom_killed(&name).await;
        let kept = clean && {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            let room = idle.len() < spec.pool_size;
            if room {
                idle.push(Warm {
                    name: name.clone(),
                    used: std::time::Instant::now(),
                    runner,
                });
            }
            room
        };
        if !kept {
            self.remove(&name).await;
        }
        guard.disarm();
        Ok(RunEnd::exited(code, out_of_memory))
    }
}

impl ContainerRuntime for DockerRuntime {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn run<'a>(&'a self, spec: &'a ContainerSpec, io: LineIo) -> Running<'a> {
        let LineIo {
            stdin,
            stdout,
            stderr,
        } = io;
        if spec.pool_size > 0 {
            Box::pin(self.run_pooled(spec, stdin, stdout, stderr))
        } else {
            Box::pin(self.run_container(spec, stdin, stdout, stderr))
        }
    }

    fn shutdown(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(async move {
            let names: Vec<String> = self
                .idle
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .drain(..)
                .map(|warm| warm.name)
                .collect();
            for name in names {
                self.remove(&name).await;
            }
        })
    }
}

/// The Engine API request for a spec: every isolation setting is fixed here, none comes from
/// the policy (no privileged mode, no devices, no capabilities, no network).
pub(crate) fn create_body(spec: &ContainerSpec) -> ContainerCreateBody {
    let mounts = spec
        .mounts
        .iter()
        .map(|mount| match mount {
            SpecMount::Bind {
                host,
                guest,
                read_only,
            } => Mount {
                target: Some(guest.clone()),
                source: Some(host.display().to_string()),
                typ: Some(MountTypeEnum::BIND),
                read_only: Some(*read_only),
                ..Default::default()
            },
            SpecMount::Tmpfs { guest, size_bytes } => Mount {
                target: Some(guest.clone()),
                typ: Some(MountTypeEnum::TMPFS),
                tmpfs_options: Some(MountTmpfsOptions {
                    size_bytes: Some(*size_bytes as i64),
                    mode: Some(0o1777),
                    ..Default::default()
                }),
                ..Default::default()
            },
        })
        .collect();
    let host_config = HostConfig {
        mounts: Some(mounts),
        memory: Some(spec.memory_bytes as i64),
        memory_swap: Some(spec.memory_bytes as i64),
        nano_cpus: Some((spec.cpus * 1e9) as i64),
        pids_limit: Some(i64::from(spec.pids_limit)),
        network_mode: Some("none".into()),
        cap_drop: Some(vec!["ALL".into()]),
        security_opt: Some(vec!["no-new-privileges".into()]),
        readonly_rootfs: Some(true),
        privileged: Some(false),
        group_add: Some(spec.group_add.iter().map(u32::to_string).collect()),
        init: Some(true),
        ..Default::default()
    };
    ContainerCreateBody {
        image: Some(spec.image.clone()),
        cmd: Some(spec.argv.clone()),
        entrypoint: Some(Vec::new()),
        working_dir: Some(spec.workdir.clone()),
        env: Some(spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        user: Some(format!("{}:{}", spec.user.0, spec.user.1)),
        labels: Some(spec.labels.clone().into_iter().collect()),
        attach_stdin: Some(true),
        attach_stdout: Some(true),
        attach_stderr: Some(true),
        open_stdin: Some(true),
        stdin_once: Some(true),
        tty: Some(false),
        network_disabled: Some(true),
        host_config: Some(host_config),
        ..Default::default()
    }
}

fn random_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let seed = format!("{nanos}-{}-{:p}", std::process::id(), &nanos);
    blake3::hash(seed.as_bytes()).to_hex()[..16].to_string()
}

/// Removes the container when a run is dropped before it could (cancelled, panicked).
struct RemoveOnDrop {
    docker: Docker,
    name: Option<String>,
}

impl RemoveOnDrop {
    fn disarm(mut self) {
        self.name = None;
    }
}

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let Some(name) = self.name.take() else {
            return;
        };
        let docker = self.docker.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                let options = RemoveContainerOptionsBuilder::new()
                    .force(true)
                    .v(true)
                    .build();
                let _ = docker.remove_container(&name, Some(options)).await;
            });
        }
    }
}
