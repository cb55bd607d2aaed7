//! wc: count lines, words, characters, bytes and the longest line (-l -w -m -c -L), with a total.

use crate::common::ToolResult;
use crate::common::args::{self, Arg};
use crate::common::io::{inputs_or_stdin, open_input, out, path_error, warn};
use std::ffi::OsString;
use std::io::Read;

#[derive(Default, Clone, Copy)]
struct Counts {
    lines: u64,
    words: u64,
    chars: u64,
    bytes: u64,
    longest: u64,
}

#[derive(Default)]
struct Selected {
    lines: bool,
    words: bool,
    chars: bool,
    bytes: bool,
    longest: bool,
}

impl Selected {
    fn values(&self, c: &Counts) -> Vec<u64> {
        [
            (self.lines, c.lines),
            (self.words, c.words),
            (self.chars, c.chars),
            (self.bytes, c.bytes),
            (self.longest, c.longest),
        ]
        .into_iter()
        .filter_map(|(on, value)| on.then_some(value))
        .collect()
    }
}

pub fn main(tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut selected = Selected::default();
    let mut files = Vec::new();
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('l') | Arg::Long("lines") => selected.lines = true,
            Arg::Short('w') | Arg::Long("words") => selected.words = true,
            Arg::Short('m') | Arg::Long("chars") => selected.chars = true,
            Arg::Short('c') | Arg::Long("bytes") => selected.bytes = true,
            Arg::Short('L') | Arg::Long("max-line-length") => selected.longest = true,
            Arg::Value(value) => files.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    if !(selected.lines || selected.words || selected.chars || selected.bytes || selected.longest) {
        selected = Selected {
            lines: true,
            words: true,
            bytes: true,
            ..Selected::default()
        };
    }
    let named = !files.is_empty();
    let inputs = inputs_or_stdin(files);
    let utf8 = crate::common::locale::is_utf8();
    let mut status = 0;
    let mut results = Vec::new();
    let mut total = Counts::default();
    for name in &inputs {
        match open_input(name).and_then(|mut input| count(&mut input, utf8)) {
            Ok(counts) => {
                total.lines += counts.lines;
                total.words += counts.words;
                total.chars += counts.chars;
                total.bytes += counts.bytes;
                total.longest = total.longest.max(counts.longest);
                results.push((name.as_str(), counts));
            }
            Err(error) => {
                warn(tool, path_error(name, &error));
                status = 1;
            }
        }
    }
    let columns = selected.values(&total).len();
    // GNU: a single count of a single input is printed without padding; otherwise the width fits
    // the total byte count, at least 7 when standard input is among the inputs.
    let width = if columns == 1 && inputs.len() == 1 {
        1
    } else {
        let digits = total.bytes.max(1).to_string().len();
        if inputs.iter().any(|name| name == "-") {
            digits.max(7)
        } else {
            digits
        }
    };
    let print = |values: Vec<u64>, label: Option<&str>| {
        let mut line = values
            .iter()
            .map(|v| format!("{v:>width$}"))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(label) = label {
            line.push(' ');
            line.push_str(label);
        }
        line.push('\n');
        out(line.as_bytes())
    };
    for (name, counts) in &results {
        print(selected.values(counts), named.then_some(*name))?;
    }
    if inputs.len() > 1 {
        print(selected.values(&total), Some("total"))?;
    }
    Ok(status)
}

/// Counts one input; characters are UTF-8 characters in a UTF-8 locale and bytes otherwise.
fn count(input: &mut dyn Read, utf8: bool) -> std::io::Result<Counts> {
    let mut counts = Counts::default();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut in_word = false;
    let mut line_length = 0u64;
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = input.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        counts.bytes += n as u64;
        carry.extend_from_slice(&buffer[..n]);
        // Decode as much UTF-8 as is complete; keep a partial character for the next block.
        let valid_up_to = match std::str::from_utf8(&carry) {
            Ok(_) => carry.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(_) => carry.len(),
        };
        let block: Vec<u8> = carry.drain(..valid_up_to).collect();
        for ch in String::from_utf8_lossy(&block).chars() {
            counts.chars += 1;
            match ch {
                '\n' => {
                    counts.lines += 1;
                    counts.longest = counts.longest.max(line_length);
                    line_length = 0;
                }
                '\t' => line_length = (line_length / 8 + 1) * 8,
                _ if !ch.is_control() => line_length += 1,
                _ => {}
            }
            let space = ch.is_whitespace();
            if !space && !in_word {
                counts.words += 1;
            }
            in_word = !space;
        }
    }
    counts.longest = counts.longest.max(line_length);
    if !utf8 {
        counts.chars = counts.bytes;
    }
    Ok(counts)
}
