//! Compound commands: `{ …; }`, `( … )`, `if`, `while`/`until`, `for`, `for ((…))`, `((…))` and
//! `case`, with `break N`/`continue N` applied to the loop they ran in.

use super::arith;
use super::exec::{Interp, Io, Status, Unwind};
use super::select::SELECT_MARK;
use super::state::ShellState;
use crate::shell::parse::EMPTY_LIST_MARK;
use brush_parser::ast::{CaseItemPostAction, CompoundCommand};

/// How a loop goes on after its body.
pub(super) enum AfterBody {
    Next(i32),
    Continue,
    Break,
}

/// Applies `break N` / `continue N` to the loop the body ran in (passing what is left outwards).
pub(super) fn after_body(result: Status) -> Result<AfterBody, Unwind> {
    match result {
        Ok(status) => Ok(AfterBody::Next(status)),
        Err(Unwind::Break(n)) if n > 1 => Err(Unwind::Break(n - 1)),
        Err(Unwind::Break(_)) => Ok(AfterBody::Break),
        Err(Unwind::Continue(n)) if n > 1 => Err(Unwind::Continue(n - 1)),
        Err(Unwind::Continue(_)) => Ok(AfterBody::Continue),
        Err(other) => Err(other),
    }
}

impl Interp<'_> {
    pub(super) async fn run_compound(
        &self,
        state: &mut ShellState,
        io: &Io,
        compound: &CompoundCommand,
    ) -> Status {
        match compound {
            CompoundCommand::BraceGroup(group) => self.run_list(state, io, &group.list).await,
            CompoundCommand::Subshell(sub) => {
                let mut inner = state.clone();
                let result = self.run_list(&mut inner, io, &sub.list).await;
                if let Ok(status) | Err(Unwind::Exit(status)) | Err(Unwind::Abort(status)) = result
                {
                    inner.last_status = status;
                    self.fire_exit(&mut inner, io).await;
                    return Ok(status);
                }
                result
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
            CompoundCommand::WhileClause(_)
            | CompoundCommand::UntilClause(_)
            | CompoundCommand::ForClause(_)
            | CompoundCommand::ArithmeticForClause(_) => {
                state.loops += 1;
                let result = self.run_loop(state, io, compound).await;
                state.loops -= 1;
                result
            }
            CompoundCommand::Arithmetic(command) => {
                if let Some(message) = arith::unquoted_error(&command.expr.value) {
                    io.report(&format!("sh: ((: {message}\n"));
                    return Ok(1);
                }
                let text = self.expand_string(state, io, &command.expr.value).await?;
                match arith::evaluate(&text, state) {
                    Ok(value) => Ok(i32::from(value == 0)),
                    Err(message) if message.ends_with(arith::UNBOUND) => {
                        Err(self.fail_expansion(io, &message))
                    }
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

    /// One pass of a loop's body: once an `exec` in the loop changed the shell's own
    /// descriptors (`exec {fd}>f`, `exec 3<f`), with those.
    pub(super) async fn run_pass(
        &self,
        state: &mut ShellState,
        io: &Io,
        list: &brush_parser::ast::CompoundList,
        entry: u64,
    ) -> Status {
        if state.exec_changes != entry
            && let Some(changed) = state.exec_io.clone()
        {
            return self.run_list(state, &changed, list).await;
        }
        self.run_list(state, io, list).await
    }

    /// A `while`, `until`, `for` or `for ((…))` loop, run with the shell's loop count raised.
    async fn run_loop(
        &self,
        state: &mut ShellState,
        io: &Io,
        compound: &CompoundCommand,
    ) -> Status {
        let entry = state.exec_changes;
        match compound {
            CompoundCommand::WhileClause(clause) | CompoundCommand::UntilClause(clause) => {
                let until = matches!(compound, CompoundCommand::UntilClause(_));
                let mut status = 0;
                loop {
                    // `while break; do …` leaves the loop from its condition.
                    let test = match after_body(self.run_condition(state, io, &clause.0).await)? {
                        AfterBody::Next(test) => test,
                        AfterBody::Continue => continue,
                        AfterBody::Break => break,
                    };
                    if (test == 0) == until {
                        break;
                    }
                    match after_body(self.run_pass(state, io, &clause.1.list, entry).await)? {
                        AfterBody::Next(s) => status = s,
                        AfterBody::Continue => {}
                        AfterBody::Break => break,
                    }
                }
                Ok(status)
            }
            CompoundCommand::ForClause(clause) => {
                let written = clause.variable_name.as_str();
                let (name, select, no_words) = match written.strip_prefix(EMPTY_LIST_MARK) {
                    Some(name) => (name, false, true),
                    None => match written.strip_prefix(SELECT_MARK) {
                        Some(name) => (name, true, false),
                        None => (written, false, false),
                    },
                };
                if !super::state::is_name(name) {
                    io.report(&format!("sh: `{name}': not a valid identifier\n"));
                    return Err(Unwind::Exit(1));
                }
                let values = match &clause.values {
                    Some(words) => self.expand_words(state, io, words).await?,
                    None if no_words => Vec::new(),
                    None => state.positional.clone(),
                };
                if select {
                    return self
                        .run_select(state, io, name, &values, &clause.body.list)
                        .await;
                }
                let mut status = 0;
                // A reference as the loop's name stands for each word in turn.
                let references = state
                    .own_variable(&clause.variable_name)
                    .is_some_and(|v| v.attributes.nameref);
                for value in values {
                    if references {
                        state.store(&clause.variable_name, super::state::Value::Scalar(value));
                    } else {
                        state.set_scalar(&clause.variable_name, value);
                    }
                    match after_body(self.run_pass(state, io, &clause.body.list, entry).await)? {
                        AfterBody::Next(s) => status = s,
                        AfterBody::Continue => {}
                        AfterBody::Break => break,
                    }
                }
                Ok(status)
            }
            CompoundCommand::ArithmeticForClause(clause) => {
                let eval = |state: &mut ShellState, text: &str| arith::evaluate(text, state);
                let written = [&clause.initializer, &clause.condition, &clause.updater];
                if let Some(message) = written
                    .iter()
                    .filter_map(|part| part.as_ref())
                    .find_map(|part| arith::unquoted_error(&part.value))
                {
                    io.report(&format!("sh: ((: {message}\n"));
                    return Ok(1);
                }
                if let Some(init) = &clause.initializer {
                    let text = self.expand_string(state, io, &init.value).await?;
                    eval(state, &text).map_err(|e| self.fail_expansion(io, &e))?;
                }
                let mut status = 0;
                loop {
                    if let Some(condition) = &clause.condition {
                        let text = self.expand_string(state, io, &condition.value).await?;
                        // An empty condition (`for (( ; ; ))`) is true.
                        if !text.trim().is_empty()
                            && eval(state, &text).map_err(|e| self.fail_expansion(io, &e))? == 0
                        {
                            break;
                        }
                    }
                    match after_body(self.run_pass(state, io, &clause.body.list, entry).await)? {
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
            _ => Ok(0),
        }
    }
}
