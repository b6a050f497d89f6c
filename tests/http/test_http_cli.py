"""`claimtrace serve`: refusals in one line, and a real start, serve and graceful stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
from http_support import free_port

SERVE = [sys.executable, "-c", "from claimtrace.cli import main; main()", "serve"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=60)


def test_non_loopback_without_a_key_is_refused() -> None:
    result = _run("--host", "0.0.0.0", "--port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith("error: refusing to listen on 0.0.0.0 without --api-key")


def test_busy_port_is_refused_in_one_line() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = _run("--port", str(port))
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: cannot listen on 127.0.0.1:{port}: in use"


def _closed_after_half_a_header(port: int) -> float:
    """Seconds until the server closes a connection that never finishes its headers."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        assert sock.recv(1024) == b""
        return time.monotonic() - started


def test_serve_starts_answers_and_stops_gracefully(tmp_path) -> None:
    port, dead = free_port(), free_port()
    env = {**os.environ, "CLAIMTRACE_CACHE_DIR": str(tmp_path)}
    process = subprocess.Popen(
        [*SERVE, "--port", str(port), "--base-url", f"http://127.0.0.1:{dead}/v1",
         "--model", "m", "--api-key", "k", "--log-level", "warning", "--header-timeout", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        auth = {"Authorization": "Bearer k"}
        while True:
            try:
                health = httpx.get(f"{url}/healthz", headers=auth, timeout=2).json()
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.1)
        assert health["upstream"]["status"] in ("error", "starting")  # nothing at --base-url
        assert httpx.get(f"{url}/healthz", timeout=2).json().keys() == {"ok"}  # no token
        assert httpx.get(f"{url}/v1/models", timeout=5).status_code == 401
        assert _closed_after_half_a_header(port) < 3  # --header-timeout 1
        assert httpx.get(f"{url}/v1/models", headers=auth, timeout=5).status_code == 200
        asks = {"text": "x y", "options": {"strategy": "parse"}}
        response = httpx.post(f"{url}/v1/extract", json=asks, headers=auth, timeout=30)
        assert response.status_code == 502 and "cannot reach" in response.json()["error"]
        rules = httpx.post(f"{url}/v1/extract", json={"text": "x y"}, headers=auth, timeout=30)
        assert rules.status_code == 200  # the default, rules, asks no model
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    # uvicorn re-raises the signal it handled once it has shut down cleanly.
    assert process.returncode in (0, -signal.SIGTERM), stderr
    assert "Traceback" not in stderr
