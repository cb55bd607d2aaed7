"""The Python client against a real `zonebox serve` (ZONEBOX_BIN names the binary)."""

import os
import subprocess
import time

import pytest

import zonebox


@pytest.fixture
def host(tmp_path):
    workspace = tmp_path / "workspace"
    out = tmp_path / "out"
    (workspace / "src").mkdir(parents=True)
    out.mkdir()
    (workspace / "hello.txt").write_text("hello\n")
    policy = tmp_path / "policy.toml"
    policy.write_text(
        'workdir = "/workspace"\nnetwork = "none"\n'
        f'[[zones]]\nhost = "{workspace}"\nguest = "/workspace"\nmode = "ro"\n'
        f'[[zones]]\nhost = "{out}"\nguest = "/out"\nmode = "rw"\n'
        '[[zones]]\nguest = "/tmp"\nmode = "scratch"\n'
        '[limits]\ntimeout_secs = 10\nmemory_mib = 256\nmax_output_bytes = 1048576\n'
        'max_open_files = 256\nmax_instances = 64\n'
    )
    return tmp_path, str(policy)


@pytest.fixture
def sandbox(host):
    _, policy = host
    with zonebox.Sandbox(policy=policy) as box:
        yield box


def test_run_and_initialize(sandbox):
    assert sandbox.info["server"] == "zonebox"
    assert "grep" in sandbox.info["tools"]
    result = sandbox.run("cat hello.txt | tr a-z A-Z")
    assert result.stdout == "HELLO\n"
    assert result.ok and result.backend == "wasm"
    assert sandbox.run("wc -c", stdin="four").stdout == "4\n"
    assert sandbox.run("exit 3").exit_code == 3


def test_sessions_keep_their_shell(sandbox):
    with sandbox.session(env={"MODE": "fast"}) as shell:
        shell.run("cd src && f() { echo in-$MODE; }")
        result = shell.run("pwd; f")
        assert result.stdout == "/workspace/src\nin-fast\n"
        assert result.cwd == "/workspace/src"
    with pytest.raises(zonebox.UnknownSession):
        shell.run("true")


def test_streaming_yields_chunks_then_the_result(sandbox):
    with sandbox.session() as shell:
        stream = shell.stream("for i in 1 2 3; do echo line$i; done; echo oops >&2")
        chunks = list(stream)
        assert "".join(c.data for c in chunks if c.stream == "stdout") == "line1\nline2\nline3\n"
        assert "".join(c.data for c in chunks if c.stream == "stderr") == "oops\n"
        assert stream.result is not None and stream.result.exit_code == 0


def test_files_obey_the_zones(sandbox, host):
    tmp_path, _ = host
    with sandbox.session() as shell:
        assert shell.read_file("hello.txt") == "hello\n"
        assert shell.write_file("/out/a.txt", "one\n") == 4
        shell.write_file("/out/a.txt", b"\x00two\n", append=True)
        assert (tmp_path / "out" / "a.txt").read_bytes() == b"one\n\x00two\n"
        assert shell.read_bytes("/out/a.txt", offset=4) == b"\x00two\n"
        names = [e["name"] for e in shell.list_dir("/workspace")]
        assert names == ["hello.txt", "src"]
        assert shell.stat("src")["kind"] == "dir"
        with pytest.raises(zonebox.ReadOnlyZone):
            shell.write_file("/workspace/x", "no")
        with pytest.raises(zonebox.FileNotFound):
            shell.read_file(str(tmp_path / "policy.toml"))
        with pytest.raises(FileNotFoundError):
            shell.read_file("/etc/passwd")


def test_errors_are_typed_and_denials_are_results(sandbox):
    with pytest.raises(zonebox.CommandLineError):
        sandbox.run("echo 'open")
    denied = sandbox.run("sudo id")
    assert denied.exit_code == 126 and denied.decision["route"] == "deny"
    assert sandbox.route("python3 x")["route"] in ("deny", "wasm", "container")
    timed = sandbox.run("sleep 5", timeout_ms=200)
    assert timed.exit_code == 124 and timed.limit == "wall_clock"


def test_a_socket_server_and_named_sessions(host, tmp_path):
    _, policy = host
    socket = str(tmp_path / "zb.sock")
    binary = os.environ.get("ZONEBOX_BIN", "zonebox")
    server = subprocess.Popen(
        [binary, "serve", "--policy", policy, "--socket", socket],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while not os.path.exists(socket):
            assert server.poll() is None, "the server ended before listening"
            assert time.time() < deadline, "the socket never appeared"
            time.sleep(0.05)
        with zonebox.Sandbox(socket=socket) as first:
            first.session(name="build").run("cd src; X=1")
        with zonebox.Sandbox(socket=socket) as second:
            kept = zonebox.Session(second._connection, "build", "")
            assert kept.run("pwd; echo $X").stdout == "/workspace/src\n1\n"
            with pytest.raises(zonebox.SessionExists):
                second.session(name="build")
    finally:
        server.kill()
        server.wait()
