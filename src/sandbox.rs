//! `Sandbox`: a policy made runnable. Build it once (it compiles or loads the toolset and links
//! it), then run many command lines, from any number of threads.

use crate::backend::Backend;
use crate::backend::container::{self, ContainerRuntime};
use crate::backend::wasm::{
    CacheLocation, CompileEvent, LineMemory, RunRequest, RunState, WasmEngine, WasmTools,
};
use crate::error::{ContainerError, Error, Result};
use crate::line::{LimitKind, LineBudget, Stopped, ToolCall, exit};
use crate::output::Output;
use crate::policy::Policy;
use crate::router::{self, Decision, Route};
use crate::run_options::RunOptions;
use crate::shell;
use crate::shell::interp::{Budget, Fds, Interp, ShellState, Unwind};
use crate::stdio::{self, CapturedOutput, Input};
use crate::zones::{RootView, ScratchPool, ZoneFs, ZoneMounts};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use wasmtime::InstancePre;

/// Sandboxes made by this process, to name their containers.
static SANDBOXES: AtomicUsize = AtomicUsize::new(0);

/// Runs command lines under one policy.
///
/// ```no_run
/// let sandbox = zonebox::Sandbox::new(zonebox::Policy::default_policy()?)?;
/// let output = sandbox.run("ls -la /workspace")?;
/// print!("{}", output.stdout_text());
/// # Ok::<(), zonebox::Error>(())
/// ```
pub struct Sandbox {
    pub(crate) policy: Policy,
    env: Vec<(String, String)>,
    engine: Arc<WasmEngine>,
    pub(crate) runtime: tokio::runtime::Runtime,
    /// The container runtime, connected on the first line that needs it.
    containers: tokio::sync::OnceCell<Arc<dyn ContainerRuntime>>,
    /// Names this sandbox's containers (label `org.zonebox.session`).
    id: String,
    /// Empty scratch directories for the next lines.
    pub(crate) scratch: Arc<ScratchPool>,
    /// The guest's read-only `/` beneath the zones.
    pub(crate) root: Arc<RootView>,
}

/// Options for building a [`Sandbox`] beyond its policy.
pub struct SandboxBuilder {
    policy: Policy,
    cache: CacheLocation,
    instance_slots: u32,
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

    /// How many wasm commands the process may run at once (default
    /// [`DEFAULT_INSTANCE_SLOTS`](crate::DEFAULT_INSTANCE_SLOTS)): the slots of wasmtime's
    /// pooling allocator, made when the first sandbox with this number is built and shared by
    /// every sandbox built with it. Each slot costs address space and about 10 µs to make; a
    /// process that runs one line at a time (the CLI) needs only the policy's
    /// `limits.max_instances`. A command that finds every slot taken ends with exit 137 and the
    /// `instances` limit.
    pub fn instance_slots(mut self, slots: u32) -> Self {
        self.instance_slots = slots.max(1);
        self
    }

    /// Called when the toolset has to be compiled (seconds, once per machine), to show progress.
    pub fn on_compile(mut self, callback: impl Fn(CompileEvent) + 'static) -> Self {
        self.on_compile = Box::new(callback);
        self
    }

    pub fn build(self) -> Result<Sandbox> {
        let engine = WasmEngine::shared(
            self.policy.limits.cpu_fuel.is_some(),
            &self.cache,
            self.instance_slots,
            &*self.on_compile,
        )?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("zonebox-io")
            .enable_all()
            .build()
            .map_err(|e| Error::engine("starting the I/O runtime", e))?;
        let env = self.policy.env.resolve(|name| std::env::var(name).ok());
        let root = Arc::new(RootView::new(
            self.policy.zones.iter().map(|zone| zone.guest.clone()),
        ));
        Ok(Sandbox {
            policy: self.policy,
            env,
            engine,
            runtime,
            containers: tokio::sync::OnceCell::new(),
            id: format!(
                "{}-{}",
                std::process::id(),
                SANDBOXES.fetch_add(1, Ordering::Relaxed)
            ),
            scratch: Arc::new(ScratchPool::new()),
            root,
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

impl Sandbox {
    /// A sandbox for `policy`, with the default compiled-code cache.
    pub fn new(policy: Policy) -> Result<Sandbox> {
        Self::builder(policy).build()
    }

    pub fn builder(policy: Policy) -> SandboxBuilder {
        SandboxBuilder {
            policy,
            cache: CacheLocation::from_env(),
            instance_slots: crate::DEFAULT_INSTANCE_SLOTS,
            on_compile: Box::new(|_| {}),
        }
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// This sandbox's name: its containers carry the label `org.zonebox.session=ID`.
    pub fn id(&self) -> &str {
        &self.id
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
        self.run_fresh(line, stdin, None, &RunOptions::default())
            .await
    }

    /// Runs a command line with [`RunOptions`]: a shorter wall clock, output as it arrives, a
    /// cancel handle.
    pub fn run_with_options(
        &self,
        line: &str,
        stdin: impl Into<Vec<u8>>,
        options: &RunOptions,
    ) -> Result<Output> {
        self.runtime
            .block_on(self.run_fresh(line, stdin.into(), None, options))
    }

    /// Runs a line in a fresh shell on the backend the router chooses, or on `forced` (a denied
    /// line stays denied).
    async fn run_fresh(
        &self,
        line: &str,
        stdin: Vec<u8>,
        forced: Option<Backend>,
        options: &RunOptions,
    ) -> Result<Output> {
        let program = shell::parse(line)?;
        let mounts = ZoneMounts::prepare(&self.policy.zones, &self.scratch, &self.root)?;
        let mut state = self.fresh_shell();
        let mut decision = self.decide(&state, &mounts, &program);
        match (decision.route, forced) {
            (Route::Deny, _) | (_, None | Some(Backend::None)) => {}
            (_, Some(Backend::Wasm)) => decision.route = Route::Wasm,
            (_, Some(Backend::Container)) => decision.route = Route::Container,
        }
        let line = Line {
            text: line,
            program: &program,
            stdin,
            whole_shell: true,
            options,
        };
        let output = self.run_routed(&mut state, &mounts, line, decision).await;
        // Scratch zones go before the run is reported done.
        drop(mounts);
        output
    }

    /// Where a line would run under this policy, and why, without running it.
    pub fn route(&self, line: &str) -> Result<Decision> {
        router::route_line(&self.policy, line)
    }

    pub(crate) fn decide(
        &self,
        state: &ShellState,
        mounts: &ZoneMounts,
        program: &brush_parser::ast::Program,
    ) -> Decision {
        let files = ZoneFs::new(mounts);
        let context = router::Context {
            functions: &state.functions,
            aliases: &state.aliases,
            cwd: &state.cwd,
            files: &files,
        };
        router::route(&self.policy, program, &context)
    }

    /// Runs a routed line on the backend its decision names (or the one `forced`).
    pub(crate) async fn run_routed(
        &self,
        state: &mut ShellState,
        mounts: &ZoneMounts,
        line: Line<'_>,
        decision: Decision,
    ) -> Result<Output> {
        let mut output = match decision.route {
            Route::Wasm => {
                self.run_program(
                    state,
                    mounts,
                    line.program,
                    line.stdin,
                    line.whole_shell,
                    line.options,
                )
                .await
            }
            Route::Deny => self.denied(state, &decision),
            Route::Container => {
                self.run_in_container(state, line.text, line.stdin, line.options)
                    .await?
            }
        };
        output.decision = Some(decision);
        Ok(output)
    }

    /// Runs the whole line in a container of the policy's runtime: the session's working
    /// directory and exported variables go with it; what it changes in the shell does not come
    /// back (files in rw zones do).
    async fn run_in_container(
        &self,
        state: &mut ShellState,
        line: &str,
        stdin: Vec<u8>,
        options: &RunOptions,
    ) -> Result<Output> {
        let Some(policy) = &self.policy.container else {
            return Err(ContainerError::NoContainerSection {
                policy: self.policy.source.to_string(),
            }
            .into());
        };
        let runtime = self
            .containers
            .get_or_try_init(|| container::connect(policy))
            .await?;
        let spec = container::spec::build(
            &self.policy,
            policy,
            line,
            &state.cwd,
            &state.environment(),
            &self.id,
        )?;
        let mut spec = spec;
        spec.timeout = self.run_timeout(options);
        tracing::debug!(runtime = %runtime.describe(), image = %spec.image, "container line");
        let started = Instant::now();
        let (stdout, stderr) = self.captures(options);
        let end = runtime
            .run(
                &spec,
                container::LineIo {
                    stdin,
                    stdout: stdout.clone(),
                    stderr: stderr.clone(),
                },
            )
            .await;
        // Whatever the line did and however it ended, no set-id file stays in a host
        // directory.
        let walked = spec.clone();
        let set_id = tokio::task::spawn_blocking(move || container::set_id::clear(&walked))
            .await
            .unwrap_or_default();
        if let Some(note) = set_id.note() {
            stderr.write(note.as_bytes());
        }
        let end = end?;
        let stopped: Option<Stopped> = if end.timed_out {
            Some(LimitKind::WallClock.into())
        } else if end.out_of_memory {
            Some(LimitKind::Memory.into())
        } else {
            None
        };
        let note = stopped
            .as_ref()
            .map(|s| s.describe(&self.policy.limits, "the container"));
        state.last_status = end.exit_code;
        let mut output = self.report(&stdout, &stderr, end.exit_code, stopped, note, started);
        output.backend = Backend::Container;
        Ok(output)
    }

    /// Runs a line on the backend given, whatever the router would choose — except that a
    /// denied line stays denied. For `zonebox run --backend`.
    pub fn run_on(
        &self,
        backend: Backend,
        line: &str,
        stdin: impl Into<Vec<u8>>,
    ) -> Result<Output> {
        self.runtime.block_on(self.run_fresh(
            line,
            stdin.into(),
            Some(backend),
            &RunOptions::default(),
        ))
    }

    /// A denied line: nothing runs; exit 126 with the reason on stderr.
    fn denied(&self, state: &mut ShellState, decision: &Decision) -> Output {
        state.last_status = exit::DENIED;
        let message = decision.denial_message().unwrap_or_default();
        Output {
            stdout: Vec::new(),
            stderr: format!("zonebox: {message}\n").into_bytes(),
            exit_code: exit::DENIED,
            backend: Backend::None,
            duration: std::time::Duration::ZERO,
            truncated: false,
            limit: None,
            decision: None,
        }
    }

    pub(crate) fn fresh_shell(&self) -> ShellState {
        let budget = usize::try_from(self.policy.limits.shell_memory_bytes).unwrap_or(usize::MAX);
        ShellState::new(&self.env, &self.policy.workdir, Budget::new(budget))
    }

    /// Runs a parsed line in `state` under the line's limits.
    async fn run_program(
        &self,
        state: &mut ShellState,
        mounts: &ZoneMounts,
        program: &brush_parser::ast::Program,
        stdin: Vec<u8>,
        whole_shell: bool,
        options: &RunOptions,
    ) -> Output {
        let started = Instant::now();
        let limits = &self.policy.limits;
        let deadline = started + self.run_timeout(options);
        let (stdout, stderr) = self.captures(options);
        let io = Fds::new(
            Input::bytes(stdin),
            stdio::Output::capture(stdout.clone()),
            stdio::Output::capture(stderr.clone()),
        );
        let line = LineBudget::new(limits, deadline);
        let tools = WasmTools::new(&self.engine, mounts, limits);
        let interp = Interp::new(
            &tools,
            &self.policy,
            ZoneFs::new(mounts),
            &line,
            state.budget.clone(),
        );
        state.budget.start_line(deadline);
        // Aliases defined by earlier lines apply from this line's start.
        state.new_aliases.clear();
        let run = async {
            let status = interp.run_program(state, &io, program).await;
            // The shell ends with a one-line run, or with `exit`: its EXIT trap runs then.
            if whole_shell || matches!(status, Err(Unwind::Exit(_))) {
                interp.fire_exit(state, &io).await;
            }
            status
        };
        let cancelled = async {
            match &options.cancel {
                Some(cancel) => cancel.cancelled().await,
                None => std::future::pending().await,
            }
        };
        let ended = tokio::select! {
            ended = tokio::time::timeout_at(deadline.into(), run) => Some(ended),
            () = cancelled => None,
        };
        let (exit_code, stopped) = match ended {
            None => (exit::CANCELLED, Some(LimitKind::Cancelled.into())),
            Some(Err(_elapsed)) => (exit::TIMED_OUT, Some(LimitKind::WallClock.into())),
            Some(Ok(status)) => {
                let code = crate::shell::interp::status_of(status);
                (
                    line.aborted_status().unwrap_or(code),
                    line.take_first_stop(),
                )
            }
        };
        // No line finishes after its wall clock with its own status: host-side work that ran
        // past the deadline (and was stopped by its next check) ends as the wall clock says.
        let (exit_code, stopped) = if stopped.is_none() && Instant::now() >= deadline {
            (exit::TIMED_OUT, Some(LimitKind::WallClock.into()))
        } else {
            (exit_code, stopped)
        };
        drop(io);
        drop(interp);
        // Descriptors an `exec >file` gave the shell end with the line (a session's next line
        // starts without them).
        state.exec_io = None;
        state.last_status = exit_code;
        // Limits of the whole line are noted once, at the end; a command's own limits were
        // noted where they happened.
        let note = stopped
            .as_ref()
            .filter(|stopped| stopped.is_line_limit())
            .map(|line_limit| line_limit.describe(limits, "the line"));
        self.report(&stdout, &stderr, exit_code, stopped, note, started)
    }

    fn captures(&self, options: &RunOptions) -> (CapturedOutput, CapturedOutput) {
        let limit = self.policy.limits.max_output_bytes;
        let stdout = CapturedOutput::new("stdout", limit);
        let stderr = CapturedOutput::new("stderr", limit);
        match &options.on_output {
            Some(tap) => (
                stdout.tapped(crate::Stream::Stdout, tap.clone(), limit),
                stderr.tapped(crate::Stream::Stderr, tap.clone(), limit),
            ),
            None => (stdout, stderr),
        }
    }

    /// A run's wall clock: the policy's, or the caller's when shorter.
    fn run_timeout(&self, options: &RunOptions) -> std::time::Duration {
        let policy = self.policy.limits.timeout;
        options.timeout.map_or(policy, |asked| asked.min(policy))
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
            return Err(Error::engine(
                "listing the toolset's commands",
                output.stderr_text(),
            ));
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

    /// Runs one program directly (no shell) with captured output.
    async fn execute(
        &self,
        program: &InstancePre<RunState>,
        argv: &[String],
        stdin: Vec<u8>,
    ) -> Result<Output> {
        let started = Instant::now();
        let mounts = ZoneMounts::prepare(&self.policy.zones, &self.scratch, &self.root)?;
        let (stdout, stderr) = self.captures(&RunOptions::default());
        let request = RunRequest {
            call: ToolCall {
                argv,
                env: &self.env,
                workdir: &self.policy.workdir,
                stdin: Input::bytes(stdin),
                stdout: stdio::Output::capture(stdout.clone()),
                stderr: stdio::Output::capture(stderr.clone()),
                deadline: started + self.policy.limits.timeout,
                fuel: self.policy.limits.cpu_fuel,
            },
            limits: &self.policy.limits,
            mounts: &mounts,
            line_memory: &LineMemory::new(self.policy.limits.memory_bytes),
        };
        let outcome = self.engine.run(program, request).await?;
        drop(mounts);
        let name = argv.first().map_or("program", String::as_str);
        let note = outcome
            .stopped
            .as_ref()
            .map(|stopped| stopped.describe(&self.policy.limits, name));
        Ok(self.report(
            &stdout,
            &stderr,
            outcome.exit_code,
            outcome.stopped,
            note,
            started,
        ))
    }

    fn report(
        &self,
        stdout: &CapturedOutput,
        stderr: &CapturedOutput,
        exit_code: i32,
        stopped: Option<Stopped>,
        note: Option<String>,
        started: Instant,
    ) -> Output {
        let limits = &self.policy.limits;
        let (stdout, stdout_truncated) = stdout.finish(limits.max_output_bytes);
        let (mut stderr, stderr_truncated) = stderr.finish(limits.max_output_bytes);
        if let Some(note) = note {
            if stderr.last().is_some_and(|&b| b != b'\n') {
                stderr.push(b'\n');
            }
            stderr.extend_from_slice(format!("zonebox: {note}\n").as_bytes());
        }
        Output {
            stdout,
            stderr,
            exit_code,
            backend: Backend::Wasm,
            duration: started.elapsed(),
            truncated: stdout_truncated || stderr_truncated,
            limit: stopped.as_ref().and_then(Stopped::limit),
            decision: None,
        }
    }
}

impl Sandbox {
    /// Ends the sandbox in a process that is about to exit, as the CLI does: removes the warm
    /// containers and the spare scratch directories as dropping it does, but leaves the engine
    /// (its instance pool, the mapped toolset, the I/O runtime's thread) to the operating
    /// system, which reclaims it all at exit faster than unmapping it piece by piece (about a
    /// millisecond). Not for a process that goes on running: that memory stays in use.
    pub fn close_for_exit(self) {
        let sandbox = std::mem::ManuallyDrop::new(self);
        sandbox.remove_warm_containers();
        sandbox.scratch.clear();
        sandbox.root.remove_now();
    }

    /// Removes the warm containers (outside async code only; otherwise the reaper of the next
    /// zonebox removes them, as their process is gone).
    fn remove_warm_containers(&self) {
        if let Some(runtime) = self.containers.get()
            && tokio::runtime::Handle::try_current().is_err()
        {
            self.runtime.block_on(runtime.shutdown());
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.remove_warm_containers();
    }
}

/// A parsed line and what it runs with.
pub(crate) struct Line<'a> {
    pub(crate) text: &'a str,
    pub(crate) program: &'a brush_parser::ast::Program,
    pub(crate) stdin: Vec<u8>,
    /// A one-line run (its EXIT trap runs at its end), not a session's line.
    pub(crate) whole_shell: bool,
    pub(crate) options: &'a RunOptions,
}
