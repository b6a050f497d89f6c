"""What routes share: the per-app service state, and cancelling work whose client left."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import TypeVar

from starlette.requests import Request

from .engine import Engine
from .metrics import Metrics

T = TypeVar("T")


@dataclass
class Service:
    """Everything one app instance owns (kept on `app.state.service`)."""

    engine: Engine
    metrics: Metrics
    started: float = field(default_factory=time.monotonic)
    created: int = field(default_factory=lambda: int(time.time()))


def service_of(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def engine_of(request: Request) -> Engine:
    return service_of(request).engine


class ClientGone(Exception):
    """The client disconnected before its answer was ready."""


async def run_unless_disconnected(request: Request, work: Awaitable[T]) -> T:
    """Await `work`, cancelling it if the client disconnects first.

    A client that gave up must not keep a model slot busy for a minute, nor
    leave its place in the queue taken.
    """
    task = asyncio.ensure_future(work)

    async def client_left() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    watcher = asyncio.ensure_future(client_left())
    try:
        await asyncio.wait({task, watcher}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        watcher.cancel()
        if not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=5.0)  # let it give its slot back first
    if task.cancelled() or not task.done():
        raise ClientGone("the client disconnected before the answer was ready")
    return task.result()
