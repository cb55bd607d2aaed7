//! Redirections: a command's file descriptors (0–255) and how `<`, `>`, `>>`, `<>`, `>|`, `&>`,
//! `N>&M`, `N<&-`, here-documents and here-strings change them. Files are opened through the
//! zones ([`ZoneFs`](crate::zones::ZoneFs)): a redirect into an `ro` zone or outside every zone
//! fails as sh's would, and creates nothing.

use super::exec::{Interp, Unwind};
use super::state::ShellState;
use crate::stdio::{CapturedOutput, Input, Output};
use crate::zones::{OpenFor, describe, normalize};
use brush_parser::ast::{
    IoFileRedirectKind, IoFileRedirectTarget, IoRedirect, ProcessSubstitutionKind,
};

/// The highest file descriptor a redirect may name.
pub(crate) const MAX_FD: usize = 255;

/// Where `{name}>file` looks for a free descriptor (bash's first).
pub(crate) const FIRST_NAMED_FD: usize = 10;

#[derive(Clone)]
enum Endpoint {
    In(Input),
    Out(Output),
    /// `N<>file`: one open file read and written (the two share its offset).
    Both(Input, Output),
}

/// A command's open file descriptors, by number (at least 0, 1 and 2; more as redirects
/// open them, up to [`MAX_FD`]).
#[derive(Clone)]
pub(crate) struct Fds {
    slots: Vec<Option<Endpoint>>,
}

impl Fds {
    pub(crate) fn new(stdin: Input, stdout: Output, stderr: Output) -> Fds {
        let slots = vec![
            Some(Endpoint::In(stdin)),
            Some(Endpoint::Out(stdout)),
            Some(Endpoint::Out(stderr)),
        ];
        Fds { slots }
    }

    fn input(&self, fd: usize) -> Input {
        match self.at(fd) {
            Some(Endpoint::In(input) | Endpoint::Both(input, _)) => input.clone(),
            _ => Input::empty(),
        }
    }

    fn output(&self, fd: usize) -> Output {
        match self.at(fd) {
            Some(Endpoint::Out(output) | Endpoint::Both(_, output)) => output.clone(),
            _ => Output::null(),
        }
    }

    fn at(&self, fd: usize) -> Option<&Endpoint> {
        self.slots.get(fd).and_then(Option::as_ref)
    }

    /// Opens (or with `None` closes) descriptor `fd`, at most [`MAX_FD`].
    fn put(&mut self, fd: usize, endpoint: Option<Endpoint>) {
        if fd >= self.slots.len() {
            if endpoint.is_none() {
                return;
            }
            self.slots.resize(fd + 1, None);
        }
        self.slots[fd] = endpoint;
    }

    /// Takes descriptors `fds` as `from` holds them.
    pub(crate) fn adopt(&mut self, from: &Fds, fds: &[usize]) {
        for &fd in fds {
            self.put(fd, from.at(fd).cloned());
        }
    }

    /// The lowest closed descriptor from [`FIRST_NAMED_FD`] not in `taken` (what `{name}>file`
    /// opens), if one is left.
    pub(crate) fn free_named_fd(&self, taken: &[usize]) -> Option<usize> {
        (FIRST_NAMED_FD..=MAX_FD).find(|fd| self.at(*fd).is_none() && !taken.contains(fd))
    }

    /// The input descriptor `fd` holds, if it holds one (`read -u FD`).
    pub(crate) fn input_at(&self, fd: usize) -> Option<Input> {
        match self.at(fd)? {
            Endpoint::In(input) | Endpoint::Both(input, _) => Some(input.clone()),
            Endpoint::Out(_) => None,
        }
    }

    pub(crate) fn stdin(&self) -> Input {
        self.input(0)
    }

    pub(crate) fn stdout(&self) -> Output {
        self.output(1)
    }

    pub(crate) fn stderr(&self) -> Output {
        self.output(2)
    }

    pub(crate) fn set_stdin(&mut self, input: Input) {
        self.slots[0] = Some(Endpoint::In(input));
    }

    pub(crate) fn set_stdout(&mut self, output: Output) {
        self.slots[1] = Some(Endpoint::Out(output));
    }

    /// `&>`: stdout and stderr to the same place.
    fn set_stdout_and_stderr(&mut self, output: Output) {
        self.slots[1] = Some(Endpoint::Out(output.clone()));
        self.slots[2] = Some(Endpoint::Out(output));
    }

    /// A copy whose stdout is captured (at most `limit` bytes kept), with the capture: for
    /// `$(…)`, `printf -v` and the listing `find -exec` works from.
    pub(crate) fn with_captured_stdout(&self, limit: u64) -> (Fds, CapturedOutput) {
        let capture = CapturedOutput::new("stdout", limit);
        let mut fds = self.clone();
        fds.set_stdout(Output::capture(capture.clone()));
        (fds, capture)
    }

    /// Writes a shell message to stderr at once (a full pipe takes it anyway).
    pub(crate) fn report(&self, message: &str) {
        self.stderr().write_without_waiting(message.as_bytes());
    }
}

/// The descriptor a device path names (`/dev/stdin`, `/dev/stdout`, `/dev/stderr`,
/// `/dev/fd/N`): a redirect to it duplicates that descriptor, as bash does.
fn device_fd(cwd: &str, path: &str) -> Option<usize> {
    match normalize(cwd, path).as_str() {
        "/dev/stdin" => Some(0),
        "/dev/stdout" => Some(1),
        "/dev/stderr" => Some(2),
        other => other.strip_prefix("/dev/fd/")?.parse().ok(),
    }
}

fn fd_number(fd: Option<i32>, default: usize) -> Result<usize, String> {
    match fd {
        None => Ok(default),
        Some(n) if (0..=MAX_FD as i32).contains(&n) => Ok(n as usize),
        Some(n) => Err(format!(
            "{n}: bad file descriptor (zonebox allows 0 to {MAX_FD})"
        )),
    }
}

impl Interp<'_> {
    /// Applies one redirect to `io`; `Ok(Err(message))` when it fails as sh reports.
    pub(crate) async fn apply_redirect(
        &self,
        state: &mut ShellState,
        io: &mut Fds,
        redirect: &IoRedirect,
    ) -> Result<Result<(), String>, Unwind> {
        match redirect {
            IoRedirect::File(fd, kind, target) => {
                self.apply_file_redirect(state, io, *fd, kind, target).await
            }
            IoRedirect::HereDocument(fd, doc) => {
                let fd = match fd_number(*fd, 0) {
                    Ok(fd) => fd,
                    Err(message) => return Ok(Err(message)),
                };
                let mut text = if doc.requires_expansion {
                    self.expand_heredoc(state, io, &doc.doc.value).await?
                } else {
                    doc.doc.value.clone()
                };
                if doc.remove_tabs {
                    text = text
                        .split_inclusive('\n')
                        .map(|line| line.trim_start_matches('\t'))
                        .collect();
                }
                io.put(fd, Some(Endpoint::In(Input::bytes(text))));
                Ok(Ok(()))
            }
            IoRedirect::HereString(fd, word) => {
                let fd = match fd_number(*fd, 0) {
                    Ok(fd) => fd,
                    Err(message) => return Ok(Err(message)),
                };
                let text = self.expand_string(state, io, &word.value).await?;
                io.put(fd, Some(Endpoint::In(Input::bytes(text + "\n"))));
                Ok(Ok(()))
            }
            IoRedirect::OutputAndError(word, append) => {
                let path = self.expand_string(state, io, &word.value).await?;
                if let Some(source) = device_fd(&state.cwd, &path) {
                    return Ok(match io.at(source).cloned() {
                        Some(Endpoint::Out(output)) => {
                            io.set_stdout_and_stderr(output);
                            Ok(())
                        }
                        _ => Err(format!("{path}: Bad file descriptor")),
                    });
                }
                let how = if *append {
                    OpenFor::Append
                } else {
                    OpenFor::Truncate
                };
                if !*append && state.options.noclobber && self.is_regular_file(state, &path) {
                    return Ok(Err(format!("{path}: cannot overwrite existing file")));
                }
                match self.open_output(state, &path, how) {
                    Ok(output) => {
                        io.set_stdout_and_stderr(output);
                        Ok(Ok(()))
                    }
                    Err(message) => Ok(Err(message)),
                }
            }
        }
    }

    async fn apply_file_redirect(
        &self,
        state: &mut ShellState,
        io: &mut Fds,
        fd: Option<i32>,
        kind: &IoFileRedirectKind,
        target: &IoFileRedirectTarget,
    ) -> Result<Result<(), String>, Unwind> {
        let reads = matches!(
            kind,
            IoFileRedirectKind::Read
                | IoFileRedirectKind::ReadAndWrite
                | IoFileRedirectKind::DuplicateInput
        );
        let fd = match fd_number(fd, if reads { 0 } else { 1 }) {
            Ok(fd) => fd,
            Err(message) => return Ok(Err(message)),
        };
        let target_text = match target {
            // Split and globbed as a word, which must give one field (`> $two_words` and
            // `>& "$@"` of two are errors, as bash's).
            IoFileRedirectTarget::Filename(word) | IoFileRedirectTarget::Duplicate(word) => {
                let mut fields = self
                    .expand_words(state, io, std::slice::from_ref(word))
                    .await?;
                if fields.len() != 1 {
                    return Ok(Err(format!("{}: ambiguous redirect", word.value)));
                }
                fields.remove(0)
            }
            IoFileRedirectTarget::Fd(n) => n.to_string(),
            IoFileRedirectTarget::ProcessSubstitution(ProcessSubstitutionKind::Read, subshell)
                if matches!(kind, IoFileRedirectKind::Read) =>
            {
                // `< <(cmd)`: the command's output is the input.
                let bytes = self.substitution_output(state, io, subshell).await?;
                io.put(fd, Some(Endpoint::In(Input::bytes(bytes))));
                return Ok(Ok(()));
            }
            IoFileRedirectTarget::ProcessSubstitution(..) => {
                return Ok(Err(
                    "process substitution as a redirect of a compound command or to read \
                     (`{ …; } > >(…)`, `> <(…)`) is not supported by the zonebox shell; pipe \
                     into the command instead"
                        .to_string(),
                ));
            }
        };
        let duplicating = matches!(
            kind,
            IoFileRedirectKind::DuplicateInput | IoFileRedirectKind::DuplicateOutput
        ) || matches!(target, IoFileRedirectTarget::Fd(_));
        if duplicating {
            if target_text == "-" {
                io.put(fd, None);
                return Ok(Ok(()));
            }
            // `N>&M-`: M moved to N (and closed).
            if let Some(source) = target_text
                .strip_suffix('-')
                .and_then(|t| t.parse::<usize>().ok())
            {
                let Some(endpoint) = io.at(source).cloned() else {
                    return Ok(Err(format!("{source}: Bad file descriptor")));
                };
                io.put(fd, Some(endpoint));
                if source != fd {
                    io.put(source, None);
                }
                return Ok(Ok(()));
            }
            if let Ok(source) = target_text.parse::<usize>() {
                let Some(endpoint) = io.at(source).cloned() else {
                    return Ok(Err(format!("{source}: Bad file descriptor")));
                };
                io.put(fd, Some(endpoint));
                return Ok(Ok(()));
            }
            if matches!(kind, IoFileRedirectKind::DuplicateOutput) && fd == 1 {
                // `>&file` is `&>file`.
                return match self.open_output(state, &target_text, OpenFor::Truncate) {
                    Ok(output) => {
                        io.set_stdout_and_stderr(output);
                        Ok(Ok(()))
                    }
                    Err(message) => Ok(Err(message)),
                };
            }
            return Ok(Err(format!("{target_text}: ambiguous redirect")));
        }
        if let Some(source) = device_fd(&state.cwd, &target_text) {
            let Some(endpoint) = io.at(source).cloned() else {
                return Ok(Err(format!("{target_text}: Bad file descriptor")));
            };
            io.put(fd, Some(endpoint));
            return Ok(Ok(()));
        }
        let result = match kind {
            IoFileRedirectKind::Read => self.open_input(state, &target_text).map(Endpoint::In),
            IoFileRedirectKind::ReadAndWrite => self
                .open_file(state, &target_text, OpenFor::ReadWrite)
                .and_then(|file| {
                    let writer = file
                        .try_clone()
                        .map_err(|error| format!("{target_text}: {error}"))?;
                    Ok(Endpoint::Both(Input::file(file), Output::file(writer)))
                }),
            IoFileRedirectKind::Append => self
                .open_output(state, &target_text, OpenFor::Append)
                .map(Endpoint::Out),
            IoFileRedirectKind::Write
                if state.options.noclobber && self.is_regular_file(state, &target_text) =>
            {
                Err(format!("{target_text}: cannot overwrite existing file"))
            }
            _ => self
                .open_output(state, &target_text, OpenFor::Truncate)
                .map(Endpoint::Out),
        };
        match result {
            Ok(endpoint) => {
                io.put(fd, Some(endpoint));
                Ok(Ok(()))
            }
            Err(message) => Ok(Err(message)),
        }
    }

    fn open_file(
        &self,
        state: &ShellState,
        path: &str,
        how: OpenFor,
    ) -> Result<std::fs::File, String> {
        if path.is_empty() {
            return Err(": No such file or directory".to_string());
        }
        let guest = normalize(&state.cwd, path);
        self.zones
            .open(&guest, how)
            .map_err(|error| format!("{path}: {}", describe(&error)))
    }

    /// Whether `path` is an existing regular file (what `set -C` keeps `>` from overwriting).
    fn is_regular_file(&self, state: &ShellState, path: &str) -> bool {
        self.zones
            .metadata(&normalize(&state.cwd, path), true)
            .is_ok_and(|m| m.is_file())
    }

    fn open_input(&self, state: &ShellState, path: &str) -> Result<Input, String> {
        self.open_file(state, path, OpenFor::Read).map(Input::file)
    }

    fn open_output(&self, state: &ShellState, path: &str, how: OpenFor) -> Result<Output, String> {
        self.open_file(state, path, how).map(Output::file)
    }
}
