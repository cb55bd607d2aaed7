//! `Session`: a shell of a [`Sandbox`] that lives across lines, as an agent's terminal.

use crate::error::Result;
use crate::output::Output;
use crate::router::Decision;
use crate::run_options::RunOptions;
use crate::sandbox::{Line, Sandbox};
use crate::shell;
use crate::shell::interp::ShellState;
use crate::zones::ZoneMounts;

impl Sandbox {
    /// Runs a line in a shell that lives across lines (a [`Session`]'s, or a server's session).
    pub(crate) async fn run_in_shell(
        &self,
        state: &mut ShellState,
        mounts: &ZoneMounts,
        line: &str,
        stdin: Vec<u8>,
        options: &RunOptions,
    ) -> Result<Output> {
        let program = shell::parse(line)?;
        let decision = self.decide(state, mounts, &program);
        let line = Line {
            text: line,
            program: &program,
            stdin,
            whole_shell: false,
            options,
        };
        self.run_routed(state, mounts, line, decision).await
    }

    /// Where a line would run in a shell that lives across lines.
    pub(crate) fn decide_line(
        &self,
        state: &ShellState,
        mounts: &ZoneMounts,
        line: &str,
    ) -> Result<Decision> {
        let program = shell::parse(line)?;
        Ok(self.decide(state, mounts, &program))
    }

    /// A session: lines run one after another in one shell, which keeps its working directory,
    /// variables, functions and `$?`, and its scratch zones, until the session is dropped.
    pub fn session(&self) -> Result<Session<'_>> {
        Ok(Session {
            sandbox: self,
            state: self.fresh_shell(),
            mounts: ZoneMounts::prepare(&self.policy.zones, &self.scratch, &self.root)?,
        })
    }
}

/// A shell session of a [`Sandbox`], as an agent's terminal: each line runs under the policy's
/// limits, and the session keeps the working directory, variables (exported or not),
/// functions, `$?` and the scratch zones' contents from one line to the next. `exit` ends the
/// line it is in, not the session.
///
/// ```no_run
/// let sandbox = zonebox::Sandbox::new(zonebox::Policy::default_policy()?)?;
/// let mut session = sandbox.session()?;
/// session.run("cd src && export MODE=fast")?;
/// let output = session.run("pwd; echo $MODE")?; // "/workspace/src\nfast\n"
/// # Ok::<(), zonebox::Error>(())
/// ```
pub struct Session<'s> {
    pub(crate) sandbox: &'s Sandbox,
    pub(crate) state: ShellState,
    pub(crate) mounts: ZoneMounts,
}

impl Session<'_> {
    /// Runs a line with empty standard input (not inside an async runtime: use
    /// [`Session::run_async`] there).
    pub fn run(&mut self, line: &str) -> Result<Output> {
        self.run_with_stdin(line, Vec::new())
    }

    pub fn run_with_stdin(&mut self, line: &str, stdin: impl Into<Vec<u8>>) -> Result<Output> {
        let runtime = &self.sandbox.runtime;
        runtime.block_on(self.run_async(line, stdin.into()))
    }

    pub async fn run_async(&mut self, line: &str, stdin: Vec<u8>) -> Result<Output> {
        self.sandbox
            .run_in_shell(
                &mut self.state,
                &self.mounts,
                line,
                stdin,
                &RunOptions::default(),
            )
            .await
    }

    /// Runs a line with [`RunOptions`]: a shorter wall clock, output as it arrives, a cancel
    /// handle.
    pub fn run_with_options(
        &mut self,
        line: &str,
        stdin: impl Into<Vec<u8>>,
        options: &RunOptions,
    ) -> Result<Output> {
        let runtime = &self.sandbox.runtime;
        runtime.block_on(self.sandbox.run_in_shell(
            &mut self.state,
            &self.mounts,
            line,
            stdin.into(),
            options,
        ))
    }

    /// Where a line would run in this session (its functions, aliases and working directory
    /// count), without running it.
    pub fn route(&self, line: &str) -> Result<Decision> {
        self.sandbox.decide_line(&self.state, &self.mounts, line)
    }

    /// The session's working directory (a guest path).
    pub fn cwd(&self) -> &str {
        &self.state.cwd
    }

    /// The status of the last line, as `$?` will show it.
    pub fn last_status(&self) -> i32 {
        self.state.last_status
    }
}
