//! The line runner's wire format, one file for both sides: the runner (`line-runner/main.rs`,
//! which has it as `mod protocol`) and zonebox's side of it (`src/backend/container/runner.rs`,
//! which includes it by path).
//!
//! Requests (zonebox → runner, on the runner's stdin): a little-endian u32 length, then
//! NUL-separated fields — the working directory, the number of `NAME=VALUE` entries and each,
//! the number of argv words and each, the length of stdin — then stdin's bytes.
//! Frames (runner → zonebox, on its stdout): a kind byte, a little-endian u32 length, the bytes.

/// Bytes the line wrote to its stdout.
pub(crate) const FRAME_STDOUT: u8 = 1;
/// Bytes the line wrote to its stderr (or the runner's message about the line).
pub(crate) const FRAME_STDERR: u8 = 2;
/// The line's end: its status (i32 LE) and 1 when the container is clean, else 0.
pub(crate) const FRAME_END: u8 = 3;
