"""Load test for `claimtrace serve`: bounded requests at bounded concurrency, on loopback.

    python benchmarks/load.py                               # 200 requests, 8 at once, cached seeds
    python benchmarks/load.py --live --requests 4 --concurrency 2   # the live local model
    python benchmarks/load.py --url http://127.0.0.1:8008 --api-key KEY  # a service already running

Without `--url` it starts `claimtrace serve` on a free loopback port (its own
process, so client and server do not share a GIL) and stops it at the end.
The corpus is `seeds/*.txt`. Cached mode first warms the response cache (one
request per seed, which runs the model for any seed not cached yet) and then
measures; `--live` starts the service with `--no-cache`, so every request is
a model call. Prints throughput, latency percentiles and errors by status.
The run stops by itself: `--requests` bounds the count, `--deadline` the time.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TASK = "claimtrace-claims"


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    cache_hits: int = 0
    wall_s: float = 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_service(args: argparse.Namespace) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable, "-c", "from claimtrace.cli import main; main()", "serve",
        "--port", str(port), "--log-level", "warning",
        "--concurrency", str(args.server_concurrency), "--queue", str(args.queue),
    ]  # fmt: skip
    if args.live:
        command.append("--no-cache")
    process = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"error: the service exited at start (code {process.returncode})")
        try:
            httpx.get(f"{url}/healthz", timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("error: the service did not start within 60 s")


def request_for(args: argparse.Namespace, doc_id: str, text: str) -> tuple[str, dict[str, object]]:
    if args.chat:
        body = {"model": TASK, "messages": [{"role": "user", "content": text}]}
        return "/v1/chat/completions", body
    return "/v1/extract", {"text": text, "doc_id": doc_id}


async def one(
    client: httpx.AsyncClient, args: argparse.Namespace, doc: tuple[str, str], results: Results
) -> None:
    path, body = request_for(args, *doc)
    started = time.monotonic()
    try:
        response = await client.post(path, json=body)
    except httpx.HTTPError as error:
        results.statuses[type(error).__name__] += 1
        return
    results.latencies.append(time.monotonic() - started)
    results.statuses[str(response.status_code)] += 1
    if response.status_code == 200 and not args.chat:
        results.cache_hits += bool(response.json().get("cache_hit"))


async def drive(url: str, args: argparse.Namespace, documents: list[tuple[str, str]]) -> Results:
    results = Results()
    headers = {"Authorization": f"Bearer {args.api_key}"} if args.api_key else {}
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, timeout=args.timeout, limits=limits
    ) as client:
        if not args.live:
            started = time.monotonic()
            warm = Results()
            for doc in documents:  # one at a time: a cold seed runs the model
                await one(client, args, doc, warm)
            print(f"warm-up: {len(documents)} seeds in {time.monotonic() - started:.1f}s, "
                  f"statuses {dict(warm.statuses)}")  # fmt: skip
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        for index in range(args.requests):
            queue.put_nowait(documents[index % len(documents)])

        async def worker() -> None:
            while not queue.empty():
                await one(client, args, queue.get_nowait(), results)

        started = time.monotonic()
        workers = [asyncio.ensure_future(worker()) for _ in range(args.concurrency)]
        _, pending = await asyncio.wait(workers, timeout=args.deadline)
        for task in pending:
            task.cancel()
        results.wall_s = time.monotonic() - started
        if pending:
            results.statuses["cancelled_at_deadline"] += args.requests - sum(
                results.statuses.values()
            )
        metrics = await client.get("/metrics")
    tokens = [line for line in metrics.text.splitlines() if "upstream_tokens_total{" in line]
    print("service metrics: " + "; ".join(tokens))
    return results


def report(args: argparse.Namespace, results: Results) -> None:
    done = len(results.latencies)
    print(f"mode: {'live model (--no-cache)' if args.live else 'cached seeds'}, "
          f"route: {'/v1/chat/completions' if args.chat else '/v1/extract'}")  # fmt: skip
    print(f"requests: {args.requests}, concurrency: {args.concurrency}, answered: {done}")
    if done:
        ms = sorted(x * 1000 for x in results.latencies)
        cuts = statistics.quantiles(ms, n=100, method="inclusive") if done > 1 else [ms[0]] * 99
        rate = done / results.wall_s
        per_minute = f" ({rate * 60:.2f}/min)" if rate < 1 else ""
        print(f"wall: {results.wall_s:.2f}s, throughput: {rate:.3g} req/s{per_minute}")
        print(f"latency ms: p50 {cuts[49]:.1f}, p95 {cuts[94]:.1f}, p99 {cuts[98]:.1f}, "
              f"max {ms[-1]:.1f}")  # fmt: skip
    errors = {k: v for k, v in results.statuses.items() if k != "200"}
    print(f"statuses: {dict(results.statuses)}; errors: {sum(errors.values())} {errors or ''}")
    if not args.chat:
        print(f"cache hits: {results.cache_hits}/{results.statuses['200']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8, help="Requests in flight.")
    parser.add_argument(
        "--live", action="store_true", help="No cache: every request runs the model."
    )
    parser.add_argument("--chat", action="store_true", help="Use /v1/chat/completions.")
    parser.add_argument("--url", help="A running service (default: start one on loopback).")
    parser.add_argument("--api-key", default=os.environ.get("CLAIMTRACE_SERVE_API_KEY"))
    parser.add_argument("--server-concurrency", type=int, default=2, help="serve --concurrency")
    parser.add_argument("--queue", type=int, default=16, help="serve --queue")
    parser.add_argument("--timeout", type=float, default=900, help="Per request, seconds.")
    parser.add_argument("--deadline", type=float, default=1800, help="Whole run, seconds.")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    if args.url and not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        parser.error("--url must be a loopback address")
    documents = [(p.stem, p.read_text(encoding="utf-8")) for p in SEEDS]
    process, url = (None, args.url.rstrip("/")) if args.url else start_service(args)
    try:
        results = asyncio.run(drive(url, args, documents))
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
    report(args, results)


if __name__ == "__main__":
    main()
