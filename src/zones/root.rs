//! The guest's read-only root (`/`): a directory the sandbox makes on first use, holding an
//! empty directory on the way to each zone's guest path (so `ls /` lists the zones and
//! `cd /` works) and `/dev` with the names of the devices the sandbox serves (`null`, `zero`,
//! `random`, `urandom`, `stdin`, `stdout`, `stderr`, `fd/`), which the shell and the toolset
//! answer themselves. It is mounted read-only at `/` beneath the zones (the innermost zone
//! wins), so writing anywhere in it is "Read-only file system"; it never reaches a container.

use super::scratch::private_dir;
use std::io;
use std::path::Path;
use std::sync::OnceLock;
use tempfile::TempDir;

/// The devices under `/dev` whose data the sandbox serves (the host's own for `null`, `zero`
/// and the random ones; the line's descriptors for the others).
pub(crate) const DEVICES: &[&str] = &[
    "null", "zero", "random", "urandom", "stdin", "stdout", "stderr",
];

/// The devices a read opens on the host as they are: they never block and reach no hardware.
pub(crate) fn host_device(guest: &str) -> Option<&'static str> {
    match guest {
        "/dev/null" => Some("/dev/null"),
        "/dev/zero" => Some("/dev/zero"),
        "/dev/random" | "/dev/urandom" => Some("/dev/urandom"),
        _ => None,
    }
}

/// The root view of one sandbox: the zones' guest paths, and the directory once made.
pub(crate) struct RootView {
    guests: Vec<String>,
    dir: OnceLock<TempDir>,
}

impl RootView {
    pub(crate) fn new(guests: impl IntoIterator<Item = String>) -> RootView {
        RootView {
            guests: guests.into_iter().collect(),
            dir: OnceLock::new(),
        }
    }

    /// Removes the directory now (a process about to exit without dropping the sandbox).
    pub(crate) fn remove_now(&self) {
        if let Some(dir) = self.dir.get() {
            let _ = std::fs::remove_dir_all(dir.path());
        }
    }

    /// The directory on the host, made on first use (a line that runs only builtins in its
    /// zones never makes it).
    pub(crate) fn path(&self) -> io::Result<&Path> {
        if let Some(dir) = self.dir.get() {
            return Ok(dir.path());
        }
        let dir = private_dir()?;
        let root = dir.path();
        for guest in &self.guests {
            let relative = guest.trim_start_matches('/');
            if !relative.is_empty() {
                std::fs::create_dir_all(root.join(relative))?;
            }
        }
        std::fs::create_dir_all(root.join("dev/fd"))?;
        for device in DEVICES {
            std::fs::File::create(root.join("dev").join(device))?;
        }
        // Read-only for everyone but the owner, as a root directory is.
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755))?;
        Ok(self.dir.get_or_init(|| dir).path())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_holds_the_way_to_each_zone_and_the_devices() {
        let view = RootView::new(["/workspace".to_string(), "/home/me/src".to_string()]);
        let root = view.path().unwrap().to_path_buf();
        assert!(root.join("workspace").is_dir());
        assert!(root.join("home/me/src").is_dir());
        assert!(root.join("dev/urandom").is_file());
        assert_eq!(view.path().unwrap(), root, "made once");
        drop(view);
        assert!(!root.exists(), "removed with the sandbox");
    }
}
