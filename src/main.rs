//! The `zonebox` command: run command lines in the sandbox, check policies, list the toolset.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
