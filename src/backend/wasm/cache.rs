//! The compiled toolset, cached on disk so that a second process compiles nothing.
//!
//! A cache file is `MAGIC`, the BLAKE3 hash of the payload, then wasmtime's serialized module. Its
//! name is a hash of wasmtime's compatibility hash (version and every codegen setting) and the
//! toolset's own hash, so a stale file is simply never looked up. A corrupt or truncated file fails
//! the integrity check and is rebuilt; wasmtime is never handed bytes we did not verify.

use super::engine::CompileEvent;
use crate::error::Error;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use wasmtime::{Engine, Module};

const MAGIC: &[u8; 8] = b"ZBXCWSM1";
const HEADER_LEN: usize = MAGIC.len() + blake3::OUT_LEN;

/// Where compiled code is cached.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Reads and verifies a cache file; `None` (and a log line) for anything but a perfect file.
fn load(engine: &Engine, path: &Path) -> Option<Module> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "unreadable compiled-code cache; recompiling");
            return None;
        }
    };
    let Some(payload) = verified_payload(&bytes) else {
        tracing::warn!(path = %path.display(), "corrupt compiled-code cache (integrity check failed); recompiling");
        return None;
    };
    // SAFETY: the payload's BLAKE3 matches the hash written beside it when this process's engine
    // configuration serialized it, and the file name binds the engine's compatibility hash.
    match unsafe { Module::deserialize(engine, payload) } {
        Ok(module) => Some(module),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "incompatible compiled-code cache; recompiling");
            None
        }
    }
}

fn verified_payload(bytes: &[u8]) -> Option<&[u8]> {
    if bytes.len() <= HEADER_LEN || &bytes[..MAGIC.len()] != MAGIC {
        return None;
    }
    let (header, payload) = bytes.split_at(HEADER_LEN);
    (blake3::hash(payload).as_bytes()[..] == header[MAGIC.len()..]).then_some(payload)
}

/// Writes the file atomically: a temp file in the same directory, then a rename.
fn store(dir: &Path, path: &Path, payload: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(MAGIC)?;
    file.write_all(blake3::hash(payload).as_bytes())?;
    file.write_all(payload)?;
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
        let mut file = MAGIC.to_vec();
        file.extend_from_slice(blake3::hash(payload).as_bytes());
        file.extend_from_slice(payload);
        assert_eq!(verified_payload(&file), Some(&payload[..]));
        let mut flipped = file.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert_eq!(verified_payload(&flipped), None);
        assert_eq!(verified_payload(&file[..file.len() - 1]), None);
        assert_eq!(verified_payload(&file[..10]), None);
        assert_eq!(verified_payload(b""), None);
    }
}
