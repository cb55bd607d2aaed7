//! env: print the environment, as changed by -i, -u NAME and NAME=VALUE. Running a command with
//! the changed environment belongs to the zonebox shell, which starts commands; here it is refused.

use crate::common::args::{self, Arg};
use crate::common::io::out;
use crate::common::{ToolError, ToolResult};
use std::ffi::OsString;

pub fn main(_tool: &'static str, argv: Vec<OsString>) -> ToolResult {
    let mut parser = args::parser(argv);
    let mut vars: Vec<(String, String)> = std::env::vars().collect();
    let mut terminator = b'\n';
    while let Some(arg) = parser.next()? {
        match arg {
            Arg::Short('i') | Arg::Long("ignore-environment") => vars.clear(),
            Arg::Short('0') | Arg::Long("null") => terminator = 0,
            Arg::Short('u') | Arg::Long("unset") => {
                let name = args::value_text(&mut parser)?;
                vars.retain(|(key, _)| *key != name);
            }
            Arg::Value(value) => {
                let word = args::text(value);
                if word == "-" {
                    vars.clear();
                    continue;
                }
                let Some((key, value)) = word.split_once('=') else {
                    return Err(ToolError {
                        code: 125,
                        message: Some(format!(
                            "'{word}': running a command from env needs the zonebox shell; run '{word}' directly"
                        )),
                    });
                };
                vars.retain(|(existing, _)| existing != key);
                vars.push((key.to_string(), value.to_string()));
            }
            other => return Err(args::unknown(other)),
        }
    }
    for (key, value) in vars {
        out(format!("{key}={value}").as_bytes())?;
        out(&[terminator])?;
    }
    Ok(0)
}
