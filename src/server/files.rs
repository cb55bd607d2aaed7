//! fs.read, fs.write, fs.list and fs.stat: a session's guest paths (relative ones from its
//! working directory) through its zones, by the rules its commands obey — a read-only zone
//! refuses writes, nothing outside the zones is reachable, a link out of a zone is refused, and
//! only regular files are opened (never blocking).

use super::methods::params;
use super::protocol::{RpcError, code};
use super::sessions::Sessions;
use crate::zones::{OpenFor, ZoneFs, describe, normalize};
use base64::Engine;
use serde::Deserialize;
use serde_json::{Value, json};
use std::io::{self, Read, Seek, SeekFrom, Write};

/// The most fs.read returns at once (ask again with an offset for more).
pub const MAX_READ_BYTES: u64 = 8 << 20;

#[derive(Deserialize, Clone, Copy, Default, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Encoding {
    #[default]
    Utf8,
    Base64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadParams {
    session_id: String,
    path: String,
    #[serde(default)]
    offset: u64,
    #[serde(default)]
    length: Option<u64>,
    #[serde(default)]
    encoding: Encoding,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WriteParams {
    session_id: String,
    path: String,
    content: String,
    #[serde(default)]
    encoding: Encoding,
    #[serde(default)]
    append: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PathParams {
    session_id: String,
    path: String,
}

/// An I/O error on a guest path, by kind, naming the path.
fn fs_error(method: &str, guest: &str, error: &io::Error) -> RpcError {
    let code = match error.kind() {
        io::ErrorKind::NotFound => code::NOT_FOUND,
        io::ErrorKind::ReadOnlyFilesystem => code::READ_ONLY,
        io::ErrorKind::PermissionDenied => code::PERMISSION,
        io::ErrorKind::IsADirectory | io::ErrorKind::NotADirectory => code::WRONG_KIND,
        _ => code::IO,
    };
    RpcError::new(code, format!("{method}: {guest}: {}", describe(error)))
}

pub fn call(sessions: &Sessions, method: &str, raw: Value) -> Result<Value, RpcError> {
    match method {
        "fs.read" => {
            let p: ReadParams = params(method, raw)?;
            let session = sessions.get(&p.session_id)?;
            let guest = normalize(&session.cwd(), &p.path);
            read(&session.files, &guest, &p).map_err(|e| fs_error(method, &guest, &e))?
        }
        "fs.write" => {
            let p: WriteParams = params(method, raw)?;
            let session = sessions.get(&p.session_id)?;
            let guest = normalize(&session.cwd(), &p.path);
            let bytes = match p.encoding {
                Encoding::Utf8 => p.content.into_bytes(),
                Encoding::Base64 => base64::engine::general_purpose::STANDARD
                    .decode(p.content.as_bytes())
                    .map_err(|e| {
                        RpcError::new(
                            code::CONTENT,
                            format!("fs.write: content is not base64: {e}"),
                        )
                    })?,
            };
            let how = if p.append {
                OpenFor::Append
            } else {
                OpenFor::Truncate
            };
            session
                .files
                .open(&guest, how)
                .and_then(|mut file| file.write_all(&bytes))
                .map_err(|e| fs_error(method, &guest, &e))?;
            Ok(json!({ "path": guest, "bytes_written": bytes.len() }))
        }
        "fs.list" => {
            let p: PathParams = params(method, raw)?;
            let session = sessions.get(&p.session_id)?;
            let guest = normalize(&session.cwd(), &p.path);
            list(&session.files, &guest).map_err(|e| fs_error(method, &guest, &e))
        }
        _ => {
            let p: PathParams = params(method, raw)?;
            let session = sessions.get(&p.session_id)?;
            let guest = normalize(&session.cwd(), &p.path);
            let metadata = session
                .files
                .metadata(&guest, true)
                .map_err(|e| fs_error(method, &guest, &e))?;
            Ok(describe_entry(&guest, &metadata))
        }
    }
}

fn read(files: &ZoneFs, guest: &str, p: &ReadParams) -> io::Result<Result<Value, RpcError>> {
    let mut file = files.open(guest, OpenFor::Read)?;
    let size = file.metadata()?.len();
    let wanted = p.length.unwrap_or(MAX_READ_BYTES);
    if wanted > MAX_READ_BYTES {
        return Ok(Err(RpcError::new(
            code::CONTENT,
            format!(
                "fs.read: length {wanted} is more than {MAX_READ_BYTES} bytes a call: read in \
                 parts with offset"
            ),
        )));
    }
    file.seek(SeekFrom::Start(p.offset))?;
    let mut bytes = Vec::new();
    file.take(wanted).read_to_end(&mut bytes)?;
    let end = p.offset.saturating_add(bytes.len() as u64);
    let content = match p.encoding {
        Encoding::Base64 => base64::engine::general_purpose::STANDARD.encode(&bytes),
        Encoding::Utf8 => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(_) => {
                return Ok(Err(RpcError::new(
                    code::CONTENT,
                    format!("fs.read: {guest} is not UTF-8 text: ask with encoding \"base64\""),
                )));
            }
        },
    };
    Ok(Ok(json!({
        "path": guest,
        "content": content,
        "encoding": if p.encoding == Encoding::Base64 { "base64" } else { "utf8" },
        "offset": p.offset,
        "size": size,
        "eof": end >= size,
    })))
}

fn list(files: &ZoneFs, guest: &str) -> io::Result<Value> {
    let metadata = files.metadata(guest, true)?;
    if !metadata.is_dir() {
        return Err(io::Error::from(io::ErrorKind::NotADirectory));
    }
    let mut names = files.list(guest);
    names.sort();
    let entries: Vec<Value> = names
        .iter()
        .map(|name| {
            let path = normalize(guest, name);
            match files.metadata(&path, false) {
                Ok(metadata) => {
                    let mut entry = describe_entry(&path, &metadata);
                    entry["name"] = json!(name);
                    entry
                }
                Err(_) => json!({ "name": name, "path": path, "kind": "unknown" }),
            }
        })
        .collect();
    Ok(json!({ "path": guest, "entries": entries }))
}

fn describe_entry(guest: &str, metadata: &cap_std::fs::Metadata) -> Value {
    use cap_std::fs::PermissionsExt;
    let kind = if metadata.is_symlink() {
        "symlink"
    } else if metadata.is_dir() {
        "dir"
    } else if metadata.is_file() {
        "file"
    } else {
        "other"
    };
    let modified = metadata
        .modified()
        .ok()
        .map(|t| t.into_std())
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    json!({
        "path": guest,
        "kind": kind,
        "size": metadata.len(),
        "mode": format!("{:o}", metadata.permissions().mode() & 0o777),
        "modified": modified,
    })
}
