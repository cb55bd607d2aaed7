//! The host calls the toolset imports besides WASI (module `zonebox`): reading and setting a
//! file's permission bits, links to absolute guest paths, and the zones with their file systems'
//! sizes (for `df`), none of which WASI preview 1 can express. A guest path is resolved to its zone here and the file is reached
//! only through a cap-std `Dir` of that zone, so `..` and symbolic links cannot leave it; ro zones
//! refuse changes.

use super::engine::RunState;
use crate::error::Error;
use crate::zones::{Mount, innermost, normalize};
use cap_std::fs::{Permissions, PermissionsExt};
use std::path::{Path, PathBuf};
use wasmtime::{Caller, Extern, Linker};

// WASI errno values (preview 1), which the guest turns into io::Error as for any WASI call.
const ERRNO_SUCCESS: i32 = 0;
const ERRNO_ACCES: i32 = 2;
const ERRNO_EXIST: i32 = 20;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const ERRNO_IO: i32 = 29;
const ERRNO_NOENT: i32 = 44;
const ERRNO_NOTDIR: i32 = 54;
const ERRNO_PERM: i32 = 63;
const ERRNO_ROFS: i32 = 69;

/// Only the permission bits: no set-user-id, set-group-id or sticky bit from inside the sandbox.
const MODE_MASK: u32 = 0o777;

pub(crate) fn add_to_linker(linker: &mut Linker<RunState>) -> Result<(), Error> {
    let link_error = |e: wasmtime::Error| Error::engine("linking the zonebox host calls", e);
    linker
        .func_wrap(
            "zonebox",
            "chmod",
            |mut caller: Caller<'_, RunState>, path: i32, len: i32, mode: i32| -> i32 {
                match guest_path(&mut caller, path, len) {
                    Ok(path) => errno(in_guest_view(&caller.data().zones, &path, |zones, path| {
                        set_mode(zones, path, mode as u32)
                    })),
                    Err(code) => code,
                }
            },
        )
        .map_err(link_error)?;
    linker
        .func_wrap(
            "zonebox",
            "mode",
            |mut caller: Caller<'_, RunState>, path: i32, len: i32, out: i32| -> i32 {
                let path = match guest_path(&mut caller, path, len) {
                    Ok(path) => path,
                    Err(code) => return code,
                };
                match in_guest_view(&caller.data().zones, &path, mode_of) {
                    Ok(mode) => write_u32(&mut caller, out, mode),
                    Err(e) => errno(Err(e)),
                }
            },
        )
        .map_err(link_error)?;
    linker
        .func_wrap(
            "zonebox",
            "symlink",
            |mut caller: Caller<'_, RunState>,
             target: i32,
             target_len: i32,
             link: i32,
             link_len: i32|
             -> i32 {
                let target = match guest_path(&mut caller, target, target_len) {
                    Ok(target) => target,
                    Err(code) => return code,
                };
                match guest_path(&mut caller, link, link_len) {
                    Ok(link) => errno(absolute_symlink(&caller.data().zones, &target, &link)),
                    Err(code) => code,
                }
            },
        )
        .map_err(link_error)?;
    linker
        .func_wrap(
            "zonebox",
            "zone",
            |mut caller: Caller<'_, RunState>, index: i32, out: i32| -> i32 {
                let Some(record) = usize::try_from(index)
                    .ok()
                    .and_then(|i| {
                        // The zones, not the root view beneath them.
                        let zones = caller.data().zones.iter();
                        zones.filter(|zone| !zone.is_root_view()).nth(i)
                    })
                    .map(zone_record)
                else {
                    return ERRNO_NOENT;
                };
                match record {
                    Ok(record) => write_bytes(&mut caller, out, &record),
                    Err(e) => errno(Err(HostError::Io(e))),
                }
            },
        )
        .map_err(link_error)?;
    Ok(())
}

/// Longest guest path a zone record carries; longer ones are cut (policies keep them short).
const ZONE_PATH_MAX: usize = 256;

/// `zonebox.zone(i)`: total, free and available bytes of the zone's file system (u64 each),
/// whether it is writable and the guest path's length (u32 each), then the guest path.
fn zone_record(zone: &Mount) -> std::io::Result<Vec<u8>> {
    let stats = rustix::fs::statvfs(zone.host()?)?;
    let block = stats.f_frsize.max(1);
    let mut record = Vec::with_capacity(32 + ZONE_PATH_MAX);
    record.extend_from_slice(&(stats.f_blocks * block).to_le_bytes());
    record.extend_from_slice(&(stats.f_bfree * block).to_le_bytes());
    record.extend_from_slice(&(stats.f_bavail * block).to_le_bytes());
    let path = &zone.guest.as_bytes()[..zone.guest.len().min(ZONE_PATH_MAX)];
    record.extend_from_slice(&u32::from(zone.writable).to_le_bytes());
    record.extend_from_slice(&(path.len() as u32).to_le_bytes());
    record.extend_from_slice(path);
    Ok(record)
}

fn memory(caller: &mut Caller<'_, RunState>) -> Option<wasmtime::Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => Some(memory),
        _ => None,
    }
}

/// The guest's path argument, bounds-checked against its memory.
fn guest_path(caller: &mut Caller<'_, RunState>, ptr: i32, len: i32) -> Result<String, i32> {
    let memory = memory(caller).ok_or(ERRNO_FAULT)?;
    let data = memory.data(&caller);
    let start = usize::try_from(ptr).map_err(|_| ERRNO_FAULT)?;
    let len = usize::try_from(len).map_err(|_| ERRNO_FAULT)?;
    let bytes = data
        .get(start..start.checked_add(len).ok_or(ERRNO_FAULT)?)
        .ok_or(ERRNO_FAULT)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| ERRNO_INVAL)
}

fn write_u32(caller: &mut Caller<'_, RunState>, ptr: i32, value: u32) -> i32 {
    write_bytes(caller, ptr, &value.to_le_bytes())
}

/// Copies bytes into guest memory at `ptr`, bounds-checked.
fn write_bytes(caller: &mut Caller<'_, RunState>, ptr: i32, bytes: &[u8]) -> i32 {
    let Some(memory) = memory(caller) else {
        return ERRNO_FAULT;
    };
    let Ok(start) = usize::try_from(ptr) else {
        return ERRNO_FAULT;
    };
    let end = start.saturating_add(bytes.len());
    match memory.data_mut(caller).get_mut(start..end) {
        Some(slot) => {
            slot.copy_from_slice(bytes);
            ERRNO_SUCCESS
        }
        None => ERRNO_FAULT,
    }
}

/// The zone holding an absolute guest path, and the path inside it (lexically normalised).
fn locate<'z>(zones: &'z [Mount], path: &str) -> Result<(&'z Mount, PathBuf), i32> {
    if !path.starts_with('/') {
        return Err(ERRNO_INVAL);
    }
    let normal = normalize("/", path);
    innermost(zones, &normal)
        .map(|(zone, inside)| (zone, PathBuf::from(inside)))
        .ok_or(ERRNO_NOENT)
}

fn relative(inside: &Path) -> &Path {
    if inside.as_os_str().is_empty() {
        Path::new(".")
    } else {
        inside
    }
}

/// `act` on the guest path; when a zone's handle refuses a symbolic link on the way (one into
/// another zone, written as an absolute guest path), again on the path with its links resolved
/// in the guest's view, so the target's own zone and its rights decide.
fn in_guest_view<T>(
    zones: &std::sync::Arc<[Mount]>,
    path: &str,
    act: impl Fn(&[Mount], &str) -> Result<T, HostError>,
) -> Result<T, HostError> {
    match act(zones, path) {
        Err(HostError::Io(error)) if error.kind() == std::io::ErrorKind::PermissionDenied => {
            let resolved = crate::zones::ZoneFs::of(zones.clone()).resolved(path, true);
            if resolved == normalize("/", path) {
                return Err(HostError::Io(error));
            }
            act(zones, &resolved)
        }
        other => other,
    }
}

fn set_mode(zones: &[Mount], path: &str, mode: u32) -> Result<(), HostError> {
    let (zone, inside) = locate(zones, path).map_err(HostError::Errno)?;
    if !zone.writable {
        return Err(HostError::Errno(ERRNO_ROFS));
    }
    if inside.as_os_str().is_empty() {
        // The zone's own root stays as the policy made it.
        return Err(HostError::Errno(ERRNO_PERM));
    }
    let dir = zone.dir()?;
    dir.set_permissions(relative(&inside), Permissions::from_mode(mode & MODE_MASK))?;
    Ok(())
}

/// `ln -s /absolute/target link`: WASI makes no link to an absolute path (its handle could not
/// follow one), so this call writes it, in a writable zone, as the guest gave it. The guest's
/// view resolves it later (a target in another zone is reached through that zone; one outside
/// every zone stays unreachable); no host-side part of zonebox follows it on the host.
fn absolute_symlink(zones: &[Mount], target: &str, link: &str) -> Result<(), HostError> {
    if !target.starts_with('/') || target.contains('\0') {
        return Err(HostError::Errno(ERRNO_INVAL));
    }
    let (zone, inside) = locate(zones, link).map_err(HostError::Errno)?;
    if !zone.writable {
        return Err(HostError::Errno(ERRNO_ROFS));
    }
    if inside.as_os_str().is_empty() {
        return Err(HostError::Errno(ERRNO_EXIST));
    }
    zone.dir()?.symlink_contents(target, &inside)?;
    Ok(())
}

fn mode_of(zones: &[Mount], path: &str) -> Result<u32, HostError> {
    let (zone, inside) = locate(zones, path).map_err(HostError::Errno)?;
    let dir = zone.dir()?;
    let metadata = dir.metadata(relative(&inside))?;
    Ok(metadata.permissions().mode() & 0o7777)
}

enum HostError {
    Errno(i32),
    Io(std::io::Error),
}

impl From<std::io::Error> for HostError {
    fn from(error: std::io::Error) -> Self {
        HostError::Io(error)
    }
}

fn errno(result: Result<(), HostError>) -> i32 {
    match result {
        Ok(()) => ERRNO_SUCCESS,
        Err(HostError::Errno(code)) => code,
        Err(HostError::Io(error)) => match error.kind() {
            std::io::ErrorKind::NotFound => ERRNO_NOENT,
            std::io::ErrorKind::PermissionDenied => ERRNO_ACCES,
            std::io::ErrorKind::NotADirectory => ERRNO_NOTDIR,
            std::io::ErrorKind::ReadOnlyFilesystem => ERRNO_ROFS,
            std::io::ErrorKind::AlreadyExists => ERRNO_EXIST,
            _ => ERRNO_IO,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zones() -> Vec<Mount> {
        vec![
            Mount::new("/h/ws".into(), "/workspace".into(), false),
            Mount::new("/h/out".into(), "/workspace/out".into(), true),
        ]
    }

    #[test]
    fn paths_resolve_to_the_innermost_zone_and_never_climb_out() {
        let zones = zones();
        let (zone, inside) = locate(&zones, "/workspace/out/a/../b.sh").unwrap();
        assert_eq!(
            (zone.guest.as_str(), inside),
            ("/workspace/out", PathBuf::from("b.sh"))
        );
        let (zone, _) = locate(&zones, "/workspace/outside").unwrap();
        assert_eq!(zone.guest, "/workspace");
        assert_eq!(
            locate(&zones, "/workspace/../etc/passwd").err(),
            Some(ERRNO_NOENT)
        );
        assert_eq!(locate(&zones, "relative").err(), Some(ERRNO_INVAL));
    }
}
