//! cp: copy files and trees (-r -R -a -p -n -u -f -v -T -P -L).

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::fsops::{self, CopyOptions, Targets};
use crate::common::io::{outf, warn};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = CopyOptions::default();
    let mut verbose = false;
    let mut targets = Targets::new();
    let mut follow_links: Option<bool> = None;
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('r' | 'R') | Arg::Long("recursive") => options.recursive = true,
            Arg::Short('a') | Arg::Long("archive") => {
                options.recursive = true;
                options.preserve_times = true;
                follow_links.get_or_insert(false);
            }
            Arg::Short('p') | Arg::Long("preserve") => options.preserve_times = true,
            Arg::Short('n') | Arg::Long("no-clobber") => options.no_clobber = true,
            Arg::Short('u') | Arg::Long("update") => options.update_older = true,
            Arg::Short('f') | Arg::Long("force") => {}
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('T') | Arg::Long("no-target-directory") => {
                targets.no_target_directory = true
            }
            Arg::Short('t') | Arg::Long("target-directory") => {
                targets.target_directory = Some(parser.value()?.into())
            }
            Arg::Short('P') | Arg::Long("no-dereference") => follow_links = Some(false),
            Arg::Short('L') | Arg::Long("dereference") => follow_links = Some(true),
            Arg::Value(value) => targets.operands.push(value.into()),
            other => return Err(args::unknown(other)),
        }
    }
    options.keep_links = !follow_links.unwrap_or(!options.recursive);
    let mut status = 0;
    for (source, dest) in targets.pairs()? {
        let mut report = |message: String| warn(tool, message);
        if fsops::copy(&source, &dest, options, &mut report) {
            if verbose {
                outf(format_args!(
                    "'{}' -> '{}'\n",
                    source.display(),
                    dest.display()
                ))?;
            }
        } else {
            status = 1;
        }
    }
    Ok(status)
}
