//! tee: copy standard input to standard output and to files (-a appends).

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut append = false;
    let mut names = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('a') | Arg::Long("append") => append = true,
            Arg::Short('i') | Arg::Long("ignore-interrupts") | Arg::Short('p') => {}
            Arg::Value(value) => names.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let mut status = 0;
    let mut files: Vec<(String, File)> = Vec::new();
    for name in names {
        match OpenOptions::new()
            .write(true)
            .create(true)
            .append(append)
            .truncate(!append)
            .open(&name)
        {
            Ok(file) => files.push((name, file)),
            Err(error) => {
                warn(tool, format!("{name}: {}", describe(&error)));
                status = 1;
            }
        }
    }
    let mut buffer = vec![0u8; 64 * 1024];
    let mut stdin = std::io::stdin();
    loop {
        let n = stdin.read(&mut buffer)?;
        if n == 0 {
            return Ok(status);
        }
        out(&buffer[..n])?;
        files.retain_mut(|(name, file)| match file.write_all(&buffer[..n]) {
            Ok(()) => true,
            Err(error) => {
                warn(tool, format!("{name}: {}", describe(&error)));
                status = 1;
                false
            }
        });
    }
}
