//! What std does not expose on stable wasm32-wasip1: device, inode, link count, and symlink creation.

use std::ffi::CString;
use std::io;
use std::path::Path;

/// The identity and link count of a file, from wasi-libc's `stat`.
pub struct Identity {
    pub device: u64,
    pub inode: u64,
    pub links: u64,
}

fn c_path(path: &Path) -> io::Result<CString> {
    CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// `stat` (following links) or `lstat`.
pub fn identity(path: &Path, follow: bool) -> io::Result<Identity> {
    let c = c_path(path)?;
    // SAFETY: `stat` writes into the zeroed struct we own; `c` is a valid NUL-terminated string.
    let mut stat: libc::stat = unsafe { std::mem::zeroed() };
    let result = unsafe {
        if follow {
            libc::stat(c.as_ptr(), &mut stat)
        } else {
            libc::lstat(c.as_ptr(), &mut stat)
        }
    };
    if result != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(Identity {
        device: stat.st_dev,
        inode: stat.st_ino,
        links: stat.st_nlink,
    })
}

/// Creates a symbolic link at `link` that points at `target`.
pub fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    let (target, link) = (c_path(target)?, c_path(link)?);
    // SAFETY: both are valid NUL-terminated strings.
    if unsafe { libc::symlink(target.as_ptr(), link.as_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// `stat` (following links) or `lstat`, as std's metadata.
pub fn metadata(path: &Path, follow: bool) -> io::Result<std::fs::Metadata> {
    if follow {
        std::fs::metadata(path)
    } else {
        std::fs::symlink_metadata(path)
    }
}
