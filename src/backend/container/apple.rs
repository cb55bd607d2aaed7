//! Apple's `container` CLI (macOS): the same spec as Docker's, as the argv of `container run`.
//! The CLI runs through a [`CommandRunner`], so the argv is tested here (no macOS needed) with a
//! recording fake, as youki tests its syscalls through a trait.

use super::spec::{ContainerSpec, SpecMount};
use super::{ContainerRuntime, LineIo, RunEnd, Running};
use crate::error::{ContainerError, Error};
use crate::line::exit;
use crate::stdio::CapturedOutput;
use std::future::Future;
use std::pin::Pin;

/// What a finished command gave back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Finished {
    pub(crate) status: Option<i32>,
    pub(crate) stdout: Vec<u8>,
    pub(crate) stderr: Vec<u8>,
    pub(crate) timed_out: bool,
}

pub(crate) type Finishing<'a> =
    Pin<Box<dyn Future<Output = std::io::Result<Finished>> + Send + 'a>>;

/// Runs a host command (the `container` CLI).
pub(crate) trait CommandRunner: Send + Sync {
    fn run<'a>(
        &'a self,
        argv: &'a [String],
        stdin: Vec<u8>,
        timeout: std::time::Duration,
    ) -> Finishing<'a>;
}

/// The real runner: a child process, killed when the time is up.
pub(crate) struct ProcessRunner;

impl CommandRunner for ProcessRunner {
    fn run<'a>(
        &'a self,
        argv: &'a [String],
        stdin: Vec<u8>,
        timeout: std::time::Duration,
    ) -> Finishing<'a> {
        Box::pin(async move {
            use tokio::io::AsyncWriteExt;
            let mut child = tokio::process::Command::new(&argv[0])
                .args(&argv[1..])
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .kill_on_drop(true)
                .spawn()?;
            if let Some(mut input) = child.stdin.take() {
                let _ = input.write_all(&stdin).await;
            }
            match tokio::time::timeout(timeout, child.wait_with_output()).await {
                Ok(output) => {
                    let output = output?;
                    Ok(Finished {
                        status: output.status.code(),
                        stdout: output.stdout,
                        stderr: output.stderr,
                        timed_out: false,
                    })
                }
                Err(_) => Ok(Finished {
                    timed_out: true,
                    ..Finished::default()
                }),
            }
        })
    }
}

/// `container run …` for a spec, with a container name so a timed-out run can be removed.
pub(crate) fn run_argv(spec: &ContainerSpec, name: &str) -> Vec<String> {
    let mut argv: Vec<String> = ["container", "run", "--rm", "--interactive"]
        .map(String::from)
        .to_vec();
    let mut push = |flag: &str, value: String| {
        argv.push(flag.to_string());
        argv.push(value);
    };
    push("--name", name.to_string());
    push("--cpus", format!("{}", spec.cpus.ceil().max(1.0) as u32));
    push(
        "--memory",
        format!("{}M", spec.memory_bytes.div_ceil(1024 * 1024)),
    );
    push("--user", format!("{}:{}", spec.user.0, spec.user.1));
    push("--workdir", spec.workdir.clone());
    push("--network", "none".into());
    for (key, value) in &spec.env {
        push("--env", format!("{key}={value}"));
    }
    for mount in &spec.mounts {
        match mount {
            SpecMount::Bind {
                host,
                guest,
                read_only,
            } => {
                let readonly = if *read_only { ",readonly" } else { "" };
                push(
                    "--mount",
                    format!(
                        "type=bind,source={},target={guest}{readonly}",
                        host.display()
                    ),
                );
            }
            SpecMount::Tmpfs { guest, .. } => push("--tmpfs", guest.clone()),
        }
    }
    for (key, value) in &spec.labels {
        push("--label", format!("{key}={value}"));
    }
    argv.push("--read-only".into());
    argv.push(spec.image.clone());
    argv.extend(spec.argv.iter().cloned());
    argv
}

/// Apple's `container` CLI.
pub(crate) struct AppleContainerRuntime {
    runner: Box<dyn CommandRunner>,
}

impl AppleContainerRuntime {
    pub(crate) fn new(runner: Box<dyn CommandRunner>) -> Self {
        AppleContainerRuntime { runner }
    }

    /// Available when `container --version` succeeds.
    pub(crate) async fn available(runner: &dyn CommandRunner) -> bool {
        let argv = ["container".to_string(), "--version".to_string()];
        runner
            .run(&argv, Vec::new(), std::time::Duration::from_secs(10))
            .await
            .is_ok_and(|f| f.status == Some(0))
    }

    async fn run_container(
        &self,
        spec: &ContainerSpec,
        stdin: Vec<u8>,
        stdout: CapturedOutput,
        stderr: CapturedOutput,
    ) -> Result<RunEnd, Error> {
        let name = format!("zonebox-{}", std::process::id());
        let argv = run_argv(spec, &name);
        let finished = self
            .runner
            .run(&argv, stdin, spec.timeout)
            .await
            .map_err(|e| ContainerError::engine("running Apple's container CLI", e))?;
        if finished.timed_out {
            let remove = ["container", "rm", "--force", &name].map(String::from);
            let _ = self
                .runner
                .run(&remove, Vec::new(), std::time::Duration::from_secs(30))
                .await;
            return Ok(RunEnd::TIMED_OUT);
        }
        stdout.write(&finished.stdout);
        stderr.write(&finished.stderr);
        Ok(RunEnd::exited(
            finished.status.unwrap_or(exit::KILLED),
            false,
        ))
    }
}

impl ContainerRuntime for AppleContainerRuntime {
    fn describe(&self) -> String {
        "Apple container CLI".into()
    }

    fn run<'a>(&'a self, spec: &'a ContainerSpec, io: LineIo) -> Running<'a> {
        Box::pin(self.run_container(spec, io.stdin, io.stdout, io.stderr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// Records every argv and answers with a fixed result.
    struct Recorder {
        calls: Arc<Mutex<Vec<Vec<String>>>>,
        answer: Finished,
    }

    impl CommandRunner for Recorder {
        fn run<'a>(&'a self, argv: &'a [String], _: Vec<u8>, _: Duration) -> Finishing<'a> {
            self.calls.lock().unwrap().push(argv.to_vec());
            let answer = self.answer.clone();
            Box::pin(async move { Ok(answer) })
        }
    }

    fn spec() -> ContainerSpec {
        ContainerSpec::sample()
    }

    #[test]
    fn run_argv_carries_every_policy_feature() {
        let argv = run_argv(&spec(), "zonebox-7");
        let expected = [
            "container",
            "run",
            "--rm",
            "--interactive",
            "--name",
            "zonebox-7",
            "--cpus",
            "2",
            "--memory",
            "300M",
            "--user",
            "1000:1000",
            "--workdir",
            "/workspace",
            "--network",
            "none",
            "--env",
            "HOME=/tmp",
            "--mount",
            "type=bind,source=/src,target=/workspace,readonly",
            "--mount",
            "type=bind,source=/out dir,target=/out",
            "--tmpfs",
            "/tmp",
            "--label",
            "org.zonebox.owner=zonebox",
            "--read-only",
            "zonebox/agent:1",
            "/bin/sh",
            "-c",
            "python3 -V",
        ];
        assert_eq!(argv, expected);
    }

    #[test]
    fn a_timeout_removes_the_container_and_exits_124() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let runtime = AppleContainerRuntime::new(Box::new(Recorder {
            calls: calls.clone(),
            answer: Finished {
                timed_out: true,
                ..Finished::default()
            },
        }));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let out = CapturedOutput::new("stdout", 1024);
        let err = CapturedOutput::new("stderr", 1024);
        let spec = spec();
        let end = rt
            .block_on(runtime.run(
                &spec,
                LineIo {
                    stdin: Vec::new(),
                    stdout: out,
                    stderr: err,
                },
            ))
            .unwrap();
        assert_eq!(end.exit_code, 124);
        let calls = calls.lock().unwrap();
        assert_eq!(calls[0][..2], ["container", "run"]);
        assert_eq!(calls[1][..3], ["container", "rm", "--force"]);
        assert_eq!(calls[1][3], calls[0][5]);
    }

    #[test]
    fn availability_is_container_version() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let recorder = Recorder {
            calls: calls.clone(),
            answer: Finished {
                status: Some(0),
                ..Finished::default()
            },
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        assert!(rt.block_on(AppleContainerRuntime::available(&recorder)));
        assert_eq!(calls.lock().unwrap()[0], ["container", "--version"]);
    }
}
