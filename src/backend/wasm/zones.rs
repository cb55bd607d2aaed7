//! The policy's zones made ready for one run: ro and rw zones are their host directories, and
//! each scratch zone is a fresh empty temp directory removed when the mounts are dropped (after
//! the run, whether it succeeded, failed, timed out or panicked).

use crate::error::Error;
use crate::policy::{Zone, ZoneMode};
use std::path::PathBuf;
use wasmtime_wasi::FsPerms;

/// One directory to preopen.
pub(crate) struct Mount {
    pub(crate) host: PathBuf,
    pub(crate) guest: String,
    pub(crate) perms: FsPerms,
}

/// The mounts of one run; dropping it deletes the scratch directories.
pub(crate) struct ZoneMounts {
    pub(crate) mounts: Vec<Mount>,
    _scratch: Vec<tempfile::TempDir>,
}

impl ZoneMounts {
    pub(crate) fn prepare(zones: &[Zone]) -> Result<ZoneMounts, Error> {
        let mut mounts = Vec::with_capacity(zones.len());
        let mut scratch = Vec::new();
        for zone in zones {
            let (host, perms) = match (&zone.host, zone.mode) {
                (Some(host), ZoneMode::ReadOnly) => (host.clone(), FsPerms::ReadOnly),
                (Some(host), ZoneMode::ReadWrite) => (host.clone(), FsPerms::ReadWrite),
                (_, ZoneMode::Scratch) => {
                    let dir = tempfile::Builder::new()
                        .prefix("zonebox-scratch-")
                        .tempdir()
                        .map_err(|e| Error::Zone {
                            guest: zone.guest.clone(),
                            reason: format!(
                                "cannot create a scratch directory in {}: {e}",
                                std::env::temp_dir().display()
                            ),
                        })?;
                    let host = dir.path().to_path_buf();
                    scratch.push(dir);
                    (host, FsPerms::ReadWrite)
                }
                (None, _) => {
                    return Err(Error::Zone {
                        guest: zone.guest.clone(),
                        reason: "an ro or rw zone without a host directory".into(),
                    });
                }
            };
            if !host.is_dir() {
                return Err(Error::Zone {
                    guest: zone.guest.clone(),
                    reason: format!(
                        "host directory {} is gone; recreate it or fix the policy",
                        host.display()
                    ),
                });
            }
            mounts.push(Mount {
                host,
                guest: zone.guest.clone(),
                perms,
            });
        }
        Ok(ZoneMounts {
            mounts,
            _scratch: scratch,
        })
    }
}
