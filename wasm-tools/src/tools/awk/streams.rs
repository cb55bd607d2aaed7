//! Where awk's redirections go: files opened by `>`, `>>` and `getline <`, kept open until
//! `close`, and the special names /dev/stdout, /dev/stderr and `-`. Commands (`|`) cannot run in
//! the sandbox and say so.

use super::records::{RecordReader, RecordSeparator};
use crate::common::ToolError;
use crate::common::io::{describe, flush_stdout, out};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Write};
use std::rc::Rc;

enum Output {
    Stdout,
    Stderr,
    Discard,
    File(BufWriter<File>),
}

#[derive(Default)]
pub struct Streams {
    outputs: HashMap<Rc<str>, Output>,
    inputs: HashMap<Rc<str>, RecordReader>,
}

/// How an output file is opened the first time it is named.
#[derive(Clone, Copy, PartialEq)]
pub enum OpenMode {
    Truncate,
    Append,
}

pub fn no_commands(command: &str) -> ToolError {
    ToolError::usage(format!(
        "fatal: cannot run command '{command}': awk in the sandbox does not start processes \
         (pipe awk's output in the shell instead)"
    ))
}

impl Streams {
    pub fn write(&mut self, name: &Rc<str>, mode: OpenMode, bytes: &[u8]) -> Result<(), ToolError> {
        if !self.outputs.contains_key(name) {
            let output = match &**name {
                "/dev/stdout" | "-" => Output::Stdout,
                "/dev/stderr" => Output::Stderr,
                "/dev/null" => Output::Discard,
                path => {
                    let file = OpenOptions::new()
                        .write(true)
                        .create(true)
                        .append(mode == OpenMode::Append)
                        .truncate(mode == OpenMode::Truncate)
                        .open(path)
                        .map_err(|e| {
                            ToolError::usage(format!(
                                "fatal: cannot redirect to '{path}': {}",
                                describe(&e)
                            ))
                        })?;
                    Output::File(BufWriter::new(file))
                }
            };
            self.outputs.insert(name.clone(), output);
        }
        match self.outputs.get_mut(name) {
            Some(Output::Stdout) | None => out(bytes),
            Some(Output::Stderr) => {
                flush_stdout()?;
                std::io::stderr().write_all(bytes).map_err(ToolError::from)
            }
            Some(Output::File(file)) => file.write_all(bytes).map_err(ToolError::from),
            Some(Output::Discard) => Ok(()),
        }
    }

    /// The next record of a file read by `getline < name`; `Err` when it cannot be opened.
    pub fn read_record(
        &mut self,
        name: &Rc<str>,
        separator: &RecordSeparator,
    ) -> Result<Option<String>, String> {
        if !self.inputs.contains_key(name) {
            let reader: Box<dyn std::io::BufRead> = match &**name {
                "-" | "/dev/stdin" => Box::new(BufReader::new(std::io::stdin())),
                "/dev/null" => Box::new(std::io::empty()),
                path => Box::new(BufReader::new(File::open(path).map_err(|e| describe(&e))?)),
            };
            self.inputs.insert(name.clone(), RecordReader::new(reader));
        }
        let reader = self.inputs.get_mut(name).ok_or("not open")?;
        reader.read(separator).map_err(|e| describe(&e))
    }

    /// `close(name)`: 0 when something of that name was open, -1 when nothing was.
    pub fn close(&mut self, name: &str) -> Result<i32, ToolError> {
        let mut found = self.inputs.remove(name).is_some();
        if let Some(output) = self.outputs.remove(name) {
            found = true;
            flush_output(output)?;
        }
        Ok(if found { 0 } else { -1 })
    }

    pub fn flush(&mut self) -> Result<(), ToolError> {
        flush_stdout()?;
        for output in self.outputs.values_mut() {
            if let Output::File(file) = output {
                file.flush()?;
            }
        }
        Ok(())
    }

    pub fn close_all(&mut self) -> Result<(), ToolError> {
        for (_, output) in self.outputs.drain() {
            flush_output(output)?;
        }
        self.inputs.clear();
        Ok(())
    }
}

fn flush_output(output: Output) -> Result<(), ToolError> {
    match output {
        Output::File(mut file) => file.flush().map_err(ToolError::from),
        Output::Stdout => flush_stdout(),
        Output::Stderr | Output::Discard => Ok(()),
    }
}
