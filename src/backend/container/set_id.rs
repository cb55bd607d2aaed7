//! No set-user-id or set-group-id file survives a container line in a host directory. A
//! container's user owns what it writes in an rw zone and may `chmod u+s` it; the binds are
//! the host's own directories, so such a file would run as that user for anyone on the host
//! who starts it. After every container line zonebox walks the rw zones and clears the two
//! bits (the wasm backend never sets them).
//!
//! The walk goes through a cap-std `Dir` of each zone, so a directory the line swapped for a
//! symbolic link leads nowhere outside it, and each file is changed through a descriptor opened
//! without following links and without blocking (a FIFO or a link put in a file's place is
//! never changed).

use super::spec::{ContainerSpec, SpecMount};
use cap_std::fs::{Dir, OpenOptions, OpenOptionsExt, PermissionsExt};
use std::path::Path;

const SET_ID_BITS: u32 = 0o6000;

/// What the walk found: set-id files whose bits were cleared, and those it could not clear.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct SetIdReport {
    pub(crate) cleared: Vec<String>,
    pub(crate) failed: Vec<(String, String)>,
}

impl SetIdReport {
    /// One stderr note for the line, or none when nothing was found.
    pub(crate) fn note(&self) -> Option<String> {
        if self.cleared.is_empty() && self.failed.is_empty() {
            return None;
        }
        let mut note = String::new();
        if !self.cleared.is_empty() {
            note.push_str(&format!(
                "zonebox: removed the set-user-id/set-group-id bits a container line set on {}\n",
                self.cleared.join(", ")
            ));
        }
        for (path, error) in &self.failed {
            note.push_str(&format!(
                "zonebox: {path} has set-user-id/set-group-id bits that could not be removed \
                 ({error}); remove the file or its bits before running it on the host\n"
            ));
        }
        Some(note)
    }
}

/// Clears set-id bits below every rw bind of the spec.
pub(crate) fn clear(spec: &ContainerSpec) -> SetIdReport {
    let mut report = SetIdReport::default();
    for mount in &spec.mounts {
        if let SpecMount::Bind {
            host,
            guest,
            read_only: false,
        } = mount
        {
            clear_below(host, guest, &mut report);
        }
    }
    report
}

fn clear_below(host: &Path, guest: &str, report: &mut SetIdReport) {
    let Ok(root) = Dir::open_ambient_dir(host, cap_std::ambient_authority()) else {
        return;
    };
    // Directories still to walk, with their guest paths.
    let mut pending = vec![(root, guest.trim_end_matches('/').to_string())];
    while let Some((dir, at)) = pending.pop() {
        let Ok(entries) = dir.entries() else {
            continue;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let shown = format!("{at}/{}", name.to_string_lossy());
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => {
                    if let Ok(sub) = entry.open_dir() {
                        pending.push((sub, shown));
                    }
                }
                Ok(kind) if kind.is_file() => clear_file(&dir, &name, shown, report),
                _ => {}
            }
        }
    }
}

fn clear_file(dir: &Dir, name: &std::ffi::OsStr, shown: String, report: &mut SetIdReport) {
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK;
    let mut options = OpenOptions::new();
    options.read(true).custom_flags(flags.bits() as i32);
    // Unreadable files are looked at by their metadata alone: nothing to do unless set-id.
    let Ok(metadata) = dir.symlink_metadata(name) else {
        return;
    };
    if metadata.permissions().mode() & SET_ID_BITS == 0 {
        return;
    }
    let cleared = dir.open_with(name, &options).and_then(|file| {
        let metadata = file.metadata()?;
        if !metadata.is_file() {
            return Ok(false);
        }
        let mode = metadata.permissions().mode();
        file.set_permissions(cap_std::fs::Permissions::from_mode(
            mode & !SET_ID_BITS & 0o7777,
        ))?;
        Ok(true)
    });
    match cleared {
        Ok(true) => report.cleared.push(shown),
        Ok(false) => {}
        Err(error) => report.failed.push((shown, error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn set_id_bits_are_cleared_below_rw_binds_only() {
        let rw = tempfile::tempdir().unwrap();
        let ro = tempfile::tempdir().unwrap();
        std::fs::create_dir(rw.path().join("deep")).unwrap();
        for (path, mode) in [
            (rw.path().join("sush"), 0o4755),
            (rw.path().join("deep/sgid"), 0o2755),
            (rw.path().join("plain"), 0o755),
            (ro.path().join("kept"), 0o4755),
        ] {
            std::fs::write(&path, "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        std::os::unix::fs::symlink(ro.path(), rw.path().join("link")).unwrap();
        let spec = ContainerSpec {
            mounts: vec![
                SpecMount::Bind {
                    host: rw.path().into(),
                    guest: "/out".into(),
                    read_only: false,
                },
                SpecMount::Bind {
                    host: ro.path().into(),
                    guest: "/workspace".into(),
                    read_only: true,
                },
            ],
            ..ContainerSpec::sample()
        };
        let mut report = clear(&spec);
        report.cleared.sort();
        assert_eq!(report.cleared, ["/out/deep/sgid", "/out/sush"]);
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&rw.path().join("sush")), 0o755);
        assert_eq!(mode(&rw.path().join("deep/sgid")), 0o755);
        assert_eq!(
            mode(&ro.path().join("kept")),
            0o4755,
            "not through the link"
        );
        assert!(report.note().unwrap().contains("/out/sush"));
        assert_eq!(clear(&spec).note(), None);
    }
}
