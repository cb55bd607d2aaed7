//! Scratch directories: every line (or session) gets its scratch zones empty and throws them
//! away afterwards. Making and deleting a temp directory costs more than a whole toolset command
//! (about 200 µs on this project's machine), so a sandbox keeps the directories that come back
//! exactly as they were made — still empty, still mode 0700 — and hands them to the next line.
//! Such a directory cannot be told from a new one except by its inode number and times; any
//! other directory (something left in it, its mode changed) is deleted as before.
//!
//! Directories are named `zonebox-scratch-<pid>-…` after the process that made them. A process
//! killed outright (`kill -9`) cannot delete its own, so the first sandbox of every process
//! deletes the ones of this user whose process is gone, as the container reaper does for
//! containers.

use crate::error::{Error, ZoneError};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tempfile::TempDir;

/// How many empty directories a sandbox keeps: enough for a few threads' lines at once.
const KEEP: usize = 16;

/// The mode of a new scratch directory; a returned one must still have it.
const FRESH_MODE: u32 = 0o700;

/// The start of every scratch directory's name.
const PREFIX: &str = "zonebox-scratch-";

/// A sandbox's spare empty scratch directories.
pub(crate) struct ScratchPool {
    spare: Mutex<Vec<TempDir>>,
}

impl ScratchPool {
    /// A pool; the first of the process also removes what killed processes left.
    pub(crate) fn new() -> ScratchPool {
        static SWEPT: std::sync::Once = std::sync::Once::new();
        SWEPT.call_once(|| remove_orphans(&std::env::temp_dir()));
        ScratchPool {
            spare: Mutex::new(Vec::new()),
        }
    }

    /// An empty directory for the scratch zone `guest`: a spare one, else a new temp directory.
    pub(crate) fn take(self: &Arc<Self>, guest: &str) -> Result<ScratchDir, Error> {
        let spare = self.spare.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let dir = match spare {
            Some(dir) => dir,
            None => private_dir().map_err(|e| Error::Zone {
                guest: guest.to_string(),
                problem: ZoneError::ScratchUnavailable {
                    temp_dir: std::env::temp_dir(),
                    reason: e.to_string(),
                },
            })?,
        };
        Ok(ScratchDir {
            dir: Some(dir),
            pool: Arc::clone(self),
        })
    }

    fn give_back(&self, dir: TempDir) {
        let mut spare = self.spare.lock().unwrap_or_else(|p| p.into_inner());
        if spare.len() < KEEP {
            spare.push(dir);
        }
        // Otherwise `dir` is dropped here, which deletes it.
    }

    /// Deletes the spare directories now (they are deleted with the pool anyway).
    pub(crate) fn clear(&self) {
        self.spare.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    #[cfg(test)]
    fn spare_count(&self) -> usize {
        self.spare.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// One scratch zone's directory while a line or session uses it; dropping it deletes the
/// directory, or gives it back to the pool when it is as new.
pub(crate) struct ScratchDir {
    dir: Option<TempDir>,
    pool: Arc<ScratchPool>,
}

impl ScratchDir {
    pub(crate) fn path(&self) -> &Path {
        self.dir.as_ref().map_or(Path::new(""), TempDir::path)
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take()
            && as_made(dir.path())
        {
            self.pool.give_back(dir);
        }
    }
}

/// A new private temp directory (mode 0700 whatever the umask), named after this process so
/// that a later process removes it if this one is killed.
pub(crate) fn private_dir() -> std::io::Result<TempDir> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("{PREFIX}{}-", std::process::id()))
        .tempdir()?;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(FRESH_MODE))?;
    Ok(dir)
}

/// Removes this user's scratch directories in `temp` whose process no longer exists.
fn remove_orphans(temp: &Path) {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return;
    };
    let user = rustix::process::geteuid().as_raw();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
            .and_then(rustix::process::Pid::from_raw)
        else {
            continue;
        };
        let gone = matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        );
        let ours = entry
            .metadata()
            .is_ok_and(|m| m.is_dir() && std::os::unix::fs::MetadataExt::uid(&m) == user);
        if gone && ours {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether `path` is a directory of mode 0700 with nothing in it.
fn as_made(path: &Path) -> bool {
    let Ok(metadata) = std::fs::symlink_metadata(path) else {
        return false;
    };
    metadata.is_dir()
        && metadata.permissions().mode() & 0o7777 == FRESH_MODE
        && std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_untouched_directory_is_reused() {
        let pool = Arc::new(ScratchPool::new());
        let first = pool.take("/tmp").unwrap();
        let path = first.path().to_path_buf();
        drop(first);
        assert_eq!(pool.spare_count(), 1);
        let second = pool.take("/tmp").unwrap();
        assert_eq!(second.path(), path);
        assert_eq!(pool.spare_count(), 0);
    }

    #[test]
    fn a_used_or_changed_directory_is_deleted() {
        let pool = Arc::new(ScratchPool::new());
        let used = pool.take("/tmp").unwrap();
        let used_path = used.path().to_path_buf();
        std::fs::create_dir(used_path.join("left-behind")).unwrap();
        drop(used);
        assert!(!used_path.exists());

        let changed = pool.take("/tmp").unwrap();
        let changed_path = changed.path().to_path_buf();
        std::fs::set_permissions(&changed_path, std::fs::Permissions::from_mode(0o755)).unwrap();
        drop(changed);
        assert!(!changed_path.exists());
        assert_eq!(pool.spare_count(), 0);
    }

    #[test]
    fn directories_of_gone_processes_are_removed_and_others_kept() {
        let temp = tempfile::tempdir().unwrap();
        // A pid that cannot exist (above the kernel's maximum), this process, and a stranger.
        let gone = temp.path().join(format!("{PREFIX}99999999-abc"));
        let alive = temp
            .path()
            .join(format!("{PREFIX}{}-abc", std::process::id()));
        let other = temp.path().join("zonebox-scratchy-1-abc");
        for dir in [&gone, &alive, &other] {
            std::fs::create_dir(dir).unwrap();
        }
        std::fs::write(gone.join("left"), b"x").unwrap();
        remove_orphans(temp.path());
        assert!(!gone.exists());
        assert!(alive.exists() && other.exists());
    }

    #[test]
    fn the_pool_keeps_a_bounded_number() {
        let pool = Arc::new(ScratchPool::new());
        let dirs: Vec<_> = (0..KEEP + 3).map(|_| pool.take("/tmp").unwrap()).collect();
        let paths: Vec<_> = dirs.iter().map(|d| d.path().to_path_buf()).collect();
        drop(dirs);
        assert_eq!(pool.spare_count(), KEEP);
        assert_eq!(paths.iter().filter(|p| p.exists()).count(), KEEP);
        drop(pool);
        assert!(paths.iter().all(|p| !p.exists()));
    }
}
