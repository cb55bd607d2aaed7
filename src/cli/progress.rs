//! Shows on stderr, when it is a terminal, that the first run is compiling the toolset.

use std::io::IsTerminal;
use zonebox::{CompileEvent, Policy, Sandbox};

/// Builds a sandbox, telling a person at a terminal why the first run takes seconds.
pub(crate) fn sandbox(policy: Policy) -> zonebox::Result<Sandbox> {
    let builder = Sandbox::builder(policy);
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
