//! WASI's `path_open` with a look before it: a toolset command opens only regular files,
//! directories and symbolic links of its zones. wasmtime-wasi opens with a blocking `open(2)`,
//! so a FIFO (which a container line can make in an rw zone) would hold the host thread until a
//! writer came, past the line's wall clock, and a device node would reach the host's hardware.
//! The look asks wasmtime-wasi's own `path_filestat_get` (the same resolution beneath the same
//! directory, symlinks followed as the open would follow them); anything else gets ENXIO ("No
//! such device or address") and is never opened. A write the zone's permissions refuse is
//! reported as a read-only file system's.

use super::engine::RunState;
use crate::error::Error;
use wasmtime::{AsContextMut, Caller, Extern, Linker};
use wasmtime_wasi::p1::types::{Fd, Filetype, Lookupflags};
use wasmtime_wasi::p1::wasi_snapshot_preview1::{self as preview1, WasiSnapshotPreview1};
use wiggle::{GuestMemory, GuestPtr};

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
const FDFLAGS_APPEND: i32 = 1;

/// The wasm parameters of `path_open`: dirfd, lookup flags, path pointer and length, open
/// flags, base and inheriting rights, fd flags, where to write the new fd.
type PathOpenArgs = (i32, i32, i32, i32, i32, i64, i64, i32, i32);

/// Replaces the `path_open` that `wasmtime_wasi::p1::add_to_linker_async` defined.
pub(crate) fn add_to_linker(linker: &mut Linker<RunState>) -> Result<(), Error> {
    linker.allow_shadowing(true);
    let defined = linker.func_wrap_async(
        "wasi_snapshot_preview1",
        "path_open",
        |mut caller: Caller<'_, RunState>, args: PathOpenArgs| {
            Box::new(async move {
                let (dirfd, lookup, path, path_len, oflags, base, inheriting, fdflags, out) = args;
                let Some(Extern::Memory(memory)) = caller.get_export("memory") else {
                    return Ok(ERRNO_FAULT);
                };
                // As wiggle's own glue does: the store's budget for copying guest data.
                let fuel = caller.as_context_mut().hostcall_fuel();
                let (bytes, state) = memory.data_and_store_mut(&mut caller);
                WasiSnapshotPreview1::set_hostcall_fuel(&mut state.wasi, fuel);
                let mut guest = GuestMemory::Unshared(bytes);
                let Ok(flags) = Lookupflags::try_from(lookup as u32) else {
                    return Ok(ERRNO_INVAL);
                };
                let looked = WasiSnapshotPreview1::path_filestat_get(
                    &mut state.wasi,
                    &mut guest,
                    Fd::from(dirfd as u32),
                    flags,
                    GuestPtr::new((path as u32, path_len as u32)),
                )
                .await;
                // A path that does not exist yet (a file being created) or that the look cannot
                // see is left to the open, which reports it as WASI would.
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
                    &mut guest,
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
                .await;
                // A write refused for want of the zone's write permission is a write to a
                // read-only zone (or the read-only root): "Read-only file system", as on a
                // read-only mount, not WASI's bare "Operation not permitted".
                let writes = oflags & OFLAGS_CREATE_OR_TRUNCATE != 0
                    || base & RIGHT_FD_WRITE != 0
                    || fdflags & FDFLAGS_APPEND != 0;
                match opened {
                    Ok(ERRNO_PERM | ERRNO_NOTCAPABLE) if writes => Ok(ERRNO_ROFS),
                    other => other,
                }
            })
        },
    );
    let defined = defined
        .map(|_| ())
        .map_err(|e| Error::engine("linking the guarded path_open", e));
    linker.allow_shadowing(false);
    defined
}
