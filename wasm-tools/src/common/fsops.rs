//! File-system operations that cp and mv share: copying trees, keeping times, same-file checks.

use std::collections::HashMap;
use std::fs::{self, FileTimes, Metadata};
use std::io;
use std::path::{Path, PathBuf};

/// How a copy treats what it finds.
#[derive(Clone, Copy, Default)]
pub struct CopyOptions {
    pub recursive: bool,
    pub preserve_times: bool,
    /// Give copies the source's permission bits (cp -p, -a, --preserve=mode).
    pub preserve_mode: bool,
    /// Copy files that are hard links of each other as links of each other (cp -a, -d,
    /// --preserve=links).
    pub preserve_links: bool,
    pub no_clobber: bool,
    pub update_older: bool,
    /// Copy symbolic links as links (cp -r, -a, -P) instead of what they point at.
    pub keep_links: bool,
    /// Follow symbolic links named on the command line even when keeping links below (cp -H).
    pub follow_command_line: bool,
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
    Copier::new(options, report).copy(source, dest)
}

/// One cp run: its options, and the copies made of files with several links (so that
/// `--preserve=links` links later copies to the first, across operands too).
pub struct Copier<'a> {
    options: CopyOptions,
    linked: HashMap<(u64, u64), PathBuf>,
    report: &'a mut dyn FnMut(String),
}

impl<'a> Copier<'a> {
    pub fn new(options: CopyOptions, report: &'a mut dyn FnMut(String)) -> Self {
        Copier {
            options,
            linked: HashMap::new(),
            report,
        }
    }

    /// Copies a command-line operand.
    pub fn copy(&mut self, source: &Path, dest: &Path) -> bool {
        let keep_links = self.options.keep_links && !self.options.follow_command_line;
        self.copy_path(source, dest, keep_links)
    }

    fn copy_path(&mut self, source: &Path, dest: &Path, keep_links: bool) -> bool {
        let metadata = match super::fileinfo::metadata(source, !keep_links) {
            Ok(metadata) => metadata,
            Err(error) => {
                (self.report)(format!(
                    "cannot stat '{}': {}",
                    source.display(),
                    super::io::describe(&error)
                ));
                return false;
            }
        };
        if metadata.is_dir() {
            if !self.options.recursive {
                (self.report)(format!(
                    "-r not specified; omitting directory '{}'",
                    source.display()
                ));
                return false;
            }
            if dest.starts_with(source) && dest != source {
                (self.report)(format!(
                    "cannot copy a directory, '{}', into itself, '{}'",
                    source.display(),
                    dest.display()
                ));
                return false;
            }
            return self.copy_directory(source, dest, &metadata);
        }
        if let Ok(existing) = fs::symlink_metadata(dest) {
            if self.options.no_clobber {
                return true;
            }
            if self.options.update_older && !is_newer(&metadata, &existing) {
                return true;
            }
            if same_file(source, dest) {
                (self.report)(format!(
                    "'{}' and '{}' are the same file",
                    source.display(),
                    dest.display()
                ));
                return false;
            }
            if existing.is_dir() {
                (self.report)(format!(
                    "cannot overwrite directory '{}' with non-directory",
                    dest.display()
                ));
                return false;
            }
        }
        if let Some(first) = self.earlier_copy(source, dest, keep_links) {
            let _ = fs::remove_file(dest);
            return match fs::hard_link(&first, dest) {
                Ok(()) => true,
                Err(error) => {
                    (self.report)(format!(
                        "cannot create hard link '{}' to '{}': {}",
                        dest.display(),
                        first.display(),
                        super::io::describe(&error)
                    ));
                    false
                }
            };
        }
        let result = if metadata.file_type().is_symlink() {
            fs::read_link(source).and_then(|target| {
                let _ = fs::remove_file(dest);
                super::fileinfo::symlink(&target, dest)
            })
        } else {
            let created = fs::symlink_metadata(dest).is_err();
            fs::copy(source, dest).map(|_| ()).and_then(|()| {
                keep_times(dest, &metadata, self.options.preserve_times)?;
                self.keep_mode(source, dest, created)
            })
        };
        match result {
            Ok(()) => true,
            Err(error) => {
                (self.report)(format!(
                    "cannot create regular file '{}': {}",
                    dest.display(),
                    super::io::describe(&error)
                ));
                false
            }
        }
    }

    /// With `preserve_links`: the copy already made of another link of `source`, if any (else
    /// `dest` is remembered as the copy of this file).
    fn earlier_copy(&mut self, source: &Path, dest: &Path, keep_links: bool) -> Option<PathBuf> {
        if !self.options.preserve_links {
            return None;
        }
        let identity = super::fileinfo::identity(source, !keep_links).ok()?;
        if identity.links < 2 {
            return None;
        }
        let key = (identity.device, identity.inode);
        if let Some(first) = self.linked.get(&key) {
            return Some(first.clone());
        }
        self.linked.insert(key, dest.to_path_buf());
        None
    }

    /// The mode a copy gets: the source's with `preserve_mode`; else a file or directory the
    /// copy created gets the source's less the umask (022), and one that was there keeps its own.
    fn keep_mode(&self, source: &Path, dest: &Path, created: bool) -> io::Result<()> {
        if self.options.preserve_mode {
            super::modes::set_mode(dest, super::modes::mode(source)?)
        } else {
            // Best effort, as the mode a new file is opened with: the copy stands either way.
            if created && let Ok(mode) = super::modes::mode(source) {
                let _ = super::modes::set_mode(dest, mode & !super::mode_change::UMASK);
            }
            Ok(())
        }
    }

    fn copy_directory(&mut self, source: &Path, dest: &Path, metadata: &Metadata) -> bool {
        let created = fs::create_dir(dest);
        if let Err(error) = &created
            && (error.kind() != io::ErrorKind::AlreadyExists || !dest.is_dir())
        {
            (self.report)(format!(
                "cannot create directory '{}': {}",
                dest.display(),
                super::io::describe(error)
            ));
            return false;
        }
        let entries = match sorted_entries(source) {
            Ok(entries) => entries,
            Err(error) => {
                (self.report)(format!(
                    "cannot open directory '{}': {}",
                    source.display(),
                    super::io::describe(&error)
                ));
                return false;
            }
        };
        let mut ok = true;
        for name in entries {
            ok &= self.copy_path(
                &source.join(&name),
                &dest.join(&name),
                self.options.keep_links,
            );
        }
        let kept = keep_times(dest, metadata, self.options.preserve_times)
            .and_then(|()| self.keep_mode(source, dest, created.is_ok()));
        if let Err(error) = kept {
            (self.report)(format!(
                "preserving times for '{}': {}",
                dest.display(),
                super::io::describe(&error)
            ));
            ok = false;
        }
        ok
    }
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
