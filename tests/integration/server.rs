//! `zonebox serve` end to end, as a client sees it: a child process spoken to over stdio (and
//! a Unix socket), one JSON-RPC message a line.

use crate::support::{Host, TestLimits, zonebox};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::{Duration, Instant};

/// A running `zonebox serve` and the pipes to it.
pub(crate) struct Client {
    child: KillOnDrop,
    input: Option<ChildStdin>,
    output: BufReader<ChildStdout>,
    next_id: u64,
}

impl Client {
    fn start(host: &Host, scratch_parent: &std::path::Path, extra: &[&str]) -> Client {
        let policy = host.policy_file(&TestLimits::default());
        Client::start_with_policy(host, &policy, scratch_parent, extra)
    }

    /// `zonebox serve` under the policy file given.
    pub(crate) fn start_with_policy(
        host: &Host,
        policy: &std::path::Path,
        scratch_parent: &std::path::Path,
        extra: &[&str],
    ) -> Client {
        let mut child = zonebox(host.root.path())
            .arg("serve")
            .arg("--policy")
            .arg(policy)
            .args(extra)
            .env("TMPDIR", scratch_parent)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("zonebox serve starts");
        let input = child.stdin.take();
        let output = BufReader::new(child.stdout.take().unwrap());
        Client {
            child: KillOnDrop(child),
            input,
            output,
            next_id: 1,
        }
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let input = self.input.as_mut().unwrap();
        input.write_all(bytes).unwrap();
        input.flush().unwrap();
    }

    /// Sends a request and returns its id.
    fn send(&mut self, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(format!("{message}\n").as_bytes());
        id
    }

    fn receive(&mut self) -> Value {
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "the server closed its output");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"))
    }

    /// Sends a request and waits for its response (other responses are not expected).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params);
        let response = self.receive();
        assert_eq!(response["id"], json!(id), "{response}");
        response
    }

    pub(crate) fn result(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params.clone());
        assert!(
            response.get("error").is_none(),
            "{method} {params}: {response}"
        );
        response["result"].clone()
    }

    pub(crate) fn error_code(&mut self, method: &str, params: Value) -> i64 {
        let response = self.call(method, params.clone());
        response["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("{method} {params}: expected an error, got {response}"))
    }

    /// Closes stdin and waits for the server to end.
    pub(crate) fn finish(mut self) {
        drop(self.input.take());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.0.try_wait().unwrap() {
                assert!(status.success(), "serve ended with {status}");
                return;
            }
            assert!(
                Instant::now() < deadline,
                "serve did not end after its input closed"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn scratch_dirs(parent: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("zonebox"))
        .collect()
}

#[test]
fn sessions_keep_their_shell_and_end_with_the_client() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &[]);
    let info = client.result("initialize", json!({}));
    assert_eq!(info["server"], "zonebox");
    assert_eq!(info["protocol_version"], 1);
    assert!(
        info["tools"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "grep")
    );
    assert_eq!(info["policy"]["workdir"], "/workspace");

    let first = client.result("session.create", json!({"env": {"MODE": "fast"}}));
    let second = client.result("session.create", json!({"workdir": "sub"}));
    let (a, b) = (first["session_id"].clone(), second["session_id"].clone());
    assert_ne!(a, b);
    assert_eq!(second["cwd"], "/workspace/sub");

    let ran = client.result(
        "run",
        json!({"session_id": a, "command": "cd sub && X=1 && f() { echo \"f$X\"; }; echo tmp > /tmp/t"}),
    );
    assert_eq!(ran["exit_code"], 0, "{ran}");
    assert_eq!(ran["cwd"], "/workspace/sub");
    let ran = client.result(
        "run",
        json!({"session_id": a, "command": "pwd; f; echo $MODE; cat /tmp/t; false"}),
    );
    assert_eq!(ran["stdout"], "/workspace/sub\nf1\nfast\ntmp\n");
    assert_eq!(ran["exit_code"], 1);
    assert_eq!(ran["backend"], "wasm");
    let ran = client.result("run", json!({"session_id": a, "command": "echo $?"}));
    assert_eq!(ran["stdout"], "1\n");
    // The other session has its own shell and its own scratch zone.
    let ran = client.result(
        "run",
        json!({"session_id": b, "command": "pwd; echo \"[$MODE]\"; cat /tmp/t"}),
    );
    assert_eq!(ran["stdout"], "/workspace/sub\n[]\n");
    assert_ne!(ran["exit_code"], 0);
    // A run without a session starts from the policy's shell.
    let ran = client.result("run", json!({"command": "pwd", "stdin": "ignored"}));
    assert_eq!(ran["stdout"], "/workspace\n");
    let ran = client.result("run", json!({"command": "wc -c", "stdin": "four"}));
    assert_eq!(ran["stdout"], "4\n");

    let listed = client.result("session.list", json!({}));
    assert_eq!(listed["sessions"].as_array().unwrap().len(), 2);
    client.result("session.close", json!({"session_id": b}));
    assert_eq!(
        client.error_code("run", json!({"session_id": b, "command": "true"})),
        zonebox::server::error_code::UNKNOWN_SESSION
    );
    assert!(
        !scratch_dirs(scratch.path()).is_empty(),
        "a session holds its scratch zone"
    );
    client.finish();
    assert_eq!(
        scratch_dirs(scratch.path()),
        Vec::<String>::new(),
        "a client that goes away leaves no scratch directory"
    );
}

#[test]
fn files_obey_the_zones() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        host.outside().join("secret.txt"),
        host.out().join("out-link"),
    )
    .unwrap();
    let mut client = Client::start(&host, scratch.path(), &[]);
    let session = client.result("session.create", json!({}))["session_id"].clone();
    let code = zonebox::server::error_code::NOT_FOUND;

    let read = client.result(
        "fs.read",
        json!({"session_id": session, "path": "hello.txt"}),
    );
    assert_eq!(read["content"], "hello from the workspace\n");
    assert_eq!(read["eof"], true);
    let part = client.result(
        "fs.read",
        json!({"session_id": session, "path": "/workspace/hello.txt", "offset": 6, "length": 4, "encoding": "base64"}),
    );
    assert_eq!(part["content"], "ZnJvbQ==");
    assert_eq!(part["eof"], false);

    let written = client.result(
        "fs.write",
        json!({"session_id": session, "path": "/out/new.txt", "content": "one\n"}),
    );
    assert_eq!(written["bytes_written"], 4);
    client.result(
        "fs.write",
        json!({"session_id": session, "path": "/out/new.txt", "content": "dHdvCg==", "encoding": "base64", "append": true}),
    );
    assert_eq!(
        std::fs::read_to_string(host.out().join("new.txt")).unwrap(),
        "one\ntwo\n"
    );
    let ran = client.result(
        "run",
        json!({"session_id": session, "command": "cat /out/new.txt"}),
    );
    assert_eq!(ran["stdout"], "one\ntwo\n");

    let listed = client.result(
        "fs.list",
        json!({"session_id": session, "path": "/workspace"}),
    );
    let names: Vec<&str> = listed["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["hello.txt", "sub"]);
    let stat = client.result("fs.stat", json!({"session_id": session, "path": "sub"}));
    assert_eq!(stat["kind"], "dir");

    let before = host.tree();
    assert_eq!(
        client.error_code(
            "fs.write",
            json!({"session_id": session, "path": "/workspace/x", "content": "no"})
        ),
        zonebox::server::error_code::READ_ONLY
    );
    for path in [
        host.outside().join("secret.txt").display().to_string(),
        "/workspace/../outside/secret.txt".to_string(),
        "/etc/passwd".to_string(),
    ] {
        assert_eq!(
            client.error_code("fs.read", json!({"session_id": session, "path": path})),
            code,
            "{path}"
        );
    }
    let refused = client.call(
        "fs.read",
        json!({"session_id": session, "path": "/out/out-link"}),
    );
    assert!(
        refused.get("error").is_some(),
        "a link out of the zone: {refused}"
    );
    assert!(
        !refused.to_string().contains("top secret"),
        "the secret stays out: {refused}"
    );
    // The link resolves in the guest's view, where its target is in no zone.
    assert_eq!(
        client.error_code(
            "fs.write",
            json!({"session_id": session, "path": "/out/out-link", "content": "x"})
        ),
        code
    );
    assert_eq!(
        client.error_code(
            "fs.read",
            json!({"session_id": session, "path": "/workspace"})
        ),
        zonebox::server::error_code::WRONG_KIND
    );
    assert_eq!(host.tree(), before, "refused writes change nothing");
    assert_eq!(
        std::fs::read_to_string(host.outside().join("secret.txt")).unwrap(),
        "top secret\n"
    );
    client.finish();
}

#[test]
fn bad_input_gets_errors_and_the_server_stays_up() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &["--max-message-bytes", "4096"]);
    use zonebox::server::error_code as code;
    let malformed: &[(&[u8], i64)] = &[
        (b"{not json\n", code::PARSE_ERROR),
        (b"[1, 2]\n", code::INVALID_REQUEST),
        (b"{\"id\": 1, \"method\": \"run\"}\n", code::INVALID_REQUEST),
        (
            b"{\"jsonrpc\": \"2.0\", \"id\": 2, \"method\": 7}\n",
            code::INVALID_REQUEST,
        ),
        (b"\xff\xfe\n", code::PARSE_ERROR),
    ];
    for (line, expected) in malformed {
        client.send_raw(line);
        let response = client.receive();
        assert_eq!(
            response["error"]["code"],
            json!(expected),
            "{line:?}: {response}"
        );
    }
    // A message past the limit is skipped whole, then the next one is answered.
    let mut huge = vec![b'x'; 1 << 20];
    huge.push(b'\n');
    client.send_raw(&huge);
    let response = client.receive();
    assert_eq!(response["error"]["code"], json!(code::MESSAGE_TOO_LARGE));
    assert_eq!(
        client.error_code("no.such.method", json!({})),
        code::METHOD_NOT_FOUND
    );
    assert_eq!(
        client.error_code("run", json!({"command": 5})),
        code::INVALID_PARAMS
    );
    assert_eq!(client.error_code("run", json!({})), code::INVALID_PARAMS);
    assert_eq!(
        client.error_code("run", json!({"command": "true", "bogus": 1})),
        code::INVALID_PARAMS
    );
    assert_eq!(
        client.error_code("run", json!({"command": "echo 'open"})),
        code::COMMAND_LINE
    );
    assert_eq!(
        client.error_code("fs.read", json!({"session_id": "s999", "path": "x"})),
        code::UNKNOWN_SESSION
    );
    assert_eq!(
        client.error_code("session.create", json!({"env": {"1bad": "x"}})),
        code::INVALID_PARAMS
    );
    assert_eq!(
        client.error_code("session.create", json!({"workdir": "/nowhere"})),
        code::NOT_FOUND
    );
    // A notification gets no answer; the next request does.
    client.send_raw(b"{\"jsonrpc\": \"2.0\", \"method\": \"tools\"}\n");
    let ran = client.result("run", json!({"command": "echo still here"}));
    assert_eq!(ran["stdout"], "still here\n");
    // A denied line is a result, with the router's reason.
    let denied = client.result("run", json!({"command": "sudo ls"}));
    assert_eq!(denied["exit_code"], zonebox::EXIT_DENIED);
    assert_eq!(denied["decision"]["route"], "deny");
    client.finish();
}

#[test]
fn one_line_at_a_time_per_session_many_sessions_at_once() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &["--max-sessions", "200"]);
    let busy = client.result("session.create", json!({}))["session_id"].clone();
    let slow = client.send(
        "run",
        json!({"session_id": busy, "command": "sleep 1; echo slept"}),
    );
    let refused = client.send("run", json!({"session_id": busy, "command": "echo second"}));
    let mut answers = std::collections::HashMap::new();
    for _ in 0..2 {
        let response = client.receive();
        answers.insert(response["id"].as_u64().unwrap(), response);
    }
    assert_eq!(
        answers[&refused]["error"]["code"],
        json!(zonebox::server::error_code::SESSION_BUSY)
    );
    assert_eq!(answers[&slow]["result"]["stdout"], "slept\n");

    let mut sessions = vec![busy];
    for _ in 1..200 {
        sessions.push(client.result("session.create", json!({}))["session_id"].clone());
    }
    assert_eq!(
        client.error_code("session.create", json!({})),
        zonebox::server::error_code::TOO_MANY_SESSIONS
    );
    let mut ids = std::collections::HashMap::new();
    for (n, session) in sessions.iter().enumerate() {
        let id = client.send(
            "run",
            json!({"session_id": session, "command": format!("x={n}; echo $((x * 2))")}),
        );
        ids.insert(id, n);
    }
    for _ in 0..sessions.len() {
        let response = client.receive();
        let n = ids[&response["id"].as_u64().unwrap()];
        assert_eq!(
            response["result"]["stdout"],
            format!("{}\n", n * 2),
            "{response}"
        );
    }
    client.finish();
    assert_eq!(scratch_dirs(scratch.path()), Vec::<String>::new());
}

#[test]
fn idle_sessions_are_closed() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &["--idle-timeout", "1"]);
    let session = client.result("session.create", json!({}))["session_id"].clone();
    let ran = client.result(
        "run",
        json!({"session_id": session, "command": "echo x > /tmp/mark"}),
    );
    assert_eq!(ran["exit_code"], 0);
    let marks = || {
        scratch_dirs(scratch.path())
            .iter()
            .filter(|d| scratch.path().join(d).join("mark").exists())
            .count()
    };
    assert_eq!(marks(), 1);
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        client.error_code("run", json!({"session_id": session, "command": "true"})),
        zonebox::server::error_code::UNKNOWN_SESSION
    );
    // Its scratch zone went with it (an empty one may wait in the sandbox's pool for reuse).
    assert_eq!(marks(), 0);
    client.finish();
}

#[test]
fn a_unix_socket_serves_each_connection() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::UnixStream;
    let host = Host::new();
    let policy = host.policy_file(&TestLimits::default());
    let socket = host.root.path().join("zonebox.sock");
    std::fs::write(host.root.path().join("not-a-socket"), "x").unwrap();
    let refused = zonebox(host.root.path())
        .args(["serve", "--policy"])
        .arg(&policy)
        .arg("--socket")
        .arg(host.root.path().join("not-a-socket"))
        .output()
        .unwrap();
    assert_ne!(refused.status.code(), Some(0));
    let server = KillOnDrop(
        zonebox(host.root.path())
            .args(["serve", "--policy"])
            .arg(&policy)
            .arg("--socket")
            .arg(&socket)
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    let stream = loop {
        if let Ok(stream) = UnixStream::connect(&socket) {
            break stream;
        }
        assert!(Instant::now() < deadline, "the socket never appeared");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mode = std::fs::metadata(&socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let mut ask = |message: Value| {
        writer.write_all(format!("{message}\n").as_bytes()).unwrap();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        serde_json::from_str::<Value>(&line).unwrap()
    };
    let created = ask(json!({"jsonrpc": "2.0", "id": 1, "method": "session.create"}));
    let session = created["result"]["session_id"].clone();
    let ran = ask(
        json!({"jsonrpc": "2.0", "id": 2, "method": "run", "params": {"session_id": session, "command": "cd sub; pwd"}}),
    );
    assert_eq!(ran["result"]["stdout"], "/workspace/sub\n");
    // The CLI sends lines to the server: a named session is made on first use and kept
    // between the CLI's connections; another connection's session is reached by its id.
    let cli = |extra: &[&str]| {
        zonebox(host.root.path())
            .args(["run", "--server"])
            .arg(&socket)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = cli(&["--session", "build", "cd sub; X=7; exit 3"]);
    assert_eq!(
        first.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = cli(&["--session", "build", "pwd; echo $X"]);
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "/workspace/sub\n7\n"
    );
    let other = cli(&["--session", session.as_str().unwrap(), "pwd"]);
    assert_eq!(String::from_utf8_lossy(&other.stdout), "/workspace/sub\n");
    let from_env = zonebox(host.root.path())
        .args(["run", "--json", "--", "echo $((6 * 7))"])
        .env("ZONEBOX_SERVER", &socket)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&from_env.stdout).unwrap();
    assert_eq!(json["stdout"], "42\n");
    let refused = cli(&["--session", "s999", "true"]);
    assert_eq!(refused.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("no session 's999'"));
    // A second server on the same path is refused while the first listens.
    let second = zonebox(host.root.path())
        .args(["serve", "--policy"])
        .arg(&policy)
        .arg("--socket")
        .arg(&socket)
        .output()
        .unwrap();
    assert_ne!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stderr).contains("already listening"));
    drop(server);
}

/// A child process killed when the test ends, passed or failed.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn output_streams_then_the_result_and_runs_can_be_cancelled() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &[]);
    let session = client.result("session.create", json!({}))["session_id"].clone();
    let id = client.send(
        "run",
        json!({"session_id": session, "stream": true,
               "command": "for i in 1 2 3; do echo out$i; echo err$i >&2; done; printf 'é'"}),
    );
    let (mut stdout, mut stderr) = (String::new(), String::new());
    let result = loop {
        let message = client.receive();
        if message.get("method").is_some() {
            assert_eq!(message["method"], "output");
            assert_eq!(message["params"]["run_id"], json!(id));
            let data = message["params"]["data"].as_str().unwrap();
            match message["params"]["stream"].as_str().unwrap() {
                "stdout" => stdout.push_str(data),
                _ => stderr.push_str(data),
            }
            continue;
        }
        break message;
    };
    assert_eq!(stdout, "out1\nout2\nout3\né");
    assert_eq!(stderr, "err1\nerr2\nerr3\n");
    assert_eq!(
        result["result"]["stdout"],
        stdout.as_str(),
        "the result comes last, whole"
    );

    // A shorter wall clock than the policy's.
    let timed = client.result("run", json!({"command": "sleep 5", "timeout_ms": 300}));
    assert_eq!(timed["exit_code"], 124);
    assert_eq!(timed["limit"], "wall_clock");

    // cancel ends a running line; the session lives on.
    let run = client.send(
        "run",
        json!({"session_id": session, "command": "echo started; sleep 20"}),
    );
    std::thread::sleep(Duration::from_millis(300));
    let cancel = client.send("cancel", json!({"run_id": run}));
    let mut answers = std::collections::HashMap::new();
    for _ in 0..2 {
        let response = client.receive();
        answers.insert(response["id"].as_u64().unwrap(), response);
    }
    assert_eq!(answers[&cancel]["result"]["cancelled"], json!(run));
    assert_eq!(answers[&run]["result"]["exit_code"], 130);
    assert_eq!(answers[&run]["result"]["limit"], "cancelled");
    assert_eq!(
        client.error_code("cancel", json!({"run_id": run})),
        zonebox::server::error_code::UNKNOWN_RUN
    );
    let after = client.result("run", json!({"session_id": session, "command": "echo $?"}));
    assert_eq!(after["stdout"], "130\n");
    client.finish();
}

#[test]
fn a_flood_of_requests_is_answered_one_by_one() {
    let host = Host::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut client = Client::start(&host, scratch.path(), &[]);
    let mut flood = Vec::new();
    for n in 0..2000 {
        flood.extend_from_slice(
            format!("{{\"jsonrpc\":\"2.0\",\"id\":{n},\"method\":\"route\",\"params\":{{\"command\":\"ls | wc -l\"}}}}\n")
                .as_bytes(),
        );
        flood.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\n");
    }
    // Written from another thread: the server answers while the flood is still coming.
    let mut input = client.input.take().unwrap();
    let writer = std::thread::spawn(move || {
        input.write_all(&flood).unwrap();
        input
    });
    let (mut routed, mut refused) = (0, 0);
    for _ in 0..4000 {
        let response = client.receive();
        if response["result"]["route"] == "wasm" {
            routed += 1;
        } else if response["error"]["code"] == json!(zonebox::server::error_code::PARSE_ERROR) {
            refused += 1;
        }
    }
    assert_eq!((routed, refused), (2000, 2000));
    client.input = Some(writer.join().unwrap());
    let ran = client.result("run", json!({"command": "echo after the flood"}));
    assert_eq!(ran["stdout"], "after the flood\n");
    client.finish();
}
