//! The wasmtime engine: configuration (the pooling instance allocator, epoch interruption, fuel
//! only when a policy sets a CPU budget), the linked toolset ready to instantiate, and the epoch
//! ticker that drives wall-clock interruption. One engine per configuration is shared by every
//! sandbox of the process: the engine holds no policy (zones, limits and environment come with
//! each run's store), so a second sandbox costs neither a load of the compiled toolset nor
//! another pool of instance slots.

use super::cache::{self, CacheLocation};
use super::limiter::{RunLimiter, TABLE_ELEMENTS_LIMIT};
use super::toolset::{TOOLSET_HASH, TOOLSET_WASM};
use crate::error::Error;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, InstancePre, Linker, Module, OptLevel,
    PoolingAllocationConfig,
};
use wasmtime_wasi::p1::WasiP1Ctx;

/// How often the epoch advances: the granularity of wall-clock checks inside running wasm.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Instance slots of the pooling allocator, shared by the process's sandboxes built with the same
/// number: how many wasm commands can run at once (each slot reserves 4 GiB of address space for
/// its linear memory and touches only what the command uses; making a slot costs a guard page,
/// about 10 µs at start-up). A command that finds the pool full ends with the `instances` limit,
/// as a line over `limits.max_instances` does.
pub const DEFAULT_INSTANCE_SLOTS: u32 = 1000;

/// Memory a pool slot keeps mapped after a command, reset in place (only the pages the command
/// dirtied, where the kernel has PAGEMAP_SCAN, Linux 6.7+): the next command in the slot then
/// takes no page faults for them. Measured on `echo hi`: 158 µs with none kept, 115 µs with
/// 256 KiB to 16 MiB kept; 2 MiB covers a small pipeline's tools.
const KEEP_RESIDENT: usize = 2 << 20;
/// The native stack one run's wasm may use (wasmtime's default is 512 KiB): the toolset's
/// interpreters (bc, awk, jq) recurse per level of a program's nesting and calls, and honest
/// programs go a few hundred levels deep. Each run's async stack (2 MiB, wasmtime's default)
/// keeps the other half for host calls.
const MAX_WASM_STACK: usize = 1 << 20;

/// Engines alive in this process, by configuration.
type EngineKey = (bool, CacheLocation, u32);
static ENGINES: Mutex<Option<HashMap<EngineKey, Weak<WasmEngine>>>> = Mutex::new(None);

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
    pub(crate) zones: std::sync::Arc<[crate::zones::Mount]>,
}

pub(crate) struct WasmEngine {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<RunState>,
    pub(crate) toolset: InstancePre<RunState>,
    pub(crate) fuel_metered: bool,
}

impl WasmEngine {
    /// The process's engine for this configuration: the live one, or a new one.
    pub(crate) fn shared(
        fuel_metered: bool,
        cache: &CacheLocation,
        slots: u32,
        progress: &dyn Fn(CompileEvent),
    ) -> Result<Arc<WasmEngine>, Error> {
        let mut engines = ENGINES.lock().unwrap_or_else(|p| p.into_inner());
        let engines = engines.get_or_insert_with(HashMap::new);
        engines.retain(|_, engine| engine.strong_count() > 0);
        let key = (fuel_metered, cache.clone(), slots);
        if let Some(engine) = engines.get(&key).and_then(Weak::upgrade) {
            return Ok(engine);
        }
        let engine = Arc::new(WasmEngine::new(fuel_metered, cache, slots, progress)?);
        engines.insert(key, Arc::downgrade(&engine));
        Ok(engine)
    }

    /// Builds the engine, loads (or compiles and caches) the toolset and links it once.
    fn new(
        fuel_metered: bool,
        cache: &CacheLocation,
        slots: u32,
        progress: &dyn Fn(CompileEvent),
    ) -> Result<WasmEngine, Error> {
        let engine_error = |what: &str, e: wasmtime::Error| Error::engine(what, e);
        let mut config = Config::new();
        config.epoch_interruption(true);
        config.consume_fuel(fuel_metered);
        config.cranelift_opt_level(OptLevel::Speed);
        config.max_wasm_stack(MAX_WASM_STACK);
        // No wasm backtraces: every `exit` of a tool is an error value that would otherwise
        // walk the guest's stack, and a crash is reported by its trap alone.
        config.wasm_backtrace_max_frames(None);
        // Without backtraces the native-to-wasm address map is dead weight in the compiled
        // toolset: a smaller file to check and map at every process start.
        config.generate_address_map(false);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling(slots)));
        let engine = Engine::new(&config).map_err(|e| engine_error("creating the engine", e))?;
        let module = cache::load_or_compile(&engine, cache, TOOLSET_WASM, TOOLSET_HASH, progress)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_async(&mut linker, |state: &mut RunState| &mut state.wasi)
            .map_err(|e| engine_error("linking WASI", e))?;
        super::open_guard::add_to_linker(&mut linker)?;
        super::host_calls::add_to_linker(&mut linker)?;
        let toolset = linker
            .instantiate_pre(&module)
            .map_err(|e| engine_error("linking the toolset", e))?;
        spawn_epoch_ticker(&engine)
            .map_err(|e| Error::engine("starting the epoch ticker thread", e))?;
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

/// The instance pool: memories and tables live in reserved slots that are reset, not unmapped,
/// between commands, and the toolset's memory starts as a copy-on-write image of its data.
/// Memory beyond the policy's `limits.memory_mib` is refused by the run's limiter, not here, so
/// one pool serves every policy.
fn pooling(slots: u32) -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(slots)
        .total_memories(slots)
        .total_tables(slots)
        .total_stacks(slots)
        .table_elements(TABLE_ELEMENTS_LIMIT)
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(KEEP_RESIDENT)
        .pagemap_scan(wasmtime::Enabled::Auto);
    pool
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
