//! gzip, gunzip, zcat: compress or expand files (-c -d -k -f -l -t -v -n -N -1..-9, -S SUF).
//! FILE becomes FILE.gz (or back) and the original is removed unless -k or -c.

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use flate2::Compression;
use flate2::read::MultiGzDecoder;
use std::ffi::OsString;
use std::io::{Read, Write};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Compress,
    Decompress,
    List,
    Test,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut mode = if tool == "gzip" {
        Mode::Compress
    } else {
        Mode::Decompress
    };
    let mut to_stdout = tool == "zcat";
    let (mut keep, mut force, mut verbose, mut store_name) = (false, false, false, true);
    let mut level = 6;
    let mut suffix = ".gz".to_string();
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('c') | Arg::Long("stdout" | "to-stdout") => to_stdout = true,
            Arg::Short('d') | Arg::Long("decompress" | "uncompress") => mode = Mode::Decompress,
            Arg::Short('k') | Arg::Long("keep") => keep = true,
            Arg::Short('f') | Arg::Long("force") => force = true,
            Arg::Short('l') | Arg::Long("list") => mode = Mode::List,
            Arg::Short('t') | Arg::Long("test") => mode = Mode::Test,
            Arg::Short('v') | Arg::Long("verbose") => verbose = true,
            Arg::Short('q') | Arg::Long("quiet") => verbose = false,
            Arg::Short('n') | Arg::Long("no-name") => store_name = false,
            Arg::Short('N') | Arg::Long("name") => store_name = true,
            Arg::Short('S') | Arg::Long("suffix") => suffix = args::value_text(&mut parser)?,
            Arg::Short(digit @ '1'..='9') => level = digit.to_digit(10).unwrap_or(6),
            Arg::Long("fast") => level = 1,
            Arg::Long("best") => level = 9,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.is_empty() || files == ["-"] {
        let mut data = Vec::new();
        std::io::stdin().read_to_end(&mut data)?;
        return match mode {
            Mode::Compress => out(&compress(&data, level, None)?).map(|()| 0),
            Mode::Decompress => {
                out(&decompress(&data).map_err(|e| ToolError::failure(format!("stdin: {e}")))?)
                    .map(|()| 0)
            }
            Mode::Test => decompress(&data)
                .map(|_| 0)
                .map_err(|e| ToolError::failure(format!("stdin: {e}"))),
            Mode::List => list(&[("-".to_string(), data)]).map(|()| 0),
        };
    }
    let mut status = 0;
    let mut listed = Vec::new();
    for mut name in files {
        // As gzip -d: a name that does not exist is tried with the known suffixes added.
        if mode != Mode::Compress && std::fs::metadata(&name).is_err() {
            let found = [suffix.as_str(), ".gz", ".z", ".Z"]
                .iter()
                .map(|known| format!("{name}{known}"))
                .find(|candidate| std::fs::metadata(candidate).is_ok_and(|m| m.is_file()));
            if let Some(found) = found {
                name = found;
            }
        }
        let data = match std::fs::read(&name) {
            Ok(data) => data,
            Err(error) => {
                warn(tool, format!("{name}: {}", describe(&error)));
                status = 1;
                continue;
            }
        };
        let result = match mode {
            Mode::List => {
                listed.push((name, data));
                continue;
            }
            Mode::Test => decompress(&data).map(|_| ()),
            Mode::Compress => {
                if name.ends_with(&suffix) && !force && !to_stdout {
                    warn(
                        tool,
                        format!("{name} already has {suffix} suffix -- unchanged"),
                    );
                    status = 2.max(status);
                    continue;
                }
                let stored =
                    store_name.then(|| crate::tools::basename::base_name(&name).to_string());
                compress(&data, level, stored.as_deref())
                    .map_err(|e| e.message.unwrap_or_default())
                    .and_then(|packed| {
                        finish(
                            &name,
                            &format!("{name}{suffix}"),
                            &packed,
                            to_stdout,
                            keep,
                            force,
                        )
                    })
            }
            Mode::Decompress => match decompressed_name(&name, &suffix) {
                None if !to_stdout => {
                    warn(tool, format!("{name}: unknown suffix -- ignored"));
                    status = 2.max(status);
                    continue;
                }
                target => {
                    let target = target.unwrap_or_else(|| name.clone());
                    decompress(&data)
                        .and_then(|plain| finish(&name, &target, &plain, to_stdout, keep, force))
                }
            },
        };
        match result {
            Ok(()) if verbose && mode == Mode::Test => warn(tool, format!("{name}:\t OK")),
            Ok(()) => {}
            Err(message) => {
                warn(tool, format!("{name}: {message}"));
                status = 1;
            }
        }
    }
    if !listed.is_empty() {
        list(&listed)?;
    }
    Ok(status)
}

fn compress(data: &[u8], level: u32, name: Option<&str>) -> Result<Vec<u8>, ToolError> {
    let mut builder = flate2::GzBuilder::new().operating_system(3);
    if let Some(name) = name {
        builder = builder.filename(name.as_bytes());
    }
    let mut encoder = builder.write(Vec::new(), Compression::new(level));
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// The name a compressed file decompresses to, from the suffixes gunzip knows: `-S`'s (`.gz`
/// by default), `-gz .z -z _z .Z`, and `.tgz`/`.taz` for `.tar`.
fn decompressed_name(name: &str, suffix: &str) -> Option<String> {
    for tar_suffix in [".tgz", ".taz"] {
        if let Some(base) = name.strip_suffix(tar_suffix).filter(|b| !b.is_empty()) {
            return Some(format!("{base}.tar"));
        }
    }
    [suffix, "-gz", ".z", "-z", "_z", ".Z"]
        .iter()
        .find_map(|known| name.strip_suffix(known).filter(|stem| !stem.is_empty()))
        .map(str::to_string)
}

fn decompress(data: &[u8]) -> Result<Vec<u8>, String> {
    if data.starts_with(&crate::common::lzw::MAGIC) {
        return crate::common::lzw::decode(data);
    }
    if data.len() < 2 || data[..2] != [0x1f, 0x8b] {
        return Err("not in gzip format".into());
    }
    let mut plain = Vec::new();
    MultiGzDecoder::new(data)
        .read_to_end(&mut plain)
        .map_err(|e| format!("invalid compressed data--{e}"))?;
    Ok(plain)
}

/// Writes the result to stdout or to `target`, then removes `source` unless kept.
fn finish(
    source: &str,
    target: &str,
    data: &[u8],
    to_stdout: bool,
    keep: bool,
    force: bool,
) -> Result<(), String> {
    if to_stdout {
        return out(data).map_err(|e| e.message.unwrap_or_default());
    }
    if !force && std::path::Path::new(target).exists() {
        return Err(format!("{target} already exists; not overwritten"));
    }
    std::fs::write(target, data).map_err(|e| describe(&e))?;
    if !keep {
        std::fs::remove_file(source).map_err(|e| describe(&e))?;
    }
    Ok(())
}

/// `-l`: compressed and uncompressed sizes, ratio, and the name, as GNU prints them.
fn list(files: &[(String, Vec<u8>)]) -> Result<(), ToolError> {
    out(b"         compressed        uncompressed  ratio uncompressed_name\n")?;
    let (mut total_packed, mut total_plain) = (0u64, 0u64);
    for (name, data) in files {
        // The last four bytes hold the uncompressed size modulo 2^32.
        let plain = data.len().checked_sub(4).map_or(0, |at| {
            u32::from_le_bytes(data[at..].try_into().unwrap_or_default())
        }) as u64;
        let packed = data.len() as u64;
        let stem = name.strip_suffix(".gz").unwrap_or(name);
        out(format!("{packed:>19} {plain:>19} {} {stem}\n", ratio(packed, plain)).as_bytes())?;
        total_packed += packed;
        total_plain += plain;
    }
    if files.len() > 1 {
        out(format!(
            "{total_packed:>19} {total_plain:>19} {} (totals)\n",
            ratio(total_packed, total_plain)
        )
        .as_bytes())?;
    }
    Ok(())
}

/// GNU's ratio: the share saved, counting the gzip header and trailer as overhead, one decimal.
fn ratio(packed: u64, plain: u64) -> String {
    if plain == 0 {
        return "  0.0%".into();
    }
    let saved = (plain as f64 - (packed as f64 - 18.0 - 8.0 + 8.0)) / plain as f64 * 100.0;
    format!("{saved:>5.1}%")
}
