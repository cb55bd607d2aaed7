//! WASI's `path_open` with a look before it: a toolset command opens only regular files,
//! directories and symbolic links of its zones. wasmtime-wasi opens with a blocking `open(2)`,
//! so a FIFO (which a container line can make in an rw zone) would hold the host thread until a
//! writer came, past the line's wall clock, and a device node would reach the host's hardware.
//! The look asks wasmtime-wasi's own `path_filestat_get` (the same resolution beneath the same
//! directory, symlinks followed as the open would follow them); anything else gets ENXIO ("No
//! such device or address") and is never opened. A write the zone's permissions refuse is
//! reported as a read-only file system's.
//!
//! A symbolic link into another zone (`ln -s /data/x`: an absolute target, or `..` past a
//! zone's root) is one no zone's handle follows: when a `path_open`, `path_filestat_get` or
//! `path_readlink` under a preopened zone fails, the path is resolved in the guest's view
//! ([`ZoneFs::across_zones`]) and the call is made again through the handle of the zone that
//! holds its end, with that zone's rights.

use super::engine::RunState;
use crate::error::Error;
use crate::zones::ZoneFs;
use wasmtime::{AsContextMut, Caller, Extern, Linker};
use wasmtime_wasi::p1::types::{Fd, Filetype, Lookupflags};
use wasmtime_wasi::p1::wasi_snapshot_preview1::{self as preview1, WasiSnapshotPreview1};
use wiggle::{GuestMemory, GuestPtr};

const ERRNO_SUCCESS: i32 = 0;
const ERRNO_FAULT: i32 = 21;
const ERRNO_INVAL: i32 = 28;
const ERRNO_NXIO: i32 = 60;
const ERRNO_PERM: i32 = 63;
const ERRNO_ROFS: i32 = 69;
const ERRNO_NOTCAPABLE: i32 = 76;

/// `path_open`'s flags that ask to change a file: `O_CREAT`, `O_TRUNC`, the `fd_write` right,
/// `O_APPEND`.
const OFLAGS_CREATE_OR_TRUNCATE: i32 = 1 | 8;
const RIGHT_FD_WRITE: i64 = 1 << 6;
/// `lookupflags::symlink_follow`.
const LOOKUP_SYMLINK_FOLLOW: i32 = 1;
/// The size of WASI's `filestat` record.
const FILESTAT_SIZE: usize = 64;
const FDFLAGS_APPEND: i32 = 1;

/// The wasm parameters of `path_open`: dirfd, lookup flags, path pointer and length, open
/// flags, base and inheriting rights, fd flags, where to write the new fd.
type PathOpenArgs = (i32, i32, i32, i32, i32, i64, i64, i32, i32);

/// Replaces the `path_open` and `path_filestat_get` that
/// `wasmtime_wasi::p1::add_to_linker_async` defined.
pub(crate) fn add_to_linker(linker: &mut Linker<RunState>) -> Result<(), Error> {
    linker.allow_shadowing(true);
    let defined = define(linker);
    linker.allow_shadowing(false);
    defined
}

fn define(linker: &mut Linker<RunState>) -> Result<(), Error> {
    let link_error = |e: wasmtime::Error| Error::engine("linking the guarded path calls", e);
    linker
        .func_wrap_async(
            "wasi_snapshot_preview1",
            "path_open",
            |mut caller: Caller<'_, RunState>, args: PathOpenArgs| {
                Box::new(async move {
                    let (dirfd, lookup, path, path_len, _, _, _, _, out) = args;
                    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                        return Ok(ERRNO_FAULT);
                    };
                    // As wiggle's own glue does: the store's budget for copying guest data.
                    let fuel = caller.as_context_mut().hostcall_fuel();
                    let (bytes, state) = memory.data_and_store_mut(&mut caller);
                    WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, fuel);
                    let opened =
                        guarded_open(state, &mut GuestMemory::Unshared(bytes), args).await?;
                    if opened == ERRNO_SUCCESS {
                        return Ok(opened);
                    }
                    let follow = lookup & LOOKUP_SYMLINK_FOLLOW != 0;
                    let Some((fd, inside)) =
                        across_zones(state, bytes, dirfd, path, path_len, follow)
                    else {
                        return Ok(opened);
                    };
                    let mut scratch = Scratch::new(&inside, 4);
                    let (at, len, result) = scratch.pointers();
                    let mut rewritten = args;
                    (rewritten.0, rewritten.2, rewritten.3, rewritten.8) = (fd, at, len, result);
                    let reopened = guarded_open(
                        state,
                        &mut GuestMemory::Unshared(&mut scratch.bytes),
                        rewritten,
                    )
                    .await?;
                    if reopened != ERRNO_SUCCESS {
                        return Ok(reopened);
                    }
                    Ok(copy_out(bytes, out, scratch.result()))
                })
            },
        )
        .map_err(link_error)?;
    linker
        .func_wrap_async(
            "wasi_snapshot_preview1",
            "path_filestat_get",
            |mut caller: Caller<'_, RunState>, args: (i32, i32, i32, i32, i32)| {
                Box::new(async move {
                    let (dirfd, lookup, path, path_len, out) = args;
                    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                        return Ok(ERRNO_FAULT);
                    };
                    let fuel = caller.as_context_mut().hostcall_fuel();
                    let (bytes, state) = memory.data_and_store_mut(&mut caller);
                    WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, fuel);
                    let mut guest = GuestMemory::Unshared(bytes);
                    let looked = preview1::path_filestat_get(
                        &mut state.wasi,
                        &mut guest,
                        dirfd,
                        lookup,
                        path,
                        path_len,
                        out,
                    )
                    .await?;
                    if looked == ERRNO_SUCCESS {
                        return Ok(looked);
                    }
                    let follow = lookup & LOOKUP_SYMLINK_FOLLOW != 0;
                    let Some((fd, inside)) =
                        across_zones(state, bytes, dirfd, path, path_len, follow)
                    else {
                        return Ok(looked);
                    };
                    let mut scratch = Scratch::new(&inside, FILESTAT_SIZE);
                    let (at, len, result) = scratch.pointers();
                    let relooked = preview1::path_filestat_get(
                        &mut state.wasi,
                        &mut GuestMemory::Unshared(&mut scratch.bytes),
                        fd,
                        lookup,
                        at,
                        len,
                        result,
                    )
                    .await?;
                    if relooked != ERRNO_SUCCESS {
                        return Ok(relooked);
                    }
                    Ok(copy_out(bytes, out, scratch.result()))
                })
            },
        )
        .map_err(link_error)?;
    linker
        .func_wrap_async(
            "wasi_snapshot_preview1",
            "path_readlink",
            |mut caller: Caller<'_, RunState>, args: (i32, i32, i32, i32, i32, i32)| {
                Box::new(async move {
                    let (dirfd, path, path_len, buf, buf_len, used) = args;
                    let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                        return Ok(ERRNO_FAULT);
                    };
                    let fuel = caller.as_context_mut().hostcall_fuel();
                    let (bytes, state) = memory.data_and_store_mut(&mut caller);
                    WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, fuel);
                    let read = preview1::path_readlink(
                        &mut state.wasi,
                        &mut GuestMemory::Unshared(bytes),
                        dirfd,
                        path,
                        path_len,
                        buf,
                        buf_len,
                        used,
                    )
                    .await?;
                    if read == ERRNO_SUCCESS {
                        return Ok(read);
                    }
                    // WASI refuses to read a link whose target is absolute; the guest's view
                    // holds such links (`ln -s /data/x`), so their text is read here.
                    let Some(target) = guest_path_of(state, bytes, dirfd, path, path_len)
                        .and_then(|guest| ZoneFs::of(state.zones.clone()).read_link(&guest))
                    else {
                        return Ok(read);
                    };
                    let length = target.len().min(usize::try_from(buf_len).unwrap_or(0));
                    let copied = copy_out(bytes, buf, &target.as_bytes()[..length]);
                    if copied != ERRNO_SUCCESS {
                        return Ok(copied);
                    }
                    Ok(copy_out(bytes, used, &(length as u32).to_le_bytes()))
                })
            },
        )
        .map_err(link_error)?;
    Ok(())
}

/// `path_open` after the look: anything but a regular file, a directory or a symbolic link is
/// refused, and a write the zone refuses is a read-only file system's.
async fn guarded_open(
    state: &mut RunState,
    guest: &mut GuestMemory<'_>,
    args: PathOpenArgs,
) -> wasmtime::Result<i32> {
    let (dirfd, lookup, path, path_len, oflags, base, inheriting, fdflags, out) = args;
    let Ok(flags) = Lookupflags::try_from(lookup as u32) else {
        return Ok(ERRNO_INVAL);
    };
    let looked = WasiSnapshotPreview1::path_filestat_get(
        &mut state.wasi,
        guest,
        Fd::from(dirfd as u32),
        flags,
        GuestPtr::new((path as u32, path_len as u32)),
    )
    .await;
    // A path that does not exist yet (a file being created) or that the look cannot see is
    // left to the open, which reports it as WASI would.
    if let Ok(stat) = looked
        && !matches!(
            stat.filetype,
            Filetype::RegularFile | Filetype::Directory | Filetype::SymbolicLink
        )
    {
        return Ok(ERRNO_NXIO);
    }
    let opened = preview1::path_open(
        &mut state.wasi,
        guest,
        dirfd,
        lookup,
        path,
        path_len,
        oflags,
        base,
        inheriting,
        fdflags,
        out,
    )
    .await?;
    // A write refused for want of the zone's write permission is a write to a read-only zone
    // (or the read-only root): "Read-only file system", as on a read-only mount, not WASI's
    // bare "Operation not permitted".
    let writes = oflags & OFLAGS_CREATE_OR_TRUNCATE != 0
        || base & RIGHT_FD_WRITE != 0
        || fdflags & FDFLAGS_APPEND != 0;
    Ok(match opened {
        ERRNO_PERM | ERRNO_NOTCAPABLE if writes => ERRNO_ROFS,
        other => other,
    })
}

/// The first descriptor WASI gives a preopened zone (after stdin, stdout, stderr); the zones
/// are preopened in the order of the run's mounts.
const FIRST_PREOPEN: usize = 3;

/// A path through a symbolic link that leads into another zone (an absolute target, or `..`
/// past a zone's root), which the zone's own directory handle refuses to follow: resolved in
/// the guest's view, it is the descriptor of the zone holding its end and the path inside.
/// Only paths under a preopened zone are resolved; nothing outside the zones is reached,
/// since the end is opened through its own zone's handle with that zone's rights.
fn across_zones(
    state: &RunState,
    memory: &[u8],
    dirfd: i32,
    path: i32,
    path_len: i32,
    follow: bool,
) -> Option<(i32, String)> {
    let guest = guest_path_of(state, memory, dirfd, path, path_len)?;
    let (target, inside) = ZoneFs::of(state.zones.clone()).across_zones(&guest, follow)?;
    let fd = i32::try_from(FIRST_PREOPEN + target).ok()?;
    Some((
        fd,
        if inside.is_empty() {
            ".".into()
        } else {
            inside
        },
    ))
}

/// The guest path a path argument names beneath a preopened zone's descriptor.
fn guest_path_of(
    state: &RunState,
    memory: &[u8],
    dirfd: i32,
    path: i32,
    path_len: i32,
) -> Option<String> {
    let index = usize::try_from(dirfd).ok()?.checked_sub(FIRST_PREOPEN)?;
    let zone = state.zones.get(index)?;
    let start = usize::try_from(path).ok()?;
    let end = start.checked_add(usize::try_from(path_len).ok()?)?;
    let text = std::str::from_utf8(memory.get(start..end)?).ok()?;
    Some(format!("{}/{text}", zone.guest.trim_end_matches('/')))
}

/// Guest memory of zonebox's own for a call on a rewritten path: the path, then room for the
/// call's result (a descriptor or a filestat), copied to the guest's memory on success.
struct Scratch {
    bytes: Vec<u8>,
    path_len: usize,
    result_at: usize,
    result_len: usize,
}

impl Scratch {
    fn new(path: &str, result_len: usize) -> Scratch {
        let result_at = path.len().next_multiple_of(8);
        let mut bytes = vec![0u8; result_at + result_len];
        bytes[..path.len()].copy_from_slice(path.as_bytes());
        Scratch {
            bytes,
            path_len: path.len(),
            result_at,
            result_len,
        }
    }

    /// The path's offset and length and the result's offset, as the call takes them.
    fn pointers(&self) -> (i32, i32, i32) {
        (0, self.path_len as i32, self.result_at as i32)
    }

    fn result(&self) -> &[u8] {
        &self.bytes[self.result_at..self.result_at + self.result_len]
    }
}

/// Copies a call's result into the guest's memory at `out`, bounds-checked.
fn copy_out(memory: &mut [u8], out: i32, result: &[u8]) -> i32 {
    let Ok(start) = usize::try_from(out) else {
        return ERRNO_FAULT;
    };
    match memory.get_mut(start..start.saturating_add(result.len())) {
        Some(slot) => {
            slot.copy_from_slice(result);
            ERRNO_SUCCESS
        }
        None => ERRNO_FAULT,
    }
}
