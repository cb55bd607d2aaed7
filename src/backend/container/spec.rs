//! From a policy and a line to what a container must be: the image, `SHELL -c LINE`, the zones
//! as mounts (ro and rw binds, scratch as size-limited tmpfs), the environment by the same
//! allowlist (reserved loader and proxy variables only when the policy sets them itself), the
//! user, the limits and the labels that mark zonebox's containers. Every runtime builds its
//! container from this one description, so Docker, Podman and Apple's CLI agree.

use crate::error::{Error, ZoneError};
use crate::policy::{ContainerPolicy, Policy, RuntimeChoice, ZoneMode, is_reserved};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Label keys on every container zonebox starts.
pub(crate) const LABEL_OWNER: &str = "org.zonebox.owner";
pub(crate) const LABEL_SESSION: &str = "org.zonebox.session";
pub(crate) const LABEL_CREATED: &str = "org.zonebox.created";
/// Unix seconds after which the reaper removes the container whatever its state (one-shot
/// containers only: a warm one lives as long as its process).
pub(crate) const LABEL_EXPIRES: &str = "org.zonebox.expires";
/// The zonebox process that started the container: when it is gone, so is the container.
pub(crate) const LABEL_PID: &str = "org.zonebox.pid";

/// How a zone appears in the container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpecMount {
    Bind {
        host: PathBuf,
        guest: String,
        read_only: bool,
    },
    Tmpfs {
        guest: String,
        size_bytes: u64,
    },
}

/// One container to run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ContainerSpec {
    pub(crate) image: String,
    pub(crate) argv: Vec<String>,
    pub(crate) workdir: String,
    pub(crate) env: Vec<(String, String)>,
    pub(crate) user: (u32, u32),
    /// Supplementary groups: the owning groups of the rw zones, so a group-writable zone is
    /// writable by the container's user.
    pub(crate) group_add: Vec<u32>,
    pub(crate) mounts: Vec<SpecMount>,
    pub(crate) memory_bytes: u64,
    pub(crate) cpus: f64,
    pub(crate) pids_limit: u32,
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) timeout: Duration,
    /// Warm containers to keep for `exec` (0: every line starts its own).
    pub(crate) pool_size: usize,
    pub(crate) pool_idle: Duration,
    /// Scratch zones' guest paths (and /tmp), emptied between lines of a warm container.
    pub(crate) scratch: Vec<String>,
}

#[cfg(test)]
impl ContainerSpec {
    /// A spec for unit tests: binds ro and rw, a scratch tmpfs, a non-root user.
    pub(crate) fn sample() -> ContainerSpec {
        ContainerSpec {
            image: "zonebox/agent:1".into(),
            argv: vec!["/bin/sh".into(), "-c".into(), "python3 -V".into()],
            workdir: "/workspace".into(),
            env: vec![("HOME".into(), "/tmp".into())],
            user: (1000, 1000),
            group_add: Vec::new(),
            mounts: vec![
                SpecMount::Bind {
                    host: "/src".into(),
                    guest: "/workspace".into(),
                    read_only: true,
                },
                SpecMount::Bind {
                    host: "/out dir".into(),
                    guest: "/out".into(),
                    read_only: false,
                },
                SpecMount::Tmpfs {
                    guest: "/tmp".into(),
                    size_bytes: 64 << 20,
                },
            ],
            memory_bytes: 300 << 20,
            cpus: 1.5,
            pids_limit: 256,
            labels: BTreeMap::from([("org.zonebox.owner".into(), "zonebox".into())]),
            timeout: Duration::from_secs(5),
            pool_size: 0,
            pool_idle: Duration::from_secs(60),
            scratch: vec!["/tmp".into()],
        }
    }
}

/// The container for `line`, run in `cwd` with `env` (the policy's, or a session's exports).
pub(crate) fn build(
    policy: &Policy,
    container: &ContainerPolicy,
    line: &str,
    cwd: &str,
    env: &[(String, String)],
    session: &str,
) -> Result<ContainerSpec, Error> {
    let mut mounts = Vec::new();
    let mut group_add = Vec::new();
    for zone in &policy.zones {
        match (&zone.host, zone.mode) {
            (_, ZoneMode::Scratch) => mounts.push(SpecMount::Tmpfs {
                guest: zone.guest.clone(),
                size_bytes: container.scratch_bytes,
            }),
            (Some(host), mode) => {
                // A native run is the host itself: mounts, sockets and users do not apply.
                let isolated = container.runtime != RuntimeChoice::Native;
                if isolated {
                    refuse_engine_socket(host, &zone.guest)?;
                }
                if isolated && mode == ZoneMode::ReadWrite {
                    let gid = check_writable(host, &zone.guest, container.user)?;
                    if gid != 0 && gid != container.user.1 && !group_add.contains(&gid) {
                        group_add.push(gid);
                    }
                }
                mounts.push(SpecMount::Bind {
                    host: host.clone(),
                    guest: zone.guest.clone(),
                    read_only: mode == ZoneMode::ReadOnly,
                });
            }
            (None, _) => {}
        }
    }
    if !policy.zones.iter().any(|z| z.guest == "/tmp") {
        mounts.push(SpecMount::Tmpfs {
            guest: "/tmp".into(),
            size_bytes: container.scratch_bytes,
        });
    }
    let env = env
        .iter()
        .filter(|(name, _)| !is_reserved(name) || policy.env.set.contains_key(name))
        .filter(|(name, _)| name != "PWD")
        .cloned()
        .collect();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let grace = Duration::from_secs(10);
    let expires = now + policy.limits.timeout + grace;
    let labels = BTreeMap::from([
        (LABEL_OWNER.to_string(), "zonebox".to_string()),
        (LABEL_SESSION.to_string(), session.to_string()),
        (LABEL_CREATED.to_string(), now.as_secs().to_string()),
        (LABEL_EXPIRES.to_string(), expires.as_secs().to_string()),
        (LABEL_PID.to_string(), std::process::id().to_string()),
    ]);
    let scratch = mounts
        .iter()
        .filter_map(|m| match m {
            SpecMount::Tmpfs { guest, .. } => Some(guest.clone()),
            SpecMount::Bind { .. } => None,
        })
        .collect();
    Ok(ContainerSpec {
        image: container.image.clone(),
        argv: vec![container.shell.clone(), "-c".into(), line.to_string()],
        workdir: cwd.to_string(),
        env,
        user: container.user,
        group_add,
        mounts,
        memory_bytes: policy.limits.memory_bytes,
        cpus: container.cpus,
        pids_limit: container.pids_limit,
        labels,
        timeout: policy.limits.timeout,
        pool_size: container.pool_size as usize,
        pool_idle: container.pool_idle,
        scratch,
    })
}

/// The engines' sockets: a zone that holds one would hand the container the engine.
fn engine_sockets() -> Vec<PathBuf> {
    let mut sockets = vec![
        PathBuf::from("/var/run/docker.sock"),
        PathBuf::from("/run/docker.sock"),
        PathBuf::from("/run/podman/podman.sock"),
        PathBuf::from("/var/run/podman/podman.sock"),
    ];
    if let Ok(dir) = std::env::var("XDG_RUNTIME_DIR") {
        sockets.push(Path::new(&dir).join("podman/podman.sock"));
        sockets.push(Path::new(&dir).join("docker.sock"));
    }
    if let Some(path) = std::env::var("DOCKER_HOST")
        .ok()
        .and_then(|h| h.strip_prefix("unix://").map(PathBuf::from))
    {
        sockets.push(path);
    }
    sockets
}

fn refuse_engine_socket(host: &Path, guest: &str) -> Result<(), Error> {
    if host == Path::new("/") {
        return Err(Error::Zone {
            guest: guest.to_string(),
            problem: ZoneError::HostRoot,
        });
    }
    for socket in engine_sockets() {
        let real = std::fs::canonicalize(&socket).unwrap_or(socket);
        if real.starts_with(host) {
            return Err(Error::Zone {
                guest: guest.to_string(),
                problem: ZoneError::HoldsEngineSocket {
                    host: host.to_path_buf(),
                    socket: real,
                },
            });
        }
    }
    Ok(())
}

/// A rw zone must be writable by the container's user: as its owner, through its group (added
/// to the user's groups), or for everyone. Returns the directory's group.
fn check_writable(host: &Path, guest: &str, (uid, gid): (u32, u32)) -> Result<u32, Error> {
    let meta = std::fs::metadata(host).map_err(|e| Error::Zone {
        guest: guest.to_string(),
        problem: ZoneError::Unreadable {
            host: host.to_path_buf(),
            reason: e.to_string(),
        },
    })?;
    let mode = meta.mode();
    let writable =
        (meta.uid() == uid && mode & 0o200 != 0) || mode & 0o020 != 0 || mode & 0o002 != 0;
    if writable {
        return Ok(meta.gid());
    }
    Err(Error::Zone {
        guest: guest.to_string(),
        problem: ZoneError::NotWritableByContainer {
            host: host.to_path_buf(),
            owner: (meta.uid(), meta.gid()),
            mode: mode & 0o7777,
            user: (uid, gid),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_variables() {
        assert!(is_reserved("LD_PRELOAD") && is_reserved("DYLD_INSERT_LIBRARIES"));
        assert!(is_reserved("https_proxy") && !is_reserved("HOME"));
    }
}
