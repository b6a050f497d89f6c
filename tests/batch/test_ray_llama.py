"""The Ray engine against two real llama-servers (gemma-3-270m), one killed mid-run: `slow`.

The fake endpoints of `test_ray.py` stop the way the fake decides; here a real
llama-server is SIGKILLed as soon as its /metrics shows a request in progress
(a judge call takes seconds on one thread, so the kill lands mid-call), so the actor
bound to it sees what a cluster sees when a GPU node dies: a connection reset
mid-request, then nothing. The run must still end with every document once and
no error record, the rest of the work done by the other server. The servers
need `claimtrace llm build` and `claimtrace models pull gemma-3-270m` (as
`.ci/run` does first); without them the test is skipped.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from claimtrace.batch.check import check
from claimtrace.batch.shards import OutputDir
from claimtrace.llm import build, models, server
from claimtrace.schema import ErrorRecord
from tests.http.http_support import free_port

from .conftest import cli_process, dev_articles, kill_session, shard_lines, wait_for, write_jsonl

pytest.importorskip("ray")
pytestmark = pytest.mark.slow
MODEL = models.SMALLEST_MODEL


@pytest.fixture
def llama_servers(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[server.ServerState]]:
    """Two gemma-3-270m llama-servers of one slot and one thread each, from the user's cache."""
    monkeypatch.delenv("CLAIMTRACE_CACHE_DIR", raising=False)  # where the build and model are
    if build.find_server() is None or not models.get(MODEL).present():
        pytest.skip(f"needs `claimtrace llm build` and `claimtrace models pull {MODEL}`")
    states: list[server.ServerState] = []
    try:
        for _ in range(2):  # one at a time: the first listens before the second port is picked
            states.append(server.start(MODEL, port=free_port(), parallel=1, ctx=4096, threads=1))
        yield states
    finally:
        for state in states:
            server.stop(state.port)


def _metric(state: server.ServerState, name: str) -> float:
    """One of llama-server's /metrics counters (0 when the server no longer answers)."""
    try:
        text = httpx.get(f"http://127.0.0.1:{state.port}/metrics", timeout=2).text
    except httpx.HTTPError:
        return 0.0
    for line in text.splitlines():
        if line.startswith(f"llamacpp:{name} "):
            return float(line.split()[1])
    return 0.0


def test_a_llama_server_killed_mid_call_on_ray(
    llama_servers: list[server.ServerState], tmp_path: Path
) -> None:
    dying, other = llama_servers
    docs = dev_articles(24)
    source = write_jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / "out"
    args = [str(source), "--out", str(out), "--engine", "ray", "--strategy", "parse"]
    args += ["--model", MODEL, "--no-cache", "-q", "--shard-size", "2", "--batch-size", "2"]
    args += ["--endpoint", dying.base_url, "--endpoint", other.base_url]
    process = cli_process(*args)
    try:
        wait_for(
            lambda: bool(list(out.glob("part-*"))) and _metric(dying, "requests_processing") >= 1,
            timeout=600,
        )
        predicted_before = _metric(other, "tokens_predicted_total")
        os.kill(dying.pid, signal.SIGKILL)  # mid-call: its actor's request is cut off
        _, stderr = process.communicate(timeout=900)
    finally:
        if process.poll() is None:
            kill_session(process)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert _metric(other, "tokens_predicted_total") > predicted_before  # it took the rest
    ids = sorted(d for d, _ in docs)
    assert sorted(str(line["doc_id"]) for line in shard_lines(out)) == ids
    assert check(out, ids).ok
    errors = [r for r in OutputDir(out).records().values() if isinstance(r, ErrorRecord)]
    assert not errors, errors
