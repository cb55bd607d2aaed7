//! File-system operations that cp and mv share: copying trees, keeping times, same-file checks.

use std::fs::{self, FileTimes, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// How a copy treats what it finds.
#[derive(Clone, Copy, Default)]
pub struct CopyOptions {
    pub recursive: bool,
    pub preserve_times: bool,
    pub no_clobber: bool,
    pub update_older: bool,
    /// Copy symbolic links as links (cp -r, -a, -P) instead of what they point at.
    pub keep_links: bool,
}

/// Where cp and mv send their operands: `SOURCE DEST`, `SOURCE... DIR`, or `-t DIR SOURCE...`
/// (`-T` treats DEST as a file even when it is a directory).
pub struct Targets {
    pub operands: Vec<PathBuf>,
    pub target_directory: Option<PathBuf>,
    pub no_target_directory: bool,
}

impl Targets {
    pub fn new() -> Self {
        Targets {
            operands: Vec::new(),
            target_directory: None,
            no_target_directory: false,
        }
    }

    /// Each source with the path it lands at.
    pub fn pairs(mut self) -> Result<Vec<(PathBuf, PathBuf)>, super::ToolError> {
        use super::ToolError;
        let target = match self.target_directory.take() {
            Some(dir) => dir,
            None => match self.operands.len() {
                0 => return Err(ToolError::operand("missing file operand")),
                1 => {
                    return Err(ToolError::operand(format!(
                        "missing destination file operand after '{}'",
                        self.operands[0].display()
                    )));
                }
                _ => self.operands.pop().unwrap_or_default(),
            },
        };
        if self.operands.is_empty() {
            return Err(ToolError::operand("missing file operand"));
        }
        let into_dir = !self.no_target_directory && target.is_dir();
        if self.operands.len() > 1 && !into_dir {
            return Err(ToolError::failure(format!(
                "target '{}' is not a directory",
                target.display()
            )));
        }
        Ok(self
            .operands
            .into_iter()
            .map(|source| {
                let dest = if into_dir {
                    target.join(source.file_name().unwrap_or(source.as_os_str()))
                } else {
                    target.clone()
                };
                (source, dest)
            })
            .collect())
    }
}

/// True when both paths name the same existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (
        super::fileinfo::identity(a, true),
        super::fileinfo::identity(b, true),
    ) {
        (Ok(x), Ok(y)) => x.device == y.device && x.inode == y.inode,
        _ => false,
    }
}

/// Copies `source` to `dest`, recursing into directories when asked. Errors name the path.
pub fn copy(
    source: &Path,
    dest: &Path,
    options: CopyOptions,
    report: &mut dyn FnMut(String),
) -> bool {
    let metadata = if options.keep_links {
        fs::symlink_metadata(source)
    } else {
        fs::metadata(source)
    };
    let metadata = match metadata {
        Ok(metadata) => metadata,
        Err(error) => {
            report(format!(
                "cannot stat '{}': {}",
                source.display(),
                super::io::describe(&error)
            ));
            return false;
        }
    };
    if metadata.is_dir() {
        if !options.recursive {
            report(format!(
                "-r not specified; omitting directory '{}'",
                source.display()
            ));
            return false;
        }
        if dest.starts_with(source) && dest != source {
            report(format!(
                "cannot copy a directory, '{}', into itself, '{}'",
                source.display(),
                dest.display()
            ));
            return false;
        }
        return copy_directory(source, dest, &metadata, options, report);
    }
    if let Ok(existing) = fs::symlink_metadata(dest) {
        if options.no_clobber {
            return true;
        }
        if options.update_older && !is_newer(&metadata, &existing) {
            return true;
        }
        if same_file(source, dest) {
            report(format!(
                "'{}' and '{}' are the same file",
                source.display(),
                dest.display()
            ));
            return false;
        }
        if existing.is_dir() {
            report(format!(
                "cannot overwrite directory '{}' with non-directory",
                dest.display()
            ));
            return false;
        }
    }
    let result = if metadata.file_type().is_symlink() {
        fs::read_link(source).and_then(|target| {
            let _ = fs::remove_file(dest);
            super::fileinfo::symlink(&target, dest)
        })
    } else {
        fs::copy(source, dest)
            .map(|_| ())
            .and_then(|()| keep_times(dest, &metadata, options.preserve_times))
    };
    match result {
        Ok(()) => true,
        Err(error) => {
            report(format!(
                "cannot create regular file '{}': {}",
                dest.display(),
                super::io::describe(&error)
            ));
            false
        }
    }
}

fn copy_directory(
    source: &Path,
    dest: &Path,
    metadata: &Metadata,
    options: CopyOptions,
    report: &mut dyn FnMut(String),
) -> bool {
    if let Err(error) = fs::create_dir(dest)
        && (error.kind() != io::ErrorKind::AlreadyExists || !dest.is_dir())
    {
        report(format!(
            "cannot create directory '{}': {}",
            dest.display(),
            super::io::describe(&error)
        ));
        return false;
    }
    let entries = match sorted_entries(source) {
        Ok(entries) => entries,
        Err(error) => {
            report(format!(
                "cannot open directory '{}': {}",
                source.display(),
                super::io::describe(&error)
            ));
            return false;
        }
    };
    let mut ok = true;
    for name in entries {
        ok &= copy(&source.join(&name), &dest.join(&name), options, report);
    }
    if let Err(error) = keep_times(dest, metadata, options.preserve_times) {
        report(format!(
            "preserving times for '{}': {}",
            dest.display(),
            super::io::describe(&error)
        ));
        ok = false;
    }
    ok
}

/// The names in a directory in the host's directory order, the order GNU's find, du, grep -r and
/// tar walk in (it varies from one file system to another).
pub fn entries(dir: &Path) -> io::Result<Vec<std::ffi::OsString>> {
    fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.file_name()))
        .collect()
}

/// The names in a directory, sorted by their bytes (diff -r and cp -r).
pub fn sorted_entries(dir: &Path) -> io::Result<Vec<std::ffi::OsString>> {
    let mut names = entries(dir)?;
    names.sort();
    Ok(names)
}

/// The names in a directory with their types as the listing gives them (no extra call per
/// entry), in the host's directory order.
pub fn entries_with_types(
    dir: &Path,
) -> io::Result<Vec<(std::ffi::OsString, Option<fs::FileType>)>> {
    fs::read_dir(dir)?
        .map(|entry| entry.map(|e| (e.file_name(), e.file_type().ok())))
        .collect()
}

fn is_newer(source: &Metadata, dest: &Metadata) -> bool {
    match (source.modified(), dest.modified()) {
        (Ok(s), Ok(d)) => s > d,
        _ => true,
    }
}

fn keep_times(dest: &Path, source: &Metadata, preserve: bool) -> io::Result<()> {
    if !preserve {
        return Ok(());
    }
    let mut times = FileTimes::new();
    if let Ok(accessed) = source.accessed() {
        times = times.set_accessed(accessed);
    }
    if let Ok(modified) = source.modified() {
        times = times.set_modified(modified);
    }
    fs::File::open(dest)?.set_times(times)
}
