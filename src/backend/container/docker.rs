//! Docker and Podman through the Docker Engine API (bollard): create the container from the
//! spec, attach, start, feed stdin, stream stdout and stderr into the captures as they come,
//! wait under the wall clock, and remove it — also when the run is cancelled or times out
//! (kill, then remove). The API version is negotiated, so older engines work.

use super::discovery::Endpoint;
use super::spec::{ContainerSpec, SpecMount};
use super::{ContainerRuntime, RunEnd, Running};
use crate::error::Error;
use crate::stdio::CapturedOutput;
use bollard::Docker;
use bollard::container::LogOutput;
use bollard::models::{ContainerCreateBody, HostConfig, Mount, MountTmpfsOptions, MountTypeEnum};
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, CreateContainerOptionsBuilder, KillContainerOptionsBuilder,
    RemoveContainerOptionsBuilder,
};
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

/// Seconds bollard waits for the engine's answers.
const API_TIMEOUT_SECS: u64 = 120;

pub(crate) struct DockerRuntime {
    docker: Docker,
    described: String,
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
        Ok(DockerRuntime { docker, described })
    }

    pub(crate) fn client(&self) -> &Docker {
        &self.docker
    }

    async fn check_image(&self, image: &str) -> Result<(), Error> {
        match self.docker.inspect_image(image).await {
            Ok(_) => Ok(()),
            Err(bollard::errors::Error::DockerResponseServerError {
                status_code: 404, ..
            }) => Err(Error::Container(format!(
                "image {image} is not on {}: build it with tests/images/build (zonebox's \
                 images), or docker pull / docker load it",
                self.described
            ))),
            Err(e) => Err(Error::Container(format!("inspecting image {image}: {e}"))),
        }
    }

    async fn remove(&self, name: &str) {
        let options = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        let _ = self.docker.remove_container(name, Some(options)).await;
    }

    async fn run_container(
        &self,
        spec: &ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Result<RunEnd, Error> {
        self.check_image(&spec.image).await?;
        let name = format!("zonebox-{}", random_suffix());
        let options = CreateContainerOptionsBuilder::new().name(&name).build();
        self.docker
            .create_container(Some(options), create_body(spec))
            .await
            .map_err(|e| {
                Error::Container(format!("creating a container of {}: {e}", spec.image))
            })?;
        // From here the container exists: it is removed whatever happens, also when this
        // future is dropped (the guard spawns the removal).
        let guard = RemoveOnDrop {
            docker: self.docker.clone(),
            name: Some(name.clone()),
        };
        let attach_options = AttachContainerOptionsBuilder::new()
            .stdin(true)
            .stdout(true)
            .stderr(true)
            .stream(true)
            .build();
        let attached = self
            .docker
            .attach_container(&name, Some(attach_options))
            .await
            .map_err(|e| Error::Container(format!("attaching to {name}: {e}")))?;
        self.docker
            .start_container(
                &name,
                None::<bollard::query_parameters::StartContainerOptions>,
            )
            .await
            .map_err(|e| Error::Container(format!("starting {name}: {e}")))?;
        let mut input = attached.input;
        let feed = async move {
            let _ = input.write_all(&stdin).await;
            let _ = input.shutdown().await;
        };
        let mut output = attached.output;
        let read = async move {
            while let Some(Ok(chunk)) = output.next().await {
                match chunk {
                    LogOutput::StdOut { message } | LogOutput::Console { message } => {
                        stdout.write(&message)
                    }
                    LogOutput::StdErr { message } => stderr.write(&message),
                    LogOutput::StdIn { .. } => {}
                }
            }
        };
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
                _ => 125,
            }
        };
        let all = async {
            let ((), (), code) = tokio::join!(feed, read, wait);
            code
        };
        let end = match tokio::time::timeout(spec.timeout, all).await {
            Ok(code) => {
                let out_of_memory = self
                    .docker
                    .inspect_container(
                        &name,
                        None::<bollard::query_parameters::InspectContainerOptions>,
                    )
                    .await
                    .ok()
                    .and_then(|c| c.state)
                    .and_then(|s| s.oom_killed)
                    .unwrap_or(false);
                RunEnd {
                    exit_code: if out_of_memory { 137 } else { code },
                    timed_out: false,
                    out_of_memory,
                }
            }
            Err(_elapsed) => {
                let kill = KillContainerOptionsBuilder::new().signal("KILL").build();
                let _ = self.docker.kill_container(&name, Some(kill)).await;
                RunEnd {
                    exit_code: 124,
                    timed_out: true,
                    out_of_memory: false,
                }
            }
        };
        self.remove(&name).await;
        guard.disarm();
        Ok(end)
    }
}

impl ContainerRuntime for DockerRuntime {
    fn describe(&self) -> String {
        self.described.clone()
    }

    fn run<'a>(
        &'a self,
        spec: &'a ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Running<'a> {
        Box::pin(self.run_container(spec, stdin, stdout, stderr))
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
