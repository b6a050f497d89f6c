"""The Ray engine on a local Ray (loopback), with two fake endpoints: marked `slow`.

(a) 200 dev-pool articles with `rules` give what the local engine gives;
(b) an endpoint killed mid-run still ends with every document exactly once;
(c) a driver killed mid-run and resumed gives the same set as an uninterrupted run;
(d) a worker (an extractor actor) killed mid-run is replaced by Ray, and the run
    ends with the set an uninterrupted run gives.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from claimtrace.batch.check import check
from claimtrace.batch.inputs import read_input
from claimtrace.batch.options import BatchOptions
from claimtrace.batch.run import EngineChoice, run_batch
from claimtrace.batch.shards import OutputDir
from claimtrace.call import CallSettings
from claimtrace.schema import DocumentRecord, ErrorRecord

from .conftest import (
    SlowUpstream,
    cli,
    cli_process,
    dev_articles,
    kill_session,
    session_members,
    shard_lines,
    wait_for,
    write_jsonl,
)

pytest.importorskip("ray")
pytestmark = [
    pytest.mark.slow,
    # Ray Data's own context warns of its deprecated settings when first read
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

RAY = EngineChoice("ray", batch_size=8, progress=False)
LOCAL = EngineChoice("local", progress=False)


def claims_by_id(out: Path) -> dict[str, object]:
    """What a run's output says, without timings: doc_id -> claims (or the error)."""
    found: dict[str, object] = {}
    for doc_id, record in OutputDir(out).records().items():
        if isinstance(record, DocumentRecord):
            found[doc_id] = [c.model_dump() for c in record.claims]
        else:
            found[doc_id] = record.error
    return found


def test_200_dev_articles_with_rules_on_ray(tmp_path: Path) -> None:
    docs = dev_articles(200)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    documents = read_input(str(source)).documents
    options = BatchOptions(strategy="rules", shard_size=50)
    summary = run_batch(str(source), documents, tmp_path / "ray", [], options, RAY)
    assert (summary.written, summary.failed) == (200, 0)
    result = check(tmp_path / "ray", [d for d, _ in docs])
    assert (result.records, result.ok) == (200, True)
    subset = documents[:30]  # the local engine on a part of it: the same claims
    run_batch(str(source), subset, tmp_path / "local", [], options, LOCAL)
    on_ray = claims_by_id(tmp_path / "ray")
    assert claims_by_id(tmp_path / "local") == {d.doc_id: on_ray[d.doc_id] for d in subset}


def test_an_endpoint_killed_mid_run_on_ray(tmp_path: Path) -> None:
    docs = [(f"d{i:03d}", f"Rebels killed {i} soldiers, SANA said.") for i in range(120)]
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    documents = read_input(str(source)).documents
    options = BatchOptions(
        strategy="article",
        model="fake",
        no_cache=True,
        concurrency=4,
        settings=CallSettings(max_retries=1, backoff_max_s=0.2),
        recheck_s=0.5,
        down_timeout_s=30,
        shard_size=20,
    )
    with SlowUpstream(0.1) as dying, SlowUpstream(0.1) as other:
        killer = threading.Thread(target=_stop_after, args=(dying, 15), daemon=True)
        killer.start()
        urls = [dying.base_url, other.base_url]
        summary = run_batch(str(source), documents, tmp_path / "out", urls, options, RAY)
        assert dying.stopped
        assert other.chats >= 60
        dying.stop()
    assert (summary.written, summary.failed) == (120, 0)
    lines = shard_lines(tmp_path / "out")
    assert sorted(line["doc_id"] for line in lines) == [d for d, _ in docs]
    assert check(tmp_path / "out", [d for d, _ in docs]).ok


def _stop_after(upstream: SlowUpstream, chats: int) -> None:
    while upstream.chats < chats:
        threading.Event().wait(0.01)
    upstream.stop()


def _with_reference(tmp_path: Path, count: int) -> tuple[tuple[tuple[str, str], ...], Path, Path]:
    """`count` dev-pool articles as input, and the uninterrupted local `rules` run's DIR."""
    docs = dev_articles(count)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    reference = tmp_path / "reference"
    documents = read_input(str(source)).documents
    run_batch(str(source), documents, reference, [], BatchOptions(strategy="rules"), LOCAL)
    return docs, source, reference


def test_a_killed_driver_resumes_to_the_uninterrupted_set(tmp_path: Path) -> None:
    docs, source, reference = _with_reference(tmp_path, 60)
    out = tmp_path / "out"
    args = [str(source), "--out", str(out), "--engine", "ray", "-q"]
    args += ["--shard-size", "8", "--batch-size", "4"]
    process = cli_process(*args)
    wait_for(lambda: len(list(out.glob("part-*.jsonl"))) >= 1, timeout=120)
    kill_session(process)
    interrupted = shard_lines(out)
    assert 8 <= len(interrupted) < 60
    assert len({line["doc_id"] for line in interrupted}) == len(interrupted)
    resumed = cli(*args)
    assert resumed.returncode == 0, resumed.stderr
    runs = OutputDir(out).manifest()["runs"]
    assert [r["todo"] for r in runs] == [60, 60 - len(interrupted)]
    lines = shard_lines(out)
    assert sorted(line["doc_id"] for line in lines) == sorted(d for d, _ in docs)
    assert claims_by_id(out) == claims_by_id(reference)
    assert not [r for r in OutputDir(out).records().values() if isinstance(r, ErrorRecord)]


def test_a_killed_worker_is_replaced_and_the_set_completes(tmp_path: Path) -> None:
    docs, source, reference = _with_reference(tmp_path, 60)
    out = tmp_path / "out"
    args = [str(source), "--out", str(out), "--engine", "ray", "-q", "--actors", "2"]
    process = cli_process(*args, "--shard-size", "8", "--batch-size", "4")
    try:
        wait_for(lambda: bool(list(out.glob("part-*.jsonl"))) and _actors(process.pid), 180)
        os.kill(_actors(process.pid)[0], signal.SIGKILL)  # a Ray worker dies with a batch in hand
        assert len(shard_lines(out)) < len(docs)  # mid-run: documents were still to come
        _, stderr = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            kill_session(process)
    assert process.returncode == 0, stderr
    lines = shard_lines(out)
    assert sorted(line["doc_id"] for line in lines) == sorted(d for d, _ in docs)
    assert claims_by_id(out) == claims_by_id(reference)


def _actors(session: int) -> list[int]:
    """The extractor actors' processes in the run's session (Ray names them after the class)."""
    found = []
    for pid in session_members(session):
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"ExtractBatch" in title:
            found.append(pid)
    return found
