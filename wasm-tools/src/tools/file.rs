//! file: what kind of data a file holds, from its first bytes (magic numbers for archives,
//! images, executables and documents; text by encoding, line ends, JSON and script shebangs).

use crate::common::args::{self, Arg};
use crate::common::io::{describe, out};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::io::Read;

/// A finding: the description and its MIME type.
struct Kind {
    description: String,
    mime: &'static str,
    charset: Option<&'static str>,
}

fn kind(description: impl Into<String>, mime: &'static str) -> Kind {
    Kind {
        description: description.into(),
        mime,
        charset: Some("binary"),
    }
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let (mut brief, mut mime_type, mut mime, mut follow) = (false, false, false, false);
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('b') | Arg::Long("brief") => brief = true,
            Arg::Long("mime-type") => mime_type = true,
            Arg::Short('i') | Arg::Long("mime") => mime = true,
            Arg::Short('L') | Arg::Long("dereference") => follow = true,
            Arg::Short('h') | Arg::Long("no-dereference") => follow = false,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if files.is_empty() {
        return Err(ToolError::usage(
            "Usage: file [-bL] [--mime-type] [--mime] file...",
        ));
    }
    let width = files
        .iter()
        .map(|f| f.chars().count() + 1)
        .max()
        .unwrap_or(0);
    for name in &files {
        let found = identify(name, follow);
        let text = if mime_type {
            found.mime.to_string()
        } else if mime {
            match found.charset {
                Some(charset) => format!("{}; charset={charset}", found.mime),
                None => found.mime.to_string(),
            }
        } else {
            found.description
        };
        let line = if brief {
            format!("{text}\n")
        } else {
            format!("{:<width$} {text}\n", format!("{name}:"))
        };
        out(line.as_bytes())?;
    }
    Ok(0)
}

fn identify(name: &str, follow: bool) -> Kind {
    let metadata = match crate::common::fileinfo::metadata(std::path::Path::new(name), follow) {
        Ok(m) => m,
        Err(e) => {
            return Kind {
                description: format!("cannot open `{name}' ({})", describe(&e)),
                mime: "cannot open",
                charset: None,
            };
        }
    };
    if metadata.file_type().is_symlink() {
        let target = std::fs::read_link(name)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return Kind {
            description: format!("symbolic link to {target}"),
            mime: "inode/symlink",
            charset: None,
        };
    }
    if metadata.is_dir() {
        return Kind {
            description: "directory".into(),
            mime: "inode/directory",
            charset: None,
        };
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(name).and_then(|f| f.take(1 << 20).read_to_end(&mut head));
    if let Err(e) = read {
        return Kind {
            description: format!("cannot open `{name}' ({})", describe(&e)),
            mime: "cannot open",
            charset: None,
        };
    }
    if head.is_empty() {
        return kind("empty", "inode/x-empty");
    }
    magic(&head, metadata.len()).unwrap_or_else(|| text_kind(&head))
}

fn magic(data: &[u8], size: u64) -> Option<Kind> {
    let starts = |prefix: &[u8]| data.starts_with(prefix);
    if starts(b"\x7fELF") && data.len() > 18 {
        let class = if data[4] == 2 { "64-bit" } else { "32-bit" };
        let order = if data[5] == 2 { "MSB" } else { "LSB" };
        let (what, mime) = match data[16] {
            1 => ("relocatable", "application/x-object"),
            2 => ("executable", "application/x-executable"),
            3 => ("shared object", "application/x-sharedlib"),
            4 => ("core file", "application/x-coredump"),
            _ => ("file", "application/octet-stream"),
        };
        return Some(kind(format!("ELF {class} {order} {what}"), mime));
    }
    if starts(b"\x89PNG\r\n\x1a\n") && data.len() >= 29 {
        let width = u32::from_be_bytes([data[16], data[17], data[18], data[19]]);
        let height = u32::from_be_bytes([data[20], data[21], data[22], data[23]]);
        let color = match data[25] {
            0 => "grayscale",
            2 => "RGB",
            3 => "colormap",
            4 => "gray+alpha",
            6 => "RGBA",
            _ => "unknown",
        };
        let interlace = if data[28] == 1 {
            "interlaced"
        } else {
            "non-interlaced"
        };
        let depth = data[24];
        return Some(kind(
            format!("PNG image data, {width} x {height}, {depth}-bit/color {color}, {interlace}"),
            "image/png",
        ));
    }
    if (starts(b"GIF87a") || starts(b"GIF89a")) && data.len() >= 10 {
        let version = String::from_utf8_lossy(&data[3..6]).into_owned();
        let width = u16::from_le_bytes([data[6], data[7]]);
        let height = u16::from_le_bytes([data[8], data[9]]);
        return Some(kind(
            format!("GIF image data, version {version}, {width} x {height}"),
            "image/gif",
        ));
    }
    if starts(b"\xff\xd8\xff") {
        return Some(kind("JPEG image data", "image/jpeg"));
    }
    if starts(b"%PDF-") {
        let version: String = data[5..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .map(|&b| b as char)
            .collect();
        return Some(kind(
            format!("PDF document, version {version}"),
            "application/pdf",
        ));
    }
    if starts(b"\x1f\x8b") && data.len() >= 10 {
        return Some(kind(gzip_description(data, size), "application/gzip"));
    }
    if starts(b"PK\x03\x04") {
        return Some(kind("Zip archive data", "application/zip"));
    }
    if starts(b"BZh") {
        return Some(kind("bzip2 compressed data", "application/x-bzip2"));
    }
    if starts(b"\xfd7zXZ\x00") {
        return Some(kind("XZ compressed data", "application/x-xz"));
    }
    if starts(b"\x28\xb5\x2f\xfd") {
        return Some(kind("Zstandard compressed data", "application/zstd"));
    }
    if starts(b"\0asm") && data.len() >= 8 {
        let version = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
        return Some(kind(
            format!("WebAssembly (wasm) binary module version {version:#x} (MVP)"),
            "application/wasm",
        ));
    }
    if data.len() >= 262 && &data[257..262] == b"ustar" {
        let gnu = data.get(262..265) == Some(b"  \0");
        let description = if gnu {
            "POSIX tar archive (GNU)"
        } else {
            "POSIX tar archive"
        };
        return Some(kind(description, "application/x-tar"));
    }
    None
}

fn gzip_description(data: &[u8], size: u64) -> String {
    let flags = data[3];
    let mtime = u32::from_le_bytes([data[4], data[5], data[6], data[7]]);
    let mut parts = vec!["gzip compressed data".to_string()];
    if flags & 0x08 != 0 {
        let mut start = 10;
        if flags & 0x04 != 0 && data.len() > 12 {
            start += 2 + u16::from_le_bytes([data[10], data[11]]) as usize;
        }
        let name: String = data
            .get(start..)
            .unwrap_or(&[])
            .iter()
            .take_while(|&&b| b != 0)
            .map(|&b| b as char)
            .collect();
        parts.push(format!("was \"{name}\""));
    }
    if mtime != 0 {
        parts.push(format!(
            "last modified: {}",
            crate::tools::date::strftime("%a %b %e %H:%M:%S %Y", i64::from(mtime), 0)
        ));
    }
    match data[8] {
        2 => parts.push("max compression".into()),
        4 => parts.push("max speed".into()),
        _ => {}
    }
    if data[9] == 3 {
        parts.push("from Unix".into());
    }
    if size as usize == data.len() && data.len() >= 4 {
        let tail = &data[data.len() - 4..];
        let original = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
        parts.push(format!("original size modulo 2^32 {original}"));
    }
    parts.join(", ")
}

fn text_kind(data: &[u8]) -> Kind {
    let ascii = data
        .iter()
        .all(|&b| b.is_ascii() && (b >= 0x20 || b"\t\n\r\x0c\x1b\x08".contains(&b)));
    let utf8 = !ascii
        && std::str::from_utf8(data).is_ok()
        && !data
            .iter()
            .any(|&b| b < 0x20 && !b"\t\n\r\x0c\x1b\x08".contains(&b));
    if !ascii && !utf8 {
        return kind("data", "application/octet-stream");
    }
    let (encoding, charset) = if ascii {
        ("ASCII text", "us-ascii")
    } else {
        ("Unicode text, UTF-8 text", "utf-8")
    };
    let text = String::from_utf8_lossy(data);
    let trimmed = text.trim();
    let mut description;
    let mut mime = "text/plain";
    if let Some(interpreter) = text.strip_prefix("#!").and_then(|rest| rest.lines().next()) {
        let words: Vec<&str> = interpreter.split_whitespace().collect();
        let program = match words.first().map(|w| w.rsplit('/').next().unwrap_or(w)) {
            Some("env") => words.get(1).copied().unwrap_or("env"),
            Some(p) => p,
            None => "",
        };
        let (name, script_mime) = match program {
            "sh" | "dash" => ("POSIX shell script", "text/x-shellscript"),
            "bash" => ("Bourne-Again shell script", "text/x-shellscript"),
            p if p.starts_with("python") => ("Python script", "text/x-script.python"),
            "perl" => ("Perl script", "text/x-perl"),
            "node" => ("Node.js script", "application/javascript"),
            "ruby" => ("Ruby script", "text/x-ruby"),
            _ => ("script", "text/plain"),
        };
        description = format!("{name}, {encoding} executable");
        mime = script_mime;
    } else if (trimmed.starts_with('{') && trimmed.ends_with('}')
        || trimmed.starts_with('[') && trimmed.ends_with(']'))
        && serde_like_json(trimmed)
    {
        description = "JSON text data".to_string();
        mime = "application/json";
    } else {
        description = encoding.to_string();
    }
    if text.contains("\r\n") {
        description.push_str(", with CRLF line terminators");
    } else if !text.contains('\n') {
        description.push_str(", with no line terminators");
    }
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    if longest > 300 {
        description.push_str(&format!(", with very long lines ({longest})"));
    }
    Kind {
        description,
        mime,
        charset: Some(charset),
    }
}

/// A light JSON check: balanced brackets outside strings, and only JSON's characters.
fn serde_like_json(text: &str) -> bool {
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            c if c.is_whitespace() || c.is_ascii_alphanumeric() || ",:.+-".contains(c) => {}
            _ => return false,
        }
    }
    depth == 0 && !in_string
}
