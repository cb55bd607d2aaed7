//! Running the AST: lists, and-or lists, pipelines (every stage at once, joined by bounded
//! pipes), compound commands, functions, and simple commands — builtins on the host, toolset
//! commands as wasm instances with the stage's stdin, stdout and stderr.

use super::budget::{Budget, Stop};
use super::redirect::Fds;
use super::state::ShellState;
use super::test_expr;
use crate::line::{LimitKind, LineBudget, Stopped, ToolRunner, exit};
use crate::policy::Policy;
use crate::stdio::{Input, Output, pipe};
use crate::zones::ZoneFs;
use brush_parser::ast::{
    AndOr, AndOrList, Command, CompoundCommand, CompoundList, CompoundListItem, IoRedirect,
    Pipeline, SeparatorOperator,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

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
    /// An error that abandons the rest of the complete command (a line of the script) with
    /// this status, as bash's assignment to a read-only variable does; the next one runs.
    Abort(i32),
}

/// A command's status, or an unwinding in progress.
pub(crate) type Status = Result<i32, Unwind>;

/// The status of a pipeline stage that wrote after its reader had gone (128 + SIGPIPE).
const SIGPIPE_STATUS: i32 = 141;

/// The status a subshell, stage or child shell ends with: `exit N` and `return N` give N; a
/// `break` or `continue` with no loop around it ends it with 0.
pub(crate) fn status_of(result: Status) -> i32 {
    match result {
        Ok(status)
        | Err(Unwind::Exit(status))
        | Err(Unwind::Return(status))
        | Err(Unwind::Abort(status)) => status,
        Err(Unwind::Break(_) | Unwind::Continue(_)) => 0,
    }
}

pub(super) type Running<'f> = Pin<Box<dyn Future<Output = Status> + 'f>>;

/// The standard streams (and fds 3–9) of a running command.
pub(crate) type Io = Fds;

/// What every command of one line shares: the policy, the zones, the line's budget, and the
/// runner of its toolset commands.
pub(crate) struct Interp<'a> {
    /// Runs each toolset command (the wasm backend; a recording runner in tests).
    pub(crate) tools: &'a dyn ToolRunner,
    pub(crate) policy: &'a Policy,
    pub(crate) zones: ZoneFs,
    /// The line's wall clock, fuel and running instances, and the first limit it met.
    pub(crate) line: &'a LineBudget,
    commands_run: AtomicUsize,
    /// How many background jobs were ever started (for `$!`).
    background_started: AtomicUsize,
    /// How many process substitutions made a file (their names).
    substitutions: AtomicUsize,
    /// The shell memory budget of the line's state (shared with its session).
    pub(crate) budget: Arc<Budget>,
}

impl<'a> Interp<'a> {
    pub(crate) fn new(
        tools: &'a dyn ToolRunner,
        policy: &'a Policy,
        zones: ZoneFs,
        line: &'a LineBudget,
        budget: Arc<Budget>,
    ) -> Interp<'a> {
        Interp {
            tools,
            policy,
            zones,
            line,
            commands_run: AtomicUsize::new(0),
            background_started: AtomicUsize::new(0),
            substitutions: AtomicUsize::new(0),
            budget,
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
            // Nothing to run (`eval ""`, an empty or comments-only script): status 0.
            if text
                .lines()
                .all(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
            {
                return Ok(0);
            }
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
    pub(super) fn enter(&self, state: &mut ShellState, io: &Io) -> Result<(), Unwind> {
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
        let mut exec_io: Option<Io> = None;
        for command in &program.complete_commands {
            let changes = state.exec_changes;
            status = match self
                .run_list(state, exec_io.as_ref().unwrap_or(io), command)
                .await
            {
                Err(Unwind::Abort(aborted)) if state.options.errexit => {
                    return Err(Unwind::Exit(aborted));
                }
                Err(Unwind::Abort(aborted)) => {
                    state.last_status = aborted;
                    aborted
                }
                other => other?,
            };
            if state.exec_changes != changes {
                exec_io = state.exec_io.clone();
            }
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
        let limit = self.line.output_cap();
        if let Some(file) = read_only_redirect(text) {
            // `$(< file)`: the file's text, as bash reads it without running anything.
            let mut sub = state.clone();
            let Some(input) = self.redirected(&mut sub, io, &[file]).await? else {
                return Ok((String::new(), 1));
            };
            // What is read is held as the substitution's value: no more than the budget has.
            let room = usize::try_from(limit)
                .unwrap_or(usize::MAX)
                .min(self.budget.available());
            let bytes = input.stdin().read_up_to(room).await;
            let text = String::from_utf8_lossy(&bytes)
                .trim_end_matches('\n')
                .to_string();
            return Ok((text, 0));
        }
        let (sub_io, capture) = io.with_captured_stdout(limit);
        let mut sub = state.clone();
        // Its lines count on from the command's.
        sub.line_base = state.lineno.saturating_sub(1);
        let status = status_of(self.run_text(&mut sub, sub_io.clone(), text).await);
        sub.last_status = status;
        self.fire_exit(&mut sub, &sub_io).await;
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
            // After an `exec` with redirects, the rest of the list runs with its descriptors.
            let mut exec_io: Option<Io> = None;
            for (index, item) in items.iter().enumerate() {
                let io = exec_io.as_ref().unwrap_or(io);
                let changes = state.exec_changes;
                if matches!(item.1, SeparatorOperator::Async) {
                    // A job runs alongside the rest: it counts as a command running at once.
                    let slot = self.reserve(1)?;
                    let mut job_state = state.clone();
                    let job_number = self.background_started.fetch_add(1, Ordering::SeqCst) + 1;
                    let jobs = state.jobs.clone();
                    jobs.started();
                    let job = async move {
                        let _ = self.run_and_or(&mut job_state, io, &item.0).await;
                        drop(job_state);
                        jobs.ended();
                        drop(slot);
                    };
                    state.set_scalar("!", (SHELL_PID as usize + job_number).to_string());
                    state.last_status = 0;
                    let rest = self.run_items(state, io, &items[index + 1..]);
                    let ((), rest_status) = futures::join!(job, rest);
                    return rest_status;
                }
                status = self.run_and_or(state, io, &item.0).await?;
                state.last_status = status;
                if state.exec_changes != changes {
                    exec_io = state.exec_io.clone();
                }
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
        // A compound command (not a subshell) that fails failed where `set -e` was ignored
        // (a command inside it that failed otherwise ended the shell already): bash goes on.
        // `(( … ))` fails as a simple command does.
        let ignored_inside = matches!(
            &pipeline.seq[..],
            [Command::Compound(compound, _)] if !matches!(
                compound,
                CompoundCommand::Subshell(_) | CompoundCommand::Arithmetic(_)
            )
        );
        if status != 0
            && !in_condition
            && state.conditions == 0
            && !pipeline.bang
            && !ignored_inside
        {
            self.fire_err(state, io, status).await;
            if state.options.errexit {
                return Err(Unwind::Exit(status));
            }
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
            // A compound command leaves PIPESTATUS to the commands inside it (a `case` that
            // matched nothing leaves it as it was).
            let compound = matches!(
                &pipeline.seq[0],
                Command::Compound(compound, _) if !matches!(
                    compound,
                    CompoundCommand::Subshell(_) | CompoundCommand::Arithmetic(_)
                )
            );
            if !compound {
                state.set_pipestatus(&[status]);
            }
            status
        } else {
            let stages = self.reserve(pipeline.seq.len())?;
            let statuses = self.run_stages(state, io, &pipeline.seq).await;
            drop(stages);
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

    /// Every stage at once, each in a subshell (the last in this shell under `shopt -s
    /// lastpipe`), stdout of one the stdin of the next.
    async fn run_stages(&self, state: &mut ShellState, io: &Io, stages: &[Command]) -> Vec<i32> {
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
        let last_here = state.options.lastpipe;
        let mut last = None;
        if last_here {
            last = stage_ios.pop().zip(stages.last());
        }
        let runs: Vec<_> = stages
            .iter()
            .zip(stage_ios)
            .map(|(command, stage_io)| {
                let mut sub = state.clone();
                async move {
                    let result = self.run_command(&mut sub, &stage_io, command).await;
                    let status = status_of(result);
                    // A stage that failed after a write into a pipe whose reader had gone is
                    // what SIGPIPE kills: bash reports 141 (the toolset's exits stop at 125).
                    let status = if status != 0 && stage_io.stdout().refused_a_write() {
                        SIGPIPE_STATUS
                    } else {
                        status
                    };
                    drop(stage_io);
                    status
                }
            })
            .collect();
        let Some((last_io, last_command)) = last else {
            return futures::future::join_all(runs).await;
        };
        let here = async {
            let result = self.run_command(state, &last_io, last_command).await;
            drop(last_io);
            status_of(result)
        };
        let (mut statuses, last_status) = futures::join!(futures::future::join_all(runs), here);
        statuses.push(last_status);
        statuses
    }

    pub(crate) fn run_command<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        command: &'f Command,
    ) -> Running<'f> {
        Box::pin(GrowingStack(Box::pin(async move {
            self.checkpoint().await?;
            if state.options.noexec {
                // `set -n`: read, not run (nothing turns it off again).
                return Ok(0);
            }
            match command {
                Command::Simple(simple) => self.run_simple(state, io, simple).await,
                Command::Compound(compound, redirects) => {
                    let redirects = redirects.as_ref().map_or(&[][..], |r| &r.0[..]);
                    // `{ …; } > >(cmd)`: the compound writes a file that `cmd` reads after it.
                    let mut made = super::process_sub::Substitutions::default();
                    let redirected = match self
                        .substitute_write_redirects(state, io, redirects.iter(), &mut made)
                        .await?
                    {
                        Some(redirects) => self.redirected(state, io, &redirects).await?,
                        None => None,
                    };
                    let Some(inner) = redirected else {
                        // The compound's own redirection failed: `set -e` holds for it, as
                        // for a simple command (what fails inside a compound does not).
                        self.finish_substitutions(state, io, made).await?;
                        if state.options.errexit && state.conditions == 0 {
                            return Err(Unwind::Exit(1));
                        }
                        return Ok(1);
                    };
                    let result = self.run_compound(state, &inner, compound).await;
                    // What `cmd` prints goes where the compound's own output would have gone.
                    self.after_substitutions(state, io, made, result).await
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
        if self.line.past_deadline() {
            return Err(self.stopped_by(Stop::WallClock));
        }
        if self.budget.exceeded() {
            return Err(self.out_of_memory());
        }
        match self.line.aborted_status() {
            Some(status) => Err(Unwind::Exit(status)),
            None => Ok(()),
        }
    }

    /// How the line ends when host-side work stopped at a limit.
    pub(crate) fn stopped_by(&self, stop: Stop) -> Unwind {
        match stop {
            Stop::WallClock => {
                self.line.record(LimitKind::WallClock.into());
                Unwind::Exit(exit::TIMED_OUT)
            }
            Stop::Memory => self.out_of_memory(),
        }
    }

    /// Ends the line for its shell memory budget (137, `shell_memory`).
    pub(crate) fn out_of_memory(&self) -> Unwind {
        self.abort(LimitKind::ShellMemory.into())
    }

    /// Whether `bytes` more of shell state would fit the memory budget; ends the line with
    /// `shell_memory` when they would not. Called before building a large value.
    pub(crate) fn room(&self, bytes: usize) -> Result<(), Unwind> {
        self.budget.room(bytes).map_err(|_| self.out_of_memory())
    }

    /// A number for the next process substitution's file.
    pub(super) fn next_substitution(&self) -> usize {
        self.substitutions.fetch_add(1, Ordering::Relaxed)
    }

    /// Ends the whole line for a limit the shell enforces: exit 137, one note at the end.
    pub(crate) fn abort(&self, stopped: Stopped) -> Unwind {
        Unwind::Exit(self.line.abort(stopped))
    }

    /// Reserves room for `count` more running instances or stages; when `limits.max_instances`
    /// has none, the line ends (fork-bomb shapes stop here).
    pub(super) fn reserve(&self, count: usize) -> Result<crate::line::InstanceSlots<'_>, Unwind> {
        self.line.reserve(count).map_err(Unwind::Exit)
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
}

/// The redirect of a command substitution that is only `< file` (`$(< file)`).
fn read_only_redirect(text: &str) -> Option<IoRedirect> {
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let program = crate::shell::parse(text).ok()?;
    let [command] = &program.complete_commands[..] else {
        return None;
    };
    let [item] = &command.0[..] else { return None };
    if !item.0.additional.is_empty() || item.0.first.seq.len() != 1 || item.0.first.bang {
        return None;
    }
    let Command::Simple(simple) = &item.0.first.seq[0] else {
        return None;
    };
    if simple.word_or_name.is_some() || simple.suffix.is_some() {
        return None;
    }
    let [brush_parser::ast::CommandPrefixOrSuffixItem::IoRedirect(redirect)] =
        &simple.prefix.as_ref()?.0[..]
    else {
        return None;
    };
    match redirect {
        IoRedirect::File(None | Some(0), brush_parser::ast::IoFileRedirectKind::Read, _) => {
            Some(redirect.clone())
        }
        _ => None,
    }
}
