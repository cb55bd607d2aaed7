//! The compiled toolset, cached on disk so that a second process compiles nothing.
//!
//! A cache file is wasmtime's serialized module followed by a trailer: `MAGIC` and the BLAKE3 hash
//! of the module. Its name is a hash of wasmtime's compatibility hash (version and every codegen
//! setting) and the toolset's own hash, so a stale file is simply never looked up. A corrupt or
//! truncated file fails the integrity check and is rebuilt; wasmtime is never handed bytes we did
//! not verify. Loading streams the file through BLAKE3 and then lets wasmtime map the same open
//! file (the module sits at offset 0, so no copy is made): files are only ever replaced by
//! rename, never rewritten in place, so the handle keeps the bytes that were verified.

use super::engine::CompileEvent;
use crate::error::Error;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;
use wasmtime::{Engine, Module};

const MAGIC: &[u8; 8] = b"ZBXCWSM1";
const TRAILER_LEN: usize = MAGIC.len() + blake3::OUT_LEN;

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
        .map_err(|e| Error::Engine(format!("compiling the toolset: {e}")))?;
    // SAFETY: these bytes were produced by `precompile_module` of this very engine just now.
    let module = unsafe { Module::deserialize(engine, &serialized) }
        .map_err(|e| Error::Engine(format!("loading the compiled toolset: {e}")))?;
    progress(CompileEvent::Finished(started.elapsed()));
    Ok((module, serialized))
}

/// Verifies a cache file and maps it; `None` (and a log line) for anything but a perfect file.
fn load(engine: &Engine, path: &Path) -> Option<Module> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "unreadable compiled-code cache; recompiling");
            return None;
        }
    };
    match verify(&mut file) {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(path = %path.display(), "corrupt compiled-code cache (integrity check failed); recompiling");
            return None;
        }
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "unreadable compiled-code cache; recompiling");
            return None;
        }
    }
    // SAFETY: the open file's module bytes match the BLAKE3 hash written after them when this
    // engine configuration serialized them (the file name binds the engine's compatibility hash),
    // and cache files are replaced only by rename, so this handle's bytes cannot change.
    match unsafe { Module::deserialize_open_file(engine, file) } {
        Ok(module) => Some(module),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "incompatible compiled-code cache; recompiling");
            None
        }
    }
}

/// Whether the reader holds a module followed by `MAGIC` and the module's BLAKE3 hash.
fn verify<R: Read + Seek>(reader: &mut R) -> std::io::Result<bool> {
    let length = reader.seek(SeekFrom::End(0))?;
    let Some(module_length) = length.checked_sub(TRAILER_LEN as u64).filter(|n| *n > 0) else {
        return Ok(false);
    };
    reader.seek(SeekFrom::Start(0))?;
    let mut hasher = blake3::Hasher::new();
    let hashed = std::io::copy(&mut reader.by_ref().take(module_length), &mut hasher)?;
    let mut trailer = [0u8; TRAILER_LEN];
    reader.read_exact(&mut trailer)?;
    Ok(hashed == module_length
        && &trailer[..MAGIC.len()] == MAGIC
        && trailer[MAGIC.len()..] == hasher.finalize().as_bytes()[..])
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
    file.write_all(MAGIC)?;
    file.write_all(blake3::hash(payload).as_bytes())?;
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
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(blake3::hash(payload).as_bytes());
        let check = |bytes: &[u8]| verify(&mut std::io::Cursor::new(bytes)).unwrap();
        assert!(check(&file));
        let mut flipped = file.clone();
        flipped[0] ^= 1;
        assert!(!check(&flipped));
        assert!(!check(&file[..file.len() - 1]));
        assert!(!check(&file[..10]));
        assert!(!check(b""));
    }
}
