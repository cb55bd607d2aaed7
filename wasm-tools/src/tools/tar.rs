//! tar: create (-c), extract (-x) and list (-t) archives; -f FILE, -z gzip, -j bzip2, -J xz (and
//! each recognised by its first bytes when reading), -C DIR, -v,
//! -O to stdout, --exclude=GLOB, -X/--exclude-from FILE, -k keep existing; old-style bundled
//! letters (`tar czf a.tgz d`). Hard links are archived once and linked again on extraction;
//! modes are kept (set-id bits never). As GNU tar: a leading `/` is removed from member names,
//! and members whose names contain `..` are not extracted.

use crate::common::glob;
use crate::common::io::{describe, out, warn};
use crate::common::{ToolError, ToolResult};
use crate::common::{fileinfo, modes, time};
use std::collections::{BTreeSet, HashMap};
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Extract,
    List,
}

#[derive(Clone, Copy, PartialEq, Default)]
enum Compression {
    #[default]
    None,
    Gzip,
    Bzip2,
    Xz,
}

#[derive(Default)]
struct Options {
    mode: Option<Mode>,
    file: Option<String>,
    compression: Compression,
    directory: Option<String>,
    verbose: bool,
    to_stdout: bool,
    keep_old: bool,
    exclude: Vec<String>,
    operands: Vec<String>,
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut words: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // Old style: a first word without a dash is a bundle of option letters.
    if let Some(first) = words.first()
        && !first.starts_with('-')
    {
        words[0] = format!("-{first}");
    }
    let options = parse(words)?;
    match options.mode {
        Some(Mode::Create) => create(tool, &options),
        Some(Mode::Extract) => read_archive(tool, &options, true),
        Some(Mode::List) => read_archive(tool, &options, false),
        None => Err(ToolError::usage(
            "You must specify one of the '-Acdtrux', '--delete' or '--test-label' options",
        )),
    }
}

/// Sets the operation; a second, different one is refused as GNU tar refuses it.
fn set_mode(options: &mut Options, mode: Mode) -> Result<(), ToolError> {
    if options.mode.is_some_and(|m| m != mode) {
        return Err(ToolError::usage(
            "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option\n\
             Try 'tar --help' or 'tar --usage' for more information.",
        ));
    }
    options.mode = Some(mode);
    Ok(())
}

/// `-X FILE`: one exclude pattern a line.
fn exclude_from(options: &mut Options, path: &str) -> Result<(), ToolError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ToolError::usage(format!("{path}: Cannot open: {}", describe(&e))))?;
    options.exclude.extend(
        text.lines()
            .filter(|line| !line.is_empty())
            .map(str::to_string),
    );
    Ok(())
}

fn parse(words: Vec<String>) -> Result<Options, ToolError> {
    let mut options = Options::default();
    let mut iter = words.into_iter();
    let value = |name: &str, iter: &mut std::vec::IntoIter<String>| {
        iter.next()
            .ok_or_else(|| ToolError::usage(format!("option requires an argument -- '{name}'")))
    };
    while let Some(word) = iter.next() {
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((name, inline)) => (name, Some(inline.to_string())),
                None => (long, None),
            };
            let take = |iter: &mut std::vec::IntoIter<String>| match &inline {
                Some(inline) => Ok(inline.clone()),
                None => value(name, iter),
            };
            match name {
                "create" => set_mode(&mut options, Mode::Create)?,
                "extract" | "get" => set_mode(&mut options, Mode::Extract)?,
                "list" => set_mode(&mut options, Mode::List)?,
                "exclude-from" => {
                    let path = take(&mut iter)?;
                    exclude_from(&mut options, &path)?;
                }
                "file" => options.file = Some(take(&mut iter)?),
                "gzip" | "gunzip" | "ungzip" => options.compression = Compression::Gzip,
                "bzip2" => options.compression = Compression::Bzip2,
                "xz" => options.compression = Compression::Xz,
                "directory" => options.directory = Some(take(&mut iter)?),
                "verbose" => options.verbose = true,
                "to-stdout" => options.to_stdout = true,
                "keep-old-files" | "skip-old-files" => options.keep_old = true,
                "exclude" => options.exclude.push(take(&mut iter)?),
                "no-same-owner" | "no-same-permissions" | "overwrite" => {}
                other => return Err(ToolError::usage(format!("unrecognized option '--{other}'"))),
            }
            continue;
        }
        match word.strip_prefix('-') {
            Some(letters) if !letters.is_empty() => {
                let letters: Vec<char> = letters.chars().collect();
                for (index, letter) in letters.iter().enumerate() {
                    let rest: String = letters[index + 1..].iter().collect();
                    match letter {
                        'c' => set_mode(&mut options, Mode::Create)?,
                        'x' => set_mode(&mut options, Mode::Extract)?,
                        't' => set_mode(&mut options, Mode::List)?,
                        'z' => options.compression = Compression::Gzip,
                        'j' => options.compression = Compression::Bzip2,
                        'J' => options.compression = Compression::Xz,
                        'v' => options.verbose = true,
                        'O' => options.to_stdout = true,
                        'k' => options.keep_old = true,
                        'p' | 'o' => {}
                        'f' | 'C' | 'X' => {
                            // A value follows the letter in the same word, or is the next word.
                            let given = if rest.is_empty() {
                                value(&letter.to_string(), &mut iter)?
                            } else {
                                rest.clone()
                            };
                            match letter {
                                'f' => options.file = Some(given),
                                'C' => options.directory = Some(given),
                                _ => exclude_from(&mut options, &given)?,
                            }
                            if !rest.is_empty() {
                                break;
                            }
                        }
                        other => {
                            return Err(ToolError::usage(format!("invalid option -- '{other}'")));
                        }
                    }
                }
            }
            _ => options.operands.push(word),
        }
    }
    Ok(options)
}

fn open_archive(options: &Options) -> Result<Vec<u8>, ToolError> {
    let mut data = Vec::new();
    match options.file.as_deref() {
        None | Some("-") => {
            std::io::stdin().read_to_end(&mut data)?;
        }
        Some(name) => {
            data = std::fs::read(name)
                .map_err(|e| ToolError::usage(format!("{name}: Cannot open: {}", describe(&e))))?;
        }
    }
    let compression = match options.compression {
        Compression::None => recognised_compression(&data)?,
        given => given,
    };
    data = decompress(compression, data)?;
    if data.is_empty() {
        return Err(ToolError::usage(
            "This does not look like a tar archive\ntar: Exiting with failure status due to \
             previous errors",
        ));
    }
    Ok(data)
}

/// The compression an archive's first bytes show; the ones GNU tar knows that this tar cannot
/// undo are refused by name.
fn recognised_compression(data: &[u8]) -> Result<Compression, ToolError> {
    const UNSUPPORTED: &[(&[u8], &str)] = &[
        (&[0x28, 0xb5, 0x2f, 0xfd], "zstd"),
        (&[0x1f, 0x9d], "compress (.Z)"),
        (&[0x5d, 0, 0], "lzma"),
        (b"LZIP", "lzip"),
    ];
    if let Some((_, kind)) = UNSUPPORTED
        .iter()
        .find(|(magic, _)| data.starts_with(magic))
    {
        return Err(ToolError::usage(format!(
            "the archive is {kind}-compressed: this tar reads gzip, bzip2 and xz archives \
             (decompress it in a container)"
        )));
    }
    Ok(if data.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if data.starts_with(b"BZh") {
        Compression::Bzip2
    } else if data.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Compression::Xz
    } else {
        Compression::None
    })
}

fn decompress(compression: Compression, data: Vec<u8>) -> Result<Vec<u8>, ToolError> {
    let mut plain = Vec::new();
    let (name, result) = match compression {
        Compression::None => return Ok(data),
        Compression::Gzip => (
            "gzip",
            flate2::read::MultiGzDecoder::new(&data[..])
                .read_to_end(&mut plain)
                .map(drop),
        ),
        Compression::Bzip2 => (
            "bzip2",
            bzip2::read::MultiBzDecoder::new(&data[..])
                .read_to_end(&mut plain)
                .map(drop),
        ),
        Compression::Xz => (
            "xz",
            lzma_rs::xz_decompress(&mut &data[..], &mut plain)
                .map_err(|e| std::io::Error::other(e.to_string())),
        ),
    };
    result.map_err(|e| {
        ToolError::usage(format!(
            "the archive is not valid {name}: {e}\ntar: Child returned status 1"
        ))
    })?;
    Ok(plain)
}

fn compress(compression: Compression, archive: Vec<u8>) -> Result<Vec<u8>, ToolError> {
    Ok(match compression {
        Compression::None => archive,
        Compression::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(&archive)?;
            encoder.finish()?
        }
        Compression::Bzip2 => {
            let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            encoder.write_all(&archive)?;
            encoder.finish()?
        }
        Compression::Xz => {
            let mut packed = Vec::new();
            lzma_rs::xz_compress(&mut &archive[..], &mut packed)?;
            packed
        }
    })
}

/// GNU tar's reading of a member name for extraction: leading `/`s and anything up to a last
/// `..` component are removed (each such prefix reported once), and a name with `..` is not
/// extracted at all.
struct MemberNames {
    reported: BTreeSet<String>,
}

impl MemberNames {
    /// The name to extract under, or `None` when it contains `..`.
    fn safe(&mut self, tool: &'static str, path: &str) -> Option<PathBuf> {
        let prefix_end = dot_dot_prefix_end(path);
        if prefix_end > 0 && self.reported.insert(path[..prefix_end].to_string()) {
            warn(
                tool,
                format!(
                    "Removing leading `{}' from member names",
                    &path[..prefix_end]
                ),
            );
        }
        let mut relative = PathBuf::new();
        for component in Path::new(path).components() {
            match component {
                Component::Normal(part) => relative.push(part),
                Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
                Component::ParentDir => return None,
            }
        }
        Some(relative)
    }
}

/// Where the prefix GNU tar removes ends: past leading `/`s, or past the last `..` component and
/// the `/`s after it.
fn dot_dot_prefix_end(path: &str) -> usize {
    let bytes = path.as_bytes();
    let mut end = bytes.iter().take_while(|b| **b == b'/').count();
    let mut start = 0;
    while start < bytes.len() {
        let stop = bytes[start..]
            .iter()
            .position(|b| *b == b'/')
            .map_or(bytes.len(), |p| start + p);
        if &bytes[start..stop] == b".." {
            end = stop;
            while end < bytes.len() && bytes[end] == b'/' {
                end += 1;
            }
        }
        start = stop + 1;
    }
    end
}

fn read_archive(tool: &'static str, options: &Options, extract: bool) -> ToolResult {
    let data = open_archive(options)?;
    let mut archive = tar::Archive::new(&data[..]);
    let target = PathBuf::from(options.directory.as_deref().unwrap_or("."));
    let mut status = 0;
    let mut seen = vec![false; options.operands.len()];
    let mut names = MemberNames {
        reported: BTreeSet::new(),
    };
    // Directory modes are set last, so a read-only directory still receives its files.
    let mut directory_modes = Vec::new();
    let entries = archive
        .entries()
        .map_err(|e| ToolError::usage(format!("this does not look like a tar archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| ToolError::usage(format!("damaged archive: {e}")))?;
        let path = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let wanted = options.operands.is_empty()
            || options.operands.iter().enumerate().any(|(i, operand)| {
                let hit = path == *operand
                    || path.trim_end_matches('/') == operand.trim_end_matches('/')
                    || path.starts_with(&format!("{}/", operand.trim_end_matches('/')));
                if hit {
                    seen[i] = true;
                }
                hit
            });
        if !wanted || excluded(&options.exclude, &path) {
            continue;
        }
        if !extract {
            // Listing reports the prefixes extraction would remove, and shows names unchanged.
            names.safe(tool, &path);
            let line = if options.verbose {
                verbose_line(&entry, &path)
            } else {
                path.clone()
            };
            out(format!("{line}\n").as_bytes())?;
            continue;
        }
        let Some(relative) = names.safe(tool, &path) else {
            warn(tool, format!("{path}: Member name contains '..'"));
            status = 2;
            continue;
        };
        if options.verbose {
            out(format!("{path}\n").as_bytes())?;
        }
        if options.to_stdout {
            if entry.header().entry_type().is_file() {
                let mut content = Vec::new();
                entry.read_to_end(&mut content)?;
                out(&content)?;
            }
            continue;
        }
        let destination = target.join(relative);
        if options.keep_old && destination.exists() {
            continue;
        }
        match unpack(&mut entry, &destination, &target, &mut names, tool) {
            Ok(Some(mode)) => directory_modes.push((destination, mode)),
            Ok(None) => {}
            Err(message) => {
                warn(tool, format!("{path}: {message}"));
                status = 2;
            }
        }
    }
    for (directory, mode) in directory_modes.iter().rev() {
        let _ = modes::set_mode(directory, *mode);
    }
    for (operand, found) in options.operands.iter().zip(seen) {
        if !found {
            warn(tool, format!("{operand}: Not found in archive"));
            status = 2;
        }
    }
    if status == 2 {
        warn(tool, "Exiting with failure status due to previous errors");
    }
    Ok(status)
}

fn excluded(patterns: &[String], path: &str) -> bool {
    let trimmed = path.trim_end_matches('/');
    patterns.iter().any(|p| {
        glob::matches(p.as_bytes(), trimmed.as_bytes(), false)
            || trimmed
                .split('/')
                .any(|component| glob::matches(p.as_bytes(), component.as_bytes(), false))
    })
}

/// Whether a directory on the way from `target` to `destination` (not the last name) is a
/// symbolic link.
fn link_on_the_way(target: &Path, destination: &Path) -> bool {
    let Ok(relative) = destination.strip_prefix(target) else {
        return false;
    };
    let mut path = target.to_path_buf();
    let components: Vec<_> = relative.components().collect();
    for component in components.iter().take(components.len().saturating_sub(1)) {
        path.push(component);
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// The permission bits an extracted file gets: the archive's, without set-id and sticky bits.
fn extracted_mode(entry: &tar::Entry<'_, &[u8]>) -> Option<u32> {
    entry.header().mode().ok().map(|mode| mode & 0o777)
}

/// Writes one member; a directory's mode comes back to be set once the archive is read.
fn unpack(
    entry: &mut tar::Entry<'_, &[u8]>,
    destination: &Path,
    target: &Path,
    names: &mut MemberNames,
    tool: &'static str,
) -> Result<Option<u32>, String> {
    let kind = entry.header().entry_type();
    let cannot_open = |e: &std::io::Error| format!("Cannot open: {}", describe(e));
    if link_on_the_way(target, destination) {
        // An archive's own symbolic link must not carry a later member out of the target
        // (`l -> ../..`, then `l/x`), as GNU tar guards against it.
        return Err("Cannot open: a symbolic link is on the way (not extracted through it)".into());
    }
    if let Some(parent) = destination.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| cannot_open(&e))?;
    }
    if kind.is_dir() {
        return match std::fs::create_dir(destination) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                Err(format!("Cannot mkdir: {}", describe(&e)))
            }
            _ => Ok(extracted_mode(entry)),
        };
    }
    if kind.is_symlink() {
        let link_target = entry
            .link_name()
            .map_err(|e| e.to_string())?
            .ok_or("a link without a target")?;
        let _ = std::fs::remove_file(destination);
        fileinfo::symlink(&link_target, destination).map_err(|e| {
            format!(
                "Cannot create symlink to '{}': {}",
                link_target.display(),
                describe(&e)
            )
        })?;
        return Ok(None);
    }
    if kind.is_hard_link() {
        let link_name = entry
            .link_name_bytes()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .ok_or("a link without a target")?;
        let Some(relative) = names.safe(tool, &link_name) else {
            return Err(format!(
                "Cannot hard link to '{link_name}': Member name contains '..'"
            ));
        };
        let _ = std::fs::remove_file(destination);
        std::fs::hard_link(target.join(relative), destination)
            .map_err(|e| format!("Cannot hard link to '{link_name}': {}", describe(&e)))?;
        return Ok(None);
    }
    if !kind.is_file() {
        return Err("only files, directories and links can be extracted in the sandbox".into());
    }
    let mut content = Vec::new();
    entry.read_to_end(&mut content).map_err(|e| e.to_string())?;
    // A file that exists (perhaps read-only, perhaps a hard link) is replaced, as GNU tar does.
    let _ = std::fs::remove_file(destination);
    std::fs::write(destination, content).map_err(|e| cannot_open(&e))?;
    if let Ok(mtime) = entry.header().mtime() {
        let when = time::from_unix_seconds(mtime as i64);
        if let Ok(file) = std::fs::File::options().write(true).open(destination) {
            let _ = file.set_times(
                std::fs::FileTimes::new()
                    .set_modified(when)
                    .set_accessed(when),
            );
        }
    }
    if let Some(mode) = extracted_mode(entry) {
        let _ = modes::set_mode(destination, mode);
    }
    Ok(None)
}

/// GNU's `tar -tv` line: mode, owner/group, size, date, path.
fn verbose_line(entry: &tar::Entry<'_, &[u8]>, path: &str) -> String {
    let header = entry.header();
    let kind = header.entry_type();
    let type_char = if kind.is_dir() {
        'd'
    } else if kind.is_symlink() {
        'l'
    } else if kind.is_hard_link() {
        'h'
    } else if kind.is_character_special() {
        'c'
    } else if kind.is_block_special() {
        'b'
    } else if kind.is_fifo() {
        'p'
    } else {
        '-'
    };
    let bits = modes::symbolic(header.mode().unwrap_or(0o644));
    let owner = match (header.username().ok().flatten(), header.uid().ok()) {
        (Some(name), _) if !name.is_empty() => name.to_string(),
        (_, Some(uid)) => uid.to_string(),
        _ => "0".into(),
    };
    let group = match (header.groupname().ok().flatten(), header.gid().ok()) {
        (Some(name), _) if !name.is_empty() => name.to_string(),
        (_, Some(gid)) => gid.to_string(),
        _ => "0".into(),
    };
    let size = header.size().unwrap_or(0);
    let c = time::civil(header.mtime().unwrap_or(0) as i64);
    let owner_group = format!("{owner}/{group}");
    let link_name = || {
        entry
            .link_name_bytes()
            .map(|t| String::from_utf8_lossy(&t).into_owned())
            .unwrap_or_default()
    };
    let link = if kind.is_symlink() {
        format!(" -> {}", link_name())
    } else if kind.is_hard_link() {
        format!(" link to {}", link_name())
    } else {
        String::new()
    };
    format!(
        "{type_char}{bits} {owner_group} {size:>width$} {:04}-{:02}-{:02} {:02}:{:02} {path}{link}",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        width = 18usize.saturating_sub(owner_group.len()).max(1)
    )
}

fn create(tool: &'static str, options: &Options) -> ToolResult {
    if options.operands.is_empty() {
        return Err(ToolError::usage(
            "Cowardly refusing to create an empty archive",
        ));
    }
    let base = PathBuf::from(options.directory.as_deref().unwrap_or("."));
    let mut builder = tar::Builder::new(Vec::new());
    builder.mode(tar::HeaderMode::Deterministic);
    builder.follow_symlinks(false);
    let mut status = 0;
    let mut linked = HashMap::new();
    for operand in &options.operands {
        let source = base.join(operand);
        if let Err(error) = add(&mut builder, &source, operand, options, &mut linked) {
            warn(
                tool,
                format!("{operand}: Cannot stat: {}", describe(&error)),
            );
            status = 2;
        }
    }
    let archive = builder.into_inner()?;
    let bytes = compress(options.compression, archive)?;
    match options.file.as_deref() {
        None | Some("-") => out(&bytes)?,
        Some(name) => std::fs::write(name, bytes)
            .map_err(|e| ToolError::usage(format!("{name}: Cannot open: {}", describe(&e))))?,
    }
    Ok(status)
}

/// Adds a path (recursively for directories, in directory order) under its name as written.
/// A file with other names already archived (same device and inode) is stored as a hard link
/// to the first name, as GNU tar stores it.
fn add(
    builder: &mut tar::Builder<Vec<u8>>,
    source: &Path,
    name: &str,
    options: &Options,
    linked: &mut HashMap<(u64, u64), String>,
) -> std::io::Result<()> {
    if excluded(&options.exclude, name) {
        return Ok(());
    }
    let metadata = std::fs::symlink_metadata(source)?;
    if options.verbose {
        let shown = if metadata.is_dir() {
            format!("{}/", name.trim_end_matches('/'))
        } else {
            name.to_string()
        };
        let _ = out(format!("{shown}\n").as_bytes());
    }
    let mut header = tar::Header::new_gnu();
    header.set_mtime(
        metadata
            .modified()
            .map(time::unix_seconds)
            .unwrap_or(0)
            .max(0) as u64,
    );
    header.set_uid(1000);
    header.set_gid(1000);
    let _ = header.set_username("user");
    let _ = header.set_groupname("user");
    let mode =
        modes::mode(source).unwrap_or(if metadata.is_dir() { 0o755 } else { 0o644 }) & 0o7777;
    if metadata.file_type().is_symlink() {
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_mode(0o777);
        header.set_size(0);
        let target = std::fs::read_link(source)?;
        builder.append_link(&mut header, name, target)?;
    } else if metadata.is_dir() {
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(mode);
        header.set_size(0);
        let dir_name = format!("{}/", name.trim_end_matches('/'));
        builder.append_data(&mut header, &dir_name, std::io::empty())?;
        // The host's directory order, as GNU tar's default --sort=none.
        for child in crate::common::fsops::entries(source)? {
            let child_name = format!("{}/{}", name.trim_end_matches('/'), child.to_string_lossy());
            add(builder, &source.join(&child), &child_name, options, linked)?;
        }
    } else if let Some(first) = hard_link_target(source, name, linked) {
        header.set_entry_type(tar::EntryType::Link);
        header.set_mode(mode);
        header.set_size(0);
        builder.append_link(&mut header, name, first)?;
    } else {
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(mode);
        let content = std::fs::read(source)?;
        header.set_size(content.len() as u64);
        builder.append_data(&mut header, name, &content[..])?;
    }
    Ok(())
}

/// The name a file was first archived under when it has other links already in the archive;
/// else remembers this name for the links that follow.
fn hard_link_target(
    source: &Path,
    name: &str,
    linked: &mut HashMap<(u64, u64), String>,
) -> Option<String> {
    let identity = fileinfo::identity(source, false).ok()?;
    if identity.links < 2 {
        return None;
    }
    let key = (identity.device, identity.inode);
    if let Some(first) = linked.get(&key) {
        return Some(first.clone());
    }
    linked.insert(key, name.to_string());
    None
}
