"""Start, inspect and stop the local llama-server.

The server runs detached (it outlives the command that started it) and binds
127.0.0.1 only. Its pid, port and model are recorded in the cache directory so
`status`, `stop` and on-demand starts find it again; a record whose process has
died is treated as absent.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from ..config import cache_dir, write_json
from ..errors import BackendError
from . import build, models

HOST = "127.0.0.1"
DEFAULT_PORT = 8091
# One slot: on 2 cores it gave the most throughput twice (sentence strategy: 1.61
# against 1.41 articles/min with 2 slots; parse strategy: 2.6 against 3.1 s/article).
DEFAULT_PARALLEL = 1
DEFAULT_CTX = 8192  # per slot
START_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ServerState:
    """What `start` records about a running server."""

    pid: int
    port: int
    model: str
    model_path: str
    model_sha256: str
    parallel: int
    ctx: int
    log: str
    started_at: float

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"


def state_dir() -> Path:
    path = cache_dir() / "server"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state_file(port: int) -> Path:
    return state_dir() / f"{port}.json"


def process_alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie child does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        # A zombie (our own exited child) still answers kill(0); read its state.
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def port_busy(port: int) -> bool:
    """Whether anything listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def read_state(port: int) -> ServerState | None:
    """The recorded server on `port` if its process still runs (stale records are removed)."""
    path = _state_file(port)
    if not path.is_file():
        return None
    try:
        state = ServerState(**json.loads(path.read_text()))
    except (ValueError, TypeError):
        path.unlink(missing_ok=True)
        return None
    if not process_alive(state.pid):
        path.unlink(missing_ok=True)
        return None
    return state


def running() -> list[ServerState]:
    """Every recorded server that is still alive."""
    states = []
    for path in sorted(state_dir().glob("*.json")):
        with contextlib.suppress(ValueError):
            state = read_state(int(path.stem))
            if state:
                states.append(state)
    return states


def healthy(port: int, timeout: float = 2.0) -> bool:
    """llama-server answers `/health` with 200 once the model is loaded."""
    try:
        return httpx.get(f"http://{HOST}:{port}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def _log_tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    interesting = [line for line in text if "error" in line.lower()] or text
    return " | ".join(line.strip() for line in interesting[-lines:])


def start(
    model: str = models.DEFAULT_MODEL,
    port: int = DEFAULT_PORT,
    parallel: int = DEFAULT_PARALLEL,
    speculate: bool = False,
    ctx: int = DEFAULT_CTX,
    threads: int | None = None,
    on_status: Callable[[str], None] | None = None,
    timeout: float = START_TIMEOUT_S,
) -> ServerState:
    """Start llama-server for `model` on `port`, or return the one already serving it."""
    say = on_status or (lambda _msg: None)
    spec = models.get(model)
    existing = read_state(port)
    if existing is not None:
        if existing.model == model and healthy(port):
            return existing
        raise BackendError(
            f"port {port} is busy: claimtrace's server for {existing.model} runs there "
            f"(pid {existing.pid}); stop it with `claimtrace llm stop --port {port}` "
            "or pick another --port"
        )
    if port_busy(port):
        raise BackendError(
            f"port {port} is busy: another process listens on {HOST}:{port}; pick another --port"
        )
    models.check_file(spec)  # missing, truncated or rewritten files are refused here
    binary = build.find_server()
    if binary is None:
        raise BackendError("llama-server is not built yet; run `claimtrace llm build`")
    log = state_dir() / f"llama-server-{port}.log"
    cmd = [
        str(binary),
        "--model", str(spec.file),
        "--host", HOST,
        "--port", str(port),
        "--parallel", str(parallel),
        "--ctx-size", str(ctx * parallel),
        "--threads", str(threads or os.cpu_count() or 2),
        "--no-webui",
        "--metrics",
        "--alias", model,
    ]  # fmt: skip
    if speculate:
        # Off by default: on 2 cores ngram drafts were accepted 9-13% of the time and
        # generation fell from 8.4 to 4.9 tokens/s (benchmarks/README.md).
        cmd += ["--spec-type", "ngram-simple"]
    say(f"starting llama-server ({model}) on {HOST}:{port}")
    with log.open("w") as handle:
        proc = subprocess.Popen(
            cmd,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    state = ServerState(
        pid=proc.pid,
        port=port,
        model=model,
        model_path=str(spec.file),
        model_sha256=spec.sha256,
        parallel=parallel,
        ctx=ctx,
        log=str(log),
        started_at=time.time(),
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            raise BackendError(
                f"llama-server exited during start (code {code}): {_log_tail(log)}; log: {log}"
            )
        if healthy(port):
            write_json(_state_file(port), asdict(state))
            return state
        time.sleep(0.5)
    _terminate(proc.pid)
    raise BackendError(f"llama-server did not become healthy within {timeout:.0f}s; log: {log}")


def _terminate(pid: int, grace: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and process_alive(pid):
        time.sleep(0.1)
    if process_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def stop(port: int | None = None) -> list[ServerState]:
    """Stop the server on `port` (every recorded server when None); return those stopped."""
    targets = running() if port is None else [s for s in [read_state(port)] if s]
    for state in targets:
        _terminate(state.pid)
        _state_file(state.port).unlink(missing_ok=True)
    return targets


def props(base_url: str) -> dict[str, object]:
    """llama-server's `/props` (context size per slot, slots, model), or {} elsewhere."""
    root = base_url.rstrip("/").removesuffix("/v1")
    try:
        response = httpx.get(f"{root}/props", timeout=5)
    except httpx.HTTPError:
        return {}
    if response.status_code != 200:
        return {}
    try:
        data: dict[str, object] = response.json()
    except ValueError:
        return {}
    return data
