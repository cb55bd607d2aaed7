//! `runtime = "native"`: the line runs on the host itself, without isolation — for trusted
//! hosts only, and only when a policy names it (never a fallback). The working directory is
//! the host directory of the zone that holds the line's guest directory; guest paths inside
//! the line are *not* translated (the host's own paths apply), and scratch zones do not exist.
//! The environment is the same filtered one; the wall clock kills the line's whole process
//! group (124); output is captured and capped as everywhere else.

use super::spec::{ContainerSpec, SpecMount};
use super::{ContainerRuntime, LineIo, RunEnd, Running};
use crate::error::{ContainerError, Error};
use crate::line::exit;
use crate::stdio::CapturedOutput;
use std::path::PathBuf;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub(crate) struct NativeRuntime;

/// The host directory for a guest working directory, through the spec's bind mounts.
fn host_dir(spec: &ContainerSpec) -> Result<PathBuf, Error> {
    spec.mounts
        .iter()
        .filter_map(|mount| match mount {
            SpecMount::Bind { host, guest, .. } => {
                let rest = if spec.workdir == *guest {
                    Some("")
                } else {
                    spec.workdir
                        .strip_prefix(guest.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                };
                rest.map(|rest| (guest.len(), host.join(rest)))
            }
            SpecMount::Tmpfs { .. } => None,
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, dir)| dir)
        .ok_or_else(|| {
            ContainerError::WorkdirOutsideZones {
                workdir: spec.workdir.clone(),
            }
            .into()
        })
}

async fn copy_into(mut from: impl tokio::io::AsyncRead + Unpin, into: &CapturedOutput) {
    let mut buffer = vec![0u8; 64 * 1024];
    while let Ok(read) = from.read(&mut buffer).await {
        if read == 0 {
            break;
        }
        into.write(&buffer[..read]);
    }
}

impl NativeRuntime {
    async fn run_native(
        &self,
        spec: &ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Result<RunEnd, Error> {
        let dir = host_dir(spec)?;
        let mut child = tokio::process::Command::new(&spec.argv[0])
            .args(&spec.argv[1..])
            .current_dir(&dir)
            .env_clear()
            .envs(spec.env.iter().cloned())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                ContainerError::engine(format!("starting {} on the host", spec.argv[0]), e)
            })?;
        let group = child
            .id()
            .and_then(|id| rustix::process::Pid::from_raw(id as i32));
        let mut input = child.stdin.take();
        let out = child.stdout.take();
        let err = child.stderr.take();
        let feed = async move {
            if let Some(input) = input.as_mut() {
                let _ = input.write_all(&stdin).await;
                let _ = input.shutdown().await;
            }
            drop(input);
        };
        let all = async {
            let (_, _, _, status) = tokio::join!(
                feed,
                async {
                    if let Some(out) = out {
                        copy_into(out, &stdout).await
                    }
                },
                async {
                    if let Some(err) = err {
                        copy_into(err, &stderr).await
                    }
                },
                child.wait()
            );
            status
        };
        let outcome = tokio::time::timeout(spec.timeout, all).await;
        // Whatever the line left in its process group goes with it.
        if let Some(group) = group {
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
        match outcome {
            Err(_elapsed) => Ok(RunEnd::TIMED_OUT),
            Ok(status) => {
                let status = status.map_err(|e| ContainerError::engine("waiting", e))?;
                use std::os::unix::process::ExitStatusExt;
                let code = status
                    .code()
                    .or_else(|| status.signal().map(|s| 128 + s))
                    .unwrap_or(exit::WRAPPER_FAILED);
                Ok(RunEnd::exited(code, false))
            }
        }
    }
}

impl ContainerRuntime for NativeRuntime {
    fn describe(&self) -> String {
        "the host itself (runtime = \"native\", no isolation)".into()
    }

    fn run<'a>(&'a self, spec: &'a ContainerSpec, io: LineIo) -> Running<'a> {
        Box::pin(self.run_native(spec, io.stdin, io.stdout, io.stderr))
    }
}
