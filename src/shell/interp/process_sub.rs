//! Process substitution, `<(…)` and `>(…)`, over the zones: the toolset opens files, not
//! descriptors, so `<(cmd)` runs `cmd` first (its output held under the line's output cap and
//! the shell memory budget) and becomes the path of a file holding that output in a scratch
//! zone; `>(cmd)` becomes the path of an empty file there, and `cmd` reads what the command
//! wrote when the command has ended. The files are removed when the command ends. A policy
//! without a scratch zone has nowhere to put them: the command fails with a message.

use super::exec::{Interp, Io, Unwind, status_of};
use super::state::ShellState;
use crate::policy::ZoneMode;
use crate::stdio::Input;
use crate::zones::OpenFor;
use brush_parser::ast::{
    IoFileRedirectKind, IoFileRedirectTarget, IoRedirect, ProcessSubstitutionKind, SubshellCommand,
};
use std::io::Write;

/// The files of one command's process substitutions, and the `>(…)` commands to run after it.
#[derive(Default)]
pub(super) struct Substitutions<'c> {
    files: Vec<String>,
    readers: Vec<(String, &'c SubshellCommand)>,
}

impl Substitutions<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Interp<'_> {
    /// Runs `<(…)` now, or prepares `>(…)`: the path the command gets in its place. `Err(Ok(msg))`
    /// when no file can be made.
    pub(super) async fn process_substitution<'c>(
        &self,
        state: &ShellState,
        io: &Io,
        kind: &ProcessSubstitutionKind,
        subshell: &'c SubshellCommand,
        made: &mut Substitutions<'c>,
    ) -> Result<Result<String, String>, Unwind> {
        let Some(scratch) = self
            .policy
            .zones
            .iter()
            .find(|zone| zone.mode == ZoneMode::Scratch)
        else {
            return Ok(Err(
                "process substitution needs a scratch zone for its file; this policy has none"
                    .to_string(),
            ));
        };
        let number = self.next_substitution();
        let path = format!(
            "{}/.zonebox-substitution-{number}",
            scratch.guest.trim_end_matches('/')
        );
        let bytes = match kind {
            ProcessSubstitutionKind::Read => self.substitution_output(state, io, subshell).await?,
            ProcessSubstitutionKind::Write => Vec::new(),
        };
        let Ok(_held) = self.budget.charge(bytes.len()) else {
            return Err(self.out_of_memory());
        };
        let written = self
            .zones
            .open(&path, OpenFor::Truncate)
            .and_then(|mut file| file.write_all(&bytes));
        if let Err(error) = written {
            return Ok(Err(format!("{path}: {}", crate::zones::describe(&error))));
        }
        made.files.push(path.clone());
        if matches!(kind, ProcessSubstitutionKind::Write) {
            made.readers.push((path.clone(), subshell));
        }
        Ok(Ok(path))
    }

    /// What `cmd` of `<(cmd)` (or `< <(cmd)`) writes: run in a subshell, kept under the line's
    /// output cap.
    pub(super) async fn substitution_output(
        &self,
        state: &ShellState,
        io: &Io,
        subshell: &SubshellCommand,
    ) -> Result<Vec<u8>, Unwind> {
        let limit = self.line.output_cap();
        let (sub_io, capture) = io.with_captured_stdout(limit);
        let mut sub = state.clone();
        status_of(self.run_list(&mut sub, &sub_io, &subshell.list).await);
        self.check_limits()?;
        Ok(capture.finish(limit).0)
    }

    /// A process substitution among a command's words (`diff <(…) <(…)`): the path pushed
    /// onto `words`, or `Ok(false)` after a message when it could not be made.
    pub(super) async fn substitution_word<'c>(
        &self,
        state: &ShellState,
        io: &Io,
        (kind, subshell): (&ProcessSubstitutionKind, &'c SubshellCommand),
        made: &mut Substitutions<'c>,
        words: &mut Vec<brush_parser::ast::Word>,
    ) -> Result<bool, Unwind> {
        match self
            .process_substitution(state, io, kind, subshell, made)
            .await?
        {
            Ok(path) => {
                words.push(path.into());
                Ok(true)
            }
            Err(message) => {
                io.report(&format!("sh: {message}\n"));
                Ok(false)
            }
        }
    }

    /// A command's redirects with each `> >(cmd)` (`2>> >(cmd)`, …) made a file in the scratch
    /// zone, which `cmd` reads once the command has ended (as `>(cmd)` among words does);
    /// `None` after a message when one cannot be made.
    pub(super) async fn substitute_write_redirects<'c>(
        &self,
        state: &mut ShellState,
        io: &Io,
        redirects: impl Iterator<Item = &'c IoRedirect>,
        made: &mut Substitutions<'c>,
    ) -> Result<Option<Vec<IoRedirect>>, Unwind> {
        let mut rewritten = Vec::new();
        for redirect in redirects {
            if let IoRedirect::File(
                fd,
                kind @ (IoFileRedirectKind::Write
                | IoFileRedirectKind::Append
                | IoFileRedirectKind::Clobber),
                IoFileRedirectTarget::ProcessSubstitution(
                    substitution @ ProcessSubstitutionKind::Write,
                    subshell,
                ),
            ) = redirect
            {
                match self
                    .process_substitution(state, io, substitution, subshell, made)
                    .await?
                {
                    Ok(path) => rewritten.push(IoRedirect::File(
                        *fd,
                        kind.clone(),
                        IoFileRedirectTarget::Filename(path.into()),
                    )),
                    Err(message) => {
                        io.report(&format!("sh: {message}\n"));
                        return Ok(None);
                    }
                }
            } else {
                rewritten.push(redirect.clone());
            }
        }
        Ok(Some(rewritten))
    }

    /// A command's status once its substitutions are done: the files go whatever the command
    /// did, and each `>(…)` reads what was written for it (its output on `io`).
    pub(super) async fn after_substitutions(
        &self,
        state: &ShellState,
        io: &Io,
        made: Substitutions<'_>,
        result: super::exec::Status,
    ) -> super::exec::Status {
        if made.is_empty() {
            return result;
        }
        let finished = self.finish_substitutions(state, io, made).await;
        match (result, finished) {
            (Err(unwind), _) | (Ok(_), Err(unwind)) => Err(unwind),
            (Ok(status), Ok(())) => Ok(status),
        }
    }

    /// After the command: each `>(…)` reads what was written for it; then the files go.
    pub(super) async fn finish_substitutions(
        &self,
        state: &ShellState,
        io: &Io,
        made: Substitutions<'_>,
    ) -> Result<(), Unwind> {
        let limit = self.line.output_cap().min(self.budget.available() as u64);
        for (path, subshell) in made.readers {
            let bytes = self.zones.read_file(&path, limit).unwrap_or_default();
            let mut sub_io = io.clone();
            sub_io.set_stdin(Input::bytes(bytes));
            let mut sub = state.clone();
            status_of(self.run_list(&mut sub, &sub_io, &subshell.list).await);
        }
        for path in made.files {
            let _ = self.zones.remove_file(&path);
        }
        self.check_limits()
    }
}
