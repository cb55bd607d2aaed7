//! `Sandbox`: a policy made runnable. Build it once (it compiles or loads the toolset and links
//! it), then run many command lines, from any number of threads.

use crate::backend::Backend;
use crate::backend::wasm::{
    CacheLocation, CompileEvent, RunRequest, RunState, Stopped, TOOL_NAMES, WasmEngine,
    WasmOutcome, ZoneMounts,
};
use crate::error::{Error, Result};
use crate::output::{LimitKind, Output};
use crate::policy::{MIB, Policy};
use crate::shell;
use std::path::PathBuf;
use std::time::Instant;
use wasmtime::InstancePre;

/// Runs command lines under one policy.
///
/// ```no_run
/// let sandbox = zonebox::Sandbox::new(zonebox::Policy::default_policy()?)?;
/// let output = sandbox.run("ls -la /workspace")?;
/// print!("{}", output.stdout_text());
/// # Ok::<(), zonebox::Error>(())
/// ```
pub struct Sandbox {
    policy: Policy,
    env: Vec<(String, String)>,
    engine: WasmEngine,
    runtime: tokio::runtime::Runtime,
}

/// Options for building a [`Sandbox`] beyond its policy.
pub struct SandboxBuilder {
    policy: Policy,
    cache: CacheLocation,
    on_compile: Box<dyn Fn(CompileEvent)>,
}

impl SandboxBuilder {
    /// Where compiled code is cached (default: `ZONEBOX_CACHE_DIR`, else the user's cache dir).
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cache = CacheLocation::Directory(dir.into());
        self
    }

    /// Compile in memory only, never reading or writing a cache.
    pub fn no_cache(mut self) -> Self {
        self.cache = CacheLocation::Disabled;
        self
    }

    /// Called when the toolset has to be compiled (seconds, once per machine), to show progress.
    pub fn on_compile(mut self, callback: impl Fn(CompileEvent) + 'static) -> Self {
        self.on_compile = Box::new(callback);
        self
    }

    pub fn build(self) -> Result<Sandbox> {
        let engine = WasmEngine::new(
            self.policy.limits.cpu_fuel.is_some(),
            &self.cache,
            &*self.on_compile,
        )?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("zonebox-io")
            .enable_all()
            .build()
            .map_err(|e| Error::Engine(format!("starting the I/O runtime: {e}")))?;
        let env = self.policy.env.resolve(|name| std::env::var(name).ok());
        Ok(Sandbox {
            policy: self.policy,
            env,
            engine,
            runtime,
        })
    }
}

/// A WASI program compiled for a sandbox's engine, to run with [`Sandbox::run_wasm`].
pub struct WasmProgram {
    name: String,
    pre: InstancePre<RunState>,
}

/// One command of the toolset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    pub name: String,
    pub summary: String,
}

/// True when the toolset has a command of this name.
fn is_tool(name: &str) -> bool {
    TOOL_NAMES.binary_search(&name).is_ok()
}

/// What a shell prints for a command it cannot find, with its status.
fn not_found(name: &str) -> Output {
    Output {
        stdout: Vec::new(),
        stderr: format!("{name}: command not found\n").into_bytes(),
        exit_code: 127,
        backend: Backend::Wasm,
        duration: std::time::Duration::ZERO,
        truncated: false,
        limit: None,
    }
}

impl Sandbox {
    /// A sandbox for `policy`, with the default compiled-code cache.
    pub fn new(policy: Policy) -> Result<Sandbox> {
        Self::builder(policy).build()
    }

    pub fn builder(policy: Policy) -> SandboxBuilder {
        SandboxBuilder {
            policy,
            cache: CacheLocation::from_env(),
            on_compile: Box::new(|_| {}),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Runs a command line with empty standard input. Not for use inside an async runtime: use
    /// [`Sandbox::run_async`] there.
    pub fn run(&self, line: &str) -> Result<Output> {
        self.run_with_stdin(line, Vec::new())
    }

    /// Runs a command line with the given standard input.
    pub fn run_with_stdin(&self, line: &str, stdin: impl Into<Vec<u8>>) -> Result<Output> {
        self.runtime.block_on(self.run_async(line, stdin.into()))
    }

    /// Runs a command line from async code (needs a Tokio runtime with the time driver).
    pub async fn run_async(&self, line: &str, stdin: Vec<u8>) -> Result<Output> {
        let command = shell::parse_simple_command(line)?;
        let name = command.argv[0].rsplit('/').next().unwrap_or_default();
        if !is_tool(name) {
            return Ok(not_found(&command.argv[0]));
        }
        self.execute(&self.engine.toolset, &command.argv, stdin)
            .await
    }

    /// Compiles a WASI program (a `wasm32-wasip1` module) to run under this sandbox's policy.
    pub fn compile_program(&self, name: &str, wasm: &[u8]) -> Result<WasmProgram> {
        Ok(WasmProgram {
            name: name.to_string(),
            pre: self.engine.program(name, wasm)?,
        })
    }

    /// Runs a compiled WASI program with `args` (after `argv[0]`, which is the program's name),
    /// confined exactly as toolset commands are.
    pub fn run_wasm(
        &self,
        program: &WasmProgram,
        args: &[&str],
        stdin: impl Into<Vec<u8>>,
    ) -> Result<Output> {
        let argv: Vec<String> = std::iter::once(program.name.clone())
            .chain(args.iter().map(|a| a.to_string()))
            .collect();
        self.runtime
            .block_on(self.execute(&program.pre, &argv, stdin.into()))
    }

    /// The toolset's commands, as the toolset itself lists them.
    pub fn tools(&self) -> Result<Vec<ToolInfo>> {
        let argv = ["zonebox-tools".to_string(), "--list".to_string()];
        let output =
            self.runtime
                .block_on(self.execute(&self.engine.toolset, &argv, Vec::new()))?;
        if !output.success() {
            return Err(Error::Engine(format!(
                "the toolset could not list its commands: {}",
                output.stderr_text()
            )));
        }
        Ok(output
            .stdout_text()
            .lines()
            .filter_map(|line| line.split_once('\t'))
            .map(|(name, summary)| ToolInfo {
                name: name.to_string(),
                summary: summary.to_string(),
            })
            .collect())
    }

    async fn execute(
        &self,
        program: &InstancePre<RunState>,
        argv: &[String],
        stdin: Vec<u8>,
    ) -> Result<Output> {
        let started = Instant::now();
        let mounts = ZoneMounts::prepare(&self.policy.zones)?;
        let request = RunRequest {
            argv,
            env: &self.env,
            workdir: &self.policy.workdir,
            stdin: stdin.into(),
            limits: &self.policy.limits,
            mounts: &mounts,
        };
        let outcome = self.engine.run(program, request).await?;
        // Scratch zones go before the run is reported done.
        drop(mounts);
        Ok(self.report(argv, outcome, started))
    }

    fn report(&self, argv: &[String], outcome: WasmOutcome, started: Instant) -> Output {
        let limits = &self.policy.limits;
        let (stdout, stdout_truncated) = outcome.stdout.finish(limits.max_output_bytes);
        let (mut stderr, stderr_truncated) = outcome.stderr.finish(limits.max_output_bytes);
        let (limit, note) = match outcome.stopped {
            None => (None, None),
            Some(Stopped::WallClock) => (
                Some(LimitKind::WallClock),
                Some(format!(
                    "stopped by the wall-clock limit: limits.timeout_secs = {}",
                    limits.timeout.as_secs_f64()
                )),
            ),
            Some(Stopped::Memory) => (
                Some(LimitKind::Memory),
                Some(format!(
                    "stopped by the memory limit: limits.memory_mib = {}",
                    limits.memory_bytes / MIB
                )),
            ),
            Some(Stopped::Cpu) => (
                Some(LimitKind::Cpu),
                Some(format!(
                    "stopped by the CPU limit: limits.cpu_fuel = {}",
                    limits.cpu_fuel.unwrap_or_default()
                )),
            ),
            Some(Stopped::Stack) => (
                Some(LimitKind::Stack),
                Some(
                    "stopped by the stack limit: the call stack was exhausted (runaway recursion)"
                        .to_string(),
                ),
            ),
            Some(Stopped::OpenFiles) => (
                Some(LimitKind::OpenFiles),
                Some(format!(
                    "stopped by the open-files limit: limits.max_open_files = {}",
                    limits.max_open_files
                )),
            ),
            Some(Stopped::Crash(reason)) => (
                None,
                Some(format!(
                    "{} crashed: {reason}",
                    argv.first().map_or("program", String::as_str)
                )),
            ),
        };
        if let Some(note) = note {
            if stderr.last().is_some_and(|&b| b != b'\n') {
                stderr.push(b'\n');
            }
            stderr.extend_from_slice(format!("zonebox: {note}\n").as_bytes());
        }
        Output {
            stdout,
            stderr,
            exit_code: outcome.exit_code,
            backend: Backend::Wasm,
            duration: started.elapsed(),
            truncated: stdout_truncated || stderr_truncated,
            limit,
        }
    }
}
