"""The endpoint pool against fake upstreams (`article`: one call a document): capacity,
failover when an endpoint is down or dies mid-run, rejoin, and a document's own error."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from claimtrace.batch.check import check
from claimtrace.batch.inputs import read_input
from claimtrace.batch.options import BatchOptions
from claimtrace.batch.pool import Member, Pool, capacity_of, members
from claimtrace.batch.run import EngineChoice, run_batch
from claimtrace.batch.shards import OutputDir
from claimtrace.call import CallSettings
from claimtrace.llm import server
from claimtrace.llm.endpoint import REMOTE_PARALLEL
from claimtrace.load import Document
from claimtrace.schema import ErrorRecord

from .conftest import SlowUpstream, write_jsonl

OPTIONS = BatchOptions(
    strategy="article",
    model="fake",
    no_cache=True,
    concurrency=2,
    settings=CallSettings(max_retries=1, backoff_max_s=0.2),
    recheck_s=0.2,
    down_timeout_s=1.0,
    shard_size=10,
)
QUIET = EngineChoice("local", progress=False)


def docs(count: int, fault: str | None = None) -> list[tuple[str, str]]:
    marker = f" [[fault:{fault}]]" if fault else ""
    return [(f"d{i:03d}", f"Rebels killed {i} soldiers, SANA said.{marker}") for i in range(count)]


def run(tmp_path: Path, items: list[tuple[str, str]], urls: list[str]) -> OutputDir:
    source = write_jsonl(tmp_path / "in.jsonl", items)
    documents = read_input(str(source)).documents
    run_batch(str(source), documents, tmp_path / "out", urls, OPTIONS, QUIET)
    return OutputDir(tmp_path / "out")


def test_capacity_is_concurrency_then_slots_then_remote_parallel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    options = BatchOptions(strategy="article")
    monkeypatch.setattr(server, "props", lambda _url: {"total_slots": 3})
    assert capacity_of("http://x/v1", options) == 3
    monkeypatch.setattr(server, "props", lambda _url: {})
    assert capacity_of("http://x/v1", options) == REMOTE_PARALLEL
    assert capacity_of("http://x/v1", BatchOptions(strategy="article", concurrency=5)) == 5


def test_rules_needs_no_endpoint() -> None:
    found = members(["http://127.0.0.1:9/v1"], BatchOptions(strategy="rules"))
    assert [m.url for m in found] == [None]


def test_documents_spread_over_two_endpoints(tmp_path: Path, endpoints: list[SlowUpstream]) -> None:
    out = run(tmp_path, docs(40), [e.base_url for e in endpoints])
    assert check(out.path, [d for d, _ in docs(40)]).ok
    assert all(e.chats >= 10 for e in endpoints)
    assert sum(e.chats for e in endpoints) == 40


def test_an_endpoint_down_from_the_start_is_left_out(
    tmp_path: Path, endpoints: list[SlowUpstream]
) -> None:
    down, up = endpoints
    down.stop()
    out = run(tmp_path, docs(20), [down.base_url, up.base_url])
    records = out.records()
    assert len(records) == 20
    assert not [r for r in records.values() if isinstance(r, ErrorRecord)]
    assert up.chats == 20


def test_an_endpoint_killed_mid_run_loses_no_document(
    tmp_path: Path, endpoints: list[SlowUpstream]
) -> None:
    dying, other = endpoints
    killer = threading.Thread(target=_stop_after, args=(dying, 8), daemon=True)
    killer.start()
    out = run(tmp_path, docs(80), [dying.base_url, other.base_url])
    killer.join(timeout=30)
    assert dying.stopped
    records = out.records()
    assert sorted(records) == [d for d, _ in docs(80)]
    assert not [r for r in records.values() if isinstance(r, ErrorRecord)]
    assert dying.chats < 20 and other.chats >= 60
    assert check(out.path, list(records)).ok


def _stop_after(upstream: SlowUpstream, chats: int) -> None:
    while upstream.chats < chats:
        threading.Event().wait(0.01)
    upstream.stop()


def test_every_endpoint_down_fails_documents_after_the_wait(
    tmp_path: Path, endpoints: list[SlowUpstream]
) -> None:
    for endpoint in endpoints:
        endpoint.stop()
    records = run(tmp_path, docs(3), [e.base_url for e in endpoints]).records()
    assert all(isinstance(r, ErrorRecord) for r in records.values())
    assert "no endpoint of the pool answered for 1 s" in records["d000"].error  # type: ignore[union-attr]


def test_a_documents_own_error_is_kept_not_moved(
    tmp_path: Path, endpoints: list[SlowUpstream]
) -> None:
    records = run(tmp_path, docs(2, fault="400"), [e.base_url for e in endpoints]).records()
    assert all("HTTP 400" in r.error for r in records.values())  # type: ignore[union-attr]
    assert sum(e.calls["400"] for e in endpoints) == 2  # once each: not moved elsewhere


class Switch(Pool):
    """A pool whose endpoints' health the test sets."""

    up: dict[str, bool]

    async def healthy(self, url: str) -> bool:
        return self.up[url]


def test_a_down_endpoint_rejoins_once_healthy(tmp_path: Path) -> None:
    asyncio.run(_rejoin(tmp_path))


async def _rejoin(tmp_path: Path) -> None:
    extractor = OPTIONS.extractor(None, 1)
    pool = Switch([Member("a", 1, extractor), Member("b", 1, extractor)], OPTIONS, bound=True)
    pool.up = {"a": False, "b": True}
    await pool.start()
    assert [m.healthy for m in pool.members] == [False, True]
    assert await pool._acquire() is pool.members[1]  # bound, but its own endpoint is down
    await pool._release(pool.members[1])
    pool.up["a"] = True
    await asyncio.sleep(OPTIONS.recheck_s * 3)
    assert pool.members[0].healthy
    assert await pool._acquire() is pool.members[0]  # back: bound to it again
    await pool.close()
    assert not Document("x", "y").meta
