"""Throughput and latency at 1, 2 and 4 llama-server slots, with as many documents in flight.

For each slot count the benchmark's llama-server is restarted with that many
slots; the extractor (cache off) then runs N workers that each take the next
document, so N documents and at most N model calls are in flight. Reports
articles per minute and per-document latency percentiles.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import Any

from common import local_server, percentile

from claimtrace.extractor import Extractor
from claimtrace.llm.endpoint import Endpoint


async def _drive(endpoint: Endpoint, docs: list[tuple[str, str]], n: int) -> dict[str, Any]:
    extractor = Extractor(cache=False, endpoint=endpoint, concurrency=n, say=lambda _m: None)
    queue = list(docs)
    latencies: list[float] = []
    claims = 0

    async def worker() -> None:
        nonlocal claims
        while queue:
            doc_id, text = queue.pop(0)
            started = time.perf_counter()
            record = await extractor.aextract(text, doc_id)
            latencies.append(time.perf_counter() - started)
            claims += len(record.claims)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(n)))
    wall = time.perf_counter() - started
    return {
        "slots": n,
        "documents": len(docs),
        "wall_s": round(wall, 1),
        "articles_per_min": round(len(docs) / wall * 60, 2),
        "p50_s": round(percentile(latencies, 50), 1),
        "p95_s": round(percentile(latencies, 95), 1),
        "claims": claims,
    }


def run(model: str, docs: list[tuple[str, str]], slot_counts: list[int]) -> list[dict[str, Any]]:
    """One row per slot count."""
    rows = []
    for n in slot_counts:
        with local_server(model, parallel=n) as endpoint:
            row = asyncio.run(_drive(endpoint, docs, n))
        rows.append(row)
        print(
            f"  {n} slot(s): {row['articles_per_min']} articles/min, p95 {row['p95_s']} s",
            file=sys.stderr,
            flush=True,
        )
    return rows
