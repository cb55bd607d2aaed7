//! The CLI's own standard output. A reader that goes away (`zonebox tools | grep -q run`) ends
//! what zonebox prints, as it ends any Unix tool's output: never a panic, never an error.

use std::io::Write;

/// Writes `text` to stdout; a closed pipe drops it (and whatever would follow) quietly.
pub(crate) fn print(text: &str) -> std::io::Result<()> {
    write_bytes(text.as_bytes())
}

/// Writes bytes to stdout, flushed; a closed pipe drops them quietly.
pub(crate) fn write_bytes(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
