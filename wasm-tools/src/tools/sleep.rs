//! sleep: wait for the sum of its durations (`1.5`, `2s`, `1m`, `1h`, `1d`).

use crate::common::args::{self, Arg};
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;
use std::time::Duration;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut total = 0f64;
    let mut any = false;
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Value(value) => {
                total += seconds(&args::text(value))?;
                any = true;
            }
            other => return Err(args::unknown(other)),
        }
    }
    if !any {
        return Err(ToolError::operand("missing operand"));
    }
    crate::common::pause::pause(Duration::from_secs_f64(total.min(1e9)));
    Ok(0)
}

fn seconds(text: &str) -> Result<f64, ToolError> {
    let (number, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c),
        _ => (text, 's'),
    };
    let scale = match unit {
        's' => 1.0,
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        _ => {
            return Err(ToolError::failure(format!(
                "invalid time interval '{text}'"
            )));
        }
    };
    match number.parse::<f64>() {
        Ok(value) if value >= 0.0 && value.is_finite() => Ok(value * scale),
        _ => Err(ToolError::failure(format!(
            "invalid time interval '{text}'"
        ))),
    }
}
