"""What the HTTP tests share besides fixtures: the recorded articles and the recorder.

The service's upstream exchanges (two short articles and a `/models` listing)
were recorded once from the real llama-server into `tests/cassettes/http/`
(`CLAIMTRACE_RECORD=1` records them when missing). vcrpy patches every httpx
transport in the process, including the ones test clients use to reach the
service, so only exchanges with the recorded server's port are replayed; the
rest pass through to the real (loopback) network.
"""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import uvicorn
import vcr
from vcr.cassette import Cassette

from claimtrace.http.graceful import GracefulServer

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = ROOT / "tests" / "cassettes" / "http"
UPSTREAM_CASSETTE = "upstream.yaml"
RECORDED_PORT = 8091
RECORD = os.environ.get("CLAIMTRACE_RECORD") == "1"

# Short articles keep recording quick; they are inputs, the answers are the model's.
ARTICLE_A = (
    "The UK-based Syrian Observatory for Human Rights said on Tuesday that 27 civilians were "
    "shot dead by security forces and 34 soldiers were killed in clashes in Douma."
)
ARTICLE_B = (
    "At least four other civilians were killed by security force fire in the city of Homs, "
    "a protest hub in central Syria, the rights group reported."
)


def _upstream_only(request: Any) -> Any:
    """Keep only exchanges with the recorded llama-server; the rest go to the real network."""
    return request if request.port == RECORDED_PORT else None


def use_upstream_cassette(
    record: bool = False, name: str = UPSTREAM_CASSETTE, library: Path = CASSETTES
) -> Cassette:
    """An upstream cassette (by default the service's), replayed or recorded, as a context
    manager; `library` may be `tests/cassettes` to replay the extractor's own recordings."""
    recorder = vcr.VCR(
        cassette_library_dir=str(library),
        record_mode="once" if record else "none",
        match_on=["method", "scheme", "host", "port", "path", "body"],
        filter_headers=["authorization"],
        decode_compressed_response=True,
        before_record_request=_upstream_only,
    )
    return recorder.use_cassette(name, allow_playback_repeats=True)  # type: ignore[no-any-return]


class SlowTransport(httpx2.AsyncBaseTransport):
    """Sleeps before each upstream request, then lets it through (to the cassette)."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.inner = httpx2.AsyncHTTPTransport()
        self.started = 0
        self.completed = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.started += 1
        await asyncio.sleep(self.delay_s)
        response = await self.inner.handle_async_request(request)
        self.completed += 1
        return response


class TimeoutTransport(httpx2.AsyncBaseTransport):
    """Every upstream request times out, as a hung model would."""

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ReadTimeout("injected timeout", request=request)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """A real uvicorn on loopback, in a thread of this process (so vcr's patches apply)."""

    def __init__(self, app: Any, grace_s: float = 5.0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            timeout_graceful_shutdown=grace_s,
        )
        self.server = GracefulServer(config, app.state.service.engine)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self, timeout_s: float = 30.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout_s)
        assert not self.thread.is_alive(), "uvicorn did not stop"
