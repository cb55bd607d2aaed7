//! The compiled toolset, cached on disk so that a second process compiles nothing.
//!
//! A cache file is wasmtime's serialized module followed by a trailer: `MAGIC`, the module's
//! length and its checksum (XXH3-128 over the two halves' XXH3-128s). Its name is a hash of
//! wasmtime's compatibility hash (version and every codegen setting) and the toolset's own hash,
//! so a stale file is simply never looked up. A corrupt or truncated file fails the check and is
//! rebuilt; wasmtime is never handed bytes we did not check. The checksum is for damage (a torn
//! copy, a bad disk): an 11 MB file is checked in under a millisecond where a cryptographic hash
//! took five, and it runs at every process start. Tampering is kept out by trust, as for the
//! user's own programs: a file is used only when it belongs to this user and nobody else can
//! write it. Loading maps the open file once for the check and lets wasmtime map the same file
//! (the module sits at offset 0, no copy): files are only ever replaced by rename, never
//! rewritten in place, so the handle keeps the bytes that were checked.

use super::engine::CompileEvent;
use crate::error::Error;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wasmtime::{Engine, Module};
use xxhash_rust::xxh3::xxh3_128;

const MAGIC: &[u8; 8] = b"ZBXCWSM2";
/// `MAGIC`, the module's length (u64, little-endian) and its checksum (u128, little-endian).
const TRAILER_LEN: usize = MAGIC.len() + 8 + 16;

/// Where compiled code is cached.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum CacheLocation {
    /// Compile in memory every time (no writable cache directory).
    Disabled,
    Directory(PathBuf),
}

impl CacheLocation {
    /// `ZONEBOX_CACHE_DIR`, else `$XDG_CACHE_HOME/zonebox`, else `$HOME/.cache/zonebox`.
    pub(crate) fn from_env() -> CacheLocation {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        if let Some(dir) = var("ZONEBOX_CACHE_DIR") {
            return CacheLocation::Directory(dir);
        }
        match var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|home| home.join(".cache"))) {
            Some(base) => CacheLocation::Directory(base.join("zonebox")),
            None => CacheLocation::Disabled,
        }
    }
}

/// Feeds `std::hash::Hash` values into BLAKE3, so the key is stable across processes.
struct Blake3Hasher(blake3::Hasher);

impl Hasher for Blake3Hasher {
    fn finish(&self) -> u64 {
        let bytes = self.0.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default())
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// The cache file for this engine configuration and module.
pub(crate) fn cache_file(engine: &Engine, dir: &Path, module_hash: &str) -> PathBuf {
    let mut hasher = Blake3Hasher(blake3::Hasher::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.0.update(module_hash.as_bytes());
    let key = hasher.0.finalize().to_hex();
    dir.join(format!("toolset-{}.cwasm", &key[..32]))
}

/// Loads the module from the cache, or compiles it (reporting progress) and stores it.
pub(crate) fn load_or_compile(
    engine: &Engine,
    location: &CacheLocation,
    wasm: &[u8],
    module_hash: &str,
    progress: &dyn Fn(CompileEvent),
) -> Result<Module, Error> {
    let CacheLocation::Directory(dir) = location else {
        return compile(engine, wasm, progress).map(|(module, _)| module);
    };
    let path = cache_file(engine, dir, module_hash);
    if let Some(module) = load(engine, &path) {
        return Ok(module);
    }
    let (module, serialized) = compile(engine, wasm, progress)?;
    if let Err(reason) = store(dir, &path, &serialized) {
        tracing::warn!(path = %path.display(), %reason, "could not write the compiled-code cache; the next run compiles again");
    }
    prune(dir);
    Ok(module)
}

fn compile(
    engine: &Engine,
    wasm: &[u8],
    progress: &dyn Fn(CompileEvent),
) -> Result<(Module, Vec<u8>), Error> {
    progress(CompileEvent::Started);
    let started = Instant::now();
    let serialized = engine
        .precompile_module(wasm)
        .map_err(|e| Error::engine("compiling the toolset", e))?;
    // SAFETY: these bytes were produced by `precompile_module` of this very engine just now.
    let module = unsafe { Module::deserialize(engine, &serialized) }
        .map_err(|e| Error::engine("loading the compiled toolset", e))?;
    progress(CompileEvent::Finished(started.elapsed()));
    Ok((module, serialized))
}

/// Checks a cache file and maps it; `None` for a missing file, and a log line and `None` for
/// anything but a perfect one.
fn load(engine: &Engine, path: &Path) -> Option<Module> {
    match checked_module(engine, path) {
        Ok(module) => module,
        Err(why) => {
            tracing::warn!(path = %path.display(), %why, "compiled-code cache not used; recompiling");
            None
        }
    }
}

/// The cache file's module, `None` when there is no file, or why the file cannot be used.
fn checked_module(engine: &Engine, path: &Path) -> Result<Option<Module>, String> {
    let unreadable = |error: std::io::Error| format!("unreadable: {error}");
    let file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(unreadable(error)),
    };
    if let Some(reason) = untrusted(&file).map_err(unreadable)? {
        return Err(format!("untrusted: {reason}"));
    }
    // SAFETY: the mapping is read-only and private, and cache files are never written in place
    // (only replaced by rename), so the bytes cannot change under it.
    let bytes = unsafe { memmap2::Mmap::map(&file) }.map_err(unreadable)?;
    if !intact(&bytes) {
        return Err("corrupt (integrity check failed)".into());
    }
    drop(bytes);
    // SAFETY: the open file's module bytes match the checksum written after them when this
    // engine configuration serialized them (the file name binds the engine's compatibility hash),
    // the file is this user's and writable by nobody else, and cache files are replaced only by
    // rename, so this handle's bytes cannot change.
    unsafe { Module::deserialize_open_file(engine, file) }
        .map(Some)
        .map_err(|error| format!("incompatible: {error}"))
}

/// Why an open cache file must not be trusted, if it must not: it is not this user's, or others
/// may write it.
fn untrusted(file: &File) -> std::io::Result<Option<String>> {
    let metadata = file.metadata()?;
    let user = rustix::process::geteuid().as_raw();
    Ok(if metadata.uid() != user {
        Some(format!(
            "owned by uid {}, not this user ({user})",
            metadata.uid()
        ))
    } else if metadata.mode() & 0o022 != 0 {
        Some(format!(
            "writable by others (mode {:o})",
            metadata.mode() & 0o7777
        ))
    } else {
        None
    })
}

/// Whether `bytes` are a module followed by `MAGIC`, its length and its checksum.
fn intact(bytes: &[u8]) -> bool {
    let Some(module_length) = bytes.len().checked_sub(TRAILER_LEN).filter(|n| *n > 0) else {
        return false;
    };
    let (module, trailer) = bytes.split_at(module_length);
    trailer == &self::trailer(module)[..]
}

/// The trailer written after `module`.
fn trailer(module: &[u8]) -> [u8; TRAILER_LEN] {
    let mut trailer = [0u8; TRAILER_LEN];
    trailer[..MAGIC.len()].copy_from_slice(MAGIC);
    trailer[MAGIC.len()..MAGIC.len() + 8].copy_from_slice(&(module.len() as u64).to_le_bytes());
    trailer[MAGIC.len() + 8..].copy_from_slice(&checksum(module).to_le_bytes());
    trailer
}

/// XXH3-128 of the XXH3-128s of the module's two halves, hashed at once on two threads: the
/// check runs at every process start, and this halves its wall time on a machine with two cores.
fn checksum(module: &[u8]) -> u128 {
    let (first_half, second_half) = module.split_at(module.len() / 2);
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(move || xxh3_128(first_half));
        let second = xxh3_128(second_half);
        // The thread cannot fail short of a bug; then this thread hashes the half itself.
        (
            first.join().unwrap_or_else(|_| xxh3_128(first_half)),
            second,
        )
    });
    let mut halves = [0u8; 32];
    halves[..16].copy_from_slice(&first.to_le_bytes());
    halves[16..].copy_from_slice(&second.to_le_bytes());
    xxh3_128(&halves)
}

/// How many compiled toolsets a cache directory keeps: one per engine configuration in use (with
/// and without fuel) and a couple of versions to spare.
const KEEP: usize = 4;

/// Removes all but the `KEEP` most recently written toolsets: every zonebox version or toolset
/// change writes a new 12 MB file, and nothing else would ever delete the old ones. A process
/// still using a removed file keeps its mapping.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
        .flatten()
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("toolset-") && name.ends_with(".cwasm")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort_by_key(|(written, _)| std::cmp::Reverse(*written));
    for (_, old) in files.into_iter().skip(KEEP) {
        if let Err(error) = std::fs::remove_file(&old) {
            tracing::warn!(path = %old.display(), %error, "could not remove an old compiled toolset");
        }
    }
}

/// Writes the file atomically: a temp file in the same directory, then a rename.
fn store(dir: &Path, path: &Path, payload: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(payload)?;
    file.write_all(&trailer(payload))?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_intact_file_verifies() {
        let payload = b"compiled code";
        let mut file = payload.to_vec();
        file.extend_from_slice(&trailer(payload));
        assert!(intact(&file));
        let mut flipped = file.clone();
        flipped[0] ^= 1;
        assert!(!intact(&flipped));
        let mut flipped_trailer = file.clone();
        *flipped_trailer.last_mut().unwrap() ^= 1;
        assert!(!intact(&flipped_trailer));
        assert!(!intact(&file[..file.len() - 1]));
        assert!(!intact(&file[1..]));
        assert!(!intact(&file[..10]));
        assert!(!intact(b""));
    }

    #[test]
    fn only_this_users_private_files_are_trusted() {
        use std::os::unix::fs::PermissionsExt;
        let file = tempfile::NamedTempFile::new().unwrap();
        let set_mode = |mode| {
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(mode)).unwrap()
        };
        set_mode(0o600);
        assert_eq!(untrusted(file.as_file()).unwrap(), None);
        set_mode(0o644);
        assert_eq!(untrusted(file.as_file()).unwrap(), None);
        set_mode(0o620);
        assert!(
            untrusted(file.as_file())
                .unwrap()
                .unwrap()
                .contains("writable by others")
        );
        set_mode(0o602);
        assert!(
            untrusted(file.as_file())
                .unwrap()
                .unwrap()
                .contains("mode 602")
        );
    }
}
