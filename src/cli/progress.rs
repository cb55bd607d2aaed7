//! Shows on stderr, when it is a terminal, that the first run is compiling the toolset.

use std::io::IsTerminal;
use zonebox::{CompileEvent, Policy, Sandbox};

/// Builds a sandbox, telling a person at a terminal why the first run takes seconds. The CLI
/// runs one line at a time, so its instance pool is the policy's `limits.max_instances` (not the
/// library's default of 1000, whose guard pages alone take 10 ms to make).
pub(crate) fn sandbox(policy: Policy) -> zonebox::Result<Sandbox> {
    let slots = u32::try_from(policy.limits.max_instances).unwrap_or(u32::MAX);
    let builder = Sandbox::builder(policy).instance_slots(slots);
    if !std::io::stderr().is_terminal() {
        return builder.build();
    }
    builder
        .on_compile(|event| match event {
            CompileEvent::Started => {
                eprint!("zonebox: compiling the toolset for this machine (first run only)… ")
            }
            CompileEvent::Finished(elapsed) => {
                eprintln!("done in {:.1}s, cached", elapsed.as_secs_f64())
            }
        })
        .build()
}
