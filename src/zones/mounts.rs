//! The policy's zones made ready for a line or session (by the wasm backend's preopens,
//! the shell's file access and the container backend's mounts alike): ro and rw zones are their host
//! directories, and each scratch zone is an empty directory from the sandbox's [`ScratchPool`],
//! thrown away when the mounts are dropped (whether the line succeeded, failed, timed out or
//! panicked). Also the one way a guest path is resolved to its zone on the host
//! ([`innermost`]), for the host calls and the shell.

use super::scratch::{ScratchDir, ScratchPool};
use crate::error::{Error, ZoneError};
use crate::policy::{Zone, ZoneMode};
use cap_std::fs::Dir;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One zone ready for use: its host directory, its guest path, and whether it takes writes.
pub(crate) struct Mount {
    pub(crate) host: PathBuf,
    pub(crate) guest: String,
    pub(crate) writable: bool,
    /// The host directory, opened on first use and kept while the mounts live.
    dir: OnceLock<Dir>,
}

impl Mount {
    pub(crate) fn new(host: PathBuf, guest: String, writable: bool) -> Mount {
        Mount {
            host,
            guest,
            writable,
            dir: OnceLock::new(),
        }
    }

    /// The zone's directory as a cap-std capability: nothing reached through it leaves it.
    /// Opened once for the line or session (a `ls -la` asks for a thousand files' modes).
    pub(crate) fn dir(&self) -> std::io::Result<&Dir> {
        if let Some(dir) = self.dir.get() {
            return Ok(dir);
        }
        let dir = Dir::open_ambient_dir(&self.host, cap_std::ambient_authority())?;
        Ok(self.dir.get_or_init(|| dir))
    }
}

/// Joins `path` to `cwd` (when relative) and removes `.`, `..` and repeated slashes, as a guest
/// path: `..` at the root stays at the root.
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

/// The innermost zone holding a normalised guest path, and the path inside it (empty for the
/// zone's own root); `None` outside every zone.
pub(crate) fn innermost<'z, 'p>(
    zones: &'z [Mount],
    guest: &'p str,
) -> Option<(&'z Mount, &'p str)> {
    zones
        .iter()
        .filter_map(|zone| {
            let inside = if zone.guest == "/" {
                Some(guest.trim_start_matches('/'))
            } else if guest == zone.guest {
                Some("")
            } else {
                guest
                    .strip_prefix(zone.guest.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
            };
            inside.map(|inside| (zone, inside))
        })
        .max_by_key(|(zone, _)| zone.guest.len())
}

/// The mounts of one line or session; dropping it deletes the scratch directories.
pub(crate) struct ZoneMounts {
    /// Shared with every run's store, for the host calls, without a copy per run.
    pub(crate) mounts: Arc<[Mount]>,
    _scratch: Vec<ScratchDir>,
}

impl ZoneMounts {
    /// Every zone, the scratch ones empty (taken from `scratch`).
    pub(crate) fn prepare(zones: &[Zone], scratch: &Arc<ScratchPool>) -> Result<ZoneMounts, Error> {
        Self::prepare_with(zones, Some(scratch))
    }

    /// The ro and rw zones only: what a line sees before it runs (its scratch zones start
    /// empty), for routing without creating directories.
    pub(crate) fn without_scratch(zones: &[Zone]) -> Result<ZoneMounts, Error> {
        Self::prepare_with(zones, None)
    }

    fn prepare_with(
        zones: &[Zone],
        scratch_pool: Option<&Arc<ScratchPool>>,
    ) -> Result<ZoneMounts, Error> {
        let mut mounts = Vec::with_capacity(zones.len());
        let mut scratch = Vec::new();
        for zone in zones {
            let (host, writable) = match (&zone.host, zone.mode) {
                (Some(host), ZoneMode::ReadOnly) => (host.clone(), false),
                (Some(host), ZoneMode::ReadWrite) => (host.clone(), true),
                (_, ZoneMode::Scratch) => {
                    let Some(pool) = scratch_pool else { continue };
                    let dir = pool.take(&zone.guest)?;
                    let host = dir.path().to_path_buf();
                    scratch.push(dir);
                    (host, true)
                }
                (None, _) => {
                    return Err(Error::Zone {
                        guest: zone.guest.clone(),
                        problem: ZoneError::NoHostDirectory,
                    });
                }
            };
            // A scratch directory was just made or checked; an ro or rw one may have gone.
            if zone.mode != ZoneMode::Scratch && !host.is_dir() {
                return Err(Error::Zone {
                    guest: zone.guest.clone(),
                    problem: ZoneError::HostDirectoryGone { host },
                });
            }
            mounts.push(Mount::new(host, zone.guest.clone(), writable));
        }
        Ok(ZoneMounts {
            mounts: mounts.into(),
            _scratch: scratch,
        })
    }
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
