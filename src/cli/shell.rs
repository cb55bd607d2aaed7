//! `zonebox shell`: a session fed line by line from stdin (an interactive prompt on a
//! terminal). The working directory, variables, functions and `$?` carry over between lines;
//! a construct left open (`if`, a quote, a here-document) reads the next lines until it closes.
//!
//! The input is as untrusted as the lines: a line or an unfinished command past
//! [`MAX_PENDING`] is dropped with an error, and an unfinished command past [`CHEAP_PARSE`] is
//! parsed again only once it has grown by a quarter (or at the end of the input), so feeding
//! an open quote line by line costs linear time, not quadratic.

use super::{PolicyChoice, progress};
use std::io::{BufRead, IsTerminal, Read, Write};
use std::process::ExitCode;

/// The most a line, or an unfinished command of several lines, may hold.
const MAX_PENDING: usize = 1 << 20;

/// Up to this size an unfinished command is parsed again after every line.
const CHEAP_PARSE: usize = 4 << 10;

#[derive(clap::Args)]
pub(crate) struct ShellArgs {
    #[command(flatten)]
    policy: PolicyChoice,
}

pub(crate) fn run(args: ShellArgs) -> anyhow::Result<ExitCode> {
    let policy = args.policy.load()?;
    let sandbox = progress::sandbox(policy)?;
    let mut session = sandbox.session()?;
    let interactive = std::io::stdin().is_terminal();
    let mut pending = String::new();
    // How long the unfinished command was when it last failed to parse as complete.
    let mut tried_at = 0usize;
    let mut input = std::io::stdin().lock();
    loop {
        if interactive {
            let prompt = if pending.is_empty() {
                format!("zonebox:{}$ ", session.cwd())
            } else {
                "> ".to_string()
            };
            eprint!("{prompt}");
            let _ = std::io::stderr().flush();
        }
        let Some(line) = read_line(&mut input, MAX_PENDING)? else {
            break;
        };
        match line {
            Line::TooLong => {
                eprintln!("zonebox: a line of more than {MAX_PENDING} bytes was dropped");
                pending.clear();
                continue;
            }
            Line::Text(line) => {
                pending.push_str(&line);
                pending.push('\n');
            }
        }
        if pending.trim().is_empty() {
            pending.clear();
            continue;
        }
        if pending.len() > MAX_PENDING {
            eprintln!("zonebox: an unfinished command passed {MAX_PENDING} bytes and was dropped");
            pending.clear();
            continue;
        }
        if pending.len() > CHEAP_PARSE && pending.len() < tried_at + tried_at / 4 {
            continue;
        }
        match zonebox::shell::parse(&pending) {
            Err(error) if error.incomplete => {
                tried_at = pending.len();
                continue;
            }
            Err(error) => {
                eprintln!("zonebox: {error}");
                pending.clear();
                continue;
            }
            Ok(_) => {}
        }
        run_line(&mut session, &pending)?;
        pending.clear();
    }
    // What was waiting for more input may be complete after all (parsing was deferred).
    if !pending.trim().is_empty() && zonebox::shell::parse(&pending).is_ok() {
        run_line(&mut session, &pending)?;
        pending.clear();
    }
    let last_status = session.last_status();
    drop(session);
    sandbox.close_for_exit();
    if !pending.trim().is_empty() {
        eprintln!(
            "zonebox: the input ended inside an unfinished command: {}",
            pending.trim()
        );
        return Ok(ExitCode::from(super::EXIT_USAGE));
    }
    Ok(ExitCode::from((last_status & 0xff) as u8))
}

/// Runs one complete command and passes its output through.
fn run_line(session: &mut zonebox::Session<'_>, text: &str) -> anyhow::Result<()> {
    let output = session.run(text)?;
    // A closed stdout (e.g. `| head`) is not zonebox's failure.
    let _ = std::io::stdout().write_all(&output.stdout);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().write_all(&output.stderr);
    Ok(())
}

/// One line of input: its text, or the mark of one longer than allowed (read and dropped).
enum Line {
    Text(String),
    TooLong,
}

/// The next line (without its newline), holding no more than `limit` bytes of it; `None` at the
/// end of the input.
fn read_line(input: &mut impl BufRead, limit: usize) -> std::io::Result<Option<Line>> {
    let mut bytes = Vec::new();
    let read = input
        .by_ref()
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut bytes)?;
    if read == 0 {
        return Ok(None);
    }
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    } else if bytes.len() > limit {
        // Skip the rest of the line without holding it.
        let mut rest = Vec::new();
        while input.by_ref().take(64 << 10).read_until(b'\n', &mut rest)? > 0 {
            if rest.last() == Some(&b'\n') {
                break;
            }
            rest.clear();
        }
        return Ok(Some(Line::TooLong));
    }
    Ok(Some(Line::Text(
        String::from_utf8_lossy(&bytes).into_owned(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_within_the_limit_and_longer_ones_dropped_whole() {
        let mut input = std::io::Cursor::new(b"short\nfar too long a line\nnext\nend".to_vec());
        let mut read = || match read_line(&mut input, 8).unwrap() {
            Some(Line::Text(text)) => Some(text),
            Some(Line::TooLong) => Some("<too long>".to_string()),
            None => None,
        };
        assert_eq!(read().as_deref(), Some("short"));
        assert_eq!(read().as_deref(), Some("<too long>"));
        assert_eq!(read().as_deref(), Some("next"));
        assert_eq!(read().as_deref(), Some("end"));
        assert_eq!(read(), None);
    }
}
