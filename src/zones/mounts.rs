//! The policy's zones made ready for a line or session (by the wasm backend's preopens,
//! the shell's file access and the container backend's mounts alike): ro and rw zones are their host
//! directories, and each scratch zone is an empty directory from the sandbox's [`ScratchPool`],
//! thrown away when the mounts are dropped (whether the line succeeded, failed, timed out or
//! panicked). Also the one way a guest path is resolved to its zone on the host
//! ([`innermost`]), for the host calls and the shell.

use super::root::RootView;
use super::scratch::{ScratchDir, ScratchPool};
use crate::error::{Error, ZoneError};
use crate::policy::{Zone, ZoneMode};
use cap_std::fs::Dir;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One zone ready for use: its host directory, its guest path, and whether it takes writes.
pub(crate) struct Mount {
    host: MountHost,
    pub(crate) guest: String,
    pub(crate) writable: bool,
    /// The host directory, opened on first use and kept while the mounts live.
    dir: OnceLock<Dir>,
}

/// Where a mount's directory is on the host.
enum MountHost {
    Dir(PathBuf),
    /// The sandbox's read-only root view, made on first use.
    Root(Arc<RootView>),
}

impl Mount {
    pub(crate) fn new(host: PathBuf, guest: String, writable: bool) -> Mount {
        Mount {
            host: MountHost::Dir(host),
            guest,
            writable,
            dir: OnceLock::new(),
        }
    }

    /// The root view, read-only at `/`.
    fn root(view: Arc<RootView>) -> Mount {
        Mount {
            host: MountHost::Root(view),
            guest: "/".to_string(),
            writable: false,
            dir: OnceLock::new(),
        }
    }

    /// The zone's directory on the host.
    pub(crate) fn host(&self) -> std::io::Result<&std::path::Path> {
        match &self.host {
            MountHost::Dir(path) => Ok(path),
            MountHost::Root(view) => view.path(),
        }
    }

    /// Whether this is the sandbox's root view rather than a zone.
    pub(crate) fn is_root_view(&self) -> bool {
        matches!(self.host, MountHost::Root(_))
    }

    /// The zone's directory as a cap-std capability: nothing reached through it leaves it.
    /// Opened once for the line or session (a `ls -la` asks for a thousand files' modes).
    pub(crate) fn dir(&self) -> std::io::Result<&Dir> {
        if let Some(dir) = self.dir.get() {
            return Ok(dir);
        }
        let dir = Dir::open_ambient_dir(self.host()?, cap_std::ambient_authority())?;
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
    /// Every zone (the scratch ones empty, taken from `scratch`) above the read-only `root`.
    pub(crate) fn prepare(
        zones: &[Zone],
        scratch: &Arc<ScratchPool>,
        root: &Arc<RootView>,
    ) -> Result<ZoneMounts, Error> {
        Self::prepare_with(zones, Some(scratch), Some(root))
    }

    /// The ro and rw zones only: what a line sees before it runs (its scratch zones start
    /// empty), for routing without creating directories.
    pub(crate) fn without_scratch(zones: &[Zone]) -> Result<ZoneMounts, Error> {
        Self::prepare_with(zones, None, None)
    }

    fn prepare_with(
        zones: &[Zone],
        scratch_pool: Option<&Arc<ScratchPool>>,
        root: Option<&Arc<RootView>>,
    ) -> Result<ZoneMounts, Error> {
        let mut mounts = Vec::with_capacity(zones.len() + 1);
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
        // Last, so that the zones keep their descriptors (3, 4, …) in a wasm run; a zone at
        // `/` is its own root.
        if let Some(root) = root.filter(|_| !zones.iter().any(|zone| zone.guest == "/")) {
            mounts.push(Mount::root(root.clone()));
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
