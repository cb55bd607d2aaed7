//! The wasmtime engine of one sandbox: configuration, the linked toolset ready to instantiate,
//! and the epoch ticker that drives wall-clock interruption.

use super::cache::{self, CacheLocation};
use super::limiter::RunLimiter;
use super::toolset::{TOOLSET_HASH, TOOLSET_WASM};
use crate::error::Error;
use std::time::Duration;
use wasmtime::{Config, Engine, InstancePre, Linker, Module, OptLevel};
use wasmtime_wasi::p1::WasiP1Ctx;

/// How often the epoch advances: the granularity of wall-clock checks inside running wasm.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Told when the toolset must be compiled (the first run on a machine), e.g. to show progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompileEvent {
    /// Compilation started: it takes seconds, once per machine and zonebox version.
    Started,
    /// Compilation finished after this long; the result is cached.
    Finished(Duration),
}

/// What each run's store holds.
pub(crate) struct RunState {
    pub(crate) wasi: WasiP1Ctx,
    pub(crate) limiter: RunLimiter,
    /// The run's zones, for the host calls that WASI lacks (file modes).
    pub(crate) zones: std::sync::Arc<[super::zones::Mount]>,
}

pub(crate) struct WasmEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<RunState>,
    pub(crate) toolset: InstancePre<RunState>,
    pub(crate) fuel_metered: bool,
}

impl WasmEngine {
    /// Builds the engine, loads (or compiles and caches) the toolset and links it once.
    pub(crate) fn new(
        fuel_metered: bool,
        cache: &CacheLocation,
        progress: &dyn Fn(CompileEvent),
    ) -> Result<WasmEngine, Error> {
        let engine_error = |what: &str, e: wasmtime::Error| Error::Engine(format!("{what}: {e}"));
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.consume_fuel(fuel_metered);
        config.cranelift_opt_level(OptLevel::Speed);
        let engine = Engine::new(&config).map_err(|e| engine_error("creating the engine", e))?;
        let module = cache::load_or_compile(&engine, cache, TOOLSET_WASM, TOOLSET_HASH, progress)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_async(&mut linker, |state: &mut RunState| &mut state.wasi)
            .map_err(|e| engine_error("linking WASI", e))?;
        super::host_calls::add_to_linker(&mut linker)?;
        let toolset = linker
            .instantiate_pre(&module)
            .map_err(|e| engine_error("linking the toolset", e))?;
        spawn_epoch_ticker(&engine)
            .map_err(|e| Error::Engine(format!("starting the epoch ticker thread: {e}")))?;
        Ok(WasmEngine {
            engine,
            linker,
            toolset,
            fuel_metered,
        })
    }

    /// Compiles another WASI program for this engine (no cache: programs are the caller's).
    pub(crate) fn program(&self, name: &str, wasm: &[u8]) -> Result<InstancePre<RunState>, Error> {
        let invalid = |e: wasmtime::Error| Error::Program {
            name: name.to_string(),
            reason: format!("{e:#}"),
        };
        let module = Module::new(&self.engine, wasm).map_err(invalid)?;
        self.linker.instantiate_pre(&module).map_err(invalid)
    }
}

/// Advances the engine's epoch every tick until the engine is dropped. Each tick makes running
/// wasm yield to the executor, which is where a run's wall-clock timeout gets its chance to fire.
fn spawn_epoch_ticker(engine: &Engine) -> std::io::Result<()> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("zonebox-epoch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => return,
                }
            }
        })?;
    Ok(())
}
