//! uniq: collapse adjacent equal lines (-c -d -D -u -i -f N -s N -w N -z), INPUT [OUTPUT].

use crate::common::args::{self, Arg};
use crate::common::io::{chomp, describe, open_input, out, records};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

#[derive(Default)]
struct Options {
    count: bool,
    repeated: bool,
    all_repeated: bool,
    unique: bool,
    ignore_case: bool,
    skip_fields: usize,
    skip_chars: usize,
    check_chars: Option<usize>,
}

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut options = Options::default();
    let mut terminator = b'\n';
    let mut operands = Vec::new();
    let number = |text: String, what: &str| -> Result<usize, ToolError> {
        text.parse()
            .map_err(|_| ToolError::operand(format!("{text}: invalid number of {what} to skip")))
    };
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('c') | Arg::Long("count") => options.count = true,
            Arg::Short('d') | Arg::Long("repeated") => options.repeated = true,
            Arg::Short('D') | Arg::Long("all-repeated") => options.all_repeated = true,
            Arg::Short('u') | Arg::Long("unique") => options.unique = true,
            Arg::Short('i') | Arg::Long("ignore-case") => options.ignore_case = true,
            Arg::Short('f') | Arg::Long("skip-fields") => {
                options.skip_fields = number(args::value_text(&mut parser)?, "fields")?
            }
            Arg::Short('s') | Arg::Long("skip-chars") => {
                options.skip_chars = number(args::value_text(&mut parser)?, "bytes")?
            }
            Arg::Short('w') | Arg::Long("check-chars") => {
                options.check_chars = Some(number(args::value_text(&mut parser)?, "bytes")?)
            }
            Arg::Short('z') | Arg::Long("zero-terminated") => terminator = 0,
            Arg::Value(value) => operands.push(args::text(value)),
            other => return Err(args::unknown(other)),
        }
    }
    args::at_most(&operands, 2)?;
    if options.count && options.all_repeated {
        return Err(ToolError::operand(
            "printing all duplicated lines and repeat counts is meaningless",
        ));
    }
    let input_name = operands.first().cloned().unwrap_or_else(|| "-".into());
    let mut input = open_input(&input_name)
        .map_err(|e| ToolError::failure(format!("{input_name}: {}", describe(&e))))?;
    let lines = records(&mut input, terminator)?;
    let mut rendered = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let key = options.key(chomp(&lines[start], terminator));
        let mut end = start + 1;
        while end < lines.len() && options.key(chomp(&lines[end], terminator)) == key {
            end += 1;
        }
        let group = &lines[start..end];
        let repeated = group.len() > 1;
        let wanted = match (options.repeated || options.all_repeated, options.unique) {
            (true, true) => false,
            (true, false) => repeated,
            (false, true) => !repeated,
            (false, false) => true,
        };
        if wanted {
            let shown: &[Vec<u8>] = if options.all_repeated {
                group
            } else {
                &group[..1]
            };
            for line in shown {
                if options.count {
                    rendered.extend_from_slice(format!("{:>7} ", group.len()).as_bytes());
                }
                rendered.extend_from_slice(chomp(line, terminator));
                rendered.push(terminator);
            }
        }
        start = end;
    }
    // An output of `-` is standard output, as GNU's.
    match operands.get(1).filter(|output| *output != "-") {
        Some(output) => std::fs::write(output, &rendered)
            .map_err(|e| ToolError::failure(format!("{output}: {}", describe(&e))))?,
        None => out(&rendered)?,
    }
    Ok(0)
}

impl Options {
    /// The part of a line that is compared.
    fn key(&self, line: &[u8]) -> Vec<u8> {
        let mut rest = line;
        for _ in 0..self.skip_fields {
            let blanks = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
            let word = rest[blanks..]
                .iter()
                .take_while(|b| !b.is_ascii_whitespace())
                .count();
            rest = &rest[blanks + word..];
        }
        rest = &rest[self.skip_chars.min(rest.len())..];
        if let Some(limit) = self.check_chars {
            rest = &rest[..limit.min(rest.len())];
        }
        if self.ignore_case {
            rest.to_ascii_lowercase()
        } else {
            rest.to_vec()
        }
    }
}
