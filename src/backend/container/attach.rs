//! The attach stream of a Docker/Podman container, the one way zonebox talks to a running
//! container: attaching (stdin, stdout and stderr, streamed), and pumping a one-shot
//! container's input in and its output into the captures. The warm containers' line runner
//! (`runner.rs`) frames its own protocol on the same stream.

use crate::error::{ContainerError, Error};
use crate::stdio::CapturedOutput;
use bollard::Docker;
use bollard::container::{AttachContainerResults, LogOutput};
use bollard::query_parameters::AttachContainerOptionsBuilder;
use futures::StreamExt;
use tokio::io::AsyncWriteExt;

/// Attaches to container `name`'s stdin, stdout and stderr, as streams.
pub(crate) async fn attach(docker: &Docker, name: &str) -> Result<AttachContainerResults, Error> {
    let options = AttachContainerOptionsBuilder::new()
        .stdin(true)
        .stdout(true)
        .stderr(true)
        .stream(true)
        .build();
    docker
        .attach_container(name, Some(options))
        .await
        .map_err(|e| ContainerError::engine(format!("attaching to {name}"), e).into())
}

/// An attached container's or exec's output, as bollard streams it.
pub(crate) type OutputStream = std::pin::Pin<
    Box<dyn futures::Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>,
>;

/// Feeds `stdin` to an attached container or exec, and streams its stdout and stderr into the
/// captures until the output ends.
pub(crate) async fn pump(
    mut input: std::pin::Pin<Box<dyn tokio::io::AsyncWrite + Send>>,
    mut output: OutputStream,
    stdin: Vec<u8>,
    stdout: &CapturedOutput,
    stderr: &CapturedOutput,
) {
    let feed = async move {
        let _ = input.write_all(&stdin).await;
        let _ = input.shutdown().await;
    };
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
    tokio::join!(feed, read);
}
