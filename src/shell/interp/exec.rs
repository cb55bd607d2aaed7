//! Running the AST: lists, and-or lists, pipelines (every stage at once, joined by bounded
//! pipes), compound commands, functions, and simple commands — builtins on the host, toolset
//! commands as wasm instances with the stage's stdin, stdout and stderr.

use super::arith;
use super::budget::{Budget, Stop};
use super::redirect::Fds;
use super::state::{Array, ShellState, Value};
use super::test_expr;
use super::zonefs::ZoneFs;
use crate::backend::wasm::{
    LineMemory, RunRequest, RunState, Stopped, TOOL_NAMES, WasmEngine, ZoneMounts, normalize,
};
use crate::policy::Policy;
use crate::shell::script::{self, ScriptKind};
use crate::stdio::{Input, Output, pipe};
use brush_parser::ast::{
    AndOr, AndOrList, Assignment, AssignmentName, AssignmentValue, CaseItemPostAction, Command,
    CommandPrefixOrSuffixItem, CompoundCommand, CompoundList, CompoundListItem, FunctionBody,
    IoRedirect, Pipeline, SeparatorOperator, SimpleCommand, Word,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use wasmtime::InstancePre;

/// `$$` inside the sandbox: a fixed number, since no host process id means anything there.
pub(crate) const SHELL_PID: u32 = 2;

/// How deep functions, `eval`, `source`, child shells and command substitutions may nest
/// before the shell refuses (bash's FUNCNEST idea, for every kind of nesting).
const MAX_DEPTH: usize = 200;

/// Stack kept free below the current frame before the interpreter grows its stack onto the
/// heap, and the size of each new segment (deep but legal nesting never overflows the thread).
const STACK_RED_ZONE: usize = 256 * 1024;
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

/// Polls a future on a stack that grows when the current one runs low.
struct GrowingStack<F>(F);

impl<F: Future + Unpin> Future for GrowingStack<F> {
    type Output = F::Output;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<F::Output> {
        let inner = &mut self.0;
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || Pin::new(inner).poll(cx))
    }
}

/// Host-side commands between two yields to the executor, so that the wall clock can fire
/// during loops of builtins (`while :; do :; done`).
const COMMANDS_PER_YIELD: usize = 64;

/// How a command leaves its enclosing constructs early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unwind {
    Break(usize),
    Continue(usize),
    Return(i32),
    Exit(i32),
}

/// A command's status, or an unwinding in progress.
pub(crate) type Status = Result<i32, Unwind>;

/// The status a subshell, stage or child shell ends with: `exit N` and `return N` give N; a
/// `break` or `continue` with no loop around it ends it with 0.
pub(crate) fn status_of(result: Status) -> i32 {
    match result {
        Ok(status) | Err(Unwind::Exit(status)) | Err(Unwind::Return(status)) => status,
        Err(Unwind::Break(_) | Unwind::Continue(_)) => 0,
    }
}

/// How a loop goes on after its body.
enum AfterBody {
    Next(i32),
    Continue,
    Break,
}

/// Applies `break N` / `continue N` to the loop the body ran in (passing what is left outwards).
fn after_body(result: Status) -> Result<AfterBody, Unwind> {
    match result {
        Ok(status) => Ok(AfterBody::Next(status)),
        Err(Unwind::Break(n)) if n > 1 => Err(Unwind::Break(n - 1)),
        Err(Unwind::Break(_)) => Ok(AfterBody::Break),
        Err(Unwind::Continue(n)) if n > 1 => Err(Unwind::Continue(n - 1)),
        Err(Unwind::Continue(_)) => Ok(AfterBody::Continue),
        Err(other) => Err(other),
    }
}

type Running<'f> = Pin<Box<dyn Future<Output = Status> + 'f>>;

/// The standard streams (and fds 3–9) of a running command.
pub(crate) type Io = Fds;

/// What every command of one line shares: the engine, the policy, the zones, the limits.
pub(crate) struct Interp<'a> {
    pub(crate) engine: &'a WasmEngine,
    pub(crate) toolset: &'a InstancePre<RunState>,
    pub(crate) policy: &'a Policy,
    pub(crate) mounts: &'a ZoneMounts,
    pub(crate) zones: ZoneFs,
    /// When the line's wall-clock limit ends.
    pub(crate) deadline: Instant,
    /// The first limit a command hit, reported with the line's output.
    pub(crate) stopped: Mutex<Option<Stopped>>,
    /// Wasm instances and pipeline stages running now, under `limits.max_instances`.
    live_instances: AtomicUsize,
    commands_run: AtomicUsize,
    /// The line's CPU budget left (`limits.cpu_fuel`), shared by all its commands.
    fuel_left: Option<std::sync::atomic::AtomicU64>,
    /// Background jobs running now, and how many were ever started (for `$!`).
    background_started: AtomicUsize,
    /// Set when a limit ends the whole line: every command unwinds at its next checkpoint.
    aborted: std::sync::atomic::AtomicI32,
    /// The shell memory budget of the line's state (shared with its session).
    pub(crate) budget: Arc<Budget>,
    /// The linear memory all the line's wasm instances share (`limits.memory_mib`).
    wasm_memory: Arc<LineMemory>,
}

pub(crate) fn is_tool(name: &str) -> bool {
    TOOL_NAMES.binary_search(&name).is_ok()
}

impl<'a> Interp<'a> {
    pub(crate) fn new(
        engine: &'a WasmEngine,
        toolset: &'a InstancePre<RunState>,
        policy: &'a Policy,
        mounts: &'a ZoneMounts,
        deadline: Instant,
        budget: Arc<Budget>,
    ) -> Interp<'a> {
        Interp {
            engine,
            toolset,
            policy,
            mounts,
            zones: ZoneFs::new(mounts),
            deadline,
            stopped: Mutex::new(None),
            live_instances: AtomicUsize::new(0),
            commands_run: AtomicUsize::new(0),
            fuel_left: policy
                .limits
                .cpu_fuel
                .map(std::sync::atomic::AtomicU64::new),
            background_started: AtomicUsize::new(0),
            aborted: std::sync::atomic::AtomicI32::new(0),
            budget,
            wasm_memory: LineMemory::new(policy.limits.memory_bytes),
        }
    }

    /// Parses and runs a program text (a line, `eval`, `sh -c`, a sourced file).
    pub(crate) fn run_text<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: Io,
        text: &'f str,
    ) -> Running<'f> {
        Box::pin(async move {
            let program = match crate::shell::parse(text) {
                Ok(program) => program,
                Err(error) => {
                    io.report(&format!("sh: {error}\n"));
                    return Ok(2);
                }
            };
            self.enter(state, &io)?;
            let result = self.run_program(state, &io, &program).await;
            state.depth -= 1;
            result
        })
    }

    /// One level deeper (a function, `eval`, `source`, a child shell, `$(…)`), or an error
    /// past [`MAX_DEPTH`].
    fn enter(&self, state: &mut ShellState, io: &Io) -> Result<(), Unwind> {
        if state.depth >= MAX_DEPTH {
            io.report(&format!(
                "sh: maximum nesting level exceeded ({MAX_DEPTH})\n"
            ));
            return Err(Unwind::Exit(1));
        }
        state.depth += 1;
        Ok(())
    }

    /// Runs a parsed program.
    pub(crate) async fn run_program(
        &self,
        state: &mut ShellState,
        io: &Io,
        program: &brush_parser::ast::Program,
    ) -> Status {
        let mut status = 0;
        for command in &program.complete_commands {
            status = self.run_list(state, io, command).await?;
        }
        Ok(status)
    }

    /// Runs a program text in a subshell with stdout captured: `$(…)`.
    pub(crate) async fn capture_program(
        &self,
        state: &ShellState,
        io: &Io,
        text: &str,
    ) -> Result<(String, i32), Unwind> {
        let limit = self.policy.limits.max_output_bytes;
        let (sub_io, capture) = io.with_captured_stdout(limit);
        let mut sub = state.clone();
        let status = status_of(self.run_text(&mut sub, sub_io, text).await);
        Ok((capture.text(limit), status))
    }

    pub(crate) fn run_list<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        list: &'f CompoundList,
    ) -> Running<'f> {
        self.run_items(state, io, &list.0)
    }

    /// Runs list items in order; `cmd &` runs in a subshell alongside the items after it (the
    /// list ends when both have: nothing outlives the line, whose wall clock covers both).
    fn run_items<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        items: &'f [CompoundListItem],
    ) -> Running<'f> {
        Box::pin(async move {
            let mut status = 0;
            for (index, item) in items.iter().enumerate() {
                if matches!(item.1, SeparatorOperator::Async) {
                    // A job runs alongside the rest: it counts as a command running at once.
                    self.reserve(1)?;
                    let mut job_state = state.clone();
                    let job_number = self.background_started.fetch_add(1, Ordering::SeqCst) + 1;
                    let jobs = state.jobs.clone();
                    jobs.started();
                    let job = async move {
                        let _ = self.run_and_or(&mut job_state, io, &item.0).await;
                        drop(job_state);
                        jobs.ended();
                        self.release(1);
                    };
                    state.set_scalar("!", (SHELL_PID as usize + job_number).to_string());
                    state.last_status = 0;
                    let rest = self.run_items(state, io, &items[index + 1..]);
                    let ((), rest_status) = futures::join!(job, rest);
                    return rest_status;
                }
                status = self.run_and_or(state, io, &item.0).await?;
                state.last_status = status;
            }
            Ok(status)
        })
    }

    async fn run_and_or(&self, state: &mut ShellState, io: &Io, list: &AndOrList) -> Status {
        let conditional = !list.additional.is_empty();
        let mut status = self
            .run_pipeline_checked(state, io, &list.first, conditional)
            .await?;
        for (index, next) in list.additional.iter().enumerate() {
            state.last_status = status;
            let last = index + 1 == list.additional.len();
            status = match next {
                AndOr::And(pipeline) if status == 0 => {
                    self.run_pipeline_checked(state, io, pipeline, !last)
                        .await?
                }
                AndOr::Or(pipeline) if status != 0 => {
                    self.run_pipeline_checked(state, io, pipeline, !last)
                        .await?
                }
                _ => status,
            };
        }
        Ok(status)
    }

    /// Runs a pipeline; under `set -e` a failure outside a condition ends the shell.
    async fn run_pipeline_checked(
        &self,
        state: &mut ShellState,
        io: &Io,
        pipeline: &Pipeline,
        in_condition: bool,
    ) -> Status {
        if in_condition {
            state.conditions += 1;
        }
        let result = self.run_pipeline(state, io, pipeline).await;
        if in_condition {
            state.conditions -= 1;
        }
        let status = result?;
        if status != 0
            && state.options.errexit
            && !in_condition
            && state.conditions == 0
            && !pipeline.bang
        {
            return Err(Unwind::Exit(status));
        }
        Ok(status)
    }

    pub(crate) async fn run_condition(
        &self,
        state: &mut ShellState,
        io: &Io,
        list: &CompoundList,
    ) -> Status {
        state.conditions += 1;
        let result = self.run_list(state, io, list).await;
        state.conditions -= 1;
        result
    }

    async fn run_pipeline(&self, state: &mut ShellState, io: &Io, pipeline: &Pipeline) -> Status {
        let started = Instant::now();
        let status = if pipeline.seq.len() == 1 {
            let status = self.run_command(state, io, &pipeline.seq[0]).await?;
            state.set_pipestatus(&[status]);
            status
        } else {
            self.reserve(pipeline.seq.len())?;
            let statuses = self.run_stages(state, io, &pipeline.seq).await;
            self.release(pipeline.seq.len());
            let status = if state.options.pipefail {
                statuses
                    .iter()
                    .rev()
                    .copied()
                    .find(|&s| s != 0)
                    .unwrap_or(0)
            } else {
                statuses.last().copied().unwrap_or(0)
            };
            state.set_pipestatus(&statuses);
            status
        };
        if pipeline.timed.is_some() {
            let seconds = started.elapsed().as_secs_f64();
            io.report(&format!(
                "\nreal\t0m{seconds:.3}s\nuser\t0m0.000s\nsys\t0m0.000s\n"
            ));
        }
        let status = if pipeline.bang {
            i32::from(status == 0)
        } else {
            status
        };
        state.last_status = status;
        Ok(status)
    }

    /// Every stage at once, each in a subshell, stdout of one the stdin of the next.
    async fn run_stages(&self, state: &ShellState, io: &Io, stages: &[Command]) -> Vec<i32> {
        let mut stage_ios = Vec::with_capacity(stages.len());
        let mut next_stdin = io.stdin();
        for index in 0..stages.len() {
            let mut stage_io = io.clone();
            stage_io.set_stdin(next_stdin.clone());
            if index + 1 < stages.len() {
                let (writer, reader) = pipe::pipe();
                stage_io.set_stdout(Output::pipe(writer));
                next_stdin = Input::pipe(reader);
            }
            stage_ios.push(stage_io);
        }
        drop(next_stdin);
        let runs = stages.iter().zip(stage_ios).map(|(command, stage_io)| {
            let mut sub = state.clone();
            async move {
                let result = self.run_command(&mut sub, &stage_io, command).await;
                drop(stage_io);
                status_of(result)
            }
        });
        futures::future::join_all(runs).await
    }

    pub(crate) fn run_command<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        command: &'f Command,
    ) -> Running<'f> {
        Box::pin(GrowingStack(Box::pin(async move {
            self.checkpoint().await?;
            match command {
                Command::Simple(simple) => self.run_simple(state, io, simple).await,
                Command::Compound(compound, redirects) => {
                    let redirects = redirects.as_ref().map_or(&[][..], |r| &r.0[..]);
                    let Some(io) = self.redirected(state, io, redirects).await? else {
                        return Ok(1);
                    };
                    self.run_compound(state, &io, compound).await
                }
                Command::Function(definition) => {
                    let name = definition.fname.value.clone();
                    state
                        .functions
                        .insert(name, Arc::new(definition.body.clone()));
                    state.recharge_tables();
                    Ok(0)
                }
                Command::ExtendedTest(test, redirects) => {
                    let redirects = redirects.as_ref().map_or(&[][..], |r| &r.0[..]);
                    let Some(io) = self.redirected(state, io, redirects).await? else {
                        return Ok(1);
                    };
                    test_expr::extended(self, state, &io, &test.expr).await
                }
            }
        })))
    }

    /// Before each command: stop when the line's wall clock has run out, and let timers and
    /// other stages run now and then.
    async fn checkpoint(&self) -> Result<(), Unwind> {
        self.check_limits()?;
        if self
            .commands_run
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(COMMANDS_PER_YIELD)
        {
            tokio::task::yield_now().await;
        }
        Ok(())
    }

    /// Whether the line may go on: not past its wall clock, within its shell memory, not ended
    /// by another limit. Called before each command and inside every loop of host-side work.
    pub(crate) fn check_limits(&self) -> Result<(), Unwind> {
        if Instant::now() >= self.deadline {
            return Err(self.stopped_by(Stop::WallClock));
        }
        if self.budget.exceeded() {
            return Err(self.out_of_memory());
        }
        let aborted = self.aborted.load(Ordering::SeqCst);
        if aborted != 0 {
            return Err(Unwind::Exit(aborted));
        }
        Ok(())
    }

    /// How the line ends when host-side work stopped at a limit.
    pub(crate) fn stopped_by(&self, stop: Stop) -> Unwind {
        match stop {
            Stop::WallClock => {
                self.record(Stopped::WallClock);
                Unwind::Exit(124)
            }
            Stop::Memory => self.out_of_memory(),
        }
    }

    /// Ends the line for its shell memory budget (137, `shell_memory`).
    pub(crate) fn out_of_memory(&self) -> Unwind {
        self.abort(Stopped::ShellMemory)
    }

    /// Whether `bytes` more of shell state would fit the memory budget; ends the line with
    /// `shell_memory` when they would not. Called before building a large value.
    pub(crate) fn room(&self, bytes: usize) -> Result<(), Unwind> {
        self.budget.room(bytes).map_err(|_| self.out_of_memory())
    }

    /// Ends the whole line for a limit the shell enforces: exit 137, one note at the end.
    pub(crate) fn abort(&self, stopped: Stopped) -> Unwind {
        self.record(stopped);
        self.aborted.store(137, Ordering::SeqCst);
        Unwind::Exit(137)
    }

    /// The status a shell-enforced limit ended the line with, if one did.
    pub(crate) fn aborted_status(&self) -> Option<i32> {
        Some(self.aborted.load(Ordering::SeqCst)).filter(|&s| s != 0)
    }

    fn record(&self, stopped: Stopped) {
        let mut first = self.stopped.lock().unwrap_or_else(|p| p.into_inner());
        first.get_or_insert(stopped);
    }

    /// Reserves room for `count` more running instances or stages; when `limits.max_instances`
    /// has none, the line ends (fork-bomb shapes stop here).
    fn reserve(&self, count: usize) -> Result<(), Unwind> {
        let cap = self.policy.limits.max_instances;
        if self.live_instances.fetch_add(count, Ordering::SeqCst) + count > cap {
            self.live_instances.fetch_sub(count, Ordering::SeqCst);
            return Err(self.abort(Stopped::Instances));
        }
        Ok(())
    }

    fn release(&self, count: usize) {
        self.live_instances.fetch_sub(count, Ordering::SeqCst);
    }

    /// `io` with `redirects` applied; `None` (after a message) when one fails.
    pub(crate) async fn redirected(
        &self,
        state: &mut ShellState,
        io: &Io,
        redirects: &[IoRedirect],
    ) -> Result<Option<Io>, Unwind> {
        if redirects.is_empty() {
            return Ok(Some(io.clone()));
        }
        let mut io = io.clone();
        for redirect in redirects {
            if let Err(message) = self.apply_redirect(state, &mut io, redirect).await? {
                io.report(&format!("sh: {message}\n"));
                return Ok(None);
            }
        }
        Ok(Some(io))
    }

    async fn run_compound(
        &self,
        state: &mut ShellState,
        io: &Io,
        compound: &CompoundCommand,
    ) -> Status {
        match compound {
            CompoundCommand::BraceGroup(group) => self.run_list(state, io, &group.list).await,
            CompoundCommand::Subshell(sub) => {
                let mut inner = state.clone();
                match self.run_list(&mut inner, io, &sub.list).await {
                    Ok(status) | Err(Unwind::Exit(status)) => Ok(status),
                    Err(other) => Err(other),
                }
            }
            CompoundCommand::IfClause(clause) => {
                if self.run_condition(state, io, &clause.condition).await? == 0 {
                    return self.run_list(state, io, &clause.then).await;
                }
                for branch in clause.elses.iter().flatten() {
                    match &branch.condition {
                        Some(condition) => {
                            if self.run_condition(state, io, condition).await? == 0 {
                                return self.run_list(state, io, &branch.body).await;
                            }
                        }
                        None => return self.run_list(state, io, &branch.body).await,
                    }
                }
                Ok(0)
            }
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                let until = matches!(compound, CompoundCommand::UntilClause(_));
                let mut status = 0;
                loop {
                    let test = self.run_condition(state, io, &clause.0).await?;
                    if (test == 0) == until {
                        break;
                    }
                    match after_body(self.run_list(state, io, &clause.1.list).await)? {
                        AfterBody::Next(s) => status = s,
                        AfterBody::Continue => {}
                        AfterBody::Break => break,
                    }
                }
                Ok(status)
            }
            CompoundCommand::ForClause(clause) => {
                let values = match &clause.values {
                    Some(words) => self.expand_words(state, io, words).await?,
                    None => state.positional.clone(),
                };
                let mut status = 0;
                for value in values {
                    state.set_scalar(&clause.variable_name, value);
                    match after_body(self.run_list(state, io, &clause.body.list).await)? {
                        AfterBody::Next(s) => status = s,
                        AfterBody::Continue => {}
                        AfterBody::Break => break,
                    }
                }
                Ok(status)
            }
            CompoundCommand::ArithmeticForClause(clause) => {
                let eval = |state: &mut ShellState, text: &str| arith::evaluate(text, state);
                if let Some(init) = &clause.initializer {
                    let text = self.expand_string(state, io, &init.value).await?;
                    eval(state, &text).map_err(|e| self.fail_expansion(io, &e))?;
                }
                let mut status = 0;
                loop {
                    if let Some(condition) = &clause.condition {
                        let text = self.expand_string(state, io, &condition.value).await?;
                        if eval(state, &text).map_err(|e| self.fail_expansion(io, &e))? == 0 {
                            break;
                        }
                    }
                    match after_body(self.run_list(state, io, &clause.body.list).await)? {
                        AfterBody::Next(s) => status = s,
                        AfterBody::Continue => {}
                        AfterBody::Break => break,
                    }
                    if let Some(update) = &clause.updater {
                        let text = self.expand_string(state, io, &update.value).await?;
                        eval(state, &text).map_err(|e| self.fail_expansion(io, &e))?;
                    }
                }
                Ok(status)
            }
            CompoundCommand::Arithmetic(command) => {
                let text = self.expand_string(state, io, &command.expr.value).await?;
                match arith::evaluate(&text, state) {
                    Ok(value) => Ok(i32::from(value == 0)),
                    Err(message) => {
                        self.check_limits()?;
                        io.report(&format!("sh: {message}\n"));
                        Ok(1)
                    }
                }
            }
            CompoundCommand::CaseClause(clause) => {
                let subject = self.expand_string(state, io, &clause.value.value).await?;
                let mut status = 0;
                let mut falling_through = false;
                for item in &clause.cases {
                    let mut matched = falling_through;
                    if !matched {
                        for pattern in &item.patterns {
                            let pattern = self.expand_pattern(state, io, &pattern.value).await?;
                            if super::pattern::matches(&subject, &pattern) {
                                matched = true;
                                break;
                            }
                        }
                    }
                    if !matched {
                        continue;
                    }
                    if let Some(body) = &item.cmd {
                        status = self.run_list(state, io, body).await?;
                    }
                    match item.post_action {
                        CaseItemPostAction::ExitCase => break,
                        CaseItemPostAction::UnconditionallyExecuteNextCaseItem => {
                            falling_through = true;
                        }
                        CaseItemPostAction::ContinueEvaluatingCases => falling_through = false,
                    }
                }
                Ok(status)
            }
            CompoundCommand::Coprocess(_) => {
                io.report("sh: coproc is not supported by the zonebox shell\n");
                Ok(2)
            }
        }
    }

    async fn run_simple(&self, state: &mut ShellState, io: &Io, simple: &SimpleCommand) -> Status {
        let mut assignments: Vec<&Assignment> = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirects: Vec<&IoRedirect> = Vec::new();
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, _) => {
                    assignments.push(assignment);
                }
                CommandPrefixOrSuffixItem::IoRedirect(redirect) => redirects.push(redirect),
                CommandPrefixOrSuffixItem::Word(word) => words.push(word.clone()),
                CommandPrefixOrSuffixItem::ProcessSubstitution(..) => {
                    io.report("sh: process substitution is not supported by the zonebox shell\n");
                    return Ok(2);
                }
            }
        }
        if let Some(name) = &simple.word_or_name {
            words.push(name.clone());
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(redirect) => redirects.push(redirect),
                CommandPrefixOrSuffixItem::Word(word) => words.push(word.clone()),
                CommandPrefixOrSuffixItem::AssignmentWord(_, word) => words.push(word.clone()),
                CommandPrefixOrSuffixItem::ProcessSubstitution(..) => {
                    io.report("sh: process substitution is not supported by the zonebox shell\n");
                    return Ok(2);
                }
            }
        }
        state.last_status_before = state.last_status;
        let argv = self.expand_words(state, io, &words).await?;
        let mut values = Vec::with_capacity(assignments.len());
        for assignment in &assignments {
            values.push((
                assignment,
                self.assignment_value(state, io, assignment).await?,
            ));
        }
        let redirects: Vec<IoRedirect> = redirects.into_iter().cloned().collect();
        if argv.len() == 1 && argv[0] == "exec" && !redirects.is_empty() {
            // `exec >file` would redirect the rest of the shell: not kept yet, so say so rather
            // than drop the redirection silently.
            io.report(
                "sh: exec: redirecting the shell itself is not supported by the zonebox shell; \
                 redirect a group instead: { …; } >file\n",
            );
            return Ok(2);
        }
        let Some(io) = self.redirected(state, io, &redirects).await? else {
            return Ok(1);
        };
        if argv.is_empty() {
            for (assignment, value) in values {
                assign(state, assignment, value);
            }
            // A bare assignment's status is that of its last command substitution.
            return Ok(if state.last_status != state.last_status_before {
                state.last_status
            } else {
                0
            });
        }
        if state.options.xtrace {
            let ps4 = state
                .get("PS4")
                .map_or("+ ".to_string(), |v| v.scalar().to_string());
            io.report(&format!("{ps4}{}\n", argv.join(" ")));
        }
        // Prefix assignments apply to this command only (builtins and functions see them too).
        let saved: Vec<(String, Option<super::state::Variable>)> = values
            .iter()
            .map(|(a, _)| {
                let name = assignment_name(a);
                (name.clone(), state.vars.get(&name).cloned())
            })
            .collect();
        for (assignment, value) in values {
            let name = assignment_name(assignment);
            assign(state, assignment, value);
            state.export(&name);
        }
        let result = self.run_argv(state, &io, argv).await;
        for (name, old) in saved {
            state.restore(name, old);
        }
        result
    }

    async fn assignment_value(
        &self,
        state: &mut ShellState,
        io: &Io,
        assignment: &Assignment,
    ) -> Result<Value, Unwind> {
        Ok(match &assignment.value {
            AssignmentValue::Scalar(word) => {
                Value::Scalar(self.expand_string(state, io, &word.value).await?)
            }
            AssignmentValue::Array(items) => {
                let words: Vec<Word> = items.iter().map(|(_, w)| w.clone()).collect();
                Value::Array(Array::from_values(
                    self.expand_words(state, io, &words).await?,
                ))
            }
        })
    }

    /// Runs an expanded command: a function, a builtin, or a toolset command.
    pub(crate) fn run_argv<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        argv: Vec<String>,
    ) -> Running<'f> {
        Box::pin(async move {
            let name = argv[0].as_str();
            if let Some(body) = state.functions.get(name).cloned() {
                return self.call_function(state, io, &body, argv).await;
            }
            // The router checked the line's names before it ran; names that only exist now
            // (from variables, files, xargs input) meet the same deny rules here.
            if let Some((rule, reason)) = self.policy.routing.denial(script::basename(name)) {
                io.report(&format!("zonebox: denied: {name}: {reason} [{rule}]\n"));
                return Ok(crate::sandbox::EXIT_DENIED);
            }
            if name.contains('/')
                && let Some(status) = self.run_path(state, io, &argv).await
            {
                return status;
            }
            if let Some(status) = super::builtins::run(self, state, io, &argv).await {
                return status;
            }
            let tool = name.rsplit('/').next().unwrap_or_default();
            if !is_tool(tool) {
                io.report(&format!("{name}: command not found\n"));
                return Ok(127);
            }
            Ok(self.run_tool(state, io, &argv).await)
        })
    }

    /// A command given as a path to a file in a zone: a shell script runs in this shell's
    /// `sh`, a script for a toolset interpreter (`#!/usr/bin/awk -f`) in that tool; anything
    /// else cannot run in wasm. `None` when no zone holds such a file (the basename decides).
    async fn run_path(&self, state: &mut ShellState, io: &Io, argv: &[String]) -> Option<Status> {
        use crate::router::ScriptFiles;
        use cap_std::fs::PermissionsExt;
        let path = &argv[0];
        let guest = normalize(&state.cwd, path);
        let head = self.zones.head(&guest, script::HEAD_BYTES)?;
        let executable = self
            .zones
            .metadata(&guest, true)
            .is_ok_and(|m| m.permissions().mode() & 0o111 != 0);
        if !executable {
            io.report(&format!("sh: {path}: Permission denied\n"));
            return Some(Ok(126));
        }
        let mut run: Vec<String> = match script::kind(&head) {
            ScriptKind::Shell => vec!["sh".to_string()],
            ScriptKind::Interpreter { name, arg } if is_tool(&name) => {
                std::iter::once(name).chain(arg).collect()
            }
            ScriptKind::Interpreter { name, .. } => {
                io.report(&format!(
                    "sh: {path}: its interpreter {name} is not in the wasm toolset\n"
                ));
                return Some(Ok(126));
            }
            ScriptKind::Binary => {
                io.report(&format!(
                    "sh: {path}: a native executable cannot run in the wasm sandbox\n"
                ));
                return Some(Ok(126));
            }
        };
        run.extend(argv.iter().cloned());
        if run[0] == "sh" {
            return super::builtins::run(self, state, io, &run).await;
        }
        Some(Ok(self.run_tool(state, io, &run).await))
    }

    async fn call_function(
        &self,
        state: &mut ShellState,
        io: &Io,
        body: &FunctionBody,
        argv: Vec<String>,
    ) -> Status {
        self.enter(state, io)?;
        let saved_positional = std::mem::replace(&mut state.positional, argv[1..].to_vec());
        state.recharge_tables();
        // The caller's parameters wait on this level's frame: they stay charged until it ends.
        let _saved_held = self.budget.force(
            saved_positional
                .iter()
                .map(|p| super::budget::string_cost(p))
                .sum(),
        );
        state.locals.push(Vec::new());
        let redirects = body.1.as_ref().map_or(&[][..], |r| &r.0[..]);
        let result = match self.redirected(state, io, redirects).await {
            Ok(Some(io)) => self.run_compound(state, &io, &body.0).await,
            Ok(None) => Ok(1),
            Err(unwind) => Err(unwind),
        };
        for (name, old) in state.locals.pop().unwrap_or_default().into_iter().rev() {
            state.restore(name, old);
        }
        state.positional = saved_positional;
        state.depth -= 1;
        match result {
            Err(Unwind::Return(status)) => Ok(status),
            other => other,
        }
    }

    /// Runs a toolset command as a wasm instance under the line's limits.
    pub(crate) async fn run_tool(&self, state: &ShellState, io: &Io, argv: &[String]) -> i32 {
        if let Err(Unwind::Exit(status)) = self.reserve(1) {
            return status;
        }
        let mut argv = argv.to_vec();
        argv[0] = argv[0].rsplit('/').next().unwrap_or_default().to_string();
        let fuel = self
            .fuel_left
            .as_ref()
            .map(|left| left.load(Ordering::SeqCst));
        if fuel == Some(0) {
            self.release(1);
            let _ = self.abort(Stopped::Cpu);
            return 137;
        }
        let env = state.environment();
        let request = RunRequest {
            argv: &argv,
            env: &env,
            workdir: &state.cwd,
            stdin: io.stdin(),
            stdout: io.stdout(),
            stderr: io.stderr(),
            limits: &self.policy.limits,
            mounts: self.mounts,
            line_memory: &self.wasm_memory,
            deadline: self.deadline,
            fuel,
        };
        let outcome = self.engine.run(self.toolset, request).await;
        self.release(1);
        if let (Some(left), Ok(outcome)) = (&self.fuel_left, &outcome) {
            let used = outcome.fuel_used;
            let _ = left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |l| {
                Some(l.saturating_sub(used))
            });
        }
        match outcome {
            Ok(outcome) => {
                match outcome.stopped {
                    // The wall clock and the CPU budget are the line's: the line ends, and
                    // reports them once, at its end.
                    Some(Stopped::WallClock) => self.record(Stopped::WallClock),
                    Some(Stopped::Cpu) => {
                        let _ = self.abort(Stopped::Cpu);
                    }
                    Some(stopped) => {
                        let note = stopped.describe(&self.policy.limits, &argv[0]);
                        io.report(&format!("zonebox: {note}\n"));
                        self.record(stopped);
                    }
                    None => {}
                }
                outcome.exit_code
            }
            Err(error) => {
                io.report(&format!("zonebox: {}: {error}\n", argv[0]));
                126
            }
        }
    }
}

fn assignment_name(assignment: &Assignment) -> String {
    match &assignment.name {
        AssignmentName::VariableName(name) | AssignmentName::ArrayElementName(name, _) => {
            name.clone()
        }
    }
}

/// Stores an assignment's expanded value (`+=` appends).
fn assign(state: &mut ShellState, assignment: &Assignment, value: Value) {
    match &assignment.name {
        AssignmentName::VariableName(name) => {
            let value = match (assignment.append, state.get(name), value) {
                (true, Some(Value::Array(old)), new) => {
                    if state.budget.room(old.cost() + new.cost()).is_err() {
                        return;
                    }
                    let mut items = old.clone();
                    for item in new.values() {
                        items.push(item);
                    }
                    Value::Array(items)
                }
                (true, Some(Value::Scalar(old)), Value::Scalar(new)) => {
                    if state.budget.room(old.len() + new.len()).is_err() {
                        return;
                    }
                    Value::Scalar(format!("{old}{new}"))
                }
                (_, _, value) => value,
            };
            state.set(name, value);
        }
        AssignmentName::ArrayElementName(name, index) => {
            let index = arith::evaluate_index(index, state).unwrap_or(0);
            let index = if index < 0 {
                let end = state.get(name).map_or(0, |v| v.to_end());
                end as i64 + index
            } else {
                index
            };
            let Ok(index) = usize::try_from(index) else {
                return;
            };
            state.set_element(name, index, value.scalar().to_string(), assignment.append);
        }
    }
}
