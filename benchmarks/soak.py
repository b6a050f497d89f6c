"""Soak test: `claimtrace serve` against a misbehaving fake upstream for N minutes.

    python benchmarks/soak.py                   # 10 minutes, 5 requests/s, 4 clients
    python benchmarks/soak.py --minutes 1       # a quick look

It starts the fake OpenAI-compatible upstream of the fault tests
(`tests/faults/upstream.py`) in this process and `claimtrace serve --strategy
article --no-cache` as a real subprocess pointed at it, then sends requests at
a bounded rate from a few concurrent clients, across `/v1/extract`,
`/v1/extract/batch` (two documents) and `/v1/chat/completions`. About one
request in ten asks the upstream for a fault (500-once, 429:1, html, 400,
empty, reset, hang; hang is cut by the server's short `--timeout`). Every
document carries a unique doc_id, so a document answered twice, or never, is
counted. The server's RSS and open file descriptors are sampled throughout.
The point is what a long run shows and a test cannot: nothing lost, nothing
duplicated, memory and descriptors flat.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.faults.upstream import FakeUpstream  # noqa: E402

TEXT = "Rebels killed 12 soldiers in Homs on Monday, SANA said."
FAULTS = ("500-once", "429:1", "html", "400", "empty", "reset", "hang")
TASK = "claimtrace-claims"


class AlternatingUpstream(FakeUpstream):
    """Once-faults (500-once, 429:1) fail every other call of their kind, not only the first
    of the whole run: each faulty request fails once and its retry gets through."""

    def count(self, fault: str) -> int:
        return (super().count(fault) - 1) % 2 + 1


@dataclass
class Tally:
    """What the clients saw."""

    sent_requests: int = 0
    served_requests: int = 0  # an HTTP answer of any status
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # by kind, or transport error
    sent_docs: set[str] = field(default_factory=set)
    answered: Counter[str] = field(default_factory=Counter)  # doc_id -> answers seen
    foreign: int = 0  # answers naming a doc_id that was not sent


@dataclass
class Sample:
    at_s: float
    rss_kib: int
    hwm_kib: int
    fds: int


def proc_sample(pid: int, started: float) -> Sample:
    """RSS, peak RSS and open descriptors of `pid`, from /proc (Linux)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return Sample(time.monotonic() - started, fields["VmRSS"], fields["VmHWM"], fds)


def start_server(args: argparse.Namespace, base_url: str, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "claimtrace.cli", "serve", "--port", str(args.port),
        "--strategy", "article", "--base-url", base_url, "--model", "fake", "--no-cache",
        "--timeout", str(args.server_timeout), "--concurrency", str(args.server_concurrency),
        "--log-level", "warning",
    ]  # fmt: skip
    with log.open("wb") as sink:
        return subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)


def wait_ready(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).json()["upstream"]["status"] == "ok":
                return
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.2)
    raise SystemExit("error: the server did not become ready in 60 s")


def article(rng: random.Random, share: float) -> str:
    fault = rng.choice(FAULTS) if rng.random() < share else None
    return TEXT + (f" [[fault:{fault}]]" if fault else "")


def build_request(
    n: int, rng: random.Random, share: float
) -> tuple[str, dict[str, Any], list[str]]:
    """Path, JSON body and doc_ids of request `n`: mostly single extractions."""
    roll = rng.random()
    if roll < 0.15:
        ids = [f"soak-{n}-a", f"soak-{n}-b"]
        docs = [{"doc_id": d, "text": article(rng, share)} for d in ids]
        return "/v1/extract/batch", {"documents": docs}, ids
    doc_id = f"soak-{n}"
    if roll < 0.30:
        message = {"role": "user", "content": article(rng, share)}
        body = {"model": TASK, "messages": [message], "metadata": {"doc_id": doc_id}}
        return "/v1/chat/completions", body, [doc_id]
    return "/v1/extract", {"doc_id": doc_id, "text": article(rng, share)}, [doc_id]


def cause(message: object) -> str:
    """An error message without what varies per request (doc_id, upstream address)."""
    text = re.sub(r"soak-\d+(-[ab])?: ", "", str(message))
    return re.sub(r"http://\S+", "<upstream>", text)[:70]


def record_answer(tally: Tally, path: str, response: httpx.Response, ids: list[str]) -> None:
    """Count the documents this answer accounts for, and its error kind if it failed."""
    tally.statuses[response.status_code] += 1
    try:
        body = response.json()
    except ValueError:
        body = {"kind": "not JSON"}
    if response.status_code != 200:
        error = body.get("error")
        detail = error if isinstance(error, dict) else {"code": body.get("kind"), "message": error}
        tally.errors[f"{response.status_code} {detail['code']}: {cause(detail['message'])}"] += 1
        for doc_id in ids:  # the request failed whole: one error answers its documents
            tally.answered[doc_id] += 1
        return
    if path.endswith("/batch"):
        returned = [r["doc_id"] for r in body["records"]]
        for record in body["records"]:
            if "error" in record:
                tally.errors[f"200, a batch record's error: {cause(record['error'])}"] += 1
    elif path.endswith("/completions"):
        returned = [json.loads(body["choices"][0]["message"]["content"])["doc_id"]]
    else:
        returned = [body["doc_id"]]
    for doc_id in returned:
        if doc_id in tally.sent_docs:
            tally.answered[doc_id] += 1
        else:
            tally.foreign += 1


async def client(
    http: httpx.AsyncClient,
    tally: Tally,
    schedule: asyncio.Queue[tuple[int, float]],
    rng: random.Random,
    share: float,
) -> None:
    """Take the next slot of the schedule, send its request at its time, count the answer."""
    while True:
        n, at = await schedule.get()
        await asyncio.sleep(max(at - time.monotonic(), 0))
        path, body, ids = build_request(n, rng, share)
        tally.sent_requests += 1
        tally.sent_docs.update(ids)
        started = time.monotonic()
        try:
            response = await http.post(path, json=body)
        except httpx.HTTPError as error:
            tally.errors[f"transport {type(error).__name__}"] += 1
            continue
        finally:
            schedule.task_done()
        tally.latencies.append(time.monotonic() - started)
        tally.served_requests += 1
        record_answer(tally, path, response, ids)


async def drive(url: str, args: argparse.Namespace, tally: Tally) -> None:
    """Send requests at `args.rate` per second for `args.minutes`, from `args.clients`."""
    total = int(args.minutes * 60 * args.rate)
    schedule: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
    start = time.monotonic()
    for n in range(total):
        schedule.put_nowait((n, start + n / args.rate))
    limits = httpx.Limits(max_connections=args.clients)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as http:
        workers = [
            asyncio.ensure_future(
                client(http, tally, schedule, random.Random(seed), args.fault_share)
            )
            for seed in range(args.clients)
        ]
        await schedule.join()
        for worker in workers:
            worker.cancel()


async def sample_until(
    pid: int, started: float, samples: list[Sample], done: asyncio.Event
) -> None:
    while not done.is_set():
        samples.append(proc_sample(pid, started))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=10)


async def soak(url: str, pid: int, args: argparse.Namespace, tally: Tally) -> list[Sample]:
    samples: list[Sample] = []
    done = asyncio.Event()
    started = time.monotonic()
    sampler = asyncio.ensure_future(sample_until(pid, started, samples, done))
    await drive(url, args, tally)
    done.set()
    await sampler
    samples.append(proc_sample(pid, started))
    return samples


def percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(tally: Tally, samples: list[Sample], wall_s: float, log: Path) -> None:
    lost = sorted(d for d in tally.sent_docs if tally.answered[d] == 0)
    duplicated = sorted(d for d in tally.sent_docs if tally.answered[d] > 1)
    first, last = samples[0], samples[-1]
    peak_rss = max(s.rss_kib for s in samples)
    tracebacks = log.read_text(errors="replace").count("Traceback")
    p50, p99 = (percentile(tally.latencies, q) * 1000 for q in (50, 99))
    rss = f"{first.rss_kib / 1024:.1f} / {last.rss_kib / 1024:.1f} / {peak_rss / 1024:.1f} MiB"
    fds = f"{first.fds} / {last.fds} / {max(s.fds for s in samples)}"
    rows = [
        ("wall", f"{wall_s:.0f} s"),
        ("requests sent / answered", f"{tally.sent_requests} / {tally.served_requests}"),
        ("documents sent", str(len(tally.sent_docs))),
        ("lost documents", f"{len(lost)} {lost[:5] if lost else ''}".strip()),
        (
            "duplicated documents",
            f"{len(duplicated)} {duplicated[:5] if duplicated else ''}".strip(),
        ),
        ("answers with a doc_id not sent", str(tally.foreign)),
        ("statuses", ", ".join(f"{k}: {v}" for k, v in sorted(tally.statuses.items()))),
        ("latency p50 / p99", f"{p50:.0f} ms / {p99:.0f} ms"),
        ("server RSS start / end / peak", rss),
        ("server open fds start / end / max", fds),
        ("server log tracebacks", str(tracebacks)),
    ]
    print("| measure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    print("\n| error kind | count |\n| --- | ---: |")
    for kind, count in tally.errors.most_common():
        print(f"| {kind} | {count} |")
    print("\n| minute | RSS MiB | fds |\n| ---: | ---: | ---: |")
    for sample in samples[:: max(len(samples) // 10, 1)]:
        print(f"| {sample.at_s / 60:.1f} | {sample.rss_kib / 1024:.1f} | {sample.fds} |")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to send")
    parser.add_argument("--rate", type=float, default=5.0, help="requests per second")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--fault-share", type=float, default=0.1, help="requests with a fault")
    parser.add_argument("--port", type=int, default=18123, help="the server's port")
    parser.add_argument("--server-timeout", type=float, default=3.0, help="serve --timeout")
    parser.add_argument("--server-concurrency", type=int, default=4, help="serve --concurrency")
    parser.add_argument("--log", type=Path, default=Path("/tmp/claimtrace-soak-server.log"))
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    tally = Tally()
    with AlternatingUpstream() as upstream:
        server = start_server(args, upstream.base_url, args.log)
        url = f"http://127.0.0.1:{args.port}"
        try:
            wait_ready(url, server)
            started = time.monotonic()
            samples = asyncio.run(soak(url, server.pid, args, tally))
            wall_s = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(f"upstream calls by fault: {dict(sorted(upstream.calls.items()))}\n")
    report(tally, samples, wall_s, args.log)


if __name__ == "__main__":
    main()
