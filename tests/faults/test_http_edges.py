"""HTTP edges (issue 12, item 11): a batch that can never fit, text that is not Unicode,
a damaged cache entry, what /healthz tells a stranger, and connections that never finish."""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from claimtrace import Extractor
from claimtrace.call import CallSettings
from claimtrace.http import ServiceConfig, create_app
from claimtrace.http.limits import uvicorn_options
from claimtrace.http.settings import ServerLimits

from .conftest import article
from .upstream import FakeUpstream

KEY = "s3cret"


def _app(base_url: str, cache_dir: Path | None = None, **config: Any) -> FastAPI:
    extractor = Extractor(
        base_url=base_url,
        model="fake",
        strategy="article",
        cache=cache_dir is not None,
        cache_dir=cache_dir,
        settings=CallSettings(timeout_s=5, backoff_max_s=0.2),
        say=lambda _m: None,
    )
    config = {"resolve_at_startup": True, "upstream_base_url": base_url, **config}
    return create_app(extractor, ServiceConfig(**config))


@pytest.fixture
def client(upstream: FakeUpstream) -> Iterator[TestClient]:
    with TestClient(_app(upstream.base_url, concurrency=1, queue=2)) as test_client:
        yield test_client


def _docs(n: int) -> list[dict[str, str]]:
    return [{"doc_id": f"d{i}", "text": article() + f" ({i})"} for i in range(n)]


# --- a batch larger than the queue can ever hold ----------------------------------------


def test_a_batch_beyond_capacity_is_refused_for_good_not_asked_to_retry(
    client: TestClient,
) -> None:
    response = client.post("/v1/extract/batch", json={"documents": _docs(4)})
    assert response.status_code == 413, response.text
    assert "retry-after" not in response.headers
    body = response.json()
    assert body["kind"] == "batch_too_large"
    assert "capacity of 3" in body["error"] and "send at most 3 at once" in body["error"]
    assert client.post("/v1/extract/batch", json={"documents": _docs(3)}).status_code == 200


# --- text that is not Unicode ---------------------------------------------------------

LONE = b"Rebels killed 12 \\ud800 soldiers."


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/extract", b'{"text": "%s"}', "text"),
        (
            "/v1/extract/batch",
            b'{"documents": [{"text": "ok"}, {"text": "%s"}]}',
            "documents.1.text",
        ),
        (
            "/v1/chat/completions",
            b'{"model": "claimtrace-claims", "messages": [{"role": "user", "content": "%s"}]}',
            "messages.0.content",
        ),
    ],
)
def test_a_lone_surrogate_is_a_400_naming_the_field(
    client: TestClient, upstream: FakeUpstream, path: str, body: bytes, field: str
) -> None:
    response = client.post(path, content=body % LONE, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    text = response.text
    assert f"{field}: holds a lone UTF-16 surrogate" in text
    assert sum(upstream.calls.values()) == 0  # refused before any model call


def test_a_surrogate_pair_is_text_like_any_other(client: TestClient) -> None:
    body = b'{"text": "Rebels killed 12 soldiers \\ud83d\\ude00 in Homs."}'
    response = client.post(
        "/v1/extract", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text


# --- a damaged cache entry ------------------------------------------------------------


def _damage_one_entry(cache_dir: Path, value: bytes) -> None:
    with sqlite3.connect(cache_dir / "cache.db") as db:
        (rowid,) = db.execute("SELECT rowid FROM Cache ORDER BY rowid LIMIT 1").fetchone()
        db.execute("UPDATE Cache SET value = ? WHERE rowid = ?", (value, rowid))


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00garbage",  # unreadable: the cache makes it a miss, the model answers again
        zlib.compress(b'{"answer": 5}'),  # readable but not an answer: also a miss
    ],
    ids=["unreadable", "wrong-shape"],
)
def test_a_damaged_cache_entry_is_a_miss(
    upstream: FakeUpstream, tmp_path: Path, damage: bytes
) -> None:
    answers = tmp_path / "answers"
    with TestClient(_app(upstream.base_url, answers)) as client:
        assert client.post("/v1/extract/batch", json={"documents": _docs(3)}).status_code == 200
    _damage_one_entry(answers, damage)
    with TestClient(_app(upstream.base_url, answers)) as client:
        response = client.post("/v1/extract/batch", json={"documents": _docs(3)})
    assert response.status_code == 200, response.text
    records = response.json()["records"]
    assert [r["doc_id"] for r in records] == ["d0", "d1", "d2"]
    assert not [r["error"] for r in records if "error" in r]
    assert sum(upstream.calls.values()) == 4  # three answers, then the damaged one again


# --- /healthz for callers without the key ---------------------------------------------


AUTH = {"Authorization": f"Bearer {KEY}"}


def _settled(client: TestClient) -> dict[str, Any]:
    """The full health, once the startup resolution of the endpoint has ended either way."""
    deadline = time.monotonic() + 10
    while (health := client.get("/healthz", headers=AUTH).json())["upstream"]["status"] in (
        "starting",
        "not_started",
    ):
        assert time.monotonic() < deadline, health
        time.sleep(0.05)
    return health  # type: ignore[no-any-return]


def test_healthz_tells_a_caller_without_the_key_only_ok(upstream: FakeUpstream) -> None:
    with TestClient(_app(upstream.base_url, api_key=KEY)) as client:
        full = _settled(client)
        brief = client.get("/healthz")
        wrong = client.get("/healthz", headers={"Authorization": "Bearer nope"})
    assert full["status"] == "ok" and full["upstream"]["base_url"] == upstream.base_url
    assert (brief.status_code, brief.json()) == (200, {"ok": True})
    assert (wrong.status_code, wrong.json()) == (200, {"ok": True})


def test_healthz_not_ok_says_only_that(upstream: FakeUpstream) -> None:
    dead = upstream.base_url.replace(str(upstream.server.server_address[1]), "9")
    with TestClient(_app(dead, api_key=KEY)) as client:
        full = _settled(client)
        brief = client.get("/healthz")
    assert full["status"] == "degraded" and "127.0.0.1:9" in str(full["upstream"])
    assert (brief.status_code, brief.json()) == (503, {"ok": False})


# --- connections that never finish ----------------------------------------------------


@pytest.fixture
def served(upstream: FakeUpstream) -> Iterator[int]:
    """A real uvicorn with short limits, as `claimtrace serve` configures it; its port."""
    limits = ServerLimits(
        max_connections=3, keep_alive_s=1, header_timeout_s=1.0, max_header_bytes=4096
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    config = uvicorn.Config(
        _app(upstream.base_url),
        host="127.0.0.1",
        port=port,
        log_level="critical",
        **uvicorn_options(limits),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield port
    server.should_exit = True
    thread.join(10)


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=6)


def _until_closed(sock: socket.socket) -> float:
    """Seconds until the server closes `sock` (reading and dropping what it sends)."""
    started = time.monotonic()
    while sock.recv(4096):
        pass
    return time.monotonic() - started


GET = b"GET /healthz HTTP/1.1\r\nHost: x\r\n"


def test_half_a_header_is_closed_at_the_header_deadline(served: int) -> None:
    with _connect(served) as sock:
        sock.sendall(GET)  # no blank line: the headers never end
        assert 0.5 < _until_closed(sock) < 3


def test_a_trickle_of_header_bytes_does_not_extend_the_deadline(served: int) -> None:
    with _connect(served) as sock:
        started = time.monotonic()
        for byte in GET:
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # closed under our feet: what we want
                break
            time.sleep(0.05)
        _until_closed(sock)
        assert time.monotonic() - started < 3


def test_the_next_request_on_a_kept_alive_connection_has_a_deadline_too(served: int) -> None:
    with _connect(served) as sock:
        sock.sendall(GET + b"\r\n")
        assert sock.recv(4096).startswith(b"HTTP/1.1 200")
        sock.sendall(GET)  # half of the second request
        assert _until_closed(sock) < 3


def test_an_unfinished_head_over_the_buffer_limit_is_refused(served: int) -> None:
    """h11 holds at most `max_header_bytes` of a head it cannot parse yet (a head that
    arrives whole is parsed at once, whatever its size)."""
    with _connect(served) as sock:
        sock.sendall(GET + b"X-Pad: " + b"a" * 8000)
        assert sock.recv(4096).startswith(b"HTTP/1.1 400")


def test_connections_beyond_the_limit_get_503(served: int) -> None:
    idle = [_connect(served) for _ in range(3)]
    try:
        time.sleep(0.2)  # let the server register them
        with _connect(served) as sock:
            sock.sendall(GET + b"\r\n")
            assert sock.recv(4096).startswith(b"HTTP/1.1 503")
    finally:
        for sock in idle:
            sock.close()
