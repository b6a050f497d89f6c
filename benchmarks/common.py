"""What every benchmark shares: the documents of a split, a llama-server of its own, the machine.

The benchmarks start their own llama-server on a port of their own
(`BENCH_PORT`), so a server the user runs on claimtrace's default port is
neither used nor disturbed, and the slot count is the one each benchmark asks
for.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import instructor

from claimtrace.harness.reader import read_gold
from claimtrace.harness.run import split_gold
from claimtrace.llm import models, server
from claimtrace.llm.endpoint import Endpoint
from claimtrace.load import DocumentStore

ROOT = Path(__file__).resolve().parent.parent
BENCH_PORT = 18096
SPLITS = ("seeds", "dev", "test")


def split_docs(split: str, limit: int | None = None) -> list[tuple[str, str]]:
    """(doc_id, text) of a gold split in gold file order; `limit` keeps the first N."""
    path = split_gold(split)
    if not path.is_file():
        raise SystemExit(f"error: {path}: no such gold split")
    gold, texts = read_gold(path, DocumentStore())
    docs = [(record.doc_id, texts[record.doc_id]) for record in gold]
    return docs if limit is None else docs[:limit]


def claimtrace_command() -> list[str]:
    """The `claimtrace` console script, or the same entry point through this interpreter."""
    exe = shutil.which("claimtrace")
    return [exe] if exe else [sys.executable, "-c", "from claimtrace.cli import main; main()"]


@contextmanager
def local_server(model: str, parallel: int, speculate: bool = False) -> Iterator[Endpoint]:
    """A llama-server for `model` with `parallel` slots on BENCH_PORT, stopped afterwards.

    The endpoint carries the model's SHA-256 as its id, exactly as claimtrace's
    own local endpoint does, so cache keys match the user's cache.
    """
    server.stop(BENCH_PORT)
    deadline = time.monotonic() + 30
    while server.port_busy(BENCH_PORT) and time.monotonic() < deadline:
        time.sleep(0.5)  # a server stopped just now may still hold the port
    state = server.start(model=model, port=BENCH_PORT, parallel=parallel, speculate=speculate)
    try:
        yield Endpoint(
            base_url=state.base_url,
            api_key="not-needed",
            model=model,
            model_id=state.model_sha256,
            mode=instructor.Mode.JSON_SCHEMA,
            ctx=state.ctx,
            parallel=parallel,
            local=True,
        )
    finally:
        server.stop(BENCH_PORT)


def machine(model: str) -> dict[str, object]:
    """Where and with what the figures were taken: CPU, cores, memory, model, commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib = round(pages / 2**30, 1)
    except (ValueError, OSError):
        pass
    spec = models.get(model)
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "model": model,
        "model_file": spec.file.name,
        "model_sha256": spec.sha256,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]
