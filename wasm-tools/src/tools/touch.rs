//! touch: set file times to now or to -d DATE / -r FILE / -t STAMP, creating files (-a -m -c).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, warn};
use crate::common::time::{self, Civil};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::fs::{self, FileTimes, OpenOptions};
use std::time::SystemTime;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut access = false;
    let mut modification = false;
    let mut no_create = false;
    let mut when: Option<(SystemTime, SystemTime)> = None;
    let mut operands = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('a') => access = true,
            Arg::Short('m') => modification = true,
            Arg::Short('c') | Arg::Long("no-create") => no_create = true,
            Arg::Short('f') => {}
            Arg::Short('d') | Arg::Long("date") => {
                let text = args::value_text(&mut parser)?;
                let seconds = time::parse_date(&text)
                    .ok_or_else(|| ToolError::failure(format!("invalid date format '{text}'")))?;
                let at = time::from_unix_seconds(seconds);
                when = Some((at, at));
            }
            Arg::Short('t') => {
                let text = args::value_text(&mut parser)?;
                let at = time::from_unix_seconds(parse_stamp(&text)?);
                when = Some((at, at));
            }
            Arg::Short('r') | Arg::Long("reference") => {
                let reference = args::value_text(&mut parser)?;
                let metadata = fs::metadata(&reference).map_err(|e| {
                    ToolError::failure(format!(
                        "failed to get attributes of '{reference}': {}",
                        describe(&e)
                    ))
                })?;
                when = Some((metadata.accessed()?, metadata.modified()?));
            }
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if operands.is_empty() {
        return Err(ToolError::operand("missing file operand"));
    }
    if !access && !modification {
        access = true;
        modification = true;
    }
    let (accessed, modified) = when.unwrap_or_else(|| (SystemTime::now(), SystemTime::now()));
    let mut status = 0;
    for name in operands {
        let file = if no_create {
            match OpenOptions::new().read(true).open(&name) {
                Ok(file) => file,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => {
                    warn(tool, format!("cannot touch '{name}': {}", describe(&e)));
                    status = 1;
                    continue;
                }
            }
        } else {
            match OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&name)
                .or_else(|e| {
                    // A directory, or a file in a read-only zone that exists: its times can still be set.
                    if fs::metadata(&name).is_ok() {
                        fs::File::open(&name)
                    } else {
                        Err(e)
                    }
                }) {
                Ok(file) => file,
                Err(e) => {
                    warn(tool, format!("cannot touch '{name}': {}", describe(&e)));
                    status = 1;
                    continue;
                }
            }
        };
        let mut times = FileTimes::new();
        if access {
            times = times.set_accessed(accessed);
        }
        if modification {
            times = times.set_modified(modified);
        }
        if let Err(e) = file.set_times(times) {
            warn(tool, format!("setting times of '{name}': {}", describe(&e)));
            status = 1;
        }
    }
    Ok(status)
}

/// `[[CC]YY]MMDDhhmm[.ss]`, in UTC.
fn parse_stamp(text: &str) -> Result<i64, ToolError> {
    let invalid = || ToolError::failure(format!("invalid date format '{text}'"));
    let (main, seconds) = match text.split_once('.') {
        Some((main, seconds)) => (main, seconds.parse::<u32>().map_err(|_| invalid())?),
        None => (text, 0),
    };
    if !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let field = |range: std::ops::Range<usize>| main[range].parse::<u32>().map_err(|_| invalid());
    let (year, rest) = match main.len() {
        12 => (i64::from(field(0..4)?), 4),
        10 => {
            let yy = i64::from(field(0..2)?);
            (if yy < 69 { 2000 + yy } else { 1900 + yy }, 2)
        }
        8 => (time::civil(time::unix_seconds(SystemTime::now())).year, 0),
        _ => return Err(invalid()),
    };
    let civil = Civil {
        year,
        month: field(rest..rest + 2)?,
        day: field(rest + 2..rest + 4)?,
        hour: field(rest + 4..rest + 6)?,
        minute: field(rest + 6..rest + 8)?,
        second: seconds,
    };
    Ok(time::to_unix_seconds(civil))
}
