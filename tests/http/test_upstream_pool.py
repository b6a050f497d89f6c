"""`claimtrace serve --upstream A --upstream B`: one service over a pool of fake upstreams.

The upstreams are the fault matrix's fakes (`article`: one chat a document, an
empty extraction as the answer; fault injections, not recordings), with the
batch tests' `SlowUpstream`, which `stop()`s as a killed process would.
Documents spread over both, a killed upstream loses no request, it rejoins
when it listens again, /healthz and /metrics show each, and a stream moves
only while none of its claims was sent.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from http_support import LiveServer, free_port

from claimtrace import Extractor
from claimtrace.call import CallSettings
from claimtrace.errors import BackendError, InputError
from claimtrace.events import ClaimsReady, Event
from claimtrace.http.app import create_app
from claimtrace.http.settings import ServiceConfig
from claimtrace.http.upstreams import Relay, upstream_pool
from claimtrace.pool import Member, Pool, pool_urls
from claimtrace.schema import ClaimRecord
from tests.batch.conftest import wait_for
from tests.faults.upstream import FakeUpstream, SlowUpstream

TEXT = "Rebels killed {i} soldiers in Homs on Monday, SANA said."
SERVE = [sys.executable, "-c", "from claimtrace.cli import main; main()", "serve"]
CHAT = {"model": "claimtrace-claims-article", "stream": True}


@pytest.fixture(autouse=True)
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The endpoint probes of these tests stay out of the user's cache."""
    monkeypatch.setenv("CLAIMTRACE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def fakes() -> Iterator[list[SlowUpstream]]:
    """Two fake upstreams answering after 50 ms, killed at the end if a test did not."""
    with contextlib.ExitStack() as stack:
        both = [SlowUpstream(0.05), SlowUpstream(0.05)]
        for fake in both:
            fake.__enter__()
            stack.callback(fake.stop)
        yield both


def _quiet(_message: str) -> None:
    """The extractors' progress lines are not what these tests read."""


def pool_app(urls: list[str]) -> FastAPI:
    """The service as `serve --upstream ...` builds it, with short health timings."""
    build = functools.partial(
        Extractor,
        model="fake",
        strategy="article",
        cache=False,
        settings=CallSettings(max_retries=1, backoff_max_s=0.2),
        say=_quiet,
        lazy_start=False,
    )
    pool = upstream_pool(urls, build, recheck_s=0.2, down_timeout_s=1.0)
    settings = ServiceConfig(concurrency=pool.capacity, resolve_at_startup=True)
    return create_app(pool.members[0].extractor, settings, pool)


def documents(count: int, start: int = 0) -> list[dict[str, str]]:
    return [{"doc_id": f"d{i:03d}", "text": TEXT.format(i=i)} for i in range(start, start + count)]


def by_url(health: dict[str, object]) -> dict[str, dict[str, object]]:
    return {u["url"]: u for u in health["upstreams"]}  # type: ignore[attr-defined]


# --- spreading, health and metrics ----------------------------------------------------


def test_documents_spread_over_both_upstreams(fakes: list[SlowUpstream]) -> None:
    urls = [f.base_url for f in fakes]
    with TestClient(pool_app(urls)) as client:
        answer = client.post("/v1/extract/batch", json={"documents": documents(8)})
        health = client.get("/healthz").json()
        metrics = client.get("/metrics").text
    assert answer.status_code == 200
    records = answer.json()["records"]
    assert [r["doc_id"] for r in records] == [d["doc_id"] for d in documents(8)]
    assert not [r for r in records if "error" in r]
    assert sum(f.chats for f in fakes) == 8
    assert min(f.chats for f in fakes) >= 2  # fewer than one upstream's slots, yet both share
    assert health["status"] == "ok" and health["upstream"]["status"] == "ok"
    assert "2 of 2 upstreams" in health["upstream"]["detail"]
    states = by_url(health)
    assert sorted(states) == sorted(urls)
    for url, fake in zip(urls, fakes, strict=True):
        assert states[url]["healthy"] is True and states[url]["in_flight"] == 0
        assert states[url]["capacity"] == 8  # no /props: REMOTE_PARALLEL
        assert states[url]["done"] == fake.chats
        assert f'claimtrace_upstream_healthy{{url="{url}"}} 1' in metrics
        assert f'claimtrace_upstream_capacity{{url="{url}"}} 8' in metrics


def test_one_upstream_keeps_the_health_of_old(fakes: list[SlowUpstream]) -> None:
    extractor = Extractor(base_url=fakes[0].base_url, model="fake", cache=False, say=_quiet)
    app = create_app(extractor, ServiceConfig(resolve_at_startup=True))
    with TestClient(app) as client:
        health = client.get("/healthz").json()
    assert set(health) == {"status", "version", "uptime_s", "queue", "upstream"}


def test_every_upstream_down_answers_502_after_the_wait(fakes: list[SlowUpstream]) -> None:
    for fake in fakes:
        fake.stop()
    with TestClient(pool_app([f.base_url for f in fakes])) as client:
        answer = client.post("/v1/extract", json={"text": TEXT.format(i=1), "doc_id": "x"})
        health = client.get("/healthz").json()
        rules = {"text": TEXT.format(i=1), "doc_id": "y", "options": {"strategy": "rules"}}
        without_model = client.post("/v1/extract", json=rules)
    assert without_model.status_code == 200  # rules asks no upstream, so none is waited for
    assert without_model.json()["claims"]
    assert answer.status_code == 502
    assert "no endpoint of the pool answered for 1 s" in answer.json()["error"]
    assert health["status"] == "degraded"
    assert not any(u["healthy"] for u in health["upstreams"])


# --- a killed upstream, and its return ------------------------------------------------


def _stop_after(upstream: SlowUpstream, chats: int) -> None:
    while upstream.chats < chats:
        time.sleep(0.01)
    upstream.stop()


def _post(url: str, document: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{url}/v1/extract", json=document, timeout=60)


def revived(port: int) -> FakeUpstream:
    """A fresh fake listening where a stopped one did: the killed upstream, restarted,
    now a llama-server that reports 3 slots in `/props`."""
    fake = FakeUpstream()
    fake.server.server_close()
    handler = type("WithSlots", (_ThreeSlots, fake.server.RequestHandlerClass), {})
    fake.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    fake.server.daemon_threads = True
    fake.thread = threading.Thread(target=fake.server.serve_forever, daemon=True)
    return fake.__enter__()


class _ThreeSlots(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/props":
            body = json.dumps({"total_slots": 3}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()  # type: ignore[misc]


def test_a_killed_upstream_loses_no_request_and_rejoins(fakes: list[SlowUpstream]) -> None:
    dying, other = fakes
    server = LiveServer(pool_app([f.base_url for f in fakes]), grace_s=5).start()
    killer = threading.Thread(target=_stop_after, args=(dying, 6), daemon=True)
    try:
        killer.start()
        with ThreadPoolExecutor(max_workers=8) as workers:
            answers = list(workers.map(functools.partial(_post, server.url), documents(48)))
        killer.join(timeout=30)
        assert dying.stopped
        assert [a.status_code for a in answers] == [200] * 48
        assert [a.json()["doc_id"] for a in answers] == [d["doc_id"] for d in documents(48)]
        assert other.chats > dying.chats
        states = by_url(httpx.get(f"{server.url}/healthz", timeout=10).json())
        assert states[dying.base_url]["healthy"] is False
        assert states[dying.base_url]["outages"] == 1
        assert states[other.base_url]["healthy"] is True

        back = revived(dying.server.server_address[1])
        try:
            wait_for(lambda: _healthy(server.url, dying.base_url))
            rejoined = by_url(httpx.get(f"{server.url}/healthz", timeout=10).json())
            assert rejoined[dying.base_url]["capacity"] == 3  # its slots, read again (was 8)
            with ThreadPoolExecutor(max_workers=8) as workers:
                again = list(workers.map(functools.partial(_post, server.url), documents(16)))
            assert [a.status_code for a in again] == [200] * 16
            assert back.calls["ok"] >= 1  # the restarted upstream takes documents again
        finally:
            back.__exit__()
    finally:
        server.stop()


def _healthy(service: str, upstream: str) -> bool:
    health = httpx.get(f"{service}/healthz", timeout=10).json()
    return bool(by_url(health)[upstream]["healthy"])


# --- streams ---------------------------------------------------------------------------


def _events(body: str) -> list[object]:
    lines = [ln.removeprefix("data: ") for ln in body.splitlines() if ln.startswith("data: ")]
    return [ln if ln == "[DONE]" else json.loads(ln) for ln in lines]


def test_a_stream_moves_silently_off_a_dead_upstream(fakes: list[SlowUpstream]) -> None:
    dead, alive = fakes
    with TestClient(pool_app([f.base_url for f in fakes])) as client:
        wait_for(lambda: all(u["model"] for u in client.get("/healthz").json()["upstreams"]))
        dead.stop()  # the pool has not noticed: the stream's document goes to it first
        body = {**CHAT, "messages": [{"role": "user", "content": TEXT.format(i=3)}]}
        with client.stream("POST", "/v1/chat/completions", json=body) as answer:
            events = _events(answer.read().decode())
            status = answer.status_code
        health = client.get("/healthz").json()
    assert status == 200
    assert events[-1] == "[DONE]"
    assert not [e for e in events if isinstance(e, dict) and "error" in e]
    assert events[-2]["choices"][0]["finish_reason"] == "stop"  # type: ignore[index]
    assert alive.chats == 1 and dead.chats == 0
    assert not by_url(health)[dead.base_url]["healthy"]


class SetHealth(Pool):
    """A pool whose endpoints' health the test sets (the tries never touch a network)."""

    up: dict[str, bool]

    async def healthy(self, url: str) -> bool:
        return self.up[url]


CLAIM = ClaimRecord.model_construct()


class FailingOnA:
    """A try that fails on endpoint `a`, having sent a claim first when `claims_first`."""

    def __init__(self, relay: Relay, claims_first: bool) -> None:
        self.relay = relay
        self.claims_first = claims_first
        self.tried: list[str | None] = []

    async def __call__(self, member: Member) -> str:
        self.tried.append(member.url)
        if member.url == "a":
            if self.claims_first:
                self.relay(ClaimsReady("x", [CLAIM]))
            raise BackendError("x: connection failed")
        return "record"


@pytest.mark.parametrize("claims_first", [False, True])
async def test_a_stream_moves_only_before_its_first_claim(claims_first: bool) -> None:
    heard: list[Event] = []
    extractor = Extractor(model="fake", strategy="article", cache=False, say=_quiet)
    members = [Member("a", 1, extractor), Member("b", 1, extractor)]
    pool = SetHealth(members, recheck_s=60, down_timeout_s=1)
    pool.up = {"a": False, "b": True}
    relay = Relay(heard.append)
    attempt = FailingOnA(relay, claims_first)
    try:
        if claims_first:
            with pytest.raises(BackendError, match="connection failed"):
                await pool.dispatch(attempt, "x", relay.movable)
            assert attempt.tried == ["a"]  # not again elsewhere: the claim would come twice
            assert len(heard) == 1
        else:
            assert await pool.dispatch(attempt, "x", relay.movable) == "record"
            assert attempt.tried == ["a", "b"]
        assert not pool.members[0].healthy  # taken out either way
    finally:
        await pool.close()


# --- the command ---------------------------------------------------------------------


def test_serve_with_two_upstreams_reports_both(fakes: list[SlowUpstream], tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CLAIMTRACE_CACHE_DIR": str(tmp_path),
        "CLAIMTRACE_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",  # --upstream overrides it
    }
    urls = [f.base_url for f in fakes]
    listed = tmp_path / "upstreams.txt"
    listed.write_text(f"# the second GPU node\n{urls[1]}/\n{urls[0]}\n", encoding="utf-8")
    command = [*SERVE, "--port", str(port), "--upstream", urls[0], "--upstreams-file", str(listed)]
    command += ["--model", "fake", "--strategy", "article", "--no-cache", "--log-level", "warning"]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        service = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(service) or process.poll() is not None)
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        health = httpx.get(f"{service}/healthz", timeout=10).json()
        assert sorted(by_url(health)) == sorted(urls)
        assert health["queue"]["slots"] == 16  # two upstreams of REMOTE_PARALLEL slots
        answer = httpx.post(f"{service}/v1/extract", json={"text": TEXT.format(i=2)}, timeout=60)
        assert answer.status_code == 200
        assert sum(f.chats for f in fakes) == 1
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), stderr
    assert "Traceback" not in stderr


def _answers(service: str) -> bool:
    try:
        httpx.get(f"{service}/healthz", timeout=2)
    except httpx.TransportError:
        return False
    return True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--base-url", "http://127.0.0.1:9/v1", "--upstream", "http://127.0.0.1:8/v1"],
            "error: --base-url and --upstream both name the upstream",
        ),
        (["--upstream", "127.0.0.1:8"], "error: --upstream '127.0.0.1:8' is not an http(s) URL"),
        (["--upstreams-file", "/nonexistent/upstreams.txt"], "error: /nonexistent/upstreams.txt: "),
    ],
)
def test_a_contradictory_upstream_is_one_error_line(args: list[str], message: str) -> None:
    result = subprocess.run([*SERVE, *args], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(message)


def test_an_upstreams_file_takes_comments_and_names_a_bad_line(tmp_path: Path) -> None:
    listed = tmp_path / "upstreams.txt"
    listed.write_text(
        "# GPU nodes\n  # indented note\nhttp://a:8080/v1/  # gpu1\n\nhttps://b/v1\n",
        encoding="utf-8",
    )
    assert pool_urls(["http://a:8080/v1"], listed, "--upstream") == [
        "http://a:8080/v1",
        "https://b/v1",
    ]
    listed.write_text("http://a/v1\nhttp://b /v1\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"^{listed}:2: 'http://b /v1' is not an http\(s\) URL$"):
        pool_urls([], listed, "--upstream")
    listed.write_text("# nothing yet\n", encoding="utf-8")
    with pytest.raises(InputError, match="no URL in it"):
        pool_urls([], listed, "--upstream")
