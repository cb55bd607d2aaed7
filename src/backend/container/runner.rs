//! The host side of a warm container's line runner (`line-runner/main.rs`): the static program
//! that is PID 1 of every warm container, so a line costs a write and a read on the container's
//! attach stream instead of an exec (the engine starting a process: most of the 60 ms a warm
//! exec took).
//!
//! The protocol rests on nothing the line can read or write: the runner is non-dumpable (its
//! `/proc` entries are root's, no process of the line may ptrace it), it is the namespace's init
//! (the line cannot kill it), and the line only ever holds fresh pipes whose bytes the runner
//! frames itself, so no output of the line can pass for the runner's report. The report comes
//! after the runner has killed and reaped every process of the container's user and checked
//! `/proc` that none is left, and says whether it could; zonebox keeps the container only then.
//!
//! The requests and frames are described, and their kinds defined, in
//! `line-runner/protocol.rs`, which both sides compile.

use super::attach::{OutputStream, attach};
use super::spec::ContainerSpec;
use crate::error::{ContainerError, Error};
use crate::stdio::CapturedOutput;
use bollard::Docker;
use bollard::container::LogOutput;
use futures::StreamExt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::OnceLock;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// Where the runner is mounted in a warm container.
pub(crate) const RUNNER_PATH: &str = "/.zonebox-line-runner";

/// The runner program, built for this host by build.rs (static, so any image can run it).
static LINE_RUNNER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/line-runner"));

#[path = "../../../line-runner/protocol.rs"]
mod protocol;
use protocol::{FRAME_END, FRAME_STDERR, FRAME_STDOUT};

/// The runner program as a host file to bind-mount: written once per process into a private
/// directory (named as scratch directories are, so one a killed process left is removed by the
/// next process's sweep).
pub(crate) fn runner_file() -> Result<PathBuf, Error> {
    static INSTALLED: OnceLock<Result<(tempfile::TempDir, PathBuf), String>> = OnceLock::new();
    let installed = INSTALLED.get_or_init(|| {
        use std::os::unix::fs::PermissionsExt;
        if LINE_RUNNER.is_empty() {
            return Err("the line runner is built for Linux hosts only".into());
        }
        let dir = crate::zones::private_dir().map_err(|e| e.to_string())?;
        let path = dir.path().join("line-runner");
        std::fs::write(&path, LINE_RUNNER).map_err(|e| e.to_string())?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o555))
            .map_err(|e| e.to_string())?;
        Ok((dir, path))
    });
    match installed {
        Ok((_, path)) => Ok(path.clone()),
        Err(reason) => Err(ContainerError::LineRunner {
            reason: reason.clone(),
        }
        .into()),
    }
}

/// The command of a warm container: the runner, told which directories to empty after a line.
pub(crate) fn runner_command(spec: &ContainerSpec) -> Vec<String> {
    std::iter::once(RUNNER_PATH.to_string())
        .chain(spec.scratch.iter().cloned())
        .collect()
}

/// A runner attached to its warm container.
pub(crate) struct Runner {
    input: Pin<Box<dyn AsyncWrite + Send>>,
    output: OutputStream,
    /// Bytes of the runner's stdout not yet read as frames.
    pending: Vec<u8>,
}

/// How a line given to a runner ended.
pub(crate) enum LineEnd {
    /// The runner reported the line's status; `clean` when no process of the line is left and
    /// the scratch zones are empty.
    Exited { code: i32, clean: bool },
    /// The runner's stream ended without a report: the container stopped (for memory, or the
    /// engine), so nothing was cleaned.
    RunnerGone,
}

impl Runner {
    /// Attaches to container `name` (created with [`runner_command`], not yet started).
    pub(crate) async fn attach(docker: &Docker, name: &str) -> Result<Runner, Error> {
        let attached = attach(docker, name).await?;
        Ok(Runner {
            input: attached.input,
            output: attached.output,
            pending: Vec::new(),
        })
    }

    /// Runs the spec's line with `stdin`, passing its output through until the runner's report.
    pub(crate) async fn run_line(
        &mut self,
        spec: &ContainerSpec,
        stdin: &[u8],
        stdout: &CapturedOutput,
        stderr: &CapturedOutput,
    ) -> Result<LineEnd, Error> {
        let request = request(spec, stdin)?;
        let written = async {
            self.input.write_all(&request).await?;
            self.input.flush().await
        };
        if written.await.is_err() {
            return Ok(LineEnd::RunnerGone);
        }
        loop {
            while let Some((kind, body)) = next_frame(&mut self.pending) {
                match kind {
                    FRAME_STDOUT => stdout.write(&body),
                    FRAME_STDERR => stderr.write(&body),
                    FRAME_END if body.len() == 5 => {
                        let code = i32::from_le_bytes([body[0], body[1], body[2], body[3]]);
                        return Ok(LineEnd::Exited {
                            code,
                            clean: body[4] == 1,
                        });
                    }
                    // A frame the runner never sends: the stream cannot be trusted.
                    _ => return Ok(LineEnd::RunnerGone),
                }
            }
            match self.output.next().await {
                Some(Ok(LogOutput::StdOut { message } | LogOutput::Console { message })) => {
                    self.pending.extend_from_slice(&message)
                }
                // The runner's own diagnostics: not the line's.
                Some(Ok(LogOutput::StdErr { message })) => {
                    tracing::debug!("line runner: {}", String::from_utf8_lossy(&message));
                }
                Some(Ok(LogOutput::StdIn { .. })) => {}
                Some(Err(_)) | None => return Ok(LineEnd::RunnerGone),
            }
        }
    }
}

/// The request for a spec's line: its directory, exactly its environment, its argv, its input.
fn request(spec: &ContainerSpec, stdin: &[u8]) -> Result<Vec<u8>, Error> {
    let mut fields: Vec<String> = vec![spec.workdir.clone(), spec.env.len().to_string()];
    fields.extend(spec.env.iter().map(|(k, v)| format!("{k}={v}")));
    fields.push(spec.argv.len().to_string());
    fields.extend(spec.argv.iter().cloned());
    fields.push(stdin.len().to_string());
    if let Some(bad) = fields.iter().find(|f| f.contains('\0')) {
        return Err(ContainerError::NulByte { value: bad.clone() }.into());
    }
    let mut payload = Vec::new();
    for field in &fields {
        payload.extend_from_slice(field.as_bytes());
        payload.push(0);
    }
    payload.extend_from_slice(stdin);
    let length = u32::try_from(payload.len()).map_err(|_| {
        Error::from(ContainerError::TooLarge {
            bytes: payload.len(),
        })
    })?;
    let mut request = length.to_le_bytes().to_vec();
    request.extend(payload);
    Ok(request)
}

/// Takes one whole frame off the front of `pending`, if one is there.
fn next_frame(pending: &mut Vec<u8>) -> Option<(u8, Vec<u8>)> {
    let header = pending.get(..5)?;
    let length = u32::from_le_bytes([header[1], header[2], header[3], header[4]]) as usize;
    if pending.len() < 5 + length {
        return None;
    }
    let kind = pending[0];
    let body = pending[5..5 + length].to_vec();
    pending.drain(..5 + length);
    Some((kind, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_whole_however_the_stream_cuts_them() {
        let mut stream = Vec::new();
        for (kind, body) in [(1u8, &b"out"[..]), (2, b""), (3, &[0, 0, 0, 0, 1])] {
            stream.push(kind);
            stream.extend((body.len() as u32).to_le_bytes());
            stream.extend_from_slice(body);
        }
        for cut in 0..stream.len() {
            let mut pending = stream[..cut].to_vec();
            let mut frames = Vec::new();
            while let Some(frame) = next_frame(&mut pending) {
                frames.push(frame);
            }
            pending.extend_from_slice(&stream[cut..]);
            while let Some(frame) = next_frame(&mut pending) {
                frames.push(frame);
            }
            assert_eq!(frames.len(), 3, "cut at {cut}");
            assert_eq!(frames[0], (1, b"out".to_vec()));
            assert!(pending.is_empty());
        }
    }

    #[test]
    fn a_request_holds_the_directory_environment_argv_and_input() {
        let spec = ContainerSpec {
            argv: vec!["/bin/sh".into(), "-c".into(), "echo 'it''s'\nls".into()],
            workdir: "/workspace/it's".into(),
            env: vec![("A".into(), "1 2".into())],
            ..ContainerSpec::sample()
        };
        let request = request(&spec, b"in\0put").unwrap();
        let length = u32::from_le_bytes(request[..4].try_into().unwrap()) as usize;
        assert_eq!(length, request.len() - 4);
        assert_eq!(
            &request[4..],
            b"/workspace/it's\x001\0A=1 2\x003\0/bin/sh\0-c\0echo 'it''s'\nls\x006\0in\0put"
        );
        let bad = ContainerSpec {
            env: vec![("A".into(), "nul\0byte".into())],
            ..ContainerSpec::sample()
        };
        assert!(super::request(&bad, b"").is_err());
    }
}
