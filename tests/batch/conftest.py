"""Fixtures of the batch tests: dev-pool articles, fake endpoints with latency, the CLI.

Only rows of FA-KES whose unit_id is in `evals/corpus/dev_pool.txt` are kept
(the others are skipped while reading, never stored). Tests marked `slow`
start a local Ray; they run only when `-m` names `slow` (`pytest -m slow tests/batch`).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.faults.upstream import SlowUpstream

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "evals" / "corpus" / "fa-kes.csv"
DEV_POOL = ROOT / "evals" / "corpus" / "dev_pool.txt"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The `slow` marker (pyproject) is skipped unless `-m` names it."""
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow (local Ray): run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@cache
def dev_articles(count: int) -> tuple[tuple[str, str], ...]:
    """The first `count` dev-pool articles as (doc_id, text); no other row is kept."""
    ids = [line.strip() for line in DEV_POOL.read_text().splitlines() if line.strip()][:count]
    wanted = set(ids)
    csv.field_size_limit(sys.maxsize)
    texts: dict[str, str] = {}
    with CORPUS.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["unit_id"] in wanted:
                texts.setdefault(row["unit_id"], row["article_content"])
    return tuple((f"fakes-{i}", texts[i]) for i in ids)


def write_jsonl(path: Path, docs: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for doc_id, text in docs:
            handle.write(json.dumps({"doc_id": doc_id, "text": text}) + "\n")
    return path


@pytest.fixture
def endpoints() -> Iterator[list[SlowUpstream]]:
    """Two fake endpoints with 50 ms latency (the `article` strategy: one call a document)."""
    fakes = [SlowUpstream(0.05), SlowUpstream(0.05)]
    for fake in fakes:
        fake.__enter__()
    yield fakes
    for fake in fakes:
        fake.stop()


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`claimtrace batch ...` in a subprocess."""
    command = [sys.executable, "-m", "claimtrace.cli", "batch", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def python(code: str) -> subprocess.CompletedProcess[str]:
    """`code` run by a fresh interpreter: what a process imports starts from nothing."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def cli_process(*args: str) -> subprocess.Popen[str]:
    """The same in the background, in a session of its own (to kill it with what it started)."""
    command = [sys.executable, "-m", "claimtrace.cli", "batch", *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def kill_session(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process and everything it started in its session (a local Ray too)."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    for _ in range(50):  # Ray's daemons may still be exiting; kill any left in the session
        left = session_members(process.pid)
        if not left:
            return
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)


def session_members(sid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and int(entry.name) != os.getpid():  # field 6: session id
            found.append(int(entry.name))
    return found


def wait_for(predicate: Callable[[], object], timeout: float = 60.0) -> None:
    """Poll `predicate()` until true (or fail the test); never a claim about speed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail("condition not met in time")


def shard_lines(out: Path) -> list[dict[str, object]]:
    """Every line of every shard, parsed (a half-written shard would fail here)."""
    lines = []
    for shard in sorted(out.glob("part-*.jsonl")):
        text = shard.read_text(encoding="utf-8")
        assert text.endswith("\n"), f"{shard.name} is cut short"
        lines.extend(json.loads(raw) for raw in text.splitlines())
    return lines
