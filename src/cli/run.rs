//! `zonebox run`: one command line under a policy; output passes through (or as one JSON object)
//! and zonebox exits with the command's status.

use super::{PolicyChoice, progress};
use std::io::{Read, Write};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    policy: PolicyChoice,
    /// Print one JSON object (stdout, stderr, exit_code, backend, duration_ms, truncated, limit,
    /// decision) instead of passing the output through.
    #[arg(long)]
    json: bool,
    /// Run on this backend whatever the router would choose (a denied line stays denied):
    /// `wasm` or `container`.
    #[arg(long, value_name = "BACKEND", value_parser = ["wasm", "container"])]
    backend: Option<String>,
    /// Give the command zonebox's own standard input (by default it reads an empty input).
    #[arg(long)]
    stdin: bool,
    /// Send the line to a running `zonebox serve --socket PATH` (its policy and warm
    /// containers apply, not this command's policy flags). Also from ZONEBOX_SERVER.
    #[arg(long, value_name = "SOCKET")]
    server: Option<std::path::PathBuf>,
    /// With --server: run in this session of the server (its cwd, variables, functions).
    #[arg(long, value_name = "ID", requires = "server")]
    session: Option<String>,
    /// The command line, as one argument: zonebox run 'ls -la /workspace'
    #[arg(value_name = "COMMAND LINE", allow_hyphen_values = true)]
    line: String,
    /// Refused: the command line must be one argument (quote it).
    #[arg(hide = true, trailing_var_arg = true, allow_hyphen_values = true)]
    extra: Vec<String>,
}

pub(crate) fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if let Some(refusal) = super::one_line_refusal(&args.line, &args.extra, "run") {
        return Ok(refusal);
    }
    let mut stdin = Vec::new();
    if args.stdin {
        std::io::stdin().read_to_end(&mut stdin)?;
    }
    let server = args
        .server
        .clone()
        .or_else(|| std::env::var_os("ZONEBOX_SERVER").map(Into::into));
    if let Some(socket) = server {
        return run_on_server(&socket, &args, stdin);
    }
    let policy = args.policy.load()?;
    let sandbox = progress::sandbox(policy)?;
    let output = match args.backend.as_deref() {
        Some("container") => sandbox.run_on(zonebox::Backend::Container, &args.line, stdin)?,
        Some(_) => sandbox.run_on(zonebox::Backend::Wasm, &args.line, stdin)?,
        None => sandbox.run_with_stdin(&args.line, stdin)?,
    };
    sandbox.close_for_exit();
    if args.json {
        let json = serde_json::to_string(&output.report())?;
        super::out::print(&format!("{json}\n"))?;
    } else {
        // A closed stdout (e.g. `| head`) is not zonebox's failure: ignore write errors here.
        let _ = std::io::stdout().write_all(&output.stdout);
        let _ = std::io::stderr().write_all(&output.stderr);
    }
    Ok(ExitCode::from(exit_status_byte(output.exit_code)))
}

/// `run --server`: one request to a running `zonebox serve` on its socket, its result shown as
/// a local run shows it.
fn run_on_server(
    socket: &std::path::Path,
    args: &RunArgs,
    stdin: Vec<u8>,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    use std::io::BufRead;
    if args.backend.is_some() {
        anyhow::bail!("--backend cannot be used with --server: the server's router decides");
    }
    let stream = std::os::unix::net::UnixStream::connect(socket).with_context(|| {
        format!(
            "cannot reach a zonebox server on {}: start one with `zonebox serve --socket {}`",
            socket.display(),
            socket.display()
        )
    })?;
    let stdin = String::from_utf8(stdin).context(
        "--stdin with --server takes text: the protocol carries standard input as UTF-8",
    )?;
    let mut writer = stream.try_clone()?;
    let mut reader = std::io::BufReader::new(stream);
    let mut ask =
        |id: u64, method: &str, params: serde_json::Value| -> anyhow::Result<serde_json::Value> {
            let request =
                serde_json::json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
            writer.write_all(format!("{request}\n").as_bytes())?;
            let mut line = String::new();
            reader.read_line(&mut line)?;
            serde_json::from_str(&line).context("the server's answer is not JSON")
        };
    let params =
        serde_json::json!({"command": args.line, "session_id": args.session, "stdin": stdin});
    let mut response = ask(1, "run", params.clone())?;
    // `--session NAME` makes the named session on first use (kept by the server for later runs).
    if let Some(name) = &args.session
        && response["error"]["code"] == zonebox::server::error_code::UNKNOWN_SESSION
    {
        let created = ask(2, "session.create", serde_json::json!({ "name": name }))?;
        if created.get("error").is_none()
            || created["error"]["code"] == zonebox::server::error_code::SESSION_EXISTS
        {
            response = ask(3, "run", params)?;
        }
    }
    if let Some(error) = response.get("error") {
        anyhow::bail!(
            "the server refused the line: {} (code {})",
            error["message"].as_str().unwrap_or("no message"),
            error["code"]
        );
    }
    let result = &response["result"];
    if args.json {
        super::out::print(&format!("{result}\n"))?;
    } else {
        let _ = std::io::stdout().write_all(result["stdout"].as_str().unwrap_or("").as_bytes());
        let _ = std::io::stderr().write_all(result["stderr"].as_str().unwrap_or("").as_bytes());
    }
    let code = result["exit_code"].as_i64().unwrap_or(125) as i32;
    Ok(ExitCode::from(exit_status_byte(code)))
}

/// A process exit status is one byte, as the shell sees it.
fn exit_status_byte(code: i32) -> u8 {
    (code & 0xff) as u8
}
