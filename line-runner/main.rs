//! zonebox's line runner: PID 1 of every warm container. It runs each line it is sent, frames
//! the line's output itself, and reports how the line ended only after it has killed every
//! process the line left and emptied the scratch zones.
//!
//! It is built by zonebox's build.rs as a static binary (no libc in the image needed) and
//! bind-mounted read-only into the container. What protects it from the line, which runs with
//! the same uid:
//! - it makes itself non-dumpable first thing, so its `/proc` entries (`mem`, `fd/*`,
//!   `environ`) belong to root and no process of the line may ptrace it or open its request and
//!   report streams;
//! - it is the PID namespace's init: signals from inside the container cannot kill it, and every
//!   orphan of the line is reparented to it;
//! - the line gets fresh pipes for stdin, stdout and stderr: it never holds the runner's own
//!   streams, so nothing it writes can look like a report (the runner frames every byte);
//! - before a report it sends `SIGKILL` to every process it may signal (`kill(-1)`), reaps them
//!   all, and checks `/proc` that none is left; a line that could not be cleaned is reported so,
//!   and zonebox discards the container.
//!
//! The requests it reads and the frames it writes are in `protocol.rs`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;

unsafe extern "C" {
    fn prctl(option: i32, arg2: u64, arg3: u64, arg4: u64, arg5: u64) -> i32;
    fn kill(pid: i32, signal: i32) -> i32;
    fn waitpid(pid: i32, status: *mut i32, options: i32) -> i32;
}

const PR_SET_DUMPABLE: i32 = 4;
const PR_SET_CHILD_SUBREAPER: i32 = 36;
const SIGKILL: i32 = 9;

mod protocol;
use protocol::{FRAME_END, FRAME_STDERR, FRAME_STDOUT};

/// The largest request accepted (a line, its environment and its input).
const MAX_REQUEST: usize = 256 << 20;

fn main() {
    // SAFETY: plain prctl calls on this process, with constant arguments.
    unsafe {
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
    let scratch: Vec<String> = std::env::args().skip(1).collect();
    let mut requests = std::io::stdin().lock();
    let mut reports = std::io::stdout().lock();
    while let Some(request) = read_request(&mut requests) {
        // Whatever ran before (a line whose report was lost) is gone before this one starts.
        kill_everything_else();
        let status = match request {
            Ok(line) => run(line, &mut reports),
            Err(message) => {
                let _ = frame(&mut reports, FRAME_STDERR, message.as_bytes());
                125
            }
        };
        let left = kill_everything_else();
        let emptied = scratch.iter().all(|dir| empty(dir));
        let clean = left == 0 && emptied;
        let mut end = status.to_le_bytes().to_vec();
        end.push(u8::from(clean));
        if frame(&mut reports, FRAME_END, &end).is_err() {
            return;
        }
    }
}

/// One line to run.
struct Request {
    workdir: String,
    env: Vec<(String, String)>,
    argv: Vec<String>,
    stdin: Vec<u8>,
}

/// The next request; `None` when zonebox closed the stream.
fn read_request(input: &mut impl Read) -> Option<Result<Request, String>> {
    let mut length = [0u8; 4];
    input.read_exact(&mut length).ok()?;
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_REQUEST {
        return None;
    }
    let mut payload = vec![0u8; length];
    input.read_exact(&mut payload).ok()?;
    Some(parse(&payload).ok_or_else(|| "zonebox line runner: malformed request\n".to_string()))
}

fn parse(payload: &[u8]) -> Option<Request> {
    let mut rest = payload;
    let mut field = || -> Option<String> {
        let end = rest.iter().position(|&b| b == 0)?;
        let text = String::from_utf8(rest[..end].to_vec()).ok()?;
        rest = &rest[end + 1..];
        Some(text)
    };
    let workdir = field()?;
    let count: usize = field()?.parse().ok()?;
    let mut env = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        let entry = field()?;
        let (name, value) = entry.split_once('=')?;
        env.push((name.to_string(), value.to_string()));
    }
    let count: usize = field()?.parse().ok()?;
    let mut argv = Vec::with_capacity(count.min(4096));
    for _ in 0..count {
        argv.push(field()?);
    }
    let stdin_length: usize = field()?.parse().ok()?;
    if argv.is_empty() || rest.len() != stdin_length {
        return None;
    }
    Some(Request {
        workdir,
        env,
        argv,
        stdin: rest.to_vec(),
    })
}

/// What the line's pipes and its waiter send the framing loop.
enum Event {
    Output(u8, Vec<u8>),
    Closed,
    Exited(i32),
}

/// Runs one line, framing its output, until it has exited and its output has ended (which
/// `kill(-1)` after its exit guarantees). Returns its status.
fn run(request: Request, reports: &mut impl Write) -> i32 {
    if !std::path::Path::new(&request.workdir).is_dir() {
        let message = format!("sh: cd: {}: No such file or directory\n", request.workdir);
        let _ = frame(reports, FRAME_STDERR, message.as_bytes());
        return 2;
    }
    let mut command = Command::new(&request.argv[0]);
    command
        .args(&request.argv[1..])
        .current_dir(&request.workdir)
        .env_clear()
        .envs(request.env.iter().map(|(k, v)| (k, v)))
        .stdin(if request.stdin.is_empty() {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(error) => {
            let message = format!("sh: cannot run the line in {}: {error}\n", request.workdir);
            let _ = frame(reports, FRAME_STDERR, message.as_bytes());
            return if error.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
        }
    };
    let (events, received) = mpsc::channel();
    if let Some(mut stdin) = child.stdin.take() {
        let bytes = request.stdin;
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    for (kind, pipe) in [
        (FRAME_STDOUT, child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>)),
        (FRAME_STDERR, child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>)),
    ] {
        let events = events.clone();
        let Some(mut pipe) = pipe else {
            let _ = events.send(Event::Closed);
            continue;
        };
        std::thread::spawn(move || {
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                match pipe.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        if events.send(Event::Output(kind, buffer[..n].to_vec())).is_err() {
                            break;
                        }
                    }
                }
            }
            let _ = events.send(Event::Closed);
        });
    }
    std::thread::spawn(move || {
        let status = child.wait().map_or(125, |status| {
            use std::os::unix::process::ExitStatusExt;
            status
                .code()
                .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
        });
        // What the line left holds its pipes open: it ends now.
        kill_everything_else();
        let _ = events.send(Event::Exited(status));
    });
    let (mut open, mut status) = (2, None);
    while open > 0 || status.is_none() {
        match received.recv() {
            Ok(Event::Output(kind, bytes)) => {
                if frame(reports, kind, &bytes).is_err() {
                    std::process::exit(0);
                }
            }
            Ok(Event::Closed) => open -= 1,
            Ok(Event::Exited(code)) => status = Some(code),
            Err(_) => break,
        }
    }
    status.unwrap_or(125)
}

/// Kills every process this one may signal (all of the line's: same user) and reaps what it
/// can; then counts the processes still there besides this one.
fn kill_everything_else() -> usize {
    for _ in 0..10 {
        // SAFETY: kill and waitpid with plain arguments; -1 means every process we may signal
        // (never PID 1, which is this one) and any child.
        unsafe {
            kill(-1, SIGKILL);
            let mut status = 0;
            while waitpid(-1, &mut status, 0) > 0 {}
        }
        let left = others();
        if left == 0 {
            return 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    others()
}

/// Processes in this PID namespace other than this one.
fn others() -> usize {
    let me = std::process::id().to_string();
    std::fs::read_dir("/proc").map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                name.bytes().all(|b| b.is_ascii_digit()) && name != me
            })
            .count()
    })
}

/// Empties a scratch zone; false when something could not be removed.
fn empty(dir: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.filter_map(Result::ok).all(|entry| {
        let path = entry.path();
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path).is_ok(),
            _ => std::fs::remove_file(&path).is_ok(),
        }
    })
}

fn frame(out: &mut impl Write, kind: u8, bytes: &[u8]) -> std::io::Result<()> {
    for chunk in bytes.chunks(1 << 20) {
        out.write_all(&[kind])?;
        out.write_all(&(chunk.len() as u32).to_le_bytes())?;
        out.write_all(chunk)?;
    }
    if bytes.is_empty() {
        out.write_all(&[kind])?;
        out.write_all(&0u32.to_le_bytes())?;
    }
    out.flush()
}
