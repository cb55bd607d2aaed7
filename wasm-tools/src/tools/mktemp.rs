//! mktemp: create a unique file or directory (-d, -p DIR, -t, -u, -q) from a template whose
//! trailing X's become random characters; the default is tmp.XXXXXXXXXX in $TMPDIR or /tmp.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out};
use crate::common::{ToolError, ToolResult};
use std::collections::hash_map::RandomState;
use std::ffi::OsString;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut directory, mut dry_run, mut quiet, mut in_tmpdir) = (false, false, false, false);
    let mut parent: Option<String> = None;
    let mut templates = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('d') | Arg::Long("directory") => directory = true,
            Arg::Short('u') | Arg::Long("dry-run") => dry_run = true,
            Arg::Short('q') | Arg::Long("quiet") => quiet = true,
            Arg::Short('t') => in_tmpdir = true,
            Arg::Short('p') | Arg::Long("tmpdir") => parent = Some(args::value_text(&mut parser)?),
            Arg::Value(value) => templates.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if templates.len() > 1 {
        return Err(ToolError::operand("too many templates"));
    }
    let explicit = templates.pop();
    let template = explicit.clone().unwrap_or_else(|| "tmp.XXXXXXXXXX".into());
    let xs = template.len() - template.trim_end_matches('X').len();
    if xs < 3 {
        return Err(ToolError::operand(format!(
            "too few X's in template '{template}'"
        )));
    }
    let base_dir = parent.or_else(|| {
        (explicit.is_none() || in_tmpdir).then(|| {
            std::env::var("TMPDIR")
                .ok()
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| "/tmp".into())
        })
    });
    let stem = &template[..template.len() - xs];
    for _ in 0..100 {
        let suffix = random_suffix(xs);
        let name = format!("{stem}{suffix}");
        let path = match &base_dir {
            Some(dir) => PathBuf::from(dir).join(name),
            None => PathBuf::from(name),
        };
        if dry_run {
            out(format!("{}\n", path.display()).as_bytes())?;
            return Ok(0);
        }
        let created = if directory {
            std::fs::create_dir(&path)
        } else {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .map(|_| ())
        };
        match created {
            Ok(()) => {
                out(format!("{}\n", path.display()).as_bytes())?;
                return Ok(0);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => {
                let what = if directory { "directory" } else { "file" };
                return Err(ToolError {
                    code: 1,
                    message: (!quiet).then(|| {
                        format!(
                            "failed to create {what} via template '{}': {}",
                            path.display(),
                            describe(&error)
                        )
                    }),
                });
            }
        }
    }
    Err(ToolError::failure(format!(
        "failed to create a unique name from template '{template}'"
    )))
}

/// Random characters from WASI's random source (through std's hasher seeding), ten per draw.
fn random_suffix(length: usize) -> String {
    let mut random = 0u64;
    (0..length)
        .map(|index| {
            if index % 10 == 0 {
                random = RandomState::new().build_hasher().finish();
            }
            let c = ALPHABET[(random % ALPHABET.len() as u64) as usize] as char;
            random /= ALPHABET.len() as u64;
            c
        })
        .collect()
}
