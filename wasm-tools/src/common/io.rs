//! Standard streams, inputs named on the command line (`-` is stdin, and the devices the
//! sandbox serves: `/dev/stdin`, `/dev/zero`, `/dev/random`, `/dev/urandom`), and error
//! wording.

use super::ToolError;
use std::cell::RefCell;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Stdout, Write};
use std::path::Path;

thread_local! {
    static STDOUT: RefCell<BufWriter<Stdout>> = RefCell::new(BufWriter::with_capacity(64 * 1024, io::stdout()));
}

/// Writes to the tool's buffered standard output.
pub fn out(bytes: &[u8]) -> Result<(), ToolError> {
    STDOUT
        .with(|stdout| stdout.borrow_mut().write_all(bytes))
        .map_err(ToolError::from)
}

/// Formats to the tool's buffered standard output.
pub fn outf(args: std::fmt::Arguments<'_>) -> Result<(), ToolError> {
    STDOUT
        .with(|stdout| stdout.borrow_mut().write_fmt(args))
        .map_err(ToolError::from)
}

pub fn flush_stdout() -> Result<(), ToolError> {
    STDOUT
        .with(|stdout| stdout.borrow_mut().flush())
        .map_err(ToolError::from)
}

/// Prints `tool: message` on stderr, after what is pending on stdout, for errors that do not stop the tool.
pub fn warn(tool: &str, message: impl std::fmt::Display) {
    let _ = flush_stdout();
    eprintln!("{tool}: {message}");
}

/// An I/O error as GNU tools word it: the system's text without Rust's `(os error N)`.
pub fn describe(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// `path: reason`, the usual shape of a per-file error.
pub fn path_error(path: &str, error: &io::Error) -> String {
    format!("{path}: {}", describe(error))
}

/// Endless random bytes: a keyed hash (SipHash, keyed from the host's `random_get`) of a
/// counter, as `/dev/urandom` reads.
struct RandomBytes {
    key: std::collections::hash_map::RandomState,
    counter: u64,
}

impl Read for RandomBytes {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        use std::hash::BuildHasher;
        for chunk in buffer.chunks_mut(8) {
            self.counter += 1;
            let block = self.key.hash_one(self.counter).to_le_bytes();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
        Ok(buffer.len())
    }
}

/// Endless zero bytes, as `/dev/zero` reads.
struct Zeros;

impl Read for Zeros {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        buffer.fill(0);
        Ok(buffer.len())
    }
}

/// A device of the sandbox's `/dev`, served here rather than by the (empty) file of its root.
fn device(name: &str) -> Option<Box<dyn BufRead>> {
    Some(match name {
        "-" | "/dev/stdin" | "/dev/fd/0" => {
            Box::new(BufReader::with_capacity(64 * 1024, io::stdin()))
        }
        "/dev/zero" => Box::new(BufReader::new(Zeros)),
        "/dev/random" | "/dev/urandom" => Box::new(BufReader::new(RandomBytes {
            key: std::collections::hash_map::RandomState::new(),
            counter: 0,
        })),
        "/dev/null" => Box::new(io::empty()),
        _ => return None,
    })
}

/// Opens a named input for reading; `-` is standard input.
pub fn open_input(name: &str) -> io::Result<Box<dyn BufRead>> {
    if let Some(device) = device(name) {
        Ok(device)
    } else {
        if Path::new(name).is_dir() {
            return Err(io::Error::other("Is a directory"));
        }
        let file = File::open(name)?;
        Ok(Box::new(BufReader::with_capacity(64 * 1024, file)))
    }
}

/// The inputs to read: the operands, or `-` when there are none.
pub fn inputs_or_stdin(operands: Vec<String>) -> Vec<String> {
    if operands.is_empty() {
        vec!["-".to_string()]
    } else {
        operands
    }
}

/// Copies one input to stdout in large blocks.
pub fn copy_to_stdout(input: &mut dyn Read) -> Result<(), ToolError> {
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        out(&buffer[..n])?;
    }
}

/// Runs `each` on every named input (stdin when there are none), reporting inputs that cannot
/// be opened or read as `tool: name: reason`; returns the exit status (1 if any failed).
pub fn each_input(
    tool: &str,
    names: Vec<String>,
    mut each: impl FnMut(&str, &mut dyn BufRead) -> Result<(), ToolError>,
) -> Result<i32, ToolError> {
    let mut status = 0;
    for name in inputs_or_stdin(names) {
        let result = open_input(&name)
            .map_err(ToolError::from)
            .and_then(|mut input| each(&name, &mut input));
        match result {
            Ok(()) => {}
            Err(error) if error.is_broken_pipe() => return Err(error),
            Err(error) => {
                warn(
                    tool,
                    format!("{name}: {}", error.message.unwrap_or_default()),
                );
                status = 1;
            }
        }
    }
    Ok(status)
}

/// Calls `each` with every line of an input as it is read (the newline kept, when there is one).
pub fn for_each_line(
    input: &mut dyn BufRead,
    mut each: impl FnMut(&[u8]) -> Result<(), ToolError>,
) -> Result<(), ToolError> {
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        each(&line)?;
    }
}

/// Reads every record (line, or NUL-terminated with `-z`) of an input, terminators kept.
pub fn records(input: &mut dyn BufRead, delimiter: u8) -> Result<Vec<Vec<u8>>, ToolError> {
    let mut all = Vec::new();
    loop {
        let mut record = Vec::new();
        if input.read_until(delimiter, &mut record)? == 0 {
            return Ok(all);
        }
        all.push(record);
    }
}

/// A record without its terminator.
pub fn chomp(record: &[u8], delimiter: u8) -> &[u8] {
    record.strip_suffix(&[delimiter]).unwrap_or(record)
}
