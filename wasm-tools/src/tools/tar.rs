//! tar: create (-c), extract (-x) and list (-t) archives; -f FILE, -z gzip, -C DIR, -v,
//! -O to stdout, --exclude=GLOB, -k keep existing; old-style bundled letters (`tar czf a.tgz d`).
//! Entries that would land outside the target directory (`..`, absolute paths) are refused.

use crate::common::glob;
use crate::common::io::{describe, out, warn};
use crate::common::time;
use crate::common::{ToolError, ToolResult};
use flate2::Compression;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Extract,
    List,
}

#[derive(Default)]
struct Options {
    mode: Option<Mode>,
    file: Option<String>,
    gzip: bool,
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
                "create" => options.mode = Some(Mode::Create),
                "extract" | "get" => options.mode = Some(Mode::Extract),
                "list" => options.mode = Some(Mode::List),
                "file" => options.file = Some(take(&mut iter)?),
                "gzip" | "gunzip" | "ungzip" => options.gzip = true,
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
                        'c' => options.mode = Some(Mode::Create),
                        'x' => options.mode = Some(Mode::Extract),
                        't' => options.mode = Some(Mode::List),
                        'z' => options.gzip = true,
                        'v' => options.verbose = true,
                        'O' => options.to_stdout = true,
                        'k' => options.keep_old = true,
                        'p' | 'o' => {}
                        'f' | 'C' => {
                            // A value follows the letter in the same word, or is the next word.
                            let given = if rest.is_empty() {
                                value(&letter.to_string(), &mut iter)?
                            } else {
                                rest.clone()
                            };
                            if *letter == 'f' {
                                options.file = Some(given)
                            } else {
                                options.directory = Some(given)
                            }
                            if !rest.is_empty() {
                                break;
                            }
                        }
                        'j' | 'J' => {
                            return Err(ToolError::usage(
                                "only gzip compression (-z) is supported",
                            ));
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
    if options.gzip || data.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(&data[..])
            .read_to_end(&mut plain)
            .map_err(|e| ToolError::usage(format!("the archive is not valid gzip: {e}")))?;
        data = plain;
    }
    Ok(data)
}

fn read_archive(tool: &'static str, options: &Options, extract: bool) -> ToolResult {
    let data = open_archive(options)?;
    let mut archive = tar::Archive::new(&data[..]);
    let target = PathBuf::from(options.directory.as_deref().unwrap_or("."));
    let mut status = 0;
    let mut seen = vec![false; options.operands.len()];
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
            let line = if options.verbose {
                verbose_line(&entry, &path)
            } else {
                path.clone()
            };
            out(format!("{line}\n").as_bytes())?;
            continue;
        }
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
        let Some(relative) = safe_relative(&path) else {
            warn(
                tool,
                format!("{path}: refusing to extract outside the target directory"),
            );
            status = 2;
            continue;
        };
        let destination = target.join(relative);
        if options.keep_old && destination.exists() {
            continue;
        }
        if let Err(message) = unpack(&mut entry, &destination) {
            warn(tool, format!("{path}: Cannot open: {message}"));
            status = 2;
        }
    }
    for (operand, found) in options.operands.iter().zip(seen) {
        if !found {
            warn(tool, format!("{operand}: Not found in archive"));
            status = 2;
        }
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

/// The entry's path with `.` removed; `None` when it is absolute or climbs with `..`.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(relative)
}

fn unpack(entry: &mut tar::Entry<'_, &[u8]>, destination: &Path) -> Result<(), String> {
    let kind = entry.header().entry_type();
    if let Some(parent) = destination.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| describe(&e))?;
    }
    if kind.is_dir() {
        return match std::fs::create_dir(destination) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(describe(&e)),
            _ => Ok(()),
        };
    }
    if kind.is_symlink() {
        let target = entry
            .link_name()
            .map_err(|e| e.to_string())?
            .ok_or("a link without a target")?;
        let _ = std::fs::remove_file(destination);
        return crate::common::fileinfo::symlink(&target, destination).map_err(|e| describe(&e));
    }
    if !kind.is_file() {
        return Err("only files, directories and symbolic links can be extracted".into());
    }
    let mut content = Vec::new();
    entry.read_to_end(&mut content).map_err(|e| e.to_string())?;
    std::fs::write(destination, content).map_err(|e| describe(&e))?;
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
    Ok(())
}

/// GNU's `tar -tv` line: mode, owner/group, size, date, path.
fn verbose_line(entry: &tar::Entry<'_, &[u8]>, path: &str) -> String {
    let header = entry.header();
    let kind = header.entry_type();
    let type_char = if kind.is_dir() {
        'd'
    } else if kind.is_symlink() {
        'l'
    } else {
        '-'
    };
    let mode = header.mode().unwrap_or(0o644);
    let bits: String = (0..9)
        .map(|i| {
            if mode & (0o400 >> i) != 0 {
                "rwxrwxrwx".as_bytes()[i] as char
            } else {
                '-'
            }
        })
        .collect();
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
    let link = if kind.is_symlink() {
        entry
            .link_name()
            .ok()
            .flatten()
            .map(|t| format!(" -> {}", t.display()))
            .unwrap_or_default()
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
    for operand in &options.operands {
        let source = base.join(operand);
        if let Err(error) = add(&mut builder, &source, operand, options) {
            warn(
                tool,
                format!("{operand}: Cannot stat: {}", describe(&error)),
            );
            status = 2;
        }
    }
    let archive = builder.into_inner()?;
    let bytes = if options.gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(&archive)?;
        encoder.finish()?
    } else {
        archive
    };
    match options.file.as_deref() {
        None | Some("-") => out(&bytes)?,
        Some(name) => std::fs::write(name, bytes)
            .map_err(|e| ToolError::usage(format!("{name}: Cannot open: {}", describe(&e))))?,
    }
    Ok(status)
}

/// Adds a path (recursively for directories, in directory order) under its name as written.
fn add(
    builder: &mut tar::Builder<Vec<u8>>,
    source: &Path,
    name: &str,
    options: &Options,
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
    if metadata.file_type().is_symlink() {
        header.set_entry_type(tar::EntryType::Symlink);
        header.set_mode(0o777);
        header.set_size(0);
        let target = std::fs::read_link(source)?;
        builder.append_link(&mut header, name, target)?;
    } else if metadata.is_dir() {
        header.set_entry_type(tar::EntryType::Directory);
        header.set_mode(0o755);
        header.set_size(0);
        let dir_name = format!("{}/", name.trim_end_matches('/'));
        builder.append_data(&mut header, &dir_name, std::io::empty())?;
        // The host's directory order, as GNU tar's default --sort=none.
        for child in crate::common::fsops::entries(source)? {
            let child_name = format!("{}/{}", name.trim_end_matches('/'), child.to_string_lossy());
            add(builder, &source.join(&child), &child_name, options)?;
        }
    } else {
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mode(0o644);
        let content = std::fs::read(source)?;
        header.set_size(content.len() as u64);
        builder.append_data(&mut header, name, &content[..])?;
    }
    Ok(())
}
