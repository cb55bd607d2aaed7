//! md5sum, sha1sum, sha224sum, sha256sum, sha384sum, sha512sum: print or check (-c) digests;
//! b2sum (BLAKE2b); cksum: POSIX CRC and size; sum: BSD and System V sums; base64 and base32:
//! encode or decode (-d, -w COLS, -i).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, each_input, open_input, out, warn};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

fn digest(tool: &str, data: &[u8]) -> String {
    use sha2::Digest;
    let bytes: Vec<u8> = match tool {
        "md5sum" => md5::Md5::digest(data).to_vec(),
        "sha1sum" => sha1::Sha1::digest(data).to_vec(),
        "sha224sum" => sha2::Sha224::digest(data).to_vec(),
        "sha384sum" => sha2::Sha384::digest(data).to_vec(),
        "sha512sum" => sha2::Sha512::digest(data).to_vec(),
        "b2sum" => blake2::Blake2b512::digest(data).to_vec(),
        _ => sha2::Sha256::digest(data).to_vec(),
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sum(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut check, mut quiet, mut status_only, mut tag) = (false, false, false, false);
    let mut terminator = b'\n';
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('c') | Arg::Long("check") => check = true,
            Arg::Short('b' | 't')
            | Arg::Long("binary" | "text" | "strict" | "warn" | "ignore-missing") => {}
            Arg::Long("quiet") => quiet = true,
            Arg::Long("status") => status_only = true,
            Arg::Long("tag") => tag = true,
            Arg::Short('z') | Arg::Long("zero") => terminator = 0,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if check {
        return verify(tool, files, quiet, status_only);
    }
    each_input(tool, files, |name, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let hash = digest(tool, &data);
        let line = if tag {
            let algorithm = tool.trim_end_matches("sum").to_uppercase();
            format!("{algorithm} ({name}) = {hash}")
        } else {
            format!("{hash}  {name}")
        };
        out(line.as_bytes())?;
        out(&[terminator])
    })
}

/// `-c`: lines of `HASH  NAME` (or `HASH *NAME`); prints NAME: OK or FAILED.
fn verify(tool: &'static str, files: Vec<String>, quiet: bool, status_only: bool) -> ToolResult {
    let (mut failed, mut unreadable, mut malformed) = (0, 0, 0);
    let status = each_input(tool, files, |list, input| {
        let mut text = String::new();
        input.read_to_string(&mut text)?;
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let Some((hash, name)) = line.split_once(' ') else {
                malformed += 1;
                continue;
            };
            let name = name.strip_prefix(['*', ' ']).unwrap_or(name);
            let mut data = Vec::new();
            let result = match open_input(name).and_then(|mut input| input.read_to_end(&mut data)) {
                Err(error) => {
                    warn(tool, format!("{name}: {}", describe(&error)));
                    unreadable += 1;
                    "FAILED open or read"
                }
                Ok(_) if digest(tool, &data).eq_ignore_ascii_case(hash) => "OK",
                Ok(_) => {
                    failed += 1;
                    "FAILED"
                }
            };
            let silenced = status_only || (quiet && result == "OK");
            if !silenced {
                out(format!("{name}: {result}\n").as_bytes())?;
            }
        }
        let _ = list;
        Ok(())
    })?;
    if !status_only {
        if malformed > 0 {
            warn(
                tool,
                format!(
                    "WARNING: {malformed} line{} improperly formatted",
                    if malformed == 1 { " is" } else { "s are" }
                ),
            );
        }
        if unreadable > 0 {
            warn(
                tool,
                format!(
                    "WARNING: {unreadable} listed file{} could not be read",
                    if unreadable == 1 { "" } else { "s" }
                ),
            );
        }
        if failed > 0 {
            warn(
                tool,
                format!(
                    "WARNING: {failed} computed checksum{} did NOT match",
                    if failed == 1 { "" } else { "s" }
                ),
            );
        }
    }
    Ok(if status != 0 || failed + unreadable > 0 {
        1
    } else {
        0
    })
}

/// POSIX cksum: CRC-32 (polynomial 0x04C11DB7) over the data and then its length.
fn posix_crc(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, entry) in table.iter_mut().enumerate() {
        let mut crc = (i as u32) << 24;
        for _ in 0..8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
        }
        *entry = crc;
    }
    let mut crc = 0u32;
    let mut feed = |byte: u8| crc = (crc << 8) ^ table[((crc >> 24) ^ u32::from(byte)) as usize];
    data.iter().for_each(|&b| feed(b));
    let mut length = data.len() as u64;
    while length > 0 {
        feed((length & 0xff) as u8);
        length >>= 8;
    }
    !crc
}

pub fn cksum(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let files = args::operands_only(argv)?;
    let named = !files.is_empty();
    each_input(tool, files, |name, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let label = if named {
            format!(" {name}")
        } else {
            String::new()
        };
        out(format!("{} {}{label}\n", posix_crc(&data), data.len()).as_bytes())
    })
}

/// base64 and base32: the same tool over two alphabets.
pub fn encode(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut decode, mut ignore_garbage) = (false, false);
    let mut wrap = 76usize;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('d') | Arg::Long("decode") => decode = true,
            Arg::Short('i') | Arg::Long("ignore-garbage") => ignore_garbage = true,
            Arg::Short('w') | Arg::Long("wrap") => {
                let text = args::value_text(&mut parser)?;
                wrap = text
                    .parse()
                    .map_err(|_| ToolError::operand(format!("invalid wrap size: '{text}'")))?;
            }
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.len() > 1 {
        return Err(ToolError::operand(format!("extra operand '{}'", files[1])));
    }
    let (engine, alphabet) = if tool == "base32" {
        (&data_encoding::BASE32, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=")
    } else {
        (
            &data_encoding::BASE64,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
        )
    };
    each_input(tool, files, |_, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        if decode {
            let cleaned: Vec<u8> = data
                .into_iter()
                .filter(|b| !b.is_ascii_whitespace())
                .filter(|b| !ignore_garbage || alphabet.as_bytes().contains(b))
                .collect();
            let decoded = engine
                .decode(&cleaned)
                .map_err(|_| ToolError::failure("invalid input"))?;
            return out(&decoded);
        }
        let encoded = engine.encode(&data);
        if wrap == 0 {
            // GNU ends -w 0 output without a newline.
            return out(encoded.as_bytes());
        }
        for chunk in encoded.as_bytes().chunks(wrap) {
            out(chunk)?;
            out(b"\n")?;
        }
        Ok(())
    })
}

/// `sum`: the BSD checksum with 1 KiB blocks (default, -r) or the System V one with 512-byte
/// blocks (-s).
pub fn bsd_sum(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut system_v = false;
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('r') => system_v = false,
            Arg::Short('s') | Arg::Long("sysv") => system_v = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    let show_names = !files.is_empty();
    each_input(tool, files, |name, input| {
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let suffix = if show_names {
            format!(" {name}")
        } else {
            String::new()
        };
        let line = if system_v {
            let total: u64 = data.iter().map(|&b| u64::from(b)).sum();
            let r = (total & 0xffff) + ((total & 0xffff_ffff) >> 16);
            let checksum = (r & 0xffff) + (r >> 16);
            format!("{checksum} {}{suffix}\n", data.len().div_ceil(512))
        } else {
            let mut checksum: u16 = 0;
            for &byte in &data {
                checksum = checksum.rotate_right(1).wrapping_add(u16::from(byte));
            }
            format!("{checksum:05} {:5}{suffix}\n", data.len().div_ceil(1024))
        };
        out(line.as_bytes())
    })
}
