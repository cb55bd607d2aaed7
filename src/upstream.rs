//! Upstream code as untrusted input handling: brush-parser's parsers may panic on hostile input
//! (numbers past 64 bits in brace ranges, `~N` or fd numbers), and no input may panic or abort
//! a process that embeds zonebox. Every call into such code goes through [`guarded`].

/// Runs upstream parsing code that may panic on hostile input: `None` instead of a panic
/// reaching the caller.
pub(crate) fn guarded<T>(parse: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).ok()
}
