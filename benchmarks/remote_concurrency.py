"""How many calls to keep in flight to a remote endpoint that does not say its slots.

llama.cpp reports its slots in `/props`; hosted and batching servers (vLLM, an
API) do not. This runs the same 48 calls through claimtrace's `Caller` against a
fake OpenAI-compatible upstream that answers every call after a fixed latency
and serves any number at once, at 1 to 32 calls in flight, and prints wall time
and speed-up. The choice of `REMOTE_PARALLEL` in `llm/endpoint.py` rests on it.

    python benchmarks/remote_concurrency.py [--latency 1.0] [--calls 48]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import httpx
import instructor
from pydantic import BaseModel

from claimtrace.call import Caller, CallSettings
from claimtrace.llm.endpoint import REMOTE_PARALLEL, Endpoint

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.faults.upstream import completion  # the fault tests' fake answer

LEVELS = (1, 2, 4, 8, 16, 32)


class Ping(BaseModel):
    ok: bool


def _upstream(latency: float) -> httpx.AsyncClient:
    """A slow upstream: every chat completion answers `{"ok": true}` after `latency` s."""

    async def handle(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(latency)
        body = completion(json.dumps({"ok": True}))
        return httpx.Response(200, json=body)

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def _run(slots: int, calls: int, latency: float) -> float:
    endpoint = Endpoint(
        "http://upstream.invalid/v1", "key", "fake", "fake", instructor.Mode.JSON_SCHEMA
    )
    caller = Caller(endpoint, None, CallSettings(), _upstream(latency), slots)
    started = time.monotonic()
    await asyncio.gather(
        *(
            caller.call([{"role": "user", "content": f"call {i}"}], "bench", response_model=Ping)
            for i in range(calls)
        )
    )
    await caller.aclose()
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per call")
    parser.add_argument("--calls", type=int, default=48)
    args = parser.parse_args()
    print(f"{args.calls} calls, {args.latency:g} s each; default in flight: {REMOTE_PARALLEL}")
    print(f"{'in flight':>9} {'wall s':>7} {'speed-up':>8} {'vs half':>8}")
    walls: dict[int, float] = {}
    for slots in LEVELS:
        walls[slots] = asyncio.run(_run(slots, args.calls, args.latency))
        half = walls.get(slots // 2)
        gain = f"{half / walls[slots]:.2f}x" if half else ""
        print(f"{slots:>9} {walls[slots]:>7.2f} {walls[1] / walls[slots]:>7.2f}x {gain:>8}")


if __name__ == "__main__":
    main()
