"""The client: one connection to `zonebox serve` (a child process on stdio, or a Unix socket),
requests answered in order, `output` notifications delivered to the run that streams."""

from __future__ import annotations

import base64
import collections
import json
import os
import socket as socketlib
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional


class ZoneboxError(Exception):
    """An error answer of the server: its code and message."""

    code: int = 0

    def __init__(self, message: str, code: Optional[int] = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ServerGone(ZoneboxError):
    """The server ended or the connection closed."""


class MessageTooLarge(ZoneboxError):
    code = -32001


class UnknownSession(ZoneboxError):
    code = -32010


class SessionBusy(ZoneboxError):
    code = -32011


class TooManySessions(ZoneboxError):
    code = -32012


class SessionExists(ZoneboxError):
    code = -32015


class CommandLineError(ZoneboxError):
    code = -32020


class PolicyError(ZoneboxError):
    code = -32021


class EngineError(ZoneboxError):
    code = -32030


class ContainerError(ZoneboxError):
    code = -32031


class FileNotFound(ZoneboxError, FileNotFoundError):
    code = -32040


class ReadOnlyZone(ZoneboxError, PermissionError):
    code = -32041


class PermissionRefused(ZoneboxError, PermissionError):
    code = -32042


class WrongKind(ZoneboxError):
    code = -32043


_BY_CODE = {
    cls.code: cls
    for cls in (
        MessageTooLarge,
        UnknownSession,
        SessionBusy,
        TooManySessions,
        SessionExists,
        CommandLineError,
        PolicyError,
        EngineError,
        ContainerError,
        FileNotFound,
        ReadOnlyZone,
        PermissionRefused,
        WrongKind,
    )
}


def _error(payload: Dict[str, Any]) -> ZoneboxError:
    code = int(payload.get("code", 0))
    message = str(payload.get("message", "no message"))
    return _BY_CODE.get(code, ZoneboxError)(message, code)


@dataclass
class RunResult:
    """One run, as the server reports it."""

    stdout: str
    stderr: str
    exit_code: int
    backend: str
    duration_ms: float
    truncated: bool
    limit: Optional[str]
    decision: Optional[Dict[str, Any]]
    cwd: Optional[str] = None
    session_id: Optional[str] = None

    @classmethod
    def from_json(cls, value: Dict[str, Any]) -> "RunResult":
        return cls(
            stdout=value["stdout"],
            stderr=value["stderr"],
            exit_code=value["exit_code"],
            backend=value["backend"],
            duration_ms=value["duration_ms"],
            truncated=value["truncated"],
            limit=value.get("limit"),
            decision=value.get("decision"),
            cwd=value.get("cwd"),
            session_id=value.get("session_id"),
        )

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass
class Chunk:
    """A piece of a streaming run's output."""

    stream: str
    data: str


class RunStream:
    """The output of a streaming run as it arrives; `result` is set once it is consumed."""

    def __init__(self, chunks: Iterator[Any]):
        self._chunks = chunks
        self.result: Optional[RunResult] = None

    def __iter__(self) -> Iterator[Chunk]:
        for item in self._chunks:
            if isinstance(item, RunResult):
                self.result = item
            else:
                yield item


class _Connection:
    """Requests and their answers over one byte stream; one request in flight at a time."""

    def __init__(self, reader, writer, closer):
        self._reader = reader
        self._writer = writer
        self._closer = closer
        self._lock = threading.Lock()
        self._next_id = 1

    def _send(self, method: str, params: Dict[str, Any]) -> int:
        request_id = self._next_id
        self._next_id += 1
        message = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
        try:
            self._writer.write((json.dumps(message) + "\n").encode())
            self._writer.flush()
        except (BrokenPipeError, OSError) as error:
            raise ServerGone(f"the server is gone: {error}") from error
        return request_id

    def _receive(self) -> Dict[str, Any]:
        line = self._reader.readline()
        if not line:
            raise ServerGone("the server closed the connection")
        return json.loads(line)

    def call(self, method: str, params: Dict[str, Any]) -> Any:
        with self._lock:
            request_id = self._send(method, params)
            while True:
                message = self._receive()
                if message.get("id") == request_id:
                    if "error" in message:
                        raise _error(message["error"])
                    return message["result"]

    def stream(self, params: Dict[str, Any]) -> Iterator[Any]:
        with self._lock:
            request_id = self._send("run", dict(params, stream=True))
            while True:
                message = self._receive()
                if message.get("method") == "output":
                    body = message["params"]
                    if body.get("run_id") == request_id:
                        yield Chunk(body["stream"], body["data"])
                    continue
                if message.get("id") == request_id:
                    if "error" in message:
                        raise _error(message["error"])
                    yield RunResult.from_json(message["result"])
                    return

    def close(self) -> None:
        self._closer()


def _drop_none(params: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


class _Runs:
    """What a sandbox and a session both do: run, stream, route."""

    _connection: _Connection
    _session_id: Optional[str] = None

    def run(self, command: str, *, stdin: Optional[str] = None, timeout_ms: Optional[int] = None) -> RunResult:
        params = _drop_none(
            {"command": command, "session_id": self._session_id, "stdin": stdin, "timeout_ms": timeout_ms}
        )
        return RunResult.from_json(self._connection.call("run", params))

    def stream(self, command: str, *, stdin: Optional[str] = None, timeout_ms: Optional[int] = None) -> RunStream:
        params = _drop_none(
            {"command": command, "session_id": self._session_id, "stdin": stdin, "timeout_ms": timeout_ms}
        )
        return RunStream(self._connection.stream(params))

    def route(self, command: str) -> Dict[str, Any]:
        return self._connection.call("route", _drop_none({"command": command, "session_id": self._session_id}))


class Session(_Runs):
    """A shell that lives across lines: cwd, variables, functions, `$?`, scratch zones."""

    def __init__(self, connection: _Connection, session_id: str, cwd: str):
        self._connection = connection
        self._session_id = session_id
        self.id = session_id
        self.initial_cwd = cwd

    def read_file(self, path: str, *, offset: int = 0, length: Optional[int] = None) -> str:
        params = _drop_none({"session_id": self.id, "path": path, "offset": offset, "length": length})
        return self._connection.call("fs.read", params)["content"]

    def read_bytes(self, path: str, *, offset: int = 0, length: Optional[int] = None) -> bytes:
        params = _drop_none(
            {"session_id": self.id, "path": path, "offset": offset, "length": length, "encoding": "base64"}
        )
        return base64.b64decode(self._connection.call("fs.read", params)["content"])

    def write_file(self, path: str, content, *, append: bool = False) -> int:
        params: Dict[str, Any] = {"session_id": self.id, "path": path, "append": append}
        if isinstance(content, (bytes, bytearray)):
            params.update(content=base64.b64encode(bytes(content)).decode(), encoding="base64")
        else:
            params["content"] = content
        return self._connection.call("fs.write", params)["bytes_written"]

    def list_dir(self, path: str = ".") -> List[Dict[str, Any]]:
        return self._connection.call("fs.list", {"session_id": self.id, "path": path})["entries"]

    def stat(self, path: str) -> Dict[str, Any]:
        return self._connection.call("fs.stat", {"session_id": self.id, "path": path})

    def close(self) -> None:
        try:
            self._connection.call("session.close", {"session_id": self.id})
        except (UnknownSession, ServerGone):
            pass

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Sandbox(_Runs):
    """A zonebox server: started as a child process (`zonebox serve`), or reached on the Unix
    socket of a running one (`socket=`)."""

    def __init__(
        self,
        policy: Optional[str] = None,
        *,
        socket: Optional[str] = None,
        zonebox: Optional[str] = None,
        args: Optional[List[str]] = None,
        env: Optional[Dict[str, str]] = None,
    ):
        self._process: Optional[subprocess.Popen] = None
        if socket is not None:
            sock = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
            sock.connect(socket)
            reader = sock.makefile("rb")
            writer = sock.makefile("wb")

            def close() -> None:
                writer.close()
                reader.close()
                sock.close()

            self._connection = _Connection(reader, writer, close)
        else:
            binary = zonebox or os.environ.get("ZONEBOX_BIN", "zonebox")
            command = [binary, "serve"]
            if policy is not None:
                command += ["--policy", policy]
            command += list(args or [])
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            process = self._process

            def close() -> None:
                if process.stdin:
                    process.stdin.close()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                if process.stdout:
                    process.stdout.close()

            # The server's stderr (compile progress, logs) is drained so it never fills its pipe;
            # its last lines explain a server that could not start.
            self._stderr_tail: "collections.deque[str]" = collections.deque(maxlen=50)
            tail = self._stderr_tail

            def drain() -> None:
                for line in process.stderr:
                    tail.append(line.decode(errors="replace").rstrip())

            threading.Thread(target=drain, daemon=True).start()
            self._connection = _Connection(process.stdout, process.stdin, close)
        try:
            self.info = self._connection.call("initialize", {})
        except ServerGone as gone:
            # The server could not start (a bad policy, say): its stderr says why.
            reason = ""
            if self._process is not None:
                self._process.wait(timeout=30)
                time.sleep(0.1)
                reason = "\n".join(self._stderr_tail)
            raise ServerGone(f"zonebox serve did not start: {reason or gone}") from gone

    def session(
        self,
        *,
        name: Optional[str] = None,
        workdir: Optional[str] = None,
        env: Optional[Dict[str, str]] = None,
    ) -> Session:
        created = self._connection.call(
            "session.create", _drop_none({"name": name, "workdir": workdir, "env": env})
        )
        return Session(self._connection, created["session_id"], created["cwd"])

    def tools(self) -> List[Dict[str, str]]:
        return self._connection.call("tools", {})["tools"]

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
