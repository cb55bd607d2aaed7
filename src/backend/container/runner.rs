//! The line runner of a warm container: one shell exec'd once into the container, which then
//! runs every line written to it, so a line costs a write and a read on a connection that is
//! already open instead of an exec (the engine starting a process in the container: most of the
//! 60 ms a warm exec took).
//!
//! A request is one text line: a fresh random token, then the command that runs the line (`cd`
//! to its directory, then `env -i` with exactly its environment, then the policy's shell on the
//! line) with every byte but letters and digits written as a `\ooo` escape, which the runner's
//! `printf` turns back into bytes (so any line, whatever its quotes or newlines, travels as one
//! line). The runner runs it with stdin from /dev/null (lines with input are exec'd instead),
//! kills every process the line left (`kill -9 -1` spares the runner and PID 1), empties the
//! scratch zones, and writes `\n<token> <status>\n` on stdout and on stderr. The host passes the
//! output through until it sees both markers. The token is secret to the runner (the line's
//! stdin is not the runner's, and the runner is its parent, not a process it may trace), so a
//! line cannot end its own output early; a line that kills the runner ends the stream instead,
//! and its container is not reused.

use super::docker::{OutputStream, attached_exec};
use super::spec::ContainerSpec;
use crate::error::Error;
use crate::stdio::CapturedOutput;
use bollard::Docker;
use bollard::container::LogOutput;
use futures::StreamExt;
use std::fmt::Write as _;
use std::pin::Pin;
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// A runner attached to its warm container.
pub(crate) struct Runner {
    input: Pin<Box<dyn AsyncWrite + Send>>,
    output: OutputStream,
}

/// How a line given to a runner ended.
pub(crate) enum LineEnd {
    /// The runner reported the line's status, and cleaned up after it.
    Exited(i32),
    /// The output ended without the runner's report: the runner was killed (by the line, or
    /// for memory), so nothing was cleaned.
    RunnerGone,
}

impl Runner {
    /// Starts the runner in container `name`.
    pub(crate) async fn start(
        docker: &Docker,
        name: &str,
        spec: &ContainerSpec,
    ) -> Result<Runner, Error> {
        let argv = vec![
            spec.argv[0].clone(),
            "-c".into(),
            runner_script(&spec.argv[0], &spec.scratch),
        ];
        let (_, input, output) = attached_exec(docker, name, spec, argv, "/").await?;
        Ok(Runner { input, output })
    }

    /// Runs the spec's line, passing its output through until the runner's report.
    pub(crate) async fn run_line(
        &mut self,
        spec: &ContainerSpec,
        stdout: &CapturedOutput,
        stderr: &CapturedOutput,
    ) -> Result<LineEnd, Error> {
        let token = token()?;
        let request = format!("{token} {}\n", escape(&command(spec)));
        let written = async {
            self.input.write_all(request.as_bytes()).await?;
            self.input.flush().await
        };
        if written.await.is_err() {
            return Ok(LineEnd::RunnerGone);
        }
        let mut out = EndMarker::new(&token);
        let mut err = EndMarker::new(&token);
        while out.status.is_none() || err.status.is_none() {
            match self.output.next().await {
                Some(Ok(LogOutput::StdOut { message } | LogOutput::Console { message })) => {
                    out.feed(&message, stdout)
                }
                Some(Ok(LogOutput::StdErr { message })) => err.feed(&message, stderr),
                Some(Ok(LogOutput::StdIn { .. })) => {}
                Some(Err(_)) | None => {
                    out.flush(stdout);
                    err.flush(stderr);
                    return Ok(LineEnd::RunnerGone);
                }
            }
        }
        Ok(LineEnd::Exited(out.status.unwrap_or(125)))
    }
}

/// The runner's loop, in the policy's `shell`.
fn runner_script(shell: &str, scratch: &[String]) -> String {
    let shell = quote(shell);
    let clean = clean_up_after_line(scratch);
    format!(
        "while read -r t c; do l=$(printf \"$c\"; printf x); l=${{l%x}}; \
         {shell} -c \"$l\" </dev/null; s=$?; {clean} \
         printf '\\n%s %s\\n' \"$t\" \"$s\"; printf '\\n%s %s\\n' \"$t\" \"$s\" >&2; done"
    )
}

/// What every line in a warm container is followed by, whichever way it ran: every process of
/// the container's user killed (`kill -9 -1` spares the caller and PID 1), and the `scratch`
/// zones emptied.
pub(crate) fn clean_up_after_line(scratch: &[String]) -> String {
    let mut clean = String::from("kill -9 -1 2>/dev/null;");
    for dir in scratch {
        let dir = quote(dir);
        let _ = write!(
            clean,
            " rm -rf {dir}/* {dir}/.[!.]* {dir}/..?* 2>/dev/null;"
        );
    }
    clean
}

/// What the runner runs for the spec: its directory, exactly its environment, its shell.
fn command(spec: &ContainerSpec) -> String {
    let mut command = format!("cd -- {} && exec env -i", quote(&spec.workdir));
    for (name, value) in &spec.env {
        command.push(' ');
        command.push_str(&quote(&format!("{name}={value}")));
    }
    for word in &spec.argv {
        command.push(' ');
        command.push_str(&quote(word));
    }
    command
}

/// `text` in single quotes for sh.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// Every byte but ASCII letters and digits as a `\ooo` escape of printf's format.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() * 4);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() {
            escaped.push(byte as char);
        } else {
            let _ = write!(escaped, "\\{byte:03o}");
        }
    }
    escaped
}

/// 128 random bits from the operating system, in hex.
fn token() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    rustix::rand::getrandom(&mut bytes, rustix::rand::GetRandomFlags::empty())
        .map_err(|e| Error::Container(format!("no random token for the line runner: {e}")))?;
    Ok(bytes.iter().fold(String::new(), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    }))
}

/// Finds the runner's report (`\n<token> <status>\n`) in one output stream, passing through
/// every byte before it — holding back only what could be the report's beginning.
struct EndMarker {
    needle: Vec<u8>,
    held: Vec<u8>,
    status: Option<i32>,
}

impl EndMarker {
    fn new(token: &str) -> EndMarker {
        EndMarker {
            needle: format!("\n{token} ").into_bytes(),
            held: Vec::new(),
            status: None,
        }
    }

    /// Passes on what was held back: the stream ended without a report.
    fn flush(&mut self, sink: &CapturedOutput) {
        sink.write(&self.held);
        self.held.clear();
    }

    fn feed(&mut self, chunk: &[u8], sink: &CapturedOutput) {
        if self.status.is_some() {
            return;
        }
        self.held.extend_from_slice(chunk);
        let found = self
            .held
            .windows(self.needle.len())
            .position(|window| window == self.needle.as_slice());
        let Some(at) = found else {
            let keep = self.needle.len() - 1;
            if self.held.len() > keep {
                let out = self.held.len() - keep;
                sink.write(&self.held[..out]);
                self.held.drain(..out);
            }
            return;
        };
        sink.write(&self.held[..at]);
        self.held.drain(..at);
        let rest = &self.held[self.needle.len()..];
        if let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let status = std::str::from_utf8(&rest[..end])
                .ok()
                .and_then(|s| s.trim().parse().ok());
            self.status = Some(status.unwrap_or(125));
            self.held.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(token: &str, chunks: &[&[u8]]) -> (Vec<u8>, Option<i32>) {
        let sink = CapturedOutput::new("stdout", 1 << 20);
        let mut marker = EndMarker::new(token);
        for chunk in chunks {
            marker.feed(chunk, &sink);
        }
        if marker.status.is_none() {
            marker.flush(&sink);
        }
        (sink.finish(1 << 20).0, marker.status)
    }

    #[test]
    fn output_passes_through_until_the_report() {
        let t = "0123abcd";
        assert_eq!(
            scan(t, &[b"hi\n\n0123abcd 0\n"]),
            (b"hi\n".to_vec(), Some(0))
        );
        assert_eq!(scan(t, &[b"no newline\n0123abcd 3\n"]).1, Some(3));
        assert_eq!(scan(t, &[b"no newline\n0123abcd 3\n"]).0, b"no newline");
        // The report split anywhere across chunks.
        let whole = b"line one\nline two\n\n0123abcd 42\n";
        for cut in 1..whole.len() {
            let (out, status) = scan(t, &[&whole[..cut], &whole[cut..]]);
            assert_eq!(
                (out.as_slice(), status),
                (&b"line one\nline two\n"[..], Some(42)),
                "cut at {cut}"
            );
        }
        // Another token is output, and so is everything when the report never comes.
        let (out, status) = scan(t, &[b"\nffff 1\n", b"rest \n0123abc"]);
        assert_eq!(
            (out.as_slice(), status),
            (&b"\nffff 1\nrest \n0123abc"[..], None)
        );
    }

    #[test]
    fn any_line_travels_as_one_escaped_line() {
        let line = "printf '%s\\n' \"a b\" $'x'\nsecond line; echo 100%";
        let escaped = escape(line);
        assert!(
            escaped
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'\\')
        );
        assert!(!escaped.contains('\n') && !escaped.contains('%'));
        assert_eq!(escape("a'%\n"), "a\\047\\045\\012");
    }

    #[test]
    fn the_command_sets_exactly_the_lines_directory_environment_and_shell() {
        let spec = ContainerSpec {
            argv: vec!["/bin/sh".into(), "-c".into(), "echo 'it''s'".into()],
            workdir: "/workspace/it's".into(),
            env: vec![("A".into(), "1 2".into())],
            ..ContainerSpec::sample()
        };
        assert_eq!(
            command(&spec),
            "cd -- '/workspace/it'\\''s' && exec env -i 'A=1 2' '/bin/sh' '-c' 'echo '\\''it'\\'''\\''s'\\'''"
        );
        assert_eq!(token().unwrap().len(), 32);
        assert_ne!(token().unwrap(), token().unwrap());
    }
}
