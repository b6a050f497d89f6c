"""A full eval re-run with every answer in the response cache.

First makes sure every document of the eval splits is cached (extracting what
is not, which is reported apart and not timed as warm), then times, in one
process, `evaluate()` for each split: reading gold, extracting every
document from the cache, scoring with bootstrap intervals and writing the
reports. Then the same from a shell: `claimtrace eval --split NAME` for each
split, each a fresh process (start-up included; no server is started, since
every answer is cached).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import SPLITS, claimtrace_command, split_docs

from claimtrace.extractor import Extractor
from claimtrace.harness.run import evaluate, split_gold
from claimtrace.llm.endpoint import Endpoint


def run(endpoint: Endpoint, repeats: int = 3) -> dict[str, Any]:
    """Fill the cache, then the median of `repeats` warm re-runs of every split."""
    docs = {split: split_docs(split) for split in SPLITS}
    filler = Extractor(endpoint=endpoint, say=lambda _m: None)
    started = time.perf_counter()
    calls = 0
    for split in SPLITS:
        for record in filler.extract_many(docs[split]):
            calls += getattr(getattr(record, "stats", None), "calls", 0)
    fill_s = time.perf_counter() - started
    extraction, whole = [], []
    with tempfile.TemporaryDirectory(prefix="claimtrace-warm-") as tmp:
        for _ in range(repeats):
            extractor = Extractor(endpoint=endpoint, say=lambda _m: None)
            started = time.perf_counter()
            for split in SPLITS:
                records = extractor.extract_many(docs[split])
                if any(getattr(r, "cache_hit", False) is False for r in records):
                    raise SystemExit(f"error: {split}: a document missed the cache on re-run")
            extraction.append(time.perf_counter() - started)
            started = time.perf_counter()
            for split in SPLITS:
                evaluate(split_gold(split), None, Path(tmp) / split, endpoint=endpoint)
            whole.append(time.perf_counter() - started)
    n_docs = sum(len(d) for d in docs.values())
    row = {
        "splits": list(SPLITS),
        "documents": n_docs,
        "fill_calls": calls,
        "fill_s": round(fill_s, 1),
        "extract_s": round(statistics.median(extraction), 3),
        "extract_ms_per_document": round(statistics.median(extraction) / n_docs * 1000, 1),
        "eval_s": round(statistics.median(whole), 3),
        "cli_import_s": round(_cli_import_s(), 2),
        "cli_eval_s": round(_cli_eval_s(), 2),
    }
    print(
        f"  warm: {n_docs} documents extracted in {row['extract_s']} s, "
        f"full eval in {row['eval_s']} s; from the shell {row['cli_eval_s']} s",
        file=sys.stderr,
        flush=True,
    )
    return row


def _cli_import_s() -> float:
    """Seconds for a fresh interpreter to import the CLI (median of three)."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import claimtrace.cli"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _cli_eval_s() -> float:
    """Seconds for `claimtrace eval --split NAME` over every split, one process each."""
    total = 0.0
    with tempfile.TemporaryDirectory(prefix="claimtrace-warm-cli-") as tmp:
        for split in SPLITS:
            started = time.perf_counter()
            done = subprocess.run(
                [*claimtrace_command(), "eval", "--split", split, "--out", str(Path(tmp) / split)],
                capture_output=True,
                text=True,
            )
            total += time.perf_counter() - started
            if done.returncode != 0:
                raise SystemExit(f"error: claimtrace eval --split {split}: {done.stderr.strip()}")
    return total
