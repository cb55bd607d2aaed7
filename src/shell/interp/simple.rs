//! Simple commands: words expanded, assignments (prefix ones for this command only), redirects,
//! then the command itself — a function, a builtin, a script in a zone, or a toolset command
//! handed to the line's [`crate::line::ToolRunner`] under the line's limits.

use super::assign::{Assigned, Refused, assign, assignment_name};
use super::exec::{Interp, Io, Running, Status, Unwind, status_of};
use super::process_sub::Substitutions;
use super::redirect::MAX_FD;
use super::state::ShellState;
use crate::line::{LimitKind, Stopped, ToolCall, exit};
use crate::shell::commands::{self, Builtin, Refusal, is_tool};
use crate::shell::parse::named_fd;
use crate::shell::script::{self, ScriptKind};
use crate::zones::normalize;
use brush_parser::ast::SourceLocation;
use brush_parser::ast::{
    Assignment, CommandPrefixOrSuffixItem, FunctionBody, IoFileRedirectTarget, IoRedirect,
    SimpleCommand, Word,
};

/// Under `shopt -s expand_aliases`, a command whose name is an alias (unquoted, not already
/// being expanded): the alias's name and the command's text with the name replaced by its
/// value, to be parsed and run in its place.
fn alias_expansion(state: &ShellState, simple: &SimpleCommand) -> Option<(String, String)> {
    if state.aliases.is_empty() {
        return None;
    }
    let name = &simple.word_or_name.as_ref()?.value;
    let plain = |c: char| !"\\'\"$`{}[]*?~=".contains(c);
    let read_before_defined = state
        .new_aliases
        .iter()
        .any(|(n, line)| n == name && *line >= state.lineno);
    if !name.chars().all(plain)
        || read_before_defined
        || state.expanding_aliases.iter().any(|n| n == name)
    {
        return None;
    }
    let value = state
        .aliases
        .get(name)
        .filter(|_| state.options.expand_aliases)?;
    let mut text = String::new();
    if let Some(prefix) = &simple.prefix {
        text.push_str(&format!("{prefix} "));
    }
    text.push_str(value);
    if let Some(suffix) = &simple.suffix {
        text.push_str(&format!(" {suffix}"));
    }
    Some((name.clone(), text))
}

impl Interp<'_> {
    /// `{name}>file`, `{name}<file`, `{name}>&-`: each such redirect given its descriptor — a
    /// free one from 10 up, stored in `name`, or to close, the one `name` holds. The ones
    /// opened; `None` (after a message) when none is free or `name` holds no descriptor.
    fn name_descriptors(
        &self,
        state: &mut ShellState,
        io: &Io,
        redirects: &mut [IoRedirect],
        named: &[(usize, &str)],
    ) -> Option<Vec<usize>> {
        let mut taken: Vec<usize> = Vec::new();
        let mut opened: Vec<usize> = Vec::new();
        for (at, name) in named {
            let closes = matches!(
                &redirects[*at],
                IoRedirect::File(_, _, IoFileRedirectTarget::Duplicate(word)) if word.value == "-"
            );
            let fd = if closes {
                match state
                    .get(name)
                    .and_then(|v| v.scalar().parse::<usize>().ok())
                {
                    Some(fd) if fd <= MAX_FD => fd,
                    _ => {
                        io.report(&format!("sh: {name}: ambiguous redirect\n"));
                        return None;
                    }
                }
            } else {
                let Some(fd) = io.free_named_fd(&taken) else {
                    io.report("sh: redirection error: cannot duplicate fd: Too many open files\n");
                    return None;
                };
                state.set_scalar(name, fd.to_string());
                opened.push(fd);
                fd
            };
            taken.push(fd);
            let number = Some(fd as i32);
            match &mut redirects[*at] {
                IoRedirect::File(n, _, _)
                | IoRedirect::HereDocument(n, _)
                | IoRedirect::HereString(n, _) => *n = number,
                IoRedirect::OutputAndError(..) => {}
            }
        }
        Some(opened)
    }

    pub(super) async fn run_simple(
        &self,
        state: &mut ShellState,
        io: &Io,
        simple: &SimpleCommand,
    ) -> Status {
        if let Some(span) = simple.location() {
            super::calls::set_line(state, span.end.line);
        }
        self.fire_debug(state, io, simple).await;
        if let Some((name, text)) = alias_expansion(state, simple) {
            state.expanding_aliases.push(name);
            // The expansion stands on the command's own line.
            let base = std::mem::replace(&mut state.line_base, state.lineno.saturating_sub(1));
            let result = self.run_text(state, io.clone(), &text).await;
            state.line_base = base;
            state.expanding_aliases.pop();
            return result;
        }
        let mut made = Substitutions::default();
        let result = self.run_simple_made(state, io, simple, &mut made).await;
        self.after_substitutions(state, io, made, result).await
    }

    /// A simple command whose process substitutions' files are kept in `made`.
    async fn run_simple_made<'c>(
        &self,
        state: &mut ShellState,
        io: &Io,
        simple: &'c SimpleCommand,
        made: &mut Substitutions<'c>,
    ) -> Status {
        let mut assignments: Vec<&Assignment> = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        // Arguments of a declaration builtin that are assignments (`export E=$w`): expanded as
        // assignments are, without field splitting or globbing, as bash does.
        let declares = simple.word_or_name.as_ref().is_some_and(|name| {
            matches!(
                commands::builtin(&name.value),
                Some(Builtin::Export | Builtin::Declare | Builtin::Local)
            )
        });
        let mut declared: Vec<Option<&Assignment>> = Vec::new();
        let mut redirects: Vec<&IoRedirect> = Vec::new();
        // `{name}>file`: the redirects (by their place in `redirects`) whose descriptor is
        // chosen when they are made and stored in a variable.
        let mut named: Vec<(usize, &str)> = Vec::new();
        let mut pending_name: Option<&str> = None;
        for item in simple.prefix.iter().flat_map(|p| p.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, _) => {
                    assignments.push(assignment);
                }
                CommandPrefixOrSuffixItem::IoRedirect(redirect) => {
                    if let Some(name) = pending_name.take() {
                        named.push((redirects.len(), name));
                    }
                    redirects.push(redirect);
                }
                CommandPrefixOrSuffixItem::Word(word) if named_fd(&word.value).is_some() => {
                    pending_name = named_fd(&word.value);
                }
                CommandPrefixOrSuffixItem::Word(word) => words.push(word.clone()),
                CommandPrefixOrSuffixItem::ProcessSubstitution(kind, subshell) => {
                    if !self
                        .substitution_word(state, io, (kind, subshell), made, &mut words)
                        .await?
                    {
                        return Ok(1);
                    }
                }
            }
        }
        declared.resize(words.len(), None);
        match &simple.word_or_name {
            Some(name) if named_fd(&name.value).is_some() => pending_name = named_fd(&name.value),
            Some(name) => {
                words.push(name.clone());
                declared.push(None);
            }
            None => {}
        }
        for item in simple.suffix.iter().flat_map(|s| s.0.iter()) {
            match item {
                CommandPrefixOrSuffixItem::IoRedirect(redirect) => {
                    if let Some(name) = pending_name.take() {
                        named.push((redirects.len(), name));
                    }
                    redirects.push(redirect);
                }
                CommandPrefixOrSuffixItem::Word(word) if named_fd(&word.value).is_some() => {
                    pending_name = named_fd(&word.value);
                }
                CommandPrefixOrSuffixItem::Word(word) => {
                    words.push(word.clone());
                    declared.push(None);
                }
                CommandPrefixOrSuffixItem::AssignmentWord(assignment, word) => {
                    words.push(word.clone());
                    declared.push(declares.then_some(assignment));
                }
                CommandPrefixOrSuffixItem::ProcessSubstitution(kind, subshell) => {
                    if !self
                        .substitution_word(state, io, (kind, subshell), made, &mut words)
                        .await?
                    {
                        return Ok(1);
                    }
                    declared.push(None);
                }
            }
        }
        state.last_status_before = state.last_status;
        let argv = if declared.iter().any(Option::is_some) {
            let mut argv = Vec::with_capacity(words.len());
            // `declare -A m=(…)`: the literal is read as the associative array it becomes.
            let declares_assoc = words.iter().zip(&declared).any(|(word, assignment)| {
                assignment.is_none()
                    && word
                        .value
                        .strip_prefix('-')
                        .is_some_and(|flags| flags.contains('A'))
            });
            for (word, assignment) in words.iter().zip(&declared) {
                if let Some(assignment) = assignment {
                    argv.push(
                        self.declaration(state, io, assignment, declares_assoc)
                            .await?,
                    );
                } else {
                    argv.extend(
                        self.expand_words(state, io, std::slice::from_ref(word))
                            .await?,
                    );
                }
            }
            argv
        } else {
            self.expand_words(state, io, &words).await?
        };
        let Some(mut redirects) = self
            .substitute_write_redirects(state, io, redirects.iter().copied(), made)
            .await?
        else {
            return Ok(1);
        };
        let mut opened_named = Vec::new();
        if !named.is_empty() {
            match self.name_descriptors(state, io, &mut redirects, &named) {
                Some(opened) => opened_named = opened,
                None => return Ok(1),
            }
        }
        if argv.len() == 1 && argv[0] == "exec" && !redirects.is_empty() {
            // `exec >file`, `exec 3<file`, `exec 3>&-`: the shell's own descriptors, for the
            // rest of the line (the lists that run it pick them up).
            let Some(changed) = self.redirected(state, io, &redirects).await? else {
                return Ok(1);
            };
            state.exec_io = Some(changed);
            state.exec_changes += 1;
            return Ok(0);
        }
        // Prefix assignments apply to this command only (builtins and functions see them
        // too); each value is expanded after the ones before it are stored (`a=1 b=$a`), and
        // before the redirections are made.
        let saved: Vec<(String, Option<super::state::Variable>)> = if argv.is_empty() {
            Vec::new()
        } else {
            assignments
                .iter()
                .map(|a| {
                    // A reference's assignment changes what it stands for: that is saved.
                    let name = state.target(&assignment_name(a)).to_string();
                    let saved = state.own_variable(&name).cloned();
                    (name, saved)
                })
                .collect()
        };
        let restore = |state: &mut ShellState, saved: Vec<(String, Option<_>)>| {
            for (name, old) in saved {
                state.restore(name, old);
            }
        };
        for assignment in &assignments {
            // `a[i++]=v`, `a[$(cmd)]=v`: the subscript is evaluated once, here.
            let resolved = match self.resolved_assignment(state, io, assignment).await {
                Ok(resolved) => resolved,
                Err(unwind) => {
                    restore(state, saved);
                    return Err(unwind);
                }
            };
            let assignment = resolved.as_ref().unwrap_or(assignment);
            let value = match self.assignment_value(state, io, assignment).await {
                // `B=(b c) cmd`: the command's environment holds the literal's text.
                Ok(Assigned::List(_)) if !argv.is_empty() => {
                    Assigned::Text(assignment.value.to_string())
                }
                Ok(value) => value,
                Err(unwind) => {
                    restore(state, saved);
                    return Err(unwind);
                }
            };
            if let Err(refused) = assign(state, assignment, value) {
                restore(state, saved);
                return Err(self.assignment_refused(io, &refused));
            }
            if !argv.is_empty() {
                state.export(&assignment_name(assignment));
            }
        }
        // The trace goes to the shell's stderr, before the command's redirections.
        if state.options.xtrace && !argv.is_empty() {
            let ps4 = state
                .get("PS4")
                .map_or("+ ".to_string(), |v| v.scalar().to_string());
            io.report(&format!("{ps4}{}\n", argv.join(" ")));
        }
        let outer = io;
        let Some(io) = self.redirected(state, io, &redirects).await? else {
            restore(state, saved);
            return Ok(1);
        };
        if !opened_named.is_empty() {
            // `{name}>file` stays open after the command, as bash leaves it (until `{name}>&-`).
            let mut shell = state.exec_io.clone().unwrap_or_else(|| outer.clone());
            shell.adopt(&io, &opened_named);
            state.exec_io = Some(shell);
            state.exec_changes += 1;
        }
        if argv.is_empty() {
            // A bare assignment's status is that of its last command substitution.
            return Ok(if state.last_status != state.last_status_before {
                state.last_status
            } else {
                0
            });
        }
        // A function sees its prefix assignments as a scope of their own: `unset` in it
        // uncovers the value they hid, as it does a caller's local.
        let scoped = !saved.is_empty() && state.functions.contains_key(&argv[0]);
        if scoped {
            state.locals.push(saved.clone());
        }
        let result = self.run_argv(state, &io, argv).await;
        if scoped {
            state.locals.pop();
        }
        state.declarations.clear();
        restore(state, saved);
        result
    }

    /// Runs an expanded command: a function, a builtin, or a toolset command.
    pub(crate) fn run_argv<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        argv: Vec<String>,
    ) -> Running<'f> {
        self.run_argv_looking(state, io, argv, true)
    }

    /// [`Self::run_argv`]; `functions` false for `command NAME`, which looks past a function
    /// of that name (what NAME runs still sees the functions).
    fn run_argv_looking<'f>(
        &'f self,
        state: &'f mut ShellState,
        io: &'f Io,
        argv: Vec<String>,
        functions: bool,
    ) -> Running<'f> {
        Box::pin(async move {
            let name = argv[0].as_str();
            if functions && let Some(body) = state.functions.get(name).cloned() {
                return self.call_function(state, io, &body, argv).await;
            }
            // The router checked the line's names before it ran; names that only exist now
            // (from variables, files, xargs input) meet the same deny rules here.
            if let Some((rule, reason)) = self.policy.routing.denial(script::basename(name)) {
                io.report(&format!("zonebox: denied: {name}: {reason} [{rule}]\n"));
                return Ok(exit::DENIED);
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
                return Ok(exit::NOT_FOUND);
            }
            // `shopt -s xpg_echo`: echo reads escapes without `-e`.
            if tool == "echo"
                && state.options.get(super::options::Family::Shopt, "xpg_echo") == Some(true)
            {
                let mut argv = argv;
                argv.insert(1, "-e".to_string());
                return Ok(self.run_tool(state, io, &argv).await);
            }
            Ok(self.run_tool(state, io, &argv).await)
        })
    }

    /// A command given as a path to a file in a zone: a shell script runs in this shell's
    /// `sh`, a script for a toolset interpreter (`#!/usr/bin/awk -f`) in that tool; anything
    /// else cannot run in wasm. `None` when no zone holds such a file (the basename decides).
    async fn run_path(&self, state: &mut ShellState, io: &Io, argv: &[String]) -> Option<Status> {
        use crate::zones::ScriptFiles;
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
            return Some(Ok(exit::CANNOT_RUN));
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
                return Some(Ok(exit::CANNOT_RUN));
            }
            ScriptKind::Binary => {
                io.report(&format!(
                    "sh: {path}: a native executable cannot run in the wasm sandbox\n"
                ));
                return Some(Ok(exit::CANNOT_RUN));
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
        // The caller's loops are not this function's to leave.
        let loops = std::mem::take(&mut state.loops);
        state.returnable += 1;
        let traps = state
            .traps
            .enter_function(state.options.errtrace, state.options.functrace);
        super::calls::push(state, &argv[0], None);
        let base = std::mem::replace(&mut state.line_base, 0);
        let redirects = body.1.as_ref().map_or(&[][..], |r| &r.0[..]);
        let result = match self.redirected(state, io, redirects).await {
            Ok(Some(io)) => {
                let result = self.run_compound(state, &io, &body.0).await;
                self.fire_return(state, &io, &result).await;
                result
            }
            Ok(None) => Ok(1),
            Err(unwind) => Err(unwind),
        };
        state.line_base = base;
        super::calls::pop(state);
        state.traps.leave_function(traps);
        state.loops = loops;
        state.returnable -= 1;
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

    /// Runs a toolset command through the line's tool runner, under the line's limits.
    pub(crate) async fn run_tool(&self, state: &ShellState, io: &Io, argv: &[String]) -> i32 {
        let slot = match self.reserve(1) {
            Ok(slot) => slot,
            Err(unwind) => return status_of(Err(unwind)),
        };
        let mut argv = argv.to_vec();
        argv[0] = argv[0].rsplit('/').next().unwrap_or_default().to_string();
        let fuel = self.line.fuel();
        if fuel == Some(0) {
            drop(slot);
            let _ = self.abort(LimitKind::Cpu.into());
            return exit::KILLED;
        }
        let env = state.environment();
        let call = ToolCall {
            argv: &argv,
            env: &env,
            workdir: &state.cwd,
            stdin: io.stdin(),
            stdout: io.stdout(),
            stderr: io.stderr(),
            deadline: self.line.deadline(),
            fuel,
        };
        let outcome = self.tools.run(call).await;
        drop(slot);
        match outcome {
            Ok(outcome) => {
                self.line.spend_fuel(outcome.fuel_used);
                match outcome.stopped {
                    // The wall clock and the CPU budget are the line's: the line ends, and
                    // reports them once, at its end.
                    Some(Stopped::Limit(LimitKind::WallClock)) => {
                        self.line.record(LimitKind::WallClock.into())
                    }
                    Some(Stopped::Limit(LimitKind::Cpu)) => {
                        let _ = self.abort(LimitKind::Cpu.into());
                    }
                    Some(stopped) => {
                        let note = stopped.describe(&self.policy.limits, &argv[0]);
                        io.report(&format!("zonebox: {note}\n"));
                        self.line.record(stopped);
                    }
                    None => {}
                }
                outcome.exit_code
            }
            Err(error) => {
                io.report(&format!("zonebox: {}: {error}\n", argv[0]));
                exit::CANNOT_RUN
            }
        }
    }
}

impl Interp<'_> {
    /// An assignment statement that failed (a read-only variable): bash abandons the rest of
    /// the complete command with status 1.
    fn assignment_refused(&self, io: &Io, refused: &Refused) -> Unwind {
        io.report(&format!("sh: {refused}\n"));
        Unwind::Abort(1)
    }

    /// A wrapper that refuses its arguments (xargs, `find -exec`): its message, status 1.
    pub(crate) fn refused(&self, io: &Io, refusal: Refusal<'_, String>) -> i32 {
        match refusal {
            Refusal::Invalid(message) => io.report(&format!("{message}\n")),
            // An interpreter's arguments are always known; say so rather than run anything.
            Refusal::Unknown(arg) => io.report(&format!("sh: {arg}: an argument not known\n")),
        }
        1
    }

    /// Runs `argv` in a copy of `state` without its functions (in `cwd` when given), as xargs
    /// and `find -exec` start their commands: the command's status.
    pub(crate) async fn run_in_child(
        &self,
        state: &ShellState,
        io: &Io,
        argv: Vec<String>,
        cwd: Option<String>,
    ) -> i32 {
        let mut child = state.clone();
        child.functions.clear();
        child.recharge_tables();
        if let Some(cwd) = cwd {
            child.set_cwd(&cwd);
        }
        status_of(self.run_argv(&mut child, io, argv).await)
    }

    /// Runs `argv` as `command` does: no shell function of that name is looked up.
    pub(crate) async fn run_without_functions(
        &self,
        state: &mut ShellState,
        io: &Io,
        argv: Vec<String>,
    ) -> Status {
        self.run_argv_looking(state, io, argv, false).await
    }
}
