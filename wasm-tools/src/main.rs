//! The zonebox toolset: one multicall wasm32-wasip1 binary. The host runs it with `argv[0]` set to
//! the tool's name; `zonebox-tools TOOL ARGS…` and `zonebox-tools --list` work too.

mod common;
mod registry;
mod tools;

use std::ffi::OsString;

const MULTICALL_NAME: &str = "zonebox-tools";

fn main() {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let invoked = args
        .first()
        .map(|a| common::basename_of(a))
        .unwrap_or_default();
    // Called by a tool's name (the host's way), or as `zonebox-tools TOOL ARGS…`.
    let tool_name = if invoked == MULTICALL_NAME {
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
    } else {
        invoked
    };
    install_panic_hook(&tool_name);
    common::enter_working_directory();
    let code = match registry::find(&tool_name) {
        Some(tool) => common::finish(tool.name, (tool.main)(tool.name, args.split_off(1))),
        // The host answers unknown names itself (with 127, which WASI cannot exit with).
        None => {
            eprintln!("{tool_name}: not a command of the zonebox toolset");
            2
        }
    };
    // Success returns from `_start` (no `proc_exit`, which the host sees as an error to unwind).
    if code != 0 {
        std::process::exit(code);
    }
}

/// A bug in a tool ends it with a message and status 70 (EX_SOFTWARE), never with a wasm trap.
fn install_panic_hook(tool: &str) {
    let tool = tool.to_string();
    std::panic::set_hook(Box::new(move |info| {
        let _ = common::io::flush_stdout();
        eprintln!("{tool}: internal error: {info}; please report this zonebox bug");
        std::process::exit(INTERNAL_ERROR_EXIT);
    }));
}

const INTERNAL_ERROR_EXIT: i32 = 70;
