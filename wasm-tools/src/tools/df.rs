//! df: the space of the file systems behind the zones (-h, -k, -m, -B, -T, -P), for all zones or
//! the zones holding the named files.

use crate::common::args::{self, Arg};
use crate::common::io::{out, warn};
use crate::common::modes::{ZoneSpace, zones};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut human = false;
    let mut block = 1024u64;
    let mut show_type = false;
    let mut paths = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('h') | Arg::Long("human-readable") => human = true,
            Arg::Short('k') => block = 1024,
            Arg::Short('m') => block = 1 << 20,
            Arg::Short('P') | Arg::Long("portability") => {}
            Arg::Short('T') | Arg::Long("print-type") => show_type = true,
            Arg::Short('B') | Arg::Long("block-size") => {
                let text = args::value_text(&mut parser)?;
                block = match text.as_str() {
                    "K" | "1K" | "1024" => 1024,
                    "M" | "1M" => 1 << 20,
                    "G" | "1G" => 1 << 30,
                    "1" => 1,
                    _ => return Err(ToolError::usage(format!("invalid block size '{text}'"))),
                };
            }
            Arg::Value(value) => paths.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let all = zones();
    let mut status = 0;
    let mut shown: Vec<&ZoneSpace> = Vec::new();
    if paths.is_empty() {
        shown.extend(all.iter());
    } else {
        for path in &paths {
            let absolute = match std::fs::canonicalize(path)
                .or_else(|_| std::env::current_dir().map(|d| d.join(path)))
            {
                Ok(p) if std::path::Path::new(path).exists() => p,
                _ => {
                    warn(tool, format!("{path}: No such file or directory"));
                    status = 1;
                    continue;
                }
            };
            let zone = all
                .iter()
                .filter(|z| absolute.starts_with(&z.guest))
                .max_by_key(|z| z.guest.len());
            if let Some(zone) = zone {
                shown.push(zone);
            }
        }
    }
    let size_header = if human {
        "Size".to_string()
    } else {
        match block {
            1 => "1B-blocks".into(),
            1024 => "1K-blocks".into(),
            1048576 => "1M-blocks".into(),
            _ => "1G-blocks".into(),
        }
    };
    let mut rows = vec![vec![
        "Filesystem".to_string(),
        size_header,
        "Used".into(),
        if human {
            "Avail".into()
        } else {
            "Available".into()
        },
        "Use%".into(),
        "Mounted on".into(),
    ]];
    if show_type {
        rows[0].insert(1, "Type".into());
    }
    for zone in shown {
        let used = zone.total.saturating_sub(zone.free);
        let amount = |bytes: u64| {
            if human {
                crate::tools::du::human(bytes)
            } else {
                bytes.div_ceil(block).to_string()
            }
        };
        let percent = match used + zone.available {
            0 => "-".to_string(),
            sum => format!("{}%", (used * 100).div_ceil(sum)),
        };
        let mut row = vec![
            if zone.writable { "zone-rw" } else { "zone-ro" }.to_string(),
            amount(zone.total),
            amount(used),
            amount(zone.available),
            percent,
            zone.guest.clone(),
        ];
        if show_type {
            row.insert(1, "zone".into());
        }
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
        .collect();
    for row in &rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let width = widths[c];
            match c {
                0 => line.push_str(&format!("{cell:<width$}")),
                _ if c + 1 == columns => line.push_str(&format!(" {cell}")),
                _ if show_type && c == 1 => line.push_str(&format!(" {cell:<width$}")),
                _ => line.push_str(&format!(" {cell:>width$}")),
            }
        }
        line.push('\n');
        out(line.as_bytes())?;
    }
    Ok(status)
}
