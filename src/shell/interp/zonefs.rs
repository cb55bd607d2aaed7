//! The zones as the host-side shell sees them: guest paths resolved to a zone and opened only
//! through a cap-std `Dir` of that zone, so a redirect, a glob or `cd` can reach nothing a wasm
//! command could not (no `..` or symlink escapes, `ro` zones not writable).

use crate::backend::wasm::ZoneMounts;
use cap_std::ambient_authority;
use cap_std::fs::{Dir, OpenOptions};
use std::io;
use std::path::PathBuf;

/// One zone: where it is on the host, where the guest sees it, and whether it is writable.
#[derive(Clone)]
struct Zone {
    guest: String,
    host: PathBuf,
    writable: bool,
}

/// The zones of one line or session.
#[derive(Clone)]
pub(crate) struct ZoneFs {
    zones: Vec<Zone>,
}

/// How a redirect opens its file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenFor {
    Read,
    Truncate,
    Append,
    ReadWrite,
}

/// Joins `path` to `cwd` (when relative) and removes `.`, `..` and repeated slashes.
pub(crate) fn normalize(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("{cwd}/{path}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// ENOENT, worded by the OS ("No such file or directory"): outside every zone nothing exists.
fn not_found() -> io::Error {
    io::Error::from_raw_os_error(rustix::io::Errno::NOENT.raw_os_error())
}

impl ZoneFs {
    pub(crate) fn new(mounts: &ZoneMounts) -> ZoneFs {
        ZoneFs {
            zones: mounts
                .mounts
                .iter()
                .map(|m| Zone {
                    guest: m.guest.clone(),
                    host: m.host.clone(),
                    writable: matches!(m.perms, wasmtime_wasi::FsPerms::ReadWrite),
                })
                .collect(),
        }
    }

    /// The innermost zone holding the normalised guest path, and the path inside it.
    fn locate(&self, guest: &str) -> Option<(&Zone, String)> {
        self.zones
            .iter()
            .filter_map(|zone| {
                let rest = if zone.guest == "/" {
                    Some(guest.trim_start_matches('/'))
                } else if guest == zone.guest {
                    Some("")
                } else {
                    guest
                        .strip_prefix(zone.guest.as_str())
                        .and_then(|r| r.strip_prefix('/'))
                };
                rest.map(|rest| (zone, rest.to_string()))
            })
            .max_by_key(|(zone, _)| zone.guest.len())
    }

    fn dir_of(zone: &Zone) -> io::Result<Dir> {
        Dir::open_ambient_dir(&zone.host, ambient_authority())
    }

    /// Opens a file for a redirect.
    pub(crate) fn open(&self, guest: &str, how: OpenFor) -> io::Result<std::fs::File> {
        if guest == "/dev/null" {
            return match how {
                OpenFor::Read => std::fs::File::open("/dev/null"),
                _ => std::fs::OpenOptions::new().write(true).open("/dev/null"),
            };
        }
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        if rest.is_empty() {
            return Err(io::Error::from_raw_os_error(
                rustix::io::Errno::ISDIR.raw_os_error(),
            ));
        }
        let writing = how != OpenFor::Read;
        if writing && !zone.writable {
            return Err(io::Error::from_raw_os_error(libc_erofs()));
        }
        let dir = Self::dir_of(zone)?;
        let mut options = OpenOptions::new();
        match how {
            OpenFor::Read => options.read(true),
            OpenFor::Truncate => options.write(true).create(true).truncate(true),
            OpenFor::Append => options.append(true).create(true),
            OpenFor::ReadWrite => options.read(true).write(true).create(true),
        };
        let file = dir.open_with(&rest, &options)?;
        let metadata = file.metadata()?;
        if metadata.is_dir() {
            return Err(io::Error::from_raw_os_error(
                rustix::io::Errno::ISDIR.raw_os_error(),
            ));
        }
        if !metadata.is_file() {
            // FIFOs and devices in a zone could block the host or reach hardware.
            return Err(io::Error::other("not a regular file"));
        }
        Ok(file.into_std())
    }

    /// A guest path's metadata (symlinks followed, inside the zone only); `lstat` when not
    /// `follow`.
    pub(crate) fn metadata(&self, guest: &str, follow: bool) -> io::Result<cap_std::fs::Metadata> {
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        let dir = Self::dir_of(zone)?;
        if rest.is_empty() {
            return dir.dir_metadata();
        }
        if follow {
            dir.metadata(&rest)
        } else {
            dir.symlink_metadata(&rest)
        }
    }

    /// True when the guest path is in a writable zone.
    pub(crate) fn writable(&self, guest: &str) -> bool {
        self.locate(guest).is_some_and(|(zone, _)| zone.writable)
    }

    /// Reads a whole file of at most `limit` bytes (for `source`).
    pub(crate) fn read_file(&self, guest: &str, limit: u64) -> io::Result<Vec<u8>> {
        use std::io::Read;
        let file = self.open(guest, OpenFor::Read)?;
        let mut bytes = Vec::new();
        file.take(limit + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(io::Error::other(format!(
                "file is larger than {limit} bytes"
            )));
        }
        Ok(bytes)
    }

    /// True when the guest path is a directory in a zone.
    pub(crate) fn is_dir(&self, guest: &str) -> bool {
        let Some((zone, rest)) = self.locate(guest) else {
            return false;
        };
        let Ok(dir) = Self::dir_of(zone) else {
            return false;
        };
        rest.is_empty() || dir.metadata(&rest).is_ok_and(|m| m.is_dir())
    }

    /// The names in a guest directory (unsorted), for globbing; empty when unreadable.
    pub(crate) fn list(&self, guest: &str) -> Vec<String> {
        let Some((zone, rest)) = self.locate(guest) else {
            return Vec::new();
        };
        let Ok(root) = Self::dir_of(zone) else {
            return Vec::new();
        };
        let dir = if rest.is_empty() {
            Ok(root)
        } else {
            root.open_dir(&rest)
        };
        let Ok(dir) = dir else { return Vec::new() };
        let Ok(entries) = dir.entries() else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().into_string().ok())
            .collect()
    }
}

/// EROFS, "Read-only file system", as the wasm side reports it.
fn libc_erofs() -> i32 {
    rustix::io::Errno::ROFS.raw_os_error()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_guest_paths() {
        assert_eq!(normalize("/workspace", "a/../b/./c"), "/workspace/b/c");
        assert_eq!(normalize("/workspace", "../../.."), "/");
        assert_eq!(normalize("/x", "/tmp//y/"), "/tmp/y");
    }
}
