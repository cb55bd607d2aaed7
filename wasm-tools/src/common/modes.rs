//! What WASI preview 1 cannot say, asked of the zonebox host calls on wasm (which confine every
//! answer to the zones): file permission bits, links to absolute guest paths, and the zones with
//! their file systems' sizes.
//! Natively (the toolset's unit tests) std answers the first.

use std::io;
use std::path::{Path, PathBuf};

#[cfg(target_os = "wasi")]
mod host {
    #[link(wasm_import_module = "zonebox")]
    unsafe extern "C" {
        pub fn chmod(path: *const u8, len: usize, mode: u32) -> i32;
        pub fn mode(path: *const u8, len: usize, out: *mut u32) -> i32;
        pub fn zone(index: i32, out: *mut u8) -> i32;
        pub fn symlink(
            target: *const u8,
            target_len: usize,
            link: *const u8,
            link_len: usize,
        ) -> i32;
    }
}

/// The host calls take absolute guest paths: the path joined to the working directory.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    if path.is_absolute() {
        Ok(path.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(path))
    }
}

fn check(errno: i32) -> io::Result<()> {
    if errno == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(errno))
    }
}

/// The permission bits (and set-id and sticky bits) of a file, following symbolic links.
pub fn mode(path: &Path) -> io::Result<u32> {
    let text = absolute(path)?.to_string_lossy().into_owned();
    #[cfg(target_os = "wasi")]
    {
        let mut mode = 0u32;
        // SAFETY: the pointer and length describe `text`, and `mode` outlives the call.
        check(unsafe { host::mode(text.as_ptr(), text.len(), &mut mode) })?;
        Ok(mode)
    }
    #[cfg(not(target_os = "wasi"))]
    {
        use std::os::unix::fs::PermissionsExt;
        check(0)?;
        Ok(std::fs::metadata(text)?.permissions().mode() & 0o7777)
    }
}

/// Makes a symbolic link to an absolute guest path (which WASI refuses to make): the guest's
/// view resolves it, into another zone too.
pub fn absolute_symlink(target: &Path, link: &Path) -> io::Result<()> {
    let link = absolute(link)?.to_string_lossy().into_owned();
    let target = target.to_string_lossy().into_owned();
    #[cfg(target_os = "wasi")]
    {
        // SAFETY: each pointer and length describe their string.
        check(unsafe { host::symlink(target.as_ptr(), target.len(), link.as_ptr(), link.len()) })
    }
    #[cfg(not(target_os = "wasi"))]
    {
        std::os::unix::fs::symlink(target, link)
    }
}

/// Sets the permission bits of a file (the host keeps set-id and sticky bits out).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    let text = absolute(path)?.to_string_lossy().into_owned();
    #[cfg(target_os = "wasi")]
    {
        // SAFETY: the pointer and length describe `text`.
        check(unsafe { host::chmod(text.as_ptr(), text.len(), mode) })
    }
    #[cfg(not(target_os = "wasi"))]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(text, std::fs::Permissions::from_mode(mode & 0o777))
    }
}

/// `rwxr-xr-x` for 0o755 (with s/S and t/T for the set-id and sticky bits).
pub fn symbolic(mode: u32) -> String {
    let mut text = String::with_capacity(9);
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (mode >> shift) & 7;
        text.push(if bits & 4 != 0 { 'r' } else { '-' });
        text.push(if bits & 2 != 0 { 'w' } else { '-' });
        text.push(match (bits & 1 != 0, mode & special != 0) {
            (true, true) => letter,
            (false, true) => letter.to_ascii_uppercase(),
            (true, false) => 'x',
            (false, false) => '-',
        });
    }
    text
}

/// A zone and the size of the file system behind it.
pub struct ZoneSpace {
    pub guest: String,
    pub writable: bool,
    pub total: u64,
    pub free: u64,
    pub available: u64,
}

/// Every zone of the run, in the policy's order.
pub fn zones() -> Vec<ZoneSpace> {
    #[cfg_attr(not(target_os = "wasi"), allow(unused_mut))]
    let mut zones = Vec::new();
    #[cfg(target_os = "wasi")]
    for index in 0.. {
        let mut record = [0u8; 32 + 256];
        // SAFETY: the host writes at most 288 bytes into `record`.
        if unsafe { host::zone(index, record.as_mut_ptr()) } != 0 {
            break;
        }
        let u64_at =
            |at: usize| u64::from_le_bytes(record[at..at + 8].try_into().unwrap_or([0; 8]));
        let u32_at =
            |at: usize| u32::from_le_bytes(record[at..at + 4].try_into().unwrap_or([0; 4]));
        let length = (u32_at(28) as usize).min(256);
        zones.push(ZoneSpace {
            guest: String::from_utf8_lossy(&record[32..32 + length]).into_owned(),
            writable: u32_at(24) != 0,
            total: u64_at(0),
            free: u64_at(8),
            available: u64_at(16),
        });
    }
    zones
}
