//! The exit statuses zonebox gives a line or a command, as a shell would, in one place.

/// A limit of the line's wall clock stopped it (as `timeout`).
pub(crate) const TIMED_OUT: i32 = 124;
/// A wrapper's own failure, not its command's: `timeout` given a bad duration, xargs told to
/// stop by a signalled command, the container engine unable to start the line.
pub(crate) const WRAPPER_FAILED: i32 = 125;
/// xargs: a command it ran failed (GNU's status).
pub(crate) const XARGS_COMMAND_FAILED: i32 = 123;
/// xargs: a command exited 255, and xargs stopped (GNU's status).
pub(crate) const XARGS_STOPPED: i32 = 124;
/// A denied line or command, or a file that cannot run here (as a shell's "cannot execute").
pub(crate) const CANNOT_RUN: i32 = 126;
/// A command that does not exist.
pub(crate) const NOT_FOUND: i32 = 127;
/// A memory, CPU, stack, open-files, instances or shell-memory limit stopped it (as SIGKILL).
pub(crate) const KILLED: i32 = 137;
/// A run its caller cancelled (128 + SIGINT, as a shell reports Ctrl-C).
pub(crate) const CANCELLED: i32 = 130;
/// The program crashed (a trap that is no limit; as SIGABRT).
pub(crate) const CRASHED: i32 = 134;
/// The exit status of a denied line, as a shell's for a command it cannot execute.
pub const DENIED: i32 = CANNOT_RUN;
