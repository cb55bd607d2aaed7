//! The zones as the host-side shell sees them: guest paths resolved to a zone and opened only
//! through a cap-std `Dir` of that zone, so a redirect, a glob or `cd` can reach nothing a wasm
//! command could not (no `..` or symlink escapes, `ro` zones not writable).

use super::mounts::{Mount, ZoneMounts, innermost};
use super::root::host_device;
use cap_std::fs::{OpenOptions, OpenOptionsExt};
use rustix::io::Errno;
use std::io;
use std::sync::Arc;

/// The zones of one line or session (the same mounts the wasm runs preopen).
#[derive(Clone)]
pub(crate) struct ZoneFs {
    zones: Arc<[Mount]>,
}

/// How a redirect opens its file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenFor {
    Read,
    Truncate,
    Append,
    ReadWrite,
}

/// An error the OS words ("Read-only file system", …), as a wasm command would see it.
fn os_error(errno: Errno) -> io::Error {
    io::Error::from_raw_os_error(errno.raw_os_error())
}

/// ENOENT ("No such file or directory"): outside every zone nothing exists.
fn not_found() -> io::Error {
    os_error(Errno::NOENT)
}

/// The open flags zonebox adds to every host-side open of a zone file.
mod libc_flags {
    pub(super) const NONBLOCK: i32 = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    pub(super) const NOCTTY: i32 = rustix::fs::OFlags::NOCTTY.bits() as i32;
}

/// Only regular files are opened: a directory is EISDIR, anything else (a FIFO, a socket, a
/// device) is refused as "not a regular file".
fn refuse_special(metadata: &cap_std::fs::Metadata) -> io::Result<()> {
    if metadata.is_dir() {
        Err(os_error(Errno::ISDIR))
    } else if metadata.is_file() {
        Ok(())
    } else {
        Err(io::Error::other("not a regular file"))
    }
}

/// An I/O error worded as sh words it (no "(os error N)").
pub(crate) fn describe(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// How many symbolic links [`ZoneFs::physical`] follows (Linux's own bound).
const MAX_LINKS_FOLLOWED: usize = 40;

/// Reads files of the zones for the router (scripts and shebang lines).
pub(crate) trait ScriptFiles {
    /// The first `limit` bytes of the file at an absolute guest path, when a zone holds it.
    fn head(&self, guest: &str, limit: u64) -> Option<Vec<u8>>;
}

impl ScriptFiles for ZoneFs {
    fn head(&self, guest: &str, limit: u64) -> Option<Vec<u8>> {
        use std::io::Read;
        // `open` takes only regular files (a FIFO would wait for a writer).
        let file = self.open(guest, OpenFor::Read).ok()?;
        let mut bytes = Vec::new();
        file.take(limit).read_to_end(&mut bytes).ok()?;
        Some(bytes)
    }
}

impl ZoneFs {
    pub(crate) fn new(mounts: &ZoneMounts) -> ZoneFs {
        ZoneFs::of(mounts.mounts.clone())
    }

    /// The zones a run's store holds (the same mounts, in preopen order).
    pub(crate) fn of(zones: Arc<[Mount]>) -> ZoneFs {
        ZoneFs { zones }
    }

    /// The innermost zone holding the normalised guest path, and the path inside it.
    fn locate<'p>(&self, guest: &'p str) -> Option<(&Mount, &'p str)> {
        innermost(&self.zones, guest)
    }

    /// Opens a file for a redirect; a symbolic link into another zone is followed in the
    /// guest's view.
    pub(crate) fn open(&self, guest: &str, how: OpenFor) -> io::Result<std::fs::File> {
        self.across_links(guest, true, |path| self.open_in_zone(path, how))
    }

    /// `act` on the guest path; when a zone's handle refuses a link on the way (cap-std's
    /// escape error), again on the path with its links resolved in the guest's view.
    fn across_links<T>(
        &self,
        guest: &str,
        follow_last: bool,
        act: impl Fn(&str) -> io::Result<T>,
    ) -> io::Result<T> {
        match act(guest) {
            Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
                match self.through_links(guest, follow_last) {
                    Some(resolved) => act(&resolved),
                    None => Err(error),
                }
            }
            other => other,
        }
    }

    fn open_in_zone(&self, guest: &str, how: OpenFor) -> io::Result<std::fs::File> {
        if let Some(device) = host_device(guest) {
            // Writes to any of them are thrown away, as /dev/null's are.
            return match how {
                OpenFor::Read => std::fs::File::open(device),
                _ => std::fs::OpenOptions::new().write(true).open("/dev/null"),
            };
        }
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        if rest.is_empty() {
            return Err(os_error(Errno::ISDIR));
        }
        let writing = how != OpenFor::Read;
        if writing && !zone.writable {
            return Err(os_error(Errno::ROFS));
        }
        let dir = zone.dir()?;
        // FIFOs and devices in a zone (a container line can make them in an rw zone) could block
        // the host past the line's wall clock or reach hardware: refused before any open, and
        // the open itself never blocks (a FIFO swapped in after the look fails the second look).
        match dir.metadata(rest) {
            Ok(metadata) => refuse_special(&metadata)?,
            Err(error) if error.kind() == io::ErrorKind::NotFound && how != OpenFor::Read => {}
            Err(error) => return Err(error),
        }
        let mut options = OpenOptions::new();
        match how {
            OpenFor::Read => options.read(true),
            OpenFor::Truncate => options.write(true).create(true).truncate(true),
            OpenFor::Append => options.append(true).create(true),
            OpenFor::ReadWrite => options.read(true).write(true).create(true),
        };
        options.custom_flags(libc_flags::NONBLOCK | libc_flags::NOCTTY);
        let file = dir.open_with(rest, &options)?;
        refuse_special(&file.metadata()?)?;
        let file = file.into_std();
        // Reads and writes of the regular file block as usual.
        let flags = rustix::fs::fcntl_getfl(&file).map_err(os_error)?;
        rustix::fs::fcntl_setfl(&file, flags - rustix::fs::OFlags::NONBLOCK).map_err(os_error)?;
        Ok(file)
    }

    /// A guest path's metadata (symlinks followed, into other zones in the guest's view);
    /// `lstat` when not `follow`.
    pub(crate) fn metadata(&self, guest: &str, follow: bool) -> io::Result<cap_std::fs::Metadata> {
        self.across_links(guest, follow, |path| self.metadata_in_zone(path, follow))
    }

    fn metadata_in_zone(&self, guest: &str, follow: bool) -> io::Result<cap_std::fs::Metadata> {
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        // The devices the sandbox serves are what they are on the host (`test -c /dev/zero`).
        if zone.is_root_view()
            && let Some(device) = host_device(guest)
        {
            return std::fs::metadata(device).map(cap_std::fs::Metadata::from_just_metadata);
        }
        let dir = zone.dir()?;
        if rest.is_empty() {
            return dir.dir_metadata();
        }
        if follow {
            dir.metadata(rest)
        } else {
            dir.symlink_metadata(rest)
        }
    }

    /// Removes a file (not a directory) in a writable zone.
    pub(crate) fn remove_file(&self, guest: &str) -> io::Result<()> {
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        if rest.is_empty() {
            return Err(os_error(Errno::ISDIR));
        }
        if !zone.writable {
            return Err(os_error(Errno::ROFS));
        }
        zone.dir()?.remove_file(rest)
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

    /// The guest path with its symbolic links resolved (`pwd -P`, `cd -P`), as far as the
    /// zones hold them: a relative link's target from the link's directory, an absolute one
    /// in the guest's view; at most [`MAX_LINKS_FOLLOWED`] links (a loop stops there).
    pub(crate) fn physical(&self, guest: &str) -> String {
        self.resolved(guest, true)
    }

    /// The guest path with the symbolic links on its way resolved in the guest's view, the
    /// last component's too when `follow_last`.
    pub(crate) fn resolved(&self, guest: &str, follow_last: bool) -> String {
        let mut resolved: Vec<String> = Vec::new();
        let mut pending: std::collections::VecDeque<String> =
            guest.split('/').map(str::to_string).collect();
        let mut followed = 0;
        while let Some(part) = pending.pop_front() {
            match part.as_str() {
                "" | "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let last = pending.iter().all(|p| p.is_empty() || p == ".");
            let candidate = format!("/{}", {
                let mut parts = resolved.clone();
                parts.push(part.clone());
                parts.join("/")
            });
            let target = (followed < MAX_LINKS_FOLLOWED && (follow_last || !last))
                .then(|| self.link_target(&candidate))
                .flatten();
            match target {
                Some(target) => {
                    followed += 1;
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    for piece in target.split('/').rev() {
                        pending.push_front(piece.to_string());
                    }
                }
                None => resolved.push(part),
            }
        }
        format!("/{}", resolved.join("/"))
    }

    /// Where a guest path leads when a symbolic link on its way points across zones (an
    /// absolute target, or `..` past a zone's root), which no single zone's `Dir` can follow:
    /// the zone that holds the end in the guest's view (its index among the mounts) and the
    /// path inside it. `None` when resolving changes nothing.
    pub(crate) fn across_zones(&self, guest: &str, follow_last: bool) -> Option<(usize, String)> {
        let resolved = self.through_links(guest, follow_last)?;
        let (zone, inside) = self.locate(&resolved)?;
        let index = self.zones.iter().position(|z| std::ptr::eq(z, zone))?;
        Some((index, inside.to_string()))
    }

    /// The same path in the guest's view with its links across zones resolved, for a retry
    /// after a zone's `Dir` refused to follow one.
    fn through_links(&self, guest: &str, follow_last: bool) -> Option<String> {
        let normal = super::mounts::normalize("/", guest);
        let resolved = self.resolved(&normal, follow_last);
        (resolved != normal).then_some(resolved)
    }

    /// What the symbolic link at a guest path holds, when it is one in a zone.
    fn link_target(&self, guest: &str) -> Option<String> {
        let (zone, rest) = self.locate(guest)?;
        if rest.is_empty() {
            return None;
        }
        // The contents as written: an absolute target is a guest path (cap-std's `read_link`
        // refuses those).
        let target = zone.dir().ok()?.read_link_contents(rest).ok()?;
        Some(target.to_string_lossy().into_owned())
    }

    /// What the symbolic link at a guest path holds (the directories on its way resolved in
    /// the guest's view), for a `readlink` WASI refuses because the target is absolute.
    pub(crate) fn read_link(&self, guest: &str) -> Option<String> {
        let normal = super::mounts::normalize("/", guest);
        self.link_target(&self.resolved(&normal, false))
    }

    /// True when the guest path is a directory in a zone.
    pub(crate) fn is_dir(&self, guest: &str) -> bool {
        let Some((_, rest)) = self.locate(guest) else {
            return false;
        };
        rest.is_empty() || self.metadata(guest, true).is_ok_and(|m| m.is_dir())
    }

    /// The names in a guest directory (unsorted), for globbing; empty when unreadable.
    pub(crate) fn list(&self, guest: &str) -> Vec<String> {
        self.across_links(guest, true, |path| self.open_dir_in_zone(path))
            .ok()
            .and_then(|dir| dir.entries().ok())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn open_dir_in_zone(&self, guest: &str) -> io::Result<cap_std::fs::Dir> {
        let (zone, rest) = self.locate(guest).ok_or_else(not_found)?;
        zone.dir()?
            .open_dir(if rest.is_empty() { "." } else { rest })
    }
}
