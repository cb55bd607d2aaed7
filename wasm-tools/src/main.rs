//! The zonebox toolset: one multicall wasm32-wasip1 binary. The host runs it with `argv[0]` set to
//! the tool's name; `zonebox-tools TOOL ARGS…` and `zonebox-tools --list` work too.

mod common;
mod registry;
mod tools;

use std::ffi::OsString;

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let invoked = args
        .first()
        .map(|a| common::basename_of(a))
        .unwrap_or_default();
    let tool_name = if registry::find(&invoked).is_some() {
        invoked
    } else {
        args.remove(0);
        match args.first().map(|a| a.to_string_lossy().into_owned()) {
            Some(flag) if flag == "--list" => {
                for tool in registry::TOOLS {
                    println!("{}\t{}", tool.name, tool.summary);
                }
                return;
            }
            Some(name) => name,
            None => {
                eprintln!("zonebox-tools: usage: zonebox-tools TOOL [ARG]... | --list");
                std::process::exit(2);
            }
        }
    };
    common::enter_working_directory();
    let code = match registry::find(&tool_name) {
        Some(tool) => common::finish(tool.name, (tool.main)(tool.name, args.split_off(1))),
        None => {
            eprintln!("{tool_name}: command not found");
            127
        }
    };
    std::process::exit(code);
}
