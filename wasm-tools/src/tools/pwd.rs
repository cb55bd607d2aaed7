//! pwd: print the working directory (-L and -P print the same: the sandbox has no symlinked cwd).

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::io::outf;
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('L' | 'P') | Arg::Long("logical" | "physical") => {}
            other => return Err(args::unknown(other)),
        }
    }
    let cwd = std::env::current_dir()?;
    outf(format_args!("{}\n", cwd.display()))?;
    Ok(0)
}
